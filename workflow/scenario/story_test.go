package scenario_test

import (
	"math"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// here returns the line it is called from.
func here() int {
	_, _, line, _ := runtime.Caller(1)
	return line
}

// thisFile is the path of this source file, as failures name it.
func thisFile(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return file
}

// consentStory is a family on consent, up to the assignment.
func consentStory(name string) *scenario.Story {
	st := scenario.NewStory(name).
		Worker("SW1", workflow.SocialWorker).Worker("H1", workflow.OPSHead).Worker("A1", workflow.FamilyAssistant).
		Family("F01", 0)
	st.At("2016-03-01").Do("F01", "refer").By("SW1").State("F01", "referred").Due("F01", "interview", "2016-03-21")
	st.At("2016-03-10").Do("F01", "complete_interview").By("SW1").NotDue("F01", "interview")
	st.At("2016-03-11").Do("F01", "request_assistant").By("SW1")
	return st
}

// TestStory_passes plays a story whose expectations all hold.
func TestStory_passes(t *testing.T) {
	st := consentStory("consent in Go")
	st.At("2016-03-14").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").Denied("assistant.basis_required")
	st.At("2016-03-14").Do("F01", "give_consent").By("H1").Forbidden()
	st.At("2016-03-14").Do("F01", "refer").By("SW1").Invalid()
	st.At("2016-03-14").Do("F01", "assign_assistant").By("H1").With("assistant", "SW1").ArgumentError()
	st.At("2016-03-15").Do("F01", "give_consent").By("SW1")
	st.At("2016-03-16").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").
		State("F01", "assistant_work").Due("F01", "family_assessment", "2016-09-16").Load("A1", 1)
	st.At("2016-09-19").Overdue("F01", "family_assessment")
	st.Test(t)
}

// TestStory_failuresAtGoLines reports each failure at the Go line of the
// step, or of the expectation or check that failed.
func TestStory_failuresAtGoLines(t *testing.T) {
	st := consentStory("failures in Go")
	denied := here() + 1
	st.At("2016-03-14").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").Denied("assistant.max_families")
	ok := here() + 1
	st.At("2016-03-14").Do("F01", "assign_assistant").By("H1").With("assistant", "A1")
	st.At("2016-03-15").Do("F01", "give_consent").By("SW1")
	forbidden := here() + 1
	st.At("2016-03-16").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").Forbidden()
	state := here() + 2
	st.At("2016-03-17").
		State("F01", "closed").
		Load("A1", 2)
	s, rs, err := st.Scenario()
	require.NoError(t, err)
	rep, err := s.Run(t.Context(), rs)
	require.NoError(t, err)
	file := thisFile(t)
	require.Len(t, rep.Failures, 5, "%v", localized(rep, rules.English))
	want := []int{denied, ok, forbidden, state, state + 1}
	for i, f := range rep.Failures {
		assert.Equal(t, file, f.Pos.File, "failure %d", i)
		assert.Equal(t, want[i], f.Pos.Line, "failure %d: %s", i, f.Localize(rules.English))
	}
	assert.Equal(t, file+":"+strconv.Itoa(state)+": expected F01 in state closed, got state assistant_work.planning",
		rep.Failures[3].Localize(rules.English))
	assert.Equal(t, file+":"+strconv.Itoa(state+1)+": oczekiwano obciążenia A1 równego 2, jest 1",
		rep.Failures[4].Localize(rules.Polish))
	assert.Empty(t, s.File, "a story has no scenario file")
	assert.Equal(t, "failures in Go", rep.Name)
}

// TestStory_badDate reports a bad date at the Go line that wrote it.
func TestStory_badDate(t *testing.T) {
	st := consentStory("a bad date")
	at := here() + 1
	st.At("2016-02-30").Do("F01", "give_consent").By("SW1")
	due := here() + 1
	st.At("2016-03-20").Due("F01", "interview", "20.03.2016")
	child := here() + 1
	st.Child("C1", "F01", "2015-13-01")
	s, rs, err := st.Scenario()
	assert.Nil(t, s)
	assert.Nil(t, rs)
	errs := rules.AsErrors(err)
	require.Len(t, errs, 3, "%v", err)
	file := thisFile(t)
	for i, line := range []int{at, due, child} {
		assert.Equal(t, rules.CodeBadDate, errs[i].Code)
		assert.Equal(t, file, errs[i].File)
		assert.Equal(t, line, errs[i].Line, "%v", errs[i])
	}
	assert.Contains(t, errs[0].Localize(rules.English), `bad date "2016-02-30"`)
	assert.Contains(t, errs[0].Localize(rules.Polish), `błędna data "2016-02-30"`)
}

// TestStory_unknownIDs reports undeclared cases, workers and families at
// the Go lines that use them, and a step out of date order.
func TestStory_unknownIDs(t *testing.T) {
	st := scenario.NewStory("unknown IDs").Worker("SW1", workflow.SocialWorker).Family("F01", 1)
	child := here() + 1
	st.Child("C1", "F09", "2015-01-01")
	dup := here() + 1
	st.Family("F01", 2)
	step := here() + 1
	st.At("2016-03-01").Do("F02", "refer").By("SW9")
	load := here() + 1
	st.At("2016-03-02").Load("A1", 0).State("F01", "nowhere")
	order := here() + 1
	st.At("2016-02-01").Do("F01", "refer").By("SW1").Denied("assistant.no_such_rule")
	_, _, err := st.Scenario()
	errs := rules.AsErrors(err)
	got := map[int][]rules.Code{}
	for _, e := range errs {
		assert.Equal(t, thisFile(t), e.File, "%v", e)
		got[e.Line] = append(got[e.Line], e.Code)
	}
	assert.Equal(t, []rules.Code{scenario.CodeUnknownID}, got[child])
	assert.Equal(t, []rules.Code{rules.CodeDuplicate}, got[dup])
	assert.ElementsMatch(t, []rules.Code{scenario.CodeUnknownID, scenario.CodeUnknownID}, got[step])
	assert.ElementsMatch(t, []rules.Code{scenario.CodeUnknownID, scenario.CodeUnknownState}, got[load])
	assert.ElementsMatch(t, []rules.Code{scenario.CodeOutOfOrder, scenario.CodeUnknownRule}, got[order])
}

// TestStory_rules plays a story under a municipality's rules.
func TestStory_rules(t *testing.T) {
	rs, err := rules.LoadFiles(filepath.Join("..", "..", "examples", "scenarios", "config", "gmina.yaml"))
	require.NoError(t, err)
	st := scenario.NewStory("Gmina Wieliczka in Go").Rules(rs).
		Worker("SW1", workflow.SocialWorker).Worker("H1", workflow.OPSHead).
		Staff(workflow.Worker{ID: "A1", Role: workflow.FamilyAssistant, FTE: 0.25}).
		Family("F01", 4)
	st.At("2024-03-01").Do("F01", "apply_za_zyciem").By("SW1").With("kind", "pregnancy")
	st.At("2024-03-01").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").Denied("local.weighted_caseload")
	s, got, err := st.Scenario()
	require.NoError(t, err)
	assert.Same(t, rs, got)
	st.Test(t)
	assert.Len(t, s.Steps, 2)
}

// TestStory_institution declares an institution and a foster family.
func TestStory_institution(t *testing.T) {
	st := scenario.NewStory("an institution in Go").
		Worker("O1", workflow.FosterCareOrganizer).Family("F01", 1).
		Child("C1", "F01", "2008-05-10").Institution("P1").FosterFamily("R1", "professional_foster_family")
	st.At("2021-03-01").Do("C1", "place").By("O1").With("form", "institution").With("carer", "P1").
		State("C1", "placed.institution").NotDue("C1", "court_report").Due("C1", "child_review", "2021-09-01")
	st.Test(t)
}

// TestStory_badValues reports values that would otherwise fail only when
// the world is set up, each at the Go line that wrote it, all at once.
func TestStory_badValues(t *testing.T) {
	st := scenario.NewStory("bad values").Worker("SW1", workflow.SocialWorker)
	role := here() + 1
	st.Worker("X1", workflow.Role("head"))
	nan := here() + 1
	st.Family("F01", math.NaN())
	negative := here() + 1
	st.Family("F02", -1)
	child := here() + 1
	st.Child("C1", "", "2015-01-01")
	fte := here() + 1
	st.Staff(workflow.Worker{ID: "A1", Role: workflow.FamilyAssistant, FTE: math.Inf(1)})
	form := here() + 1
	st.FosterFamily("R1", "")
	actor := here() + 1
	st.At("2016-03-01").Do("F01", "refer")
	early := here() + 1
	st.At("2011-01-01").Do("F02", "refer").By("SW1")
	_, _, err := st.Scenario()
	errs := rules.AsErrors(err)
	got := map[int][]rules.Code{}
	for _, e := range errs {
		assert.Equal(t, thisFile(t), e.File, "%v", e)
		got[e.Line] = append(got[e.Line], e.Code)
	}
	assert.Equal(t, []rules.Code{rules.CodeBadValue}, got[role])
	assert.Equal(t, []rules.Code{rules.CodeOutOfRange}, got[nan])
	assert.Equal(t, []rules.Code{rules.CodeOutOfRange}, got[negative])
	assert.Equal(t, []rules.Code{rules.CodeMissing}, got[child])
	assert.Equal(t, []rules.Code{rules.CodeOutOfRange}, got[fte])
	assert.Equal(t, []rules.Code{rules.CodeMissing}, got[form])
	assert.Equal(t, []rules.Code{rules.CodeMissing}, got[actor])
	assert.ElementsMatch(t, []rules.Code{rules.CodeOutOfRange, scenario.CodeOutOfOrder}, got[early], "%v", err)
}

// TestStory_noSteps reports a story without steps at NewStory's line.
func TestStory_noSteps(t *testing.T) {
	line := here() + 1
	st := scenario.NewStory("nothing happens").Worker("SW1", workflow.SocialWorker)
	_, _, err := st.Scenario()
	errs := rules.AsErrors(err)
	require.Len(t, errs, 1, "%v", err)
	assert.Equal(t, rules.CodeMissing, errs[0].Code)
	assert.Equal(t, line, errs[0].Line)
}
