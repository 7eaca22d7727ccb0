package workflow_test

import (
	"slices"
	"testing"
	"time"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplayEvents_refusesWhatTheLifecycleDoesNot checks that replay
// re-checks every event against the lifecycle: a history with a gap, a
// dropped or reordered event, a made-up state, a trigger the state does
// not permit, bad arguments or an impossible date fails at the first bad
// event with a *ReplayError naming the case and the event, never a value.
func TestReplayEvents_refusesWhatTheLifecycleDoesNot(t *testing.T) {
	forEachStore(t, testReplayEventsRefuses)
}

func testReplayEventsRefuses(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	declareStory(w)
	w.play(story)
	for _, id := range []string{"F1", "C1"} {
		evs := w.history(id)
		_, err := w.e.ReplayEvents(w.caseOf(id), evs)
		require.NoError(t, err, "the untouched history of %s replays", id)
	}
	f1, c1 := w.history("F1"), w.history("C1")
	require.Greater(t, len(f1), 6)
	tamper := func(evs []workflow.Event, change func([]workflow.Event) []workflow.Event) []workflow.Event {
		cp := slices.Clone(evs)
		return change(cp)
	}
	for _, tc := range []struct {
		name string
		id   string
		evs  []workflow.Event
		seq  int64
	}{
		{"no declaration", "F1", f1[1:], 1},
		{"a dropped event", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event { return slices.Delete(e, 3, 4) }), 5},
		{"two events swapped", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[2], e[3] = e[3], e[2]
			return e
		}), 4},
		{"a made-up destination", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[2].To = "assistant_work.nowhere"
			return e
		}), 3},
		{"another source state", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[2].From = workflow.Monitoring
			return e
		}), 3},
		{"a trigger not permitted there", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[2].Trigger = workflow.TriggerEndMonitoring
			return e
		}), 3},
		{"an unknown trigger", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[2].Trigger = "teleport"
			return e
		}), 3},
		{"bad arguments", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[1].Args = workflow.Args{"urgent": "Jan Kowalski"}
			return e
		}), 2},
		{"31 February", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[2].On = rules.Date{Year: 2022, Month: time.February, Day: 31}
			return e
		}), 3},
		{"an event of another case", "F1", tamper(f1, func(e []workflow.Event) []workflow.Event {
			e[2].Case = "F2"
			return e
		}), 3},
		{"a placement into a form the arguments do not name", "C1", tamper(c1, func(e []workflow.Event) []workflow.Event {
			e[1].To = workflow.PlacedInstitution
			return e
		}), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.e.ReplayEvents(w.caseOf(tc.id), tc.evs)
			var re *workflow.ReplayError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.id, re.Case)
			assert.Equal(t, tc.seq, re.Seq)
			for _, lang := range []rules.Lang{rules.Polish, rules.English} {
				msg := workflow.Localize(err, lang)
				assert.NotContains(t, msg, "Kowalski")
				assert.NotContains(t, msg, "2020-02-29", "a date of birth")
			}
		})
	}
}

// TestReplaySteps: the case after each event, as ReplayEvents gives it
// for the history up to that event.
func TestReplaySteps(t *testing.T) {
	w := newWorld(t, storeKind{})
	declareStory(w)
	w.play(story)
	for _, id := range []string{"F1", "C1"} {
		evs := w.history(id)
		steps, err := w.e.ReplaySteps(w.caseOf(id), evs)
		require.NoError(t, err)
		require.Len(t, steps, len(evs))
		for k := range evs {
			want, err := w.e.ReplayEvents(w.caseOf(id), evs[:k+1])
			require.NoError(t, err)
			assert.Equal(t, want, steps[k], "%s after event %d", id, k+1)
		}
		assert.Equal(t, w.caseOf(id), steps[len(steps)-1])
	}
}

// TestReplayEvents_dueOutOfRange: an event whose due date would fall
// outside the years a case can record is a *ReplayError too.
func TestReplayEvents_dueOutOfRange(t *testing.T) {
	w := newWorld(t, storeKind{})
	declareStory(w)
	w.play(story)
	evs := slices.Clone(w.history("F1"))
	for i := range evs {
		if evs[i].Trigger == workflow.TriggerAssess {
			evs[i].On = rules.Date{Year: 9999, Month: time.December, Day: 1}
			break
		}
	}
	_, err := w.e.ReplayEvents(w.caseOf("F1"), evs)
	var re *workflow.ReplayError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "F1", re.Case)
	assert.Contains(t, err.Error(), "cannot be applied")
}
