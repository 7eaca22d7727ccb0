package workflow_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

func storeFamily(st workflow.State, assistant string, difficulty float64) *workflow.Case {
	return &workflow.Case{ID: "F1", Lifecycle: rules.LifecycleFamily, State: st, Version: 3,
		Family: &workflow.FamilyFacts{Assistant: assistant, SocialWorker: "S1", Difficulty: difficulty}}
}

// TestRaisedKeys: a write raises the versioned keys a case enters or
// leaves, and all of its versioned keys when what a decision reads of it
// (its Entry) changes; never a key that serves lookups only.
func TestRaisedKeys(t *testing.T) {
	impl, plan := workflow.AssistantImplementing, workflow.AssistantPlanning
	assessed := storeFamily(impl, "A1", 1)
	assessed.Family.LastAssessment = "positive"
	assessed.Obligations = []workflow.Obligation{{ID: workflow.OblFamilyAssessment, Due: rules.MustParseDate("2017-01-01")}}
	tests := []struct {
		name          string
		before, after *workflow.Case
		want          []string
	}{
		{"a new case", nil, storeFamily(plan, "A1", 1), []string{"assistant:A1"}},
		{"an assessment: nothing a decision reads", storeFamily(impl, "A1", 1), assessed, nil},
		{"the difficulty, which the load weighs", storeFamily(impl, "A1", 1), storeFamily(impl, "A1", 2), []string{"assistant:A1"}},
		{"a state within assistant work", storeFamily(plan, "A1", 1), storeFamily(impl, "A1", 1), []string{"assistant:A1"}},
		{"another assistant", storeFamily(impl, "A1", 1), storeFamily(impl, "A2", 1), []string{"assistant:A1", "assistant:A2"}},
		{"leaving assistant work", storeFamily(impl, "A1", 1), storeFamily(workflow.Closed, "A1", 1), []string{"assistant:A1"}},
		{"a case filed under no versioned key", storeFamily(workflow.Referred, "", 1), storeFamily(workflow.Analysis, "", 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, workflow.RaisedKeys(tt.before, tt.after))
		})
	}
}

// TestBatchValidate: what no store accepts is refused with the case named.
func TestBatchValidate(t *testing.T) {
	c := storeFamily(workflow.AssistantImplementing, "A1", 1)
	before := c.Clone()
	other := c.Clone()
	other.ID = "F2"
	ev := workflow.Event{Case: "F1", Lifecycle: rules.LifecycleFamily}
	tests := []struct {
		name  string
		batch workflow.Batch
		want  string // "" for a batch accepted
	}{
		{"a new case", workflow.Batch{Writes: []workflow.Write{{Case: c, Events: []workflow.Event{ev}}}}, ""},
		{"an existing case with its Before", workflow.Batch{Writes: []workflow.Write{{Case: c, Expected: 3, Before: before}}}, ""},
		{"an existing case without Before", workflow.Batch{Writes: []workflow.Write{{Case: c, Expected: 3}}},
			"workflow: case F1: a write of an existing case needs Before, the case as read at version 3"},
		{"a Before at another version", workflow.Batch{Writes: []workflow.Write{{Case: c, Expected: 2, Before: before}}},
			"workflow: case F1: the write's Before is not the case at version 2"},
		{"a Before of another case", workflow.Batch{Writes: []workflow.Write{{Case: c, Expected: 3, Before: other}}},
			"workflow: case F1: the write's Before is not the case at version 3"},
		{"a new case with a Before", workflow.Batch{Writes: []workflow.Write{{Case: c, Before: before}}},
			"workflow: case F1: a write of a new case (Expected 0) has a Before"},
		{"a case twice", workflow.Batch{Writes: []workflow.Write{{Case: c}, {Case: c}}}, "workflow: case F1 is written twice in one batch"},
		{"an event of another case", workflow.Batch{Writes: []workflow.Write{{Case: other, Events: []workflow.Event{ev}}}},
			"workflow: case F2: the write carries an event of family F1"},
		{"a guard on a lookup key", workflow.Batch{Guards: []workflow.KeyVersion{{Key: "social_worker:S1"}}},
			`workflow: index key "social_worker:S1" is not versioned and cannot guard a commit (only assistant:, coordinator:, carer: and foster_family: keys can)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.batch.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.want)
		})
	}
}

// TestWeightWhateverTheOrder: an assistant's weight is the same whether
// the engine sums the cases (FamilyLoad, in order of ID) or a load is
// counted from a store's tallies (TallyLoad, by state), whose sums a
// database adds in its own order: a cap rule on worker.weight decides
// alike in an assignment and in a recommendation.
func TestWeightWhateverTheOrder(t *testing.T) {
	impl, plan := workflow.AssistantImplementing, workflow.AssistantPlanning
	var cases []*workflow.Case
	for i, f := range []struct {
		st workflow.State
		d  float64
	}{{plan, 0.1}, {impl, 0.1}, {plan, 0.4}, {impl, 1.2}, {plan, 1.3}, {impl, 0.7}} {
		c := storeFamily(f.st, "A1", f.d)
		c.ID = fmt.Sprint("F", i+1)
		cases = append(cases, c)
	}
	for n := 1; n <= len(cases); n++ {
		var entries []workflow.Entry
		for _, c := range cases[:n] {
			entries = append(entries, workflow.EntryOf(c))
		}
		_, engine := workflow.FamilyLoad(cases[:n], true)
		_, tallied, _ := workflow.TallyLoad(workflow.FamilyAssistant, workflow.TallyOf(entries), true)
		reversed := workflow.TallyOf(entries)
		slices.Reverse(reversed) // a database's order
		var byHand float64
		for _, t := range reversed {
			byHand += t.Difficulty
		}
		assert.Equal(t, engine, tallied, "%d families", n)
		assert.Equal(t, engine, workflow.RoundWeight(byHand), "%d families", n)
	}
	_, w := workflow.FamilyLoad(cases[:3], true)
	assert.Equal(t, 0.6, w, "0.1 + 0.1 + 0.4")
}
