package workflow_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// act is one dated firing of a story.
type act struct {
	on, id, trigger string
	who             workflow.Actor
	args            workflow.Args
}

var asst3 = workflow.Actor{ID: "A3", Role: workflow.FamilyAssistant}

// story is three and a half years of two families, two children, two foster
// families and an institution: every lifecycle, moves, a reunification that
// failed and one that succeeded, a court order, a reopened case and an
// adoption. splitAt is the index of the first act after the middle.
var story = []act{
	{"2022-01-10", "F1", "refer", sw, workflow.Args{"urgent": true}},
	{"2022-01-12", "F1", "complete_interview", sw, nil},
	{"2022-01-20", "F1", "request_assistant", sw, nil},
	{"2022-01-21", "F1", "give_consent", sw, nil},
	{"2022-01-31", "F1", "assign_assistant", head, workflow.Args{"assistant": "A1"}},
	{"2022-02-28", "F1", "approve_plan", asst, workflow.Args{"plan_ref": "PP/1/2022"}},
	{"2022-03-15", "F2", "apply_za_zyciem", sw, workflow.Args{"kind": "pregnancy"}},
	{"2022-03-16", "F2", "assign_assistant", head, workflow.Args{"assistant": "A2"}},
	{"2022-04-29", "C1", "place", org, workflow.Args{"form": workflow.FormProfessional, "carer": rProf, "court_ref": courtRef}},
	{"2022-05-10", rProf, "assign_coordinator", org, workflow.Args{"coordinator": "K1"}},
	{"2022-06-01", "C2", "place", org, workflow.Args{"form": workflow.FormInstitution, "carer": inst, "court_ref": courtRef}},
	{"2022-07-29", "C1", "review", org, nil},
	{"2022-07-29", "F1", "assess", asst, workflow.Args{"result": "positive"}},
	{"2022-09-01", "F1", "court_obligation", head, workflow.Args{"court_ref": courtRef2, "report_every_months": 4}},
	{"2022-10-03", "C1", "report_to_court", org, nil},
	{"2022-11-30", "C2", "review", director, workflow.Args{"help_plan_ref": "PPD/2"}},
	{"2023-01-02", "F1", "report_to_court", asst, nil},
	{"2023-01-31", "C1", "move", org, workflow.Args{"form": workflow.FormEmergency, "carer": rEmerg}},
	{"2023-02-01", "F1", "withdraw_consent", sw, nil},
	{"2023-03-15", "C1", "extend_stay", org, nil},
	{"2023-04-20", rProf, "assess", coord, workflow.Args{"result": "positive"}},
	{"2023-05-31", "C2", "settle_legal_status", org, nil},
	{"2023-06-30", "C1", "move", org, workflow.Args{"form": workflow.FormProfessional, "carer": rProf}},
	{"2023-06-30", "F1", "end_work", asst, workflow.Args{"reason": "goals_achieved"}},
	// splitAt
	{"2023-08-01", "C1", "propose_return", org, nil},
	{"2023-09-01", "C1", "return_refused", org, nil},
	{"2023-09-01", "F1", "reopen", sw, nil},
	{"2023-09-05", "F1", "give_consent", sw, nil},
	{"2023-09-10", "F1", "assign_assistant", head, workflow.Args{"assistant": "A3"}},
	{"2023-12-01", "C1", "propose_return", org, nil},
	{"2024-01-15", "C1", "return_home", org, workflow.Args{"court_ref": "III Nsm 300/23"}},
	{"2024-02-01", "F2", "end_work", asst2, workflow.Args{"reason": "other"}},
	{"2024-03-01", "F1", "assess", asst3, workflow.Args{"result": "negative"}},
	{"2024-04-20", rProf, "assess", coord, workflow.Args{"result": "negative"}},
	{"2024-05-31", "C1", "place", org, workflow.Args{"form": workflow.FormKinship, "carer": rKinship, "court_ref": "III Nsm 50/24"}},
	// checkAt
	{"2024-06-03", rProf, "suspend", org, nil},
	{"2024-07-01", "C1", "settle_legal_status", org, nil},
	{"2024-07-01", rProf, "resume", org, nil},
	{"2024-08-01", "C1", "refer_for_adoption", coord, nil},
	{"2024-09-02", "F1", "reassign_assistant", head, workflow.Args{"assistant": "A1"}},
	{"2024-10-15", rProf, "assess", org, workflow.Args{"result": "positive"}},
	{"2024-12-31", "C1", "adopt", org, workflow.Args{"court_ref": "III Nsm 400/24"}},
	{"2025-01-02", "C2", "leave_care", org, nil},
	{"2025-03-31", "F1", "end_work", asst, workflow.Args{"reason": "moved_away"}},
	{"2025-06-30", rKinship, "dissolve", org, nil},
}

const (
	splitAt = 24 // the first act after the middle
	checkAt = 35 // the first act after C1's second placement
)

// declareStory declares the story's families and children (the carers are
// the world's).
func declareStory(w *world) {
	w.declareFamily("F1")
	w.declareFamily("F2")
	w.declareChild("C1", "F1", "2020-02-29")
	w.declareChild("C2", "F1", "2008-05-05")
}

func (w *world) play(acts []act) {
	w.t.Helper()
	for _, a := range acts {
		w.must(a.id, a.trigger, a.who, a.on, a.args)
	}
}

// assertReplays replays every case of the store on e and compares it with
// the stored case; t is the running test.
func (w *world) assertReplays(t testing.TB, e *workflow.Engine) {
	t.Helper()
	n := 0
	require.NoError(t, w.scan(func(c *workflow.Case) error {
		got, err := e.Replay(w.ctx, c.ID)
		require.NoError(t, err, c.ID)
		w.assertSameCase(t, c, got, "replay of %s", c.ID)
		n++
		return nil
	}))
	require.NotZero(t, n)
}

func TestEngine_Replay(t *testing.T) { forEachStore(t, testEngine_Replay) }

func testEngine_Replay(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	declareStory(w)
	w.play(story)
	require.GreaterOrEqual(t, len(story), 30)

	lifecycles := map[rules.Lifecycle]int{}
	for _, id := range []string{"F1", "F2", "C1", "C2", rProf, rKinship, rEmerg} {
		for _, ev := range w.history(id) {
			lifecycles[ev.Lifecycle]++
		}
	}
	assert.Len(t, lifecycles, 3, "the story crosses all three lifecycles")
	w.assertReplays(t, w.e)

	final := map[string]workflow.State{"F1": workflow.Closed, "F2": workflow.Closed, "C1": workflow.Adopted,
		"C2": workflow.LeftCare, rProf: workflow.Active, rKinship: workflow.Dissolved, rEmerg: workflow.Active}
	for id, want := range final {
		assert.Equal(t, want, w.caseOf(id).State, id)
	}
	assert.Equal(t, []string{"A1", "A3"}, w.caseOf("F1").Family.FormerAssistants)
	w.assertDue(rProf, workflow.OblFosterFamilyAssessment, "2027-10-15")

	t.Run("every_prefix", func(t *testing.T) {
		// Replaying each history event by event gives each intermediate
		// snapshot the story passed through.
		w := newWorld(t, st)
		declareStory(w)
		for _, a := range story {
			out := w.must(a.id, a.trigger, a.who, a.on, a.args)
			got, err := w.e.Replay(w.ctx, a.id)
			require.NoError(t, err)
			require.True(t, w.assertSameCase(t, out.Case, got, "%s %s on %s", a.id, a.trigger, a.on))
			for _, l := range out.Linked {
				got, err := w.e.Replay(w.ctx, l.ID)
				require.NoError(t, err)
				require.True(t, w.assertSameCase(t, l, got))
			}
		}
	})

	t.Run("events_from_another_history", func(t *testing.T) {
		cur := w.caseOf("C1")
		evs := w.history("C1")
		_, err := w.e.ReplayEvents(cur, nil)
		require.Error(t, err, "a history must start with the declaration")
		_, err = w.e.ReplayEvents(cur, evs[1:])
		require.Error(t, err)
		got, err := w.e.ReplayEvents(cur, evs[:3])
		require.NoError(t, err)
		assert.Equal(t, int64(3), got.Version)
		assert.Equal(t, workflow.PlacedProfessional, got.State)
	})

	t.Run("unknown_revision", func(t *testing.T) {
		cur := w.caseOf("F1")
		evs := w.history("F1")
		evs[2].Revision = "0000000000000000"
		_, err := w.e.ReplayEvents(cur, evs)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "unknown")
	})
}

// Two revisions of a municipal file: the second shortens the periods the
// first left at the statute's values.
const (
	gminaV1 = "name: Gmina Testowa\nparameters:\n  family.post_closure_monitoring: 6\n"
	gminaV2 = `name: Gmina Testowa
parameters:
  family.post_closure_monitoring: 3
  court_report.interval: 3
  legal_status.motion_after: 12
  assistant.family_assessment_interval: 3
`
)

func parseRules(t *testing.T, text string) *rules.RuleSet {
	t.Helper()
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(text))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	return rs
}

func TestEngine_Replay_liveRules(t *testing.T) { forEachStore(t, testEngine_Replay_liveRules) }

func testEngine_Replay_liveRules(t *testing.T, st storeKind) {
	path := filepath.Join(t.TempDir(), "gmina.yaml")
	require.NoError(t, os.WriteFile(path, []byte(gminaV1), 0o600))
	live, err := rules.OpenLive(path)
	require.NoError(t, err)
	v1 := live.RuleSet()
	w := newWorld(t, st, workflow.WithLiveRules(live))
	declareStory(w)
	w.play(story[:splitAt])
	w.assertDue("F1", workflow.OblMonitoringEnd, "2023-12-30") // 6 months under v1
	snap := w.snapshot()

	require.NoError(t, os.WriteFile(path, []byte(gminaV2), 0o600))
	changed, err := live.Reload()
	require.NoError(t, err)
	require.True(t, changed)
	v2 := live.RuleSet()
	require.NotEqual(t, v1.Revision(), v2.Revision())
	require.Equal(t, v2.Revision(), w.e.RuleSet().Revision())

	// The history made under v1 replays to the same states and due dates.
	w.assertReplays(t, w.e)
	for id, s := range snap {
		assert.Equal(t, s.c, w.caseOf(id))
	}
	w.assertDue("F1", workflow.OblMonitoringEnd, "2023-12-30")

	// New acts are decided under v2, and the history replays across the
	// change of revision.
	w.play(story[splitAt:checkAt])
	w.assertDue("C1", workflow.OblCourtReport, "2024-08-31")       // 3 months under v2
	w.assertDue("C1", workflow.OblLegalStatusMotion, "2025-05-31") // 12 months under v2
	w.assertDue("F1", workflow.OblFamilyAssessment, "2024-06-01")  // 3 months under v2
	w.assertReplays(t, w.e)
	w.play(story[checkAt:])
	w.assertReplays(t, w.e)

	revs := map[string]int{}
	for _, ev := range w.history("F1") {
		revs[ev.Revision]++
	}
	assert.Len(t, revs, 2, "F1's history spans both revisions")

	t.Run("second_engine_with_old_revisions", func(t *testing.T) {
		e2, err := workflow.New(workflow.WithStore(w.store), workflow.WithDirectory(w.dir), workflow.WithRules(v2),
			workflow.WithRevisions(v1))
		require.NoError(t, err)
		w.assertReplays(t, e2)
	})
	t.Run("second_engine_without_them", func(t *testing.T) {
		e3, err := workflow.New(workflow.WithStore(w.store), workflow.WithDirectory(w.dir), workflow.WithRules(v2))
		require.NoError(t, err)
		_, err = e3.Replay(w.ctx, "F1")
		require.Error(t, err, "a revision the engine does not know")
		assert.Contains(t, err.Error(), "WithRevisions")
		// A case made entirely under v2 still replays.
		got, err := e3.Replay(w.ctx, rKinship)
		require.NoError(t, err)
		w.assertSameCase(t, w.caseOf(rKinship), got)
	})
}

func TestEngine_Replay_secondEngine(t *testing.T) { forEachStore(t, testEngine_Replay_secondEngine) }

func testEngine_Replay_secondEngine(t *testing.T, st storeKind) {
	old, cur := parseRules(t, gminaV1), parseRules(t, gminaV2)
	w := newWorld(t, st, workflow.WithRules(old))
	declareStory(w)
	w.play(story)

	e2, err := workflow.New(workflow.WithStore(w.store), workflow.WithDirectory(w.dir), workflow.WithRules(cur),
		workflow.WithRevisions(old))
	require.NoError(t, err)
	w.assertReplays(t, e2)

	e3, err := workflow.New(workflow.WithStore(w.store), workflow.WithDirectory(w.dir), workflow.WithRules(cur))
	require.NoError(t, err)
	for _, id := range []string{"F1", "C1", rProf} {
		_, err := e3.Replay(w.ctx, id)
		require.Error(t, err, id)
	}
	_, err = e3.Replay(w.ctx, "nope")
	require.ErrorIs(t, err, workflow.ErrNotFound)
}

// TestEngine_Fire_localGuardOnUnguardedTrigger: the statute guards no
// family assess, so the engine builds no environment for it; a local
// guard on assess reads the family's placed children and is honoured.
func TestEngine_Fire_localGuardOnUnguardedTrigger(t *testing.T) {
	forEachStore(t, testEngine_Fire_localGuardOnUnguardedTrigger)
}

func testEngine_Fire_localGuardOnUnguardedTrigger(t *testing.T, st storeKind) {
	rs := parseRules(t, `name: Gmina Testowa
rules:
  - id: local.assess_after_placement
    on: family.assess
    expr: family.placed_children == 0 || args.result != "positive"
    message:
      pl: "Rodzina ma dziecko w pieczy: ocena nie może być pozytywna bez zespołu."
      en: "The family has a child in care: no positive assessment without the team."
`)
	assert.True(t, rs.Guarded(rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assess"}))
	w := newWorld(t, st, workflow.WithRules(rs))
	w.familyIn("F1", "implementing/consent")
	w.must("F1", "assess", asst, "2024-09-01", workflow.Args{"result": "positive"})
	w.childIn("C1", "placed."+workflow.FormProfessional)
	err := w.refuse("F1", "assess", asst, "2024-10-01", workflow.Args{"result": "positive"})
	var de *workflow.DeniedError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "local.assess_after_placement", de.Decision.Unmet()[0].Rule)
	w.must("F1", "assess", asst, "2024-10-01", workflow.Args{"result": "negative"})
}

// TestEngine_Check_version: Check, like Fire, refuses a command based on
// another version of the case with a *ConflictError, and checks one based
// on the current version.
func TestEngine_Check_version(t *testing.T) { forEachStore(t, testEngine_Check_version) }

func testEngine_Check_version(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	w.familyIn("F1", "implementing/consent")
	c := w.caseOf("F1")
	cmd := workflow.Command{Trigger: "assess", Actor: asst, On: rules.MustParseDate("2024-09-01"),
		Args: workflow.Args{"result": "positive"}, Version: c.Version}
	_, err := w.e.Check(w.ctx, "F1", cmd)
	require.NoError(t, err)
	cmd.Version = c.Version - 1
	_, err = w.e.Check(w.ctx, "F1", cmd)
	var ce *workflow.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, c.Version, ce.Got)
	assert.ErrorIs(t, err, workflow.ErrConflict)
}

// TestEngine_Fire_earlierVersionsUnchanged: an outcome's case is the
// caller's own: no later transition changes it, whatever it changes
// (facts, obligations, the list of former assistants).
func TestEngine_Fire_earlierVersionsUnchanged(t *testing.T) {
	forEachStore(t, testEngine_Fire_earlierVersionsUnchanged)
}

func testEngine_Fire_earlierVersionsUnchanged(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	w.familyIn("F1", "implementing/consent")
	w.childIn("C1", "in_family")
	type version struct {
		c    *workflow.Case
		json string
	}
	var seen []version
	keep := func(out *workflow.Outcome) {
		b, err := json.Marshal(out.Case)
		require.NoError(t, err)
		seen = append(seen, version{out.Case, string(b)})
	}
	on := d("2024-05-01")
	at := func() string { on = on.AddDays(7); return on.String() }
	assistants := []workflow.Actor{asst2, {ID: "A3", Role: workflow.FamilyAssistant}, asst}
	current := asst
	for i := range 20 { // past the capacity a copied list of former assistants may have
		next := assistants[i%3]
		keep(w.must("F1", "reassign_assistant", head, at(), workflow.Args{"assistant": next.ID}))
		current = next
		keep(w.must("F1", "assess", current, at(), workflow.Args{"result": []string{"positive", "negative"}[i%2]}))
		keep(w.must("F1", "assess", current, at(), workflow.Args{"result": "negative"}))
	}
	keep(w.must("F1", "court_obligation", head, at(), workflow.Args{"court_ref": courtRef, "report_every_months": 3}))
	keep(w.must("F1", "report_to_court", current, at(), nil))
	keep(w.must("C1", "place", org, at(), placeArgs(workflow.FormProfessional)))
	keep(w.must("C1", "review", org, at(), nil))
	keep(w.must("C1", "move", org, at(), workflow.Args{"form": workflow.FormProfessional, "carer": rProf2}))
	keep(w.must("C1", "review", org, at(), nil))
	keep(w.must("F1", "end_work", current, at(), workflow.Args{"reason": "goals_achieved"}))
	for i, v := range seen {
		b, err := json.Marshal(v.c)
		require.NoError(t, err)
		assert.JSONEq(t, v.json, string(b), "version %d of %s changed afterwards", v.c.Version, v.c.ID)
		_ = i
	}
}

// TestEngine_datesACaseCanRecord: a command's date, a child's date of
// birth and every due date a transition computes must be days a store can
// write and read back (years 1000–9999); anything else is refused as an
// argument error, and nothing changes.
func TestEngine_datesACaseCanRecord(t *testing.T) { forEachStore(t, testEngine_datesACaseCanRecord) }

func testEngine_datesACaseCanRecord(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	w.familyIn("F1", "implementing/consent")
	before := w.snapshot()
	var ae *workflow.ArgumentError
	for _, on := range []rules.Date{{Year: 10000, Month: 1, Day: 1}, {Year: 2024, Month: 2, Day: 30}, {}} {
		_, err := w.e.Fire(w.ctx, "F1", workflow.Command{Trigger: "assess", Actor: asst, On: on, Args: workflow.Args{"result": "positive"}})
		require.ErrorAs(t, err, &ae, "%#v", on)
		assert.Equal(t, "on", ae.Arg)
	}
	// 9999-10-01 is a real day, but the assessment it renews would fall due in 10000.
	_, err := w.fire("F1", "assess", asst, "9999-10-01", workflow.Args{"result": "positive"})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "on", ae.Arg)
	assert.Contains(t, ae.Error(), "family_assessment")
	assert.Equal(t, before, w.snapshot(), "a refused command changed something")

	err = w.e.DeclareChild(w.ctx, "C9", workflow.ChildInfo{Family: "F1", Born: rules.Date{Year: 212, Month: 5, Day: 10}})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "born", ae.Arg)
	assert.NotContains(t, ae.Error(), "212", "the date of birth is personal")
	_, err = w.e.Case(w.ctx, "C9")
	assert.ErrorIs(t, err, workflow.ErrNotFound)
}

// TestEngine_argumentErrorsNameNoValue: a value typed into the wrong
// argument may be anything, a name included: the error names the argument
// and what it wants, never the value.
func TestEngine_argumentErrorsNameNoValue(t *testing.T) {
	forEachStore(t, testEngine_argumentErrorsNameNoValue)
}

func testEngine_argumentErrorsNameNoValue(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	w.familyIn("F1", "implementing/consent")
	w.declareFamily("F2")
	for _, tc := range []struct {
		id, trigger string
		who         workflow.Actor
		args        workflow.Args
	}{
		{"F2", "refer", sw, workflow.Args{"urgent": "Jan Kowalski"}},
		{"F1", "assess", asst, workflow.Args{"result": "Jan Kowalski"}},
		{"F1", "court_obligation", head, workflow.Args{"court_ref": courtRef, "report_every_months": "Jan Kowalski"}},
		{"F1", "court_obligation", head, workflow.Args{"court_ref": 19.5}},
	} {
		_, err := w.fire(tc.id, tc.trigger, tc.who, "2024-09-01", tc.args)
		var ae *workflow.ArgumentError
		require.ErrorAs(t, err, &ae, "%s %v", tc.trigger, tc.args)
		for _, lang := range []rules.Lang{rules.Polish, rules.English} {
			msg := workflow.Localize(err, lang)
			assert.NotContains(t, msg, "Kowalski", "%s: %s", tc.trigger, msg)
			assert.NotContains(t, msg, "19.5", "%s: %s", tc.trigger, msg)
		}
	}
}

// TestEngine_plainText: IDs, codes and references are one line of valid
// UTF-8: a control character or invalid UTF-8 in an ID, an argument or a
// directory entry is refused, so that no store is handed what it cannot
// keep (PostgreSQL refuses a NUL).
func TestEngine_plainText(t *testing.T) { forEachStore(t, testEngine_plainText) }

func testEngine_plainText(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	var ae *workflow.ArgumentError
	for _, bad := range []string{"F\x00", "F\x1b[31m", "F\xff", "F\u0085"} {
		require.ErrorAs(t, w.e.DeclareFamily(w.ctx, bad, workflow.FamilyInfo{}), &ae, "%q", bad)
		assert.Equal(t, "id", ae.Arg)
		assert.NotContains(t, ae.Error(), bad)
	}
	require.ErrorAs(t, w.e.DeclareFamily(w.ctx, "F8", workflow.FamilyInfo{Area: "R\x00"}), &ae)
	assert.Equal(t, "area", ae.Arg)
	require.ErrorAs(t, w.e.DeclareFamily(w.ctx, "F8", workflow.FamilyInfo{Difficulty: math.NaN()}), &ae)
	assert.Equal(t, "difficulty", ae.Arg)
	require.ErrorAs(t, w.e.DeclareChild(w.ctx, "C8", workflow.ChildInfo{Family: "F\x00", Born: d("2015-01-01")}), &ae)
	assert.Equal(t, "family", ae.Arg)

	w.familyIn("F1", "implementing/consent")
	_, err := w.fire("F1", "court_obligation", head, "2024-09-01", workflow.Args{"court_ref": "III Nsm\x00 1/24"})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "court_ref", ae.Arg)
	w.must("F1", "court_obligation", head, "2024-09-01", workflow.Args{"court_ref": "III Nsm 1/24"})
	require.NoError(t, w.e.DeclareFamily(w.ctx, "Rodzina-żółć", workflow.FamilyInfo{Area: "Śródmieście — ąę"}), "UTF-8 is welcome")

	dir := workflow.NewMemoryDirectory()
	assert.Error(t, dir.AddWorker(workflow.Worker{ID: "A\x00", Role: workflow.FamilyAssistant}))
	assert.Error(t, dir.AddWorker(workflow.Worker{ID: "A1", Role: workflow.FamilyAssistant, Area: "\xff"}))
	assert.Error(t, dir.AddInstitution(workflow.Institution{ID: "D\x00"}))
	assert.True(t, workflow.PlainText("ŻŁOBEK-1 ąę"))
	assert.False(t, workflow.PlainText("tab\there"))
}
