package caseload_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/caseload/internal/national"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// playStatistics plays testdata/statistics.yaml and returns its caseload.
func playStatistics(t *testing.T) (*caseload.Caseload, *workflow.Engine) {
	t.Helper()
	s, rs, err := scenario.ParseFile("testdata/statistics.yaml")
	require.NoError(t, err)
	reg := caseload.NewRegistry()
	for _, w := range s.Workers {
		require.NoError(t, reg.Add(w))
	}
	for _, id := range s.Institutions {
		require.NoError(t, reg.AddInstitution(s.Institution(id)))
	}
	rep, e, err := s.Play(context.Background(), rs, reg)
	require.NoError(t, err)
	require.True(t, rep.Passed(), "%v", rep.Failures)
	return caseload.New(e, reg), e
}

func ids(s string) []string { return strings.Fields(s) }

// TestStatistics_handCounted checks every figure of OPS G1 and PCPR P1
// for the first half of 2025 against the cases counted by hand from
// testdata/statistics.yaml (54 cases; the case's story is in its steps).
func TestStatistics_handCounted(t *testing.T) {
	cl, _ := playStatistics(t)
	from, to := caseload.HalfYear(d("2025-06-30"))
	require.Equal(t, d("2025-01-01"), from)
	require.Equal(t, d("2025-06-30"), to)

	tests := []struct {
		unit    string
		cases   map[string]string  // figure → the cases behind it; every other case figure is empty
		workers map[string]string  // figure → the workers behind it
		values  map[string]float64 // FTE and ratios
	}{
		{
			unit: "G1",
			cases: map[string]string{
				// In assistant work at some moment of the half-year; the
				// basis is the last one the work had in it.
				"family.supported":             "F01 F02 F03 F04 F05 F06 F07 F08 F09 F10 F11 F12 F13 F22 F24",
				"family.supported.consent":     "F01 F02 F07 F08 F09 F10 F12 F13 F22 F24",
				"family.supported.court_order": "F03 F06 F11", // F06: consent, then a court obligation in May
				"family.supported.za_zyciem":   "F04",
				"family.supported.mandatory":   "F05",
				"family.court_obligation":      "F03 F06 F11",
				// F12 closed on the last day; F07 and F13 in monitoring.
				"family.assisted_last_day": "F01 F02 F03 F04 F05 F06 F22 F24",
				"family.per_assistant":     "F01 F02 F03 F04 F05 F06 F22 F24",
				// F13 ended twice: counted once, with its last ending.
				"family.work_ended":                          "F07 F08 F09 F10 F11 F12 F13",
				"family.work_ended.goals_achieved":           "F07 F13",
				"family.work_ended.no_cooperation":           "F08",
				"family.work_ended.moved_away":               "F09",
				"family.work_ended.child_placed_permanently": "F12",
				"family.work_ended.court_decision":           "F11",
				"family.work_ended.consent_withdrawn":        "F10",
				"family.work_duration.under_1_year":          "F08 F10 F11 F13",
				"family.work_duration.1_to_2_years":          "F07 F12",
				"family.work_duration.over_2_years":          "F09",
				"family.monitoring":                          "F07 F13 F14",
				"interview.done":                             "F15 F16 F18 F20 F24",
				"interview.late":                             "F16 F20",
				"obligation.overdue":                         "F02 F16 F17 F20",
				"obligation.overdue.interview":               "F16 F17 F20",
				"obligation.overdue.family_assessment":       "F02",
			},
			workers: map[string]string{
				// A3 left on 31 May, A4 starts in July.
				"assistant.employed": "A1 A2", "assistant.fte": "A1 A2", "family.per_assistant": "A1 A2",
			},
			values: map[string]float64{"assistant.employed": 2, "assistant.fte": 1.5, "family.per_assistant": 4},
		},
		{
			unit: "P1",
			cases: map[string]string{
				"child.in_care":                                "C01 C02 C03 C04 C06 C07 C08 C09 C10 C13 C16 C17",
				"child.in_care.kinship_foster_family":          "C01 C02 C17",
				"child.in_care.non_professional_foster_family": "C03 C16", // C16 awaits the court in reunification
				"child.in_care.professional_foster_family":     "C04 C13", // C13 moved from an emergency home
				"child.in_care.emergency_family_home":          "C06 C07",
				"child.in_care.family_childrens_home":          "C08",
				"child.in_care.institution":                    "C09 C10",
				"child.placed":                                 "C06 C07 C08 C10 C13 C16 C17",
				"child.left":                                   "C05 C11 C12",
				"child.left.returned":                          "C05",
				"child.left.adopted":                           "C11",
				"child.left.left_care":                         "C12",
				"child.stay_extended":                          "C06",
				// R08 dissolved, R09 a candidate; R11 is P2's.
				"foster_family.total":                                "R01 R02 R03 R04 R05 R06 R07 R10",
				"foster_family.total.kinship_foster_family":          "R01 R02",
				"foster_family.total.non_professional_foster_family": "R03",
				"foster_family.total.professional_foster_family":     "R04 R05 R10",
				"foster_family.total.emergency_family_home":          "R06",
				"foster_family.total.family_childrens_home":          "R07",
				"foster_family.per_coordinator":                      "R01 R02 R03 R04 R05 R06 R07 R10",
				"obligation.overdue":                                 "C07 R02",
				"obligation.overdue.emergency_stay_end":              "C07",
				"obligation.overdue.foster_family_assessment":        "R02",
			},
			workers: map[string]string{
				"coordinator.employed": "K1 K2", "coordinator.fte": "K1 K2", "foster_family.per_coordinator": "K1 K2",
			},
			values: map[string]float64{"coordinator.employed": 2, "coordinator.fte": 1.5, "foster_family.per_coordinator": 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			st, err := cl.Statistics(context.Background(), caseload.StatsQuery{Unit: tt.unit, From: from, To: to})
			require.NoError(t, err)
			require.Equal(t, caseload.FigureIDs(), figureIDs(st), "every figure, in report order")
			for _, f := range st.Figures {
				want := ids(tt.cases[f.ID])
				if want == nil {
					want = []string{}
				}
				assert.Equal(t, want, f.Cases, "%s: cases", f.ID)
				wantW := ids(tt.workers[f.ID])
				if wantW == nil {
					wantW = []string{}
				}
				assert.Equal(t, wantW, f.Workers, "%s: workers", f.ID)
				if v, ok := tt.values[f.ID]; ok {
					assert.InDelta(t, v, f.Value, 1e-9, f.ID)
				} else if f.Kind == caseload.KindCount {
					assert.InDelta(t, float64(len(f.Cases)), f.Value, 1e-9, "%s: the count is the number of cases", f.ID)
				} else {
					assert.Zero(t, f.Value, f.ID)
				}
			}
		})
	}
}

func figureIDs(st *caseload.Statistics) []string {
	out := make([]string, len(st.Figures))
	for i, f := range st.Figures {
		out[i] = f.ID
	}
	return out
}

// TestStatistics_recomputed: a past period's figures do not change when
// the cases move on, and every unit together holds both units' cases.
func TestStatistics_recomputed(t *testing.T) {
	cl, e := playStatistics(t)
	ctx := context.Background()
	q := caseload.StatsQuery{Unit: "G1", From: d("2025-01-01"), To: d("2025-06-30")}
	before, err := cl.Statistics(ctx, q)
	require.NoError(t, err)
	// The second half-year: F01's work ends, F17 is interviewed, F19 too.
	for _, c := range []struct {
		id  string
		cmd workflow.Command
	}{
		{"F01", workflow.Command{Trigger: "end_work", Actor: head, On: d("2025-07-10"), Args: workflow.Args{"reason": "goals_achieved"}}},
		{"F17", workflow.Command{Trigger: "complete_interview", Actor: sw, On: d("2025-07-11")}},
		{"F19", workflow.Command{Trigger: "complete_interview", Actor: sw, On: d("2025-07-10")}}, // due that day
	} {
		_, err := e.Fire(ctx, c.id, c.cmd)
		require.NoError(t, err, c.id)
	}
	after, err := cl.Statistics(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the first half-year is recomputed from the histories")

	h2, err := cl.Statistics(ctx, caseload.StatsQuery{Unit: "G1", From: d("2025-07-01"), To: d("2025-12-31")})
	require.NoError(t, err)
	f, _ := h2.Figure("family.work_ended.goals_achieved")
	assert.Equal(t, []string{"F01"}, f.Cases)
	f, _ = h2.Figure("interview.late")
	assert.Equal(t, []string{"F17"}, f.Cases, "F17's urgent interview was due in May; F19's in time")

	all, err := cl.Statistics(ctx, caseload.StatsQuery{From: d("2025-01-01"), To: d("2025-06-30")})
	require.NoError(t, err)
	f, _ = all.Figure("family.supported")
	assert.Contains(t, f.Cases, "F90", "G2's family counts in every unit together")
	f, _ = all.Figure("child.placed")
	assert.Contains(t, f.Cases, "C14", "P2's child counts in every unit together")
	f, _ = all.Figure("assistant.employed")
	assert.Equal(t, []string{"A1", "A2", "A9"}, f.Workers)
}

// TestStatistics_errors: a period must be given in order; the labels
// speak both languages; the text explains a figure with its cases.
func TestStatistics_errors(t *testing.T) {
	cl, _ := playStatistics(t)
	_, err := cl.Statistics(context.Background(), caseload.StatsQuery{Unit: "G1", From: d("2025-06-30"), To: d("2025-01-01")})
	require.Error(t, err)
	assert.Contains(t, err.(*caseload.Error).Localize(rules.Polish), "okres")
	st, err := cl.Statistics(context.Background(), caseload.StatsQuery{Unit: "G1", From: d("2025-01-01"), To: d("2025-06-30")})
	require.NoError(t, err)
	for _, f := range st.Figures {
		assert.NotEmpty(t, f.Label.PL, f.ID)
		assert.NotEmpty(t, f.Label.EN, f.ID)
	}
	out := caseload.FormatStatistics(st, rules.English, "interview")
	assert.Contains(t, out, "interview.late")
	assert.Contains(t, out, "cases: F16 F20")
	assert.NotContains(t, out, "family.supported")
}

// BenchmarkNationalStatistics: every figure of the whole country for the
// half-year that ends on the dataset's as-of date, from the full
// histories of about 138,000 cases in the memory store (each case's
// history replayed event by event).
func BenchmarkNationalStatistics(b *testing.B) {
	ds := national.Generate(1, nationalScale())
	reg, err := ds.Registry()
	require.NoError(b, err)
	e, err := workflow.New(workflow.WithDirectory(reg))
	require.NoError(b, err)
	ctx := context.Background()
	start := time.Now()
	require.NoError(b, ds.ImportHistories(ctx, e))
	imported := time.Since(start)
	cl := caseload.New(e, reg)
	from, to := caseload.HalfYear(ds.AsOf)
	b.ReportAllocs()
	b.ResetTimer()
	var st *caseload.Statistics
	cpu := benchCPUTime()
	for b.Loop() {
		if st, err = cl.Statistics(ctx, caseload.StatsQuery{From: from, To: to}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(imported.Seconds(), "import-s")
	f, _ := st.Figure("family.supported")
	b.ReportMetric(f.Value, "families")
	f, _ = st.Figure("child.in_care")
	b.ReportMetric(f.Value, "children")
	b.ReportMetric(float64(ds.Cases()), "cases")
}
