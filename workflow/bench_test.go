package workflow_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/qmuntal/stateless"
)

// The benchmarks of the engine. docs/performance.md records their figures:
//
//	go test -run '^$' -bench 'Fire|Replay' -benchmem -count 5 ./workflow/
//
// BenchmarkFire and BenchmarkFireMove each measure asysta's Engine.Fire and
// a bare qmuntal/stateless Fire of the same transition on a machine of the
// same shape side by side, in the same run (target: asysta at most 5× the
// bare Fire). BenchmarkReplay rebuilds one case from a three-year history
// (target: at most 30 µs per case).

var (
	benchSW = workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	benchH  = workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	benchA1 = workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}
	benchA2 = workflow.Actor{ID: "A2", Role: workflow.FamilyAssistant}
	benchO  = workflow.Actor{ID: "O1", Role: workflow.FosterCareOrganizer}
)

// benchCases is the number of cases the second asysta variant of each Fire
// benchmark fires on in turn. The first fires on one case, as the bare
// baseline fires on one machine. The second shows what a command costs
// when its case, its worker and their index entries are no longer in the
// processor's caches (each is touched once in 1,024 commands).
const benchCases = 1024

// benchAssistant adds a family assistant to e's directory (each assistant
// may work with only 15 families).
func benchAssistant(b testing.TB, e *workflow.Engine, id string) workflow.Actor {
	b.Helper()
	a := workflow.Actor{ID: id, Role: workflow.FamilyAssistant}
	if err := e.Directory().(*workflow.MemoryDirectory).AddWorker(workflow.Worker{ID: id, Role: a.Role}); err != nil {
		b.Fatal(err)
	}
	return a
}

// benchEngine returns an engine on a new in-memory store (the default) with
// the statute's rules (the default) and the workers of the benchmarks.
func benchEngine(b testing.TB) *workflow.Engine {
	b.Helper()
	dir := workflow.NewMemoryDirectory()
	for _, a := range []workflow.Actor{benchSW, benchH, benchA1, benchA2, benchO} {
		if err := dir.AddWorker(workflow.Worker{ID: a.ID, Role: a.Role}); err != nil {
			b.Fatal(err)
		}
	}
	e, err := workflow.New(workflow.WithDirectory(dir))
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// benchReportCPU reports the process's CPU time per operation since start
// (every thread, so the garbage collector's background work counts). Unlike
// ns/op it does not grow when the benchmark is descheduled on a busy
// machine.
func benchReportCPU(b *testing.B, start int64) {
	if cpu := benchCPUTime() - start; start > 0 && b.N > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
}

// benchStep is one trigger fired while building a history.
type benchStep struct {
	trigger string
	actor   workflow.Actor
	on      string
	args    workflow.Args
}

func benchFireAll(b testing.TB, e *workflow.Engine, id string, steps []benchStep) {
	b.Helper()
	ctx := context.Background()
	for _, s := range steps {
		if _, err := e.Fire(ctx, id, workflow.Command{Trigger: s.trigger, Actor: s.actor, On: rules.MustParseDate(s.on), Args: s.args}); err != nil {
			b.Fatalf("%s %s on %s: %v", id, s.trigger, s.on, err)
		}
	}
}

// BenchmarkFire fires family assess (result positive) on a family in
// assistant_work.implementing, again and again: an internal transition
// permitted on the superstate assistant_work, fired from its substate. The
// statute has no guard rule on family.assess (guard rules sit on
// assign_assistant, which is not repeatable): BenchmarkFireMove is the
// variant with guard rules.
//
// asysta: Engine.Fire on one family again and again (asysta_1024_families:
// on [benchCases] families in turn, one assistant each), with everything it
// does per command: reading a copy of the case from the store, the role and the directory check, the permitted-state check,
// stateless FireCtx (under a context carrying the call), the
// assigned-assistant check, argument parsing, the family index read for the
// rules environment, rules.Decide for family.assess (the statute has no
// guard on it, so Decide evaluates no expression but builds the decision),
// the due rule due.family_assessment (an expr program, run in its native
// form) renewing the family_assessment obligation, the event with its
// decision, and MemoryStore.Commit (copies of the case and the event, version
// and guard checks, index upkeep, the event appended to the family's history).
//
// stateless: the bare baseline is ONE stateless FireCtx of "assess" on a
// machine configured like the family lifecycle (the same states, the
// superstate assistant_work with its two substates, the same Permit,
// PermitDynamic and InternalTransition rows with guards), in
// FiringImmediate mode with external storage: the accessor and mutator read
// and write a local variable. It includes stateless's own work only (the
// state accessor, the state representation lookup, the handler search from
// the substate up to the superstate, the guards, the no-op internal
// action). It excludes CanFire, context values, authorization, arguments,
// rules, obligations, the store and the event.
func BenchmarkFire(b *testing.B) {
	b.Run("asysta", func(b *testing.B) { benchFireAssess(b, 1) })
	b.Run(fmt.Sprintf("asysta_%d_families", benchCases), func(b *testing.B) { benchFireAssess(b, benchCases) })
	b.Run("stateless", func(b *testing.B) { benchLoop(b, bareAssess(b)) })
	b.Run("ratio", func(b *testing.B) { benchRatio(b, setupAssess(b, 1), bareAssess(b)) })
}

// bareAssess returns a function that fires assess on a bare stateless
// machine shaped like the family lifecycle, in assistant_work.implementing
// (an internal transition: the state stays).
func bareAssess(b testing.TB) func() {
	state := workflow.AssistantImplementing
	sm := benchFamilyMachine(&state)
	ctx := context.Background()
	return func() {
		if err := sm.FireCtx(ctx, "assess"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFireMove moves a placed child between two professional foster
// families and back, again and again: a transition with rule guards (the
// statute's four guards on child.move: foster_family.max_children,
// family_childrens_home.max_children, institution.max_children,
// institution.min_age), permitted on the superstate placed and choosing
// its destination (PermitDynamic) among the substates placed.*.
//
// asysta: Engine.Fire as in BenchmarkFire, on one child (asysta_1024_children:
// [benchCases] children in turn, each with two foster families of its
// own), plus the reads move makes:
// the child's family case, the carer and the carer index (whose versions
// guard the commit), four guard programs in rules.Decide with their
// explanations, and a commit that moves the child between two index keys.
// No obligation changes.
//
// stateless: ONE bare FireCtx of "move" on a machine configured like the
// child lifecycle (placed and its six substates, the same rows), FiringImmediate,
// external storage in a local variable; the dynamic destination returns
// placed.professional_foster_family (a reentry of the substate, as in
// asysta). Nothing else.
func BenchmarkFireMove(b *testing.B) {
	b.Run("asysta", func(b *testing.B) { benchLoop(b, setupMove(b, 1)) })
	b.Run(fmt.Sprintf("asysta_%d_children", benchCases), func(b *testing.B) { benchLoop(b, setupMove(b, benchCases)) })
	b.Run("stateless", func(b *testing.B) { benchLoop(b, bareMove(b)) })
	b.Run("ratio", func(b *testing.B) { benchRatio(b, setupMove(b, 1), bareMove(b)) })
}

// bareMove returns a function that fires move on a bare stateless machine
// shaped like the child lifecycle, in placed.professional_foster_family.
func bareMove(b testing.TB) func() {
	state := workflow.PlacedProfessional
	sm := benchChildMachine(&state)
	ctx := context.Background()
	return func() {
		if err := sm.FireCtx(ctx, "move"); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFireAssess is BenchmarkFire's asysta side on n families, fired in
// turn: the same case every time when n is 1.
func benchFireAssess(b *testing.B, n int) {
	benchLoop(b, setupAssess(b, n))
}

// setupAssess builds n families in assistant work, each with its own
// assistant, and returns a function that fires assess on the next one.
func setupAssess(b testing.TB, n int) func() {
	e := benchEngine(b)
	ctx := context.Background()
	ids := make([]string, n)
	actors := make([]workflow.Actor, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("F%04d", i)
		actors[i] = benchAssistant(b, e, fmt.Sprintf("A%04d", i))
		if err := e.DeclareFamily(ctx, ids[i], workflow.FamilyInfo{Difficulty: 1.5}); err != nil {
			b.Fatal(err)
		}
		benchFireAll(b, e, ids[i], []benchStep{
			{"refer", benchSW, "2024-03-01", nil},
			{"complete_interview", benchSW, "2024-03-08", nil},
			{"request_assistant", benchSW, "2024-03-11", nil},
			{"give_consent", benchSW, "2024-03-12", nil},
			{"assign_assistant", benchH, "2024-03-14", workflow.Args{"assistant": actors[i].ID}},
			{"approve_plan", actors[i], "2024-04-02", workflow.Args{"plan_ref": "PP/1/2024"}},
		})
	}
	cmds := make([]workflow.Command, n)
	for i := range cmds {
		cmds[i] = workflow.Command{Trigger: "assess", Actor: actors[i], On: rules.MustParseDate("2024-10-01"),
			Args: workflow.Args{"result": "positive"}}
	}
	i := 0
	return func() {
		if _, err := e.Fire(ctx, ids[i], cmds[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == n {
			i = 0
		}
	}
}

// benchLoop runs fire b.N times, reporting allocations and CPU time.
func benchLoop(b *testing.B, fire func()) {
	b.ReportAllocs()
	start := benchCPUTime()
	for b.Loop() {
		fire()
	}
	benchReportCPU(b, start)
}

// benchRatio fires asysta and the bare stateless machine in alternating
// batches of 256 and reports the ratio of their times, asysta/stateless:
// both sides see the same load on the machine, however it changes
// during the run.
func benchRatio(b *testing.B, asysta, bare func()) {
	const batch = 256
	var ta, ts time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range batch {
			asysta()
		}
		t1 := time.Now()
		for range batch {
			bare()
		}
		ta, ts = ta+t1.Sub(t0), ts+time.Since(t1)
	}
	b.ReportMetric(float64(ta)/float64(ts), "asysta/stateless")
	b.ReportMetric(float64(ta)/float64(b.N*batch), "asysta-ns/op")
	b.ReportMetric(float64(ts)/float64(b.N*batch), "stateless-ns/op")
}

// setupMove builds n children placed in professional foster families (each
// with two of its own) and returns a function that moves the next one to
// its other family: the same child every time when n is 1.
func setupMove(b testing.TB, n int) func() {
	e := benchEngine(b)
	ctx := context.Background()
	if err := e.DeclareFamily(ctx, "F1", workflow.FamilyInfo{}); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, n)
	var cmds [2][]workflow.Command // to the first carer, back to the second
	on := rules.MustParseDate("2024-05-01")
	for i := range ids {
		ids[i] = fmt.Sprintf("C%04d", i)
		carers := [2]string{fmt.Sprintf("R%04da", i), fmt.Sprintf("R%04db", i)}
		for _, id := range carers {
			if err := e.DeclareFosterFamily(ctx, id, workflow.FosterFamilyInfo{Form: workflow.FormProfessional}); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.DeclareChild(ctx, ids[i], workflow.ChildInfo{Family: "F1", Born: rules.MustParseDate("2015-06-01")}); err != nil {
			b.Fatal(err)
		}
		benchFireAll(b, e, ids[i], []benchStep{
			{"place", benchO, "2024-03-01", workflow.Args{"form": workflow.FormProfessional, "carer": carers[0], "court_ref": "III Nsm 1/24"}},
			{"move", benchO, "2024-04-01", workflow.Args{"form": workflow.FormProfessional, "carer": carers[1]}}, // activates it
		})
		for k, id := range carers {
			cmds[k] = append(cmds[k], workflow.Command{Trigger: "move", Actor: benchO, On: on,
				Args: workflow.Args{"form": workflow.FormProfessional, "carer": id}})
		}
	}
	i, k := 0, 0
	return func() {
		if _, err := e.Fire(ctx, ids[i], cmds[k][i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == n {
			i, k = 0, 1-k
		}
	}
}

// benchRow is a transition of the baseline machines: to "" is internal, dynamic
// chooses, guarded adds one guard.
type benchRow struct {
	trigger string
	from    []workflow.State
	to      workflow.State
	dynamic workflow.State
	guarded bool
}

// benchMachine configures a bare stateless machine the way workflow does (states
// and superstates first, then every row from every source), with external
// storage in *state and FiringImmediate.
func benchMachine(state *workflow.State, states []workflow.State, rows []benchRow) *stateless.StateMachine {
	sm := stateless.NewStateMachineWithExternalStorage(
		func(context.Context) (stateless.State, error) { return *state, nil },
		func(_ context.Context, s stateless.State) error { *state = s.(workflow.State); return nil },
		stateless.FiringImmediate)
	for _, s := range states {
		cfg := sm.Configure(s)
		if p := s.Parent(); p != "" {
			cfg.SubstateOf(p)
		}
	}
	yes := func(context.Context, ...any) bool { return true }
	for _, r := range rows {
		var guards []stateless.GuardFunc
		if r.guarded {
			guards = append(guards, yes)
		}
		for _, from := range r.from {
			cfg := sm.Configure(from)
			switch {
			case r.dynamic != "":
				to := r.dynamic
				cfg.PermitDynamic(r.trigger, func(context.Context, ...any) (stateless.State, error) { return to, nil }, guards...)
			case r.to == "":
				cfg.InternalTransition(r.trigger, func(context.Context, ...any) error { return nil }, guards...)
			default:
				cfg.Permit(r.trigger, r.to, guards...)
			}
		}
	}
	return sm
}

// benchFamilyMachine is the family lifecycle's shape (workflow/definition.go).
func benchFamilyMachine(state *workflow.State) *stateless.StateMachine {
	const declared workflow.State = ""
	work := []workflow.State{workflow.AssistantWork}
	return benchMachine(state,
		[]workflow.State{declared, workflow.Referred, workflow.Analysis, workflow.AssistantRequested, workflow.AssistantWork,
			workflow.AssistantPlanning, workflow.AssistantImplementing, workflow.Declined, workflow.Monitoring, workflow.Closed},
		[]benchRow{
			{trigger: "refer", from: []workflow.State{declared}, to: workflow.Referred},
			{trigger: "apply_za_zyciem", from: []workflow.State{declared}, to: workflow.AssistantRequested},
			{trigger: "complete_interview", from: []workflow.State{workflow.Referred}, to: workflow.Analysis},
			{trigger: "request_assistant", from: []workflow.State{workflow.Analysis}, to: workflow.AssistantRequested},
			{trigger: "give_consent", from: []workflow.State{workflow.AssistantRequested}},
			{trigger: "refuse_consent", from: []workflow.State{workflow.AssistantRequested}, to: workflow.Declined, guarded: true},
			{trigger: "court_obligation", from: []workflow.State{workflow.Referred, workflow.Analysis, workflow.Declined}, to: workflow.AssistantRequested},
			{trigger: "court_obligation", from: []workflow.State{workflow.AssistantRequested, workflow.AssistantWork}},
			{trigger: "report_to_court", from: work, guarded: true},
			{trigger: "assign_assistant", from: []workflow.State{workflow.AssistantRequested}, to: workflow.AssistantPlanning},
			{trigger: "reassign_assistant", from: work},
			{trigger: "approve_plan", from: []workflow.State{workflow.AssistantPlanning}, to: workflow.AssistantImplementing},
			{trigger: "assess", from: work},
			{trigger: "withdraw_consent", from: work, dynamic: workflow.Closed},
			{trigger: "end_work", from: work, dynamic: workflow.Monitoring},
			{trigger: "end_monitoring", from: []workflow.State{workflow.Monitoring}, to: workflow.Closed},
			{trigger: "reopen", from: []workflow.State{workflow.Monitoring, workflow.Declined, workflow.Closed}, to: workflow.AssistantRequested},
		})
}

// benchChildMachine is the child lifecycle's shape (workflow/definition.go).
func benchChildMachine(state *workflow.State) *stateless.StateMachine {
	placed := []workflow.State{workflow.Placed}
	inCare := []workflow.State{workflow.Placed, workflow.Reunification, workflow.AdoptionReferred}
	to := workflow.PlacedProfessional
	return benchMachine(state,
		[]workflow.State{workflow.InFamily, workflow.Placed, workflow.PlacedKinship, workflow.PlacedNonProfessional,
			workflow.PlacedProfessional, workflow.PlacedEmergency, workflow.PlacedFamilyChildrensHome, workflow.PlacedInstitution,
			workflow.Reunification, workflow.Returned, workflow.AdoptionReferred, workflow.Adopted, workflow.LeftCare},
		[]benchRow{
			{trigger: "place", from: []workflow.State{workflow.InFamily, workflow.Returned}, dynamic: to},
			{trigger: "move", from: placed, dynamic: to},
			{trigger: "review", from: inCare},
			{trigger: "report_to_court", from: inCare},
			{trigger: "extend_stay", from: []workflow.State{workflow.PlacedEmergency}},
			{trigger: "propose_return", from: placed, to: workflow.Reunification},
			{trigger: "return_home", from: []workflow.State{workflow.Reunification}, to: workflow.Returned},
			{trigger: "return_refused", from: []workflow.State{workflow.Reunification}, dynamic: to},
			{trigger: "settle_legal_status", from: placed},
			{trigger: "refer_for_adoption", from: placed, to: workflow.AdoptionReferred},
			{trigger: "adopt", from: []workflow.State{workflow.AdoptionReferred}, to: workflow.Adopted},
			{trigger: "leave_care", from: placed, to: workflow.LeftCare},
		})
}

// benchReplayFamily builds a family case with a history of 31 events over three
// and a half years: declaration, referral, interview, request, consent,
// assignment and plan; a court obligation with quarterly reports to the
// court, later every six months; six-monthly assessments; a withdrawal of
// consent (court-ordered: recorded as non-cooperation); end of work,
// monitoring and closure; reopening with a new assistant.
func benchReplayFamily(b *testing.B) (*workflow.Engine, string) {
	b.Helper()
	e := benchEngine(b)
	const id = "F-2021-17"
	if err := e.DeclareFamily(context.Background(), id, workflow.FamilyInfo{Difficulty: 2, Area: "Śródmieście"}); err != nil {
		b.Fatal(err)
	}
	quarterly := workflow.Args{"court_ref": "III Nsm 412/21", "report_every_months": 3}
	benchFireAll(b, e, id, []benchStep{
		{"refer", benchSW, "2021-03-01", workflow.Args{"urgent": true}},
		{"complete_interview", benchSW, "2021-03-03", nil},
		{"request_assistant", benchSW, "2021-03-10", nil},
		{"give_consent", benchSW, "2021-03-15", nil},
		{"assign_assistant", benchH, "2021-03-17", workflow.Args{"assistant": "A1"}},
		{"approve_plan", benchA1, "2021-04-07", workflow.Args{"plan_ref": "PP/17/2021"}},
		{"court_obligation", benchH, "2021-05-20", quarterly},
		{"report_to_court", benchA1, "2021-08-18", nil},
		{"assess", benchA1, "2021-09-15", workflow.Args{"result": "negative"}},
		{"report_to_court", benchA1, "2021-11-17", nil},
		{"report_to_court", benchA1, "2022-02-16", nil},
		{"assess", benchA1, "2022-03-14", workflow.Args{"result": "negative"}},
		{"withdraw_consent", benchA1, "2022-04-04", nil},
		{"report_to_court", benchA1, "2022-05-16", nil},
		{"report_to_court", benchA1, "2022-08-16", nil},
		{"assess", benchA1, "2022-09-12", workflow.Args{"result": "positive"}},
		{"report_to_court", benchA1, "2022-11-15", nil},
		{"court_obligation", benchH, "2023-01-10", workflow.Args{"court_ref": "III Nsm 412/21", "report_every_months": 6}},
		{"assess", benchA1, "2023-03-10", workflow.Args{"result": "positive"}},
		{"report_to_court", benchA1, "2023-07-05", nil},
		{"assess", benchA1, "2023-09-06", workflow.Args{"result": "positive"}},
		{"report_to_court", benchA1, "2024-01-03", nil},
		{"assess", benchA1, "2024-03-04", workflow.Args{"result": "positive"}},
		{"end_work", benchA1, "2024-03-29", workflow.Args{"reason": "goals_achieved"}},
		{"end_monitoring", benchA1, "2024-06-28", nil},
		{"reopen", benchSW, "2024-08-19", nil},
		{"give_consent", benchSW, "2024-08-26", nil},
		{"assign_assistant", benchH, "2024-08-28", workflow.Args{"assistant": "A2"}},
		{"approve_plan", benchA2, "2024-09-18", nil},
		{"assess", benchA2, "2024-09-30", workflow.Args{"result": "positive"}},
	})
	return e, id
}

// benchCheckReplay fails unless replay gives back the stored case.
func benchCheckReplay(b *testing.B, got *workflow.Case, e *workflow.Engine, id string) {
	b.Helper()
	want, err := e.Case(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		b.Fatalf("replay differs:\n got %+v %+v\nwant %+v %+v", got, got.Family, want, want.Family)
	}
}

// BenchmarkReplay rebuilds one family case from its 31-event history
// through Engine.Replay: the snapshot and the events read from the
// MemoryStore (a clone of each), then every event's facts and obligations
// recomputed under its rule-set revision (15 due-rule evaluations).
// Target: at most 30 µs per case.
func BenchmarkReplay(b *testing.B) {
	e, id := benchReplayFamily(b)
	ctx := context.Background()
	evs, err := e.History(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	got, err := e.Replay(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	benchCheckReplay(b, got, e, id)
	b.ReportAllocs()
	start := benchCPUTime()
	for b.Loop() {
		if _, err := e.Replay(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	benchReportCPU(b, start)
	b.ReportMetric(float64(len(evs)), "events")
}

// BenchmarkReplayEvents is BenchmarkReplay without the store: the events
// are in memory already (for information).
func BenchmarkReplayEvents(b *testing.B) {
	e, id := benchReplayFamily(b)
	ctx := context.Background()
	cur, err := e.Case(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	evs, err := e.History(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := benchCPUTime()
	for b.Loop() {
		if _, err := e.ReplayEvents(cur, evs); err != nil {
			b.Fatal(err)
		}
	}
	benchReportCPU(b, start)
	b.ReportMetric(float64(len(evs)), "events")
}
