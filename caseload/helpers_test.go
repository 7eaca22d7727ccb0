package caseload_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/require"
)

// d parses a date of a test.
var d = rules.MustParseDate

// The actors every fixture has: a social worker and an OPS head of gmina
// G1, and a foster-care organiser of powiat P1.
var (
	sw   = workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	head = workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	org  = workflow.Actor{ID: "O1", Role: workflow.FosterCareOrganizer}
)

// fixture is an engine over a registry, with helpers that fire the steps
// every test repeats.
type fixture struct {
	t   testing.TB
	ctx context.Context
	reg *caseload.Registry
	e   *workflow.Engine
	cl  *caseload.Caseload
}

// newFixture builds an engine under rs (nil: the statute) whose directory
// holds SW1, H1, O1 and the given workers.
func newFixture(t testing.TB, rs *rules.RuleSet, workers ...workflow.Worker) *fixture {
	t.Helper()
	reg := caseload.NewRegistry()
	base := []workflow.Worker{
		{ID: "SW1", Role: workflow.SocialWorker, Employer: "G1"},
		{ID: "H1", Role: workflow.OPSHead, Employer: "G1"},
		{ID: "O1", Role: workflow.FosterCareOrganizer, Employer: "P1"},
	}
	for _, w := range append(base, workers...) {
		require.NoError(t, reg.Add(w))
	}
	opts := []workflow.Option{workflow.WithDirectory(reg)}
	if rs != nil {
		opts = append(opts, workflow.WithRules(rs))
	}
	e, err := workflow.New(opts...)
	require.NoError(t, err)
	return &fixture{t: t, ctx: context.Background(), reg: reg, e: e, cl: caseload.New(e, reg)}
}

// ruleSet compiles the statute with one municipal file.
func ruleSet(t testing.TB, yaml string) *rules.RuleSet {
	t.Helper()
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(yaml))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	return rs
}

func assistant(id string, more ...func(*workflow.Worker)) workflow.Worker {
	w := workflow.Worker{ID: id, Role: workflow.FamilyAssistant, Employer: "G1"}
	for _, f := range more {
		f(&w)
	}
	return w
}

func coordinator(id string) workflow.Worker {
	return workflow.Worker{ID: id, Role: workflow.FosterCareCoordinator, Employer: "P1"}
}

func fte(v float64) func(*workflow.Worker)     { return func(w *workflow.Worker) { w.FTE = v } }
func area(a string) func(*workflow.Worker)     { return func(w *workflow.Worker) { w.Area = a } }
func employer(e string) func(*workflow.Worker) { return func(w *workflow.Worker) { w.Employer = e } }

func (f *fixture) fire(id, trigger string, by workflow.Actor, on rules.Date, args workflow.Args) *workflow.Outcome {
	f.t.Helper()
	out, err := f.e.Fire(f.ctx, id, workflow.Command{Trigger: trigger, Actor: by, On: on, Args: args})
	require.NoError(f.t, err, "%s %s on %s", id, trigger, on)
	return out
}

// requested declares a family and takes it to assistant_requested with
// the family's consent.
func (f *fixture) requested(id string, on rules.Date, info workflow.FamilyInfo) {
	f.t.Helper()
	require.NoError(f.t, f.e.DeclareFamily(f.ctx, id, info))
	for _, tr := range []string{"refer", "complete_interview", "request_assistant", "give_consent"} {
		f.fire(id, tr, sw, on, nil)
	}
}

// zaZyciem declares a family and opens a 'Za życiem' case for it.
func (f *fixture) zaZyciem(id string, on rules.Date) {
	f.t.Helper()
	require.NoError(f.t, f.e.DeclareFamily(f.ctx, id, workflow.FamilyInfo{}))
	f.fire(id, "apply_za_zyciem", sw, on, workflow.Args{"kind": "pregnancy"})
}

func (f *fixture) assign(family, worker string, on rules.Date) {
	f.t.Helper()
	f.fire(family, "assign_assistant", head, on, workflow.Args{"assistant": worker})
}

// families gives worker n new families (IDs prefix01…), assigned on on.
func (f *fixture) families(prefix, worker string, n int, on rules.Date) []string {
	f.t.Helper()
	var ids []string
	for i := 1; i <= n; i++ {
		id := prefix + twoDigits(i)
		f.requested(id, on, workflow.FamilyInfo{})
		f.assign(id, worker, on)
		ids = append(ids, id)
	}
	return ids
}

func twoDigits(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func (f *fixture) load(worker string, on rules.Date) caseload.Load {
	f.t.Helper()
	l, err := f.cl.Load(f.ctx, worker, on)
	require.NoError(f.t, err)
	return l
}

// fosterFamily declares a foster family and, when coord is not empty,
// assigns it a coordinator.
func (f *fixture) fosterFamily(id, form, coord string, on rules.Date) {
	f.t.Helper()
	require.NoError(f.t, f.e.DeclareFosterFamily(f.ctx, id, workflow.FosterFamilyInfo{Form: form}))
	if coord != "" {
		f.fire(id, "assign_coordinator", org, on, workflow.Args{"coordinator": coord})
	}
}

// place declares a child and places it with a carer.
func (f *fixture) place(id string, born rules.Date, form, carer string, on rules.Date) {
	f.t.Helper()
	require.NoError(f.t, f.e.DeclareChild(f.ctx, id, workflow.ChildInfo{Family: "K-" + id, Born: born}))
	f.fire(id, "place", org, on, workflow.Args{"form": form, "carer": carer, "court_ref": "III Nsm 1/16"})
}

func ruleIDs(dec rules.Decision) []string {
	var out []string
	for _, u := range dec.Unmet() {
		out = append(out, u.Rule)
	}
	return out
}
