package caseload_test

import (
	"context"
	"slices"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// impactWorld is testdata/impact/state.yaml played under the file in
// force, up to (and without) the steps from a date when until is not
// zero.
type impactWorld struct {
	s        *scenario.Scenario
	current  *rules.RuleSet
	proposed *rules.RuleSet
	reg      *caseload.Registry
	e        *workflow.Engine
	cl       *caseload.Caseload
}

func playImpact(t *testing.T, until rules.Date) *impactWorld {
	t.Helper()
	s, rs, err := scenario.ParseFile("testdata/impact/state.yaml")
	require.NoError(t, err)
	prop, err := rules.LoadFiles("testdata/impact/proposed.yaml")
	require.NoError(t, err)
	if !until.IsZero() {
		s.Steps = slices.DeleteFunc(s.Steps, func(st scenario.Step) bool { return !st.At.Before(until) })
	}
	reg := caseload.NewRegistry()
	for _, w := range s.Workers {
		require.NoError(t, reg.Add(w))
	}
	rep, e, err := s.Play(context.Background(), rs, reg)
	require.NoError(t, err)
	require.True(t, rep.Passed(), "%v", rep.Failures)
	return &impactWorld{s: s, current: rs, proposed: prop, reg: reg, e: e, cl: caseload.New(e, reg)}
}

var impactOn = d("2025-06-01")

// TestImpact_handCounted checks every part of the dry run against what
// the fixture's story says.
func TestImpact_handCounted(t *testing.T) {
	w := playImpact(t, rules.Date{})
	imp, err := w.cl.Impact(context.Background(), caseload.ImpactQuery{On: impactOn, Current: w.current, Proposed: w.proposed})
	require.NoError(t, err)

	require.Len(t, imp.Params, 2)
	assert.Equal(t, "assistant.family_assessment_interval", imp.Params[0].ID)
	assert.Equal(t, 6, imp.Params[0].Old.Int())
	assert.Equal(t, 4, imp.Params[0].New.Int())
	assert.Equal(t, "assistant.max_families", imp.Params[1].ID)
	assert.Equal(t, 15, imp.Params[1].Old.Int())
	assert.Equal(t, 3, imp.Params[1].New.Int())
	assert.Contains(t, imp.Params[1].New.Source.String(), "proposed.yaml")
	assert.Equal(t, "art. 15 ust. 4 UWR", imp.Params[1].New.Basis)

	require.Len(t, imp.Rules, 1)
	assert.Equal(t, "local.hard_family_full_time", imp.Rules[0].ID)
	assert.Equal(t, "added", imp.Rules[0].Change)
	assert.Nil(t, imp.Rules[0].Old)

	require.Len(t, imp.OverCap, 1, "A2 holds 3 families, at the new cap; A1 holds 4")
	assert.Equal(t, "A1", imp.OverCap[0].Worker)
	assert.Equal(t, []string{"F01", "F02", "F03", "F05"}, imp.OverCap[0].Cases)
	assert.Equal(t, 3, imp.OverCap[0].Cap)
	assert.Equal(t, 15, imp.OverCap[0].OldCap)

	type renewal struct{ worker, cs, obl, renewed, old, new string }
	var got []renewal
	for _, r := range imp.Renewals {
		got = append(got, renewal{r.Worker, r.Case, r.Obligation, r.Renewed.String(), r.Old.String(), r.New.String()})
	}
	assert.Equal(t, []renewal{
		{"A1", "F02", "family_assessment", "2025-07-13", "2026-01-13", "2025-11-13"},
		{"A1", "F03", "family_assessment", "2025-07-13", "2026-01-13", "2025-11-13"},
		{"A1", "F05", "family_assessment", "2025-12-09", "2026-06-09", "2026-04-09"},
		{"A1", "F01", "family_assessment", "2025-12-16", "2026-06-16", "2026-04-16"},
		{"A2", "F04", "family_assessment", "2025-08-03", "2026-02-03", "2025-12-03"},
		{"A2", "F07", "family_assessment", "2025-12-02", "2026-06-02", "2026-04-02"},
		{"A2", "F06", "family_assessment", "2025-12-10", "2026-06-10", "2026-04-10"},
	}, got, "the child's and the foster family's dates do not change")

	type refused struct{ cs, trigger, on string }
	var ref []refused
	for _, r := range imp.Refused {
		ref = append(ref, refused{r.Case, r.Trigger, r.On.String()})
	}
	assert.Equal(t, []refused{{"F05", "assign_assistant", "2025-06-09"}, {"F06", "assign_assistant", "2025-06-10"}}, ref)
	assert.Equal(t, []string{"assistant.max_families"}, imp.Refused[0].Rules)
	assert.Equal(t, []string{"local.hard_family_full_time"}, imp.Refused[1].Rules)

	type due struct{ cs, trigger, obl, old, new string }
	var dues []due
	for _, dc := range imp.DueChanges {
		dues = append(dues, due{dc.Case, dc.Trigger, dc.Obligation, dc.Old.String(), dc.New.String()})
	}
	assert.Equal(t, []due{
		{"F07", "assign_assistant", "family_assessment", "2025-12-02", "2025-10-02"},
		{"F01", "assess", "family_assessment", "2025-12-16", "2025-10-16"},
	}, dues)

	// Nothing was written: the histories are as they were.
	h, err := w.e.History(context.Background(), "F05")
	require.NoError(t, err)
	assert.Equal(t, "assign_assistant", h[len(h)-1].Trigger)
	assert.Equal(t, w.current.Revision(), h[len(h)-1].Revision)
}

// TestImpact_equalsApplied applies the change to a copy: the story up to
// the date under the file in force, then its steps from the date fired
// under the proposed file on the same store. What is refused, the due
// dates set and the renewals equal the dry run's predictions.
func TestImpact_equalsApplied(t *testing.T) {
	ctx := context.Background()
	full := playImpact(t, rules.Date{})
	imp, err := full.cl.Impact(ctx, caseload.ImpactQuery{On: impactOn, Current: full.current, Proposed: full.proposed})
	require.NoError(t, err)

	w := playImpact(t, impactOn)
	applied, err := workflow.New(workflow.WithRules(w.proposed), workflow.WithStore(w.e.Store()), workflow.WithDirectory(w.reg))
	require.NoError(t, err)
	s, _, err := scenario.ParseFile("testdata/impact/state.yaml")
	require.NoError(t, err)
	refusedCases := map[string]bool{}
	var refused []caseload.Refusal
	for _, st := range s.Steps {
		if st.Do == "" || st.At.Before(impactOn) {
			continue
		}
		worker, err := w.reg.Worker(ctx, st.By)
		require.NoError(t, err)
		_, err = applied.Fire(ctx, st.Case, workflow.Command{Trigger: st.Do, On: st.At, Args: st.With,
			Actor: workflow.Actor{ID: worker.ID, Role: worker.Role}})
		if err != nil {
			var de *workflow.DeniedError
			require.ErrorAs(t, err, &de)
			r := caseload.Refusal{Case: st.Case, Trigger: st.Do, On: st.At, Rules: []string{}}
			for _, u := range de.Decision.Unmet() {
				r.Rules = append(r.Rules, u.Rule)
			}
			refused = append(refused, r)
			refusedCases[st.Case] = true
		}
	}
	var predicted []caseload.Refusal
	for _, r := range imp.Refused {
		predicted = append(predicted, caseload.Refusal{Case: r.Case, Trigger: r.Trigger, On: r.On, Rules: r.Rules})
	}
	assert.Equal(t, predicted, refused, "the refusals")

	// Every due date the backtest changed is the applied one; every due
	// date that differs from the original (outside refused cases) is one
	// the backtest changed.
	changed := map[[2]string]rules.Date{}
	for _, dc := range imp.DueChanges {
		changed[[2]string{dc.Case, dc.Obligation}] = dc.New
	}
	sc := full.e.Store().(workflow.Scanner)
	require.NoError(t, sc.Scan(ctx, func(orig *workflow.Case) error {
		if refusedCases[orig.ID] {
			return nil
		}
		now, err := applied.Case(ctx, orig.ID)
		require.NoError(t, err)
		for _, o := range now.Obligations {
			k := [2]string{orig.ID, o.ID}
			was, _ := orig.Obligation(o.ID)
			if want, ok := changed[k]; ok {
				assert.Equal(t, want, o.Due, "%s %s", orig.ID, o.ID)
				delete(changed, k)
			} else {
				assert.Equal(t, was.Due, o.Due, "%s %s: unchanged", orig.ID, o.ID)
			}
		}
		return nil
	}))
	assert.Empty(t, changed, "every predicted change happened")

	// Renewed on the predicted day, each obligation falls due on New
	// under the proposed file (and on Old under the file in force).
	for _, r := range imp.Renewals {
		if refusedCases[r.Case] {
			continue
		}
		cmd := workflow.Command{Trigger: r.Trigger, On: r.Renewed, Actor: workflow.Actor{ID: r.Worker, Role: workflow.FamilyAssistant},
			Args: workflow.Args{"result": "positive"}}
		out, err := applied.Fire(ctx, r.Case, cmd)
		require.NoError(t, err, r.Case)
		o, _ := out.Case.Obligation(r.Obligation)
		assert.Equal(t, r.New, o.Due, "%s renewed under the proposed file", r.Case)
		out, err = full.e.Fire(ctx, r.Case, cmd)
		require.NoError(t, err, r.Case)
		o, _ = out.Case.Obligation(r.Obligation)
		assert.Equal(t, r.Old, o.Due, "%s renewed under the file in force", r.Case)
	}
}

// TestImpact_errors: the proposed files and the date are required; a
// change that changes nothing reports nothing.
func TestImpact_errors(t *testing.T) {
	w := playImpact(t, rules.Date{})
	_, err := w.cl.Impact(context.Background(), caseload.ImpactQuery{On: impactOn})
	require.Error(t, err)
	imp, err := w.cl.Impact(context.Background(), caseload.ImpactQuery{On: impactOn, Proposed: w.current})
	require.NoError(t, err)
	assert.Empty(t, imp.Params)
	assert.Empty(t, imp.Rules)
	assert.Empty(t, imp.OverCap)
	assert.Empty(t, imp.Renewals)
	assert.Empty(t, imp.Refused)
	assert.Empty(t, imp.DueChanges)
	assert.Contains(t, caseload.FormatImpact(imp, rules.Polish), "bez zmian")
}
