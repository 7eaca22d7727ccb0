package workflow_test

// FuzzFire fires random triggers at a small world and checks the engine's
// invariants after every step. Helpers here are prefixed fz.
//
//	go test -run '^$' -fuzz FuzzFire -fuzztime 60s ./workflow/

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// The input: a header byte, then steps of (case, trigger, actor, day)
// bytes, each followed by one byte per argument the trigger takes. Missing
// bytes read as 0.
//
// Header bits: 0 lowers every cap to 1 (so the two families and two
// children can reach them) and sets post-closure monitoring to 6 months;
// 1–2 choose R2's form; 3 declares R2 a candidate; 4 makes C2 a sibling of
// C1 (family F1, else F2).
//
// Trigger byte: its top two bits pick from the triggers the contract
// permits in the case's state (00, 01), the case's lifecycle (10; bit 5
// then adds an unknown argument) or every lifecycle (11). Actor byte: from 224
// it picks any actor (including a wrong role and an unknown worker), below
// a worker of a role the contract allows for the trigger. Argument bytes
// below 224 pick a good value, others any value (absent or bad ones
// included).

type fzAbsentT struct{}

var fzAbsent = fzAbsentT{}

var (
	fzCases      = []string{"F1", "F2", "C1", "C2", "R1", "R2"}
	fzFamilyTrig = []string{"refer", "apply_za_zyciem", "complete_interview", "request_assistant", "give_consent",
		"refuse_consent", "court_obligation", "report_to_court", "assign_assistant", "reassign_assistant", "approve_plan", "assess",
		"withdraw_consent", "end_work", "end_monitoring", "reopen"}
	fzChildTrig = []string{"place", "move", "review", "report_to_court", "extend_stay", "propose_return", "return_home",
		"return_refused", "settle_legal_status", "refer_for_adoption", "adopt", "leave_care"}
	fzFosterTrig = []string{"qualify", "assign_coordinator", "activate", "assess", "suspend", "resume", "dissolve"}
	fzAllTrig    = append(append(append([]string{"bogus", workflow.TriggerDeclare}, fzFamilyTrig...), fzChildTrig...), fzFosterTrig...)

	fzActors = []workflow.Actor{
		{ID: "SW1", Role: workflow.SocialWorker}, {ID: "H1", Role: workflow.OPSHead},
		{ID: "A1", Role: workflow.FamilyAssistant}, {ID: "A2", Role: workflow.FamilyAssistant},
		{ID: "K1", Role: workflow.FosterCareCoordinator}, {ID: "O1", Role: workflow.FosterCareOrganizer},
		{ID: "D1", Role: workflow.InstitutionDirector},
		{ID: "SW1", Role: workflow.OPSHead},     // a role the worker does not have
		{ID: "X9", Role: workflow.SocialWorker}, // an unknown worker
	}
	fzR2Forms = []string{workflow.FormNonProfessional, workflow.FormEmergency, workflow.FormFamilyChildrensHome, workflow.FormKinship}

	// fzRoles is who may fire what, per docs/workflow.md ("Lifecycles,
	// triggers, roles and arguments"), to steer most steps to an allowed role.
	fzRoles = map[rules.Lifecycle]map[string][]workflow.Role{
		rules.LifecycleFamily: {
			"court_obligation":   {workflow.SocialWorker, workflow.OPSHead},
			"report_to_court":    {workflow.FamilyAssistant, workflow.OPSHead},
			"assign_assistant":   {workflow.OPSHead},
			"reassign_assistant": {workflow.OPSHead},
			"approve_plan":       {workflow.FamilyAssistant},
			"assess":             {workflow.FamilyAssistant},
			"withdraw_consent":   {workflow.SocialWorker, workflow.FamilyAssistant},
			"end_work":           {workflow.FamilyAssistant, workflow.OPSHead},
			"end_monitoring":     {workflow.FamilyAssistant, workflow.SocialWorker},
			"":                   {workflow.SocialWorker},
		},
		rules.LifecycleChild: {
			"review":             {workflow.FosterCareOrganizer, workflow.InstitutionDirector},
			"refer_for_adoption": {workflow.FosterCareCoordinator, workflow.FosterCareOrganizer, workflow.InstitutionDirector},
			"":                   {workflow.FosterCareOrganizer},
		},
		rules.LifecycleFosterFamily: {
			"assess": {workflow.FosterCareCoordinator, workflow.FosterCareOrganizer},
			"":       {workflow.FosterCareOrganizer},
		},
	}

	// fzArgs lists the arguments each trigger takes, in decoding order.
	fzArgs = map[string][]string{
		"refer": {"urgent"}, "apply_za_zyciem": {"kind"}, "request_assistant": {"mandatory"},
		"court_obligation": {"court_ref", "report_every_months"}, "assign_assistant": {"assistant"}, "reassign_assistant": {"assistant"},
		"approve_plan": {"plan_ref"}, "assess": {"result"}, "end_work": {"reason"},
		"place":  {"carer", "form", "court_ref", "siblings", "exception", "help_plan_ref"},
		"move":   {"carer", "form", "siblings", "exception", "court_ref"},
		"review": {"help_plan_ref"}, "return_home": {"court_ref"}, "adopt": {"court_ref"},
		"assign_coordinator": {"coordinator"},
	}
	// fzValues are each argument's candidate values: the first
	// fzGood[name] are good (or at least plausible), then absent and bad
	// ones. "form" is decoded by fzWorld.form.
	fzValues = map[string][]any{
		"urgent":              {false, true, fzAbsent, "yes"},
		"mandatory":           {false, true, fzAbsent, 1},
		"siblings":            {false, fzAbsent, false, true, "true"},
		"kind":                {"pregnancy", "child_impairment", fzAbsent, "other"},
		"court_ref":           {"III Nsm 1/16", "III Nsm 2/17", fzAbsent, "", 7},
		"report_every_months": {fzAbsent, 3, 6, 24, 0, 25, 2.5, "6", int64(1) << 40},
		"assistant":           {"A1", "A2", fzAbsent, "SW1", "X9", ""},
		"plan_ref":            {fzAbsent, "PLAN-1", 3},
		"result":              {"positive", "negative", fzAbsent, "neutral"},
		"reason": {"goals_achieved", "no_cooperation", "moved_away", "child_placed_permanently", "court_decision", "other",
			fzAbsent, "bored"},
		"carer":         {"R1", "R2", "P1", fzAbsent, "NOPE", "F1", "C2"},
		"exception":     {fzAbsent, fzAbsent, fzAbsent, "siblings", "parent_in_institution", "health", "whim"},
		"help_plan_ref": {fzAbsent, "HP-1"},
		"coordinator":   {"K1", fzAbsent, "A1", "X9"},
	}
	fzGood = map[string]int{"urgent": 3, "mandatory": 3, "siblings": 4, "kind": 2, "court_ref": 2, "report_every_months": 4,
		"assistant": 2, "plan_ref": 2, "result": 2, "reason": 6, "carer": 3, "exception": 6, "help_plan_ref": 2, "coordinator": 1}
	fzForms = []string{workflow.FormKinship, workflow.FormNonProfessional, workflow.FormProfessional, workflow.FormEmergency,
		workflow.FormFamilyChildrensHome, workflow.FormInstitution}

	// fzLeaves are the states a case may be in (docs/glossary.md,
	// "Lifecycles and states").
	fzLeaves = map[rules.Lifecycle][]workflow.State{
		rules.LifecycleFamily: {"", workflow.Referred, workflow.Analysis, workflow.AssistantRequested, workflow.AssistantPlanning,
			workflow.AssistantImplementing, workflow.Declined, workflow.Monitoring, workflow.Closed},
		rules.LifecycleChild: {workflow.InFamily, workflow.PlacedKinship, workflow.PlacedNonProfessional, workflow.PlacedProfessional,
			workflow.PlacedEmergency, workflow.PlacedFamilyChildrensHome, workflow.PlacedInstitution, workflow.Reunification,
			workflow.Returned, workflow.AdoptionReferred, workflow.Adopted, workflow.LeftCare},
		rules.LifecycleFosterFamily: {workflow.Candidate, workflow.Qualified, workflow.Active, workflow.Suspended, workflow.Dissolved},
	}
	fzTerminal = []workflow.State{workflow.Closed, workflow.Declined, workflow.Returned, workflow.Adopted, workflow.LeftCare, workflow.Dissolved}
)

const fzLoweredCaps = `name: fuzz
parameters:
  assistant.max_families: 1
  coordinator.max_foster_families: 1
  foster_family.max_children: 1
  family_childrens_home.max_children: 1
  institution.max_children: 1
  family.post_closure_monitoring: 6
`

var fzLowered = sync.OnceValues(func() (*rules.RuleSet, error) {
	cfg, err := rules.ParseConfig("fuzz.yaml", []byte(fzLoweredCaps))
	if err != nil {
		return nil, err
	}
	return rules.New(cfg)
})

type fzReader struct {
	b []byte
	i int
}

func (r *fzReader) more() bool { return r.i < len(r.b) }

func (r *fzReader) next() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func fzPick[T any](list []T, b byte) T { return list[int(b)%len(list)] }

// fzWorld is the small world of one fuzz run.
type fzWorld struct {
	t      *testing.T
	ctx    context.Context
	e      *workflow.Engine
	rs     *rules.RuleSet
	forms  map[string]string // carer → form
	sibsTo map[string]bool   // carers that took a child with siblings: true
	trace  []string
}

func fzNewWorld(t *testing.T, header byte) *fzWorld {
	t.Helper()
	ctx := context.Background()
	rs := rules.Statute()
	if header&1 != 0 {
		var err error
		if rs, err = fzLowered(); err != nil {
			t.Fatal(err)
		}
	}
	dir := workflow.NewMemoryDirectory()
	for _, a := range fzActors[:7] {
		w := workflow.Worker{ID: a.ID, Role: a.Role}
		if a.ID == "A2" {
			w.From, w.To = rules.MustParseDate("2016-01-01"), rules.MustParseDate("2019-06-30")
		}
		if err := dir.AddWorker(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := dir.AddInstitution(workflow.Institution{ID: "P1"}); err != nil {
		t.Fatal(err)
	}
	e, err := workflow.New(workflow.WithDirectory(dir), workflow.WithRules(rs))
	if err != nil {
		t.Fatal(err)
	}
	r2 := fzPick(fzR2Forms, header>>1&3)
	c2Family := "F2"
	if header&16 != 0 {
		c2Family = "F1"
	}
	for _, err := range []error{
		e.DeclareFamily(ctx, "F1", workflow.FamilyInfo{}),
		e.DeclareFamily(ctx, "F2", workflow.FamilyInfo{Difficulty: 2.5, Area: "north"}),
		e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F1", Born: rules.MustParseDate("2014-06-15")}),
		e.DeclareChild(ctx, "C2", workflow.ChildInfo{Family: c2Family, Born: rules.MustParseDate("2004-02-29")}),
		e.DeclareFosterFamily(ctx, "R1", workflow.FosterFamilyInfo{Form: workflow.FormProfessional}),
		e.DeclareFosterFamily(ctx, "R2", workflow.FosterFamilyInfo{Form: r2, Candidate: header&8 != 0}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return &fzWorld{t: t, ctx: ctx, e: e, rs: rs, sibsTo: map[string]bool{},
		forms: map[string]string{"R1": workflow.FormProfessional, "R2": r2, "P1": workflow.FormInstitution}}
}

func (w *fzWorld) fail(format string, a ...any) {
	w.t.Helper()
	tail := w.trace
	if len(tail) > 40 {
		tail = tail[len(tail)-40:]
	}
	w.t.Fatalf("%s\nsteps (last %d):\n  %s", fmt.Sprintf(format, a...), len(tail), strings.Join(tail, "\n  "))
}

// fzState is everything the store shows of the world.
type fzState struct {
	cases  map[string]*workflow.Case
	events map[string][]workflow.Event
}

func (w *fzWorld) state() fzState {
	w.t.Helper()
	s := fzState{cases: map[string]*workflow.Case{}, events: map[string][]workflow.Event{}}
	for _, id := range fzCases {
		c, err := w.e.Case(w.ctx, id)
		if err != nil {
			w.fail("Case(%s): %v", id, err)
		}
		evs, err := w.e.History(w.ctx, id)
		if err != nil {
			w.fail("History(%s): %v", id, err)
		}
		s.cases[id], s.events[id] = c, evs
	}
	return s
}

func fzJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v (json: %v)", v, err)
	}
	return string(b)
}

// decode reads one step's actor, trigger and arguments.
func (w *fzWorld) decode(r *fzReader, c *workflow.Case) (string, workflow.Actor, workflow.Args) {
	tb, ab := r.next(), r.next()
	var trigger string
	switch tb >> 6 {
	case 0, 1:
		trigger = fzPick(fzPlausible(c), tb&0x3f)
	case 2:
		trigger = fzPick(fzLifecycleTrig(c.Lifecycle), tb&0x1f)
	default:
		trigger = fzPick(fzAllTrig, tb&0x3f)
	}
	var actor workflow.Actor
	if ab >= 224 {
		actor = fzPick(fzActors, ab)
	} else {
		roles := fzRoles[c.Lifecycle][trigger]
		if roles == nil {
			roles = fzRoles[c.Lifecycle][""]
		}
		role := fzPick(roles, ab&3)
		var ws []workflow.Actor
		for _, a := range fzActors[:7] {
			if a.Role == role {
				ws = append(ws, a)
			}
		}
		actor = fzPick(ws, ab>>2)
	}
	var args workflow.Args
	set := func(name string, v any) {
		if v == fzAbsent {
			return
		}
		if args == nil {
			args = workflow.Args{}
		}
		args[name] = v
	}
	for _, name := range fzArgs[trigger] {
		b := r.next()
		if name == "form" {
			set(name, w.form(args, b))
			continue
		}
		if b < 224 {
			set(name, fzPick(fzValues[name][:fzGood[name]], b))
		} else {
			set(name, fzPick(fzValues[name], b))
		}
	}
	if tb>>6 == 2 && tb&0x20 != 0 {
		set("bogus", 1)
	}
	return trigger, actor, args
}

func fzLifecycleTrig(l rules.Lifecycle) []string {
	switch l {
	case rules.LifecycleFamily:
		return fzFamilyTrig
	case rules.LifecycleChild:
		return fzChildTrig
	}
	return fzFosterTrig
}

// fzPlausible lists the triggers docs/workflow.md ("Lifecycles, triggers,
// roles and arguments") permits in c's state, to steer most steps along the lifecycle; roles, arguments and
// rules may still refuse them.
func fzPlausible(c *workflow.Case) []string {
	s := c.State
	switch {
	case s == "" && c.Lifecycle == rules.LifecycleFamily:
		return []string{"refer", "apply_za_zyciem"}
	case s == workflow.Referred:
		return []string{"complete_interview", "court_obligation"}
	case s == workflow.Analysis:
		return []string{"request_assistant", "court_obligation"}
	case s == workflow.AssistantRequested:
		return []string{"give_consent", "refuse_consent", "court_obligation", "assign_assistant", "assign_assistant"}
	case s.In(workflow.AssistantWork):
		return []string{"court_obligation", "report_to_court", "approve_plan", "assess", "assess", "withdraw_consent", "end_work", "end_work",
			"reassign_assistant"}
	case s == workflow.Declined:
		return []string{"court_obligation", "reopen"}
	case s == workflow.Monitoring:
		return []string{"end_monitoring", "reopen"}
	case s == workflow.InFamily || s == workflow.Returned:
		return []string{"place"}
	case s.In(workflow.Placed):
		return []string{"move", "move", "review", "report_to_court", "extend_stay", "propose_return", "settle_legal_status",
			"refer_for_adoption", "leave_care"}
	case s == workflow.Reunification:
		return []string{"return_home", "return_refused", "review", "report_to_court"}
	case s == workflow.AdoptionReferred:
		return []string{"adopt", "review", "report_to_court"}
	case s == workflow.Candidate:
		return []string{"qualify"}
	case s == workflow.Qualified:
		return []string{"assign_coordinator"}
	case s == workflow.Active:
		return []string{"assign_coordinator", "assess", "assess", "suspend", "dissolve"}
	case s == workflow.Suspended:
		return []string{"resume", "dissolve"}
	}
	return fzLifecycleTrig(c.Lifecycle)
}

// form is mostly the carer's own form, sometimes another, a bad one or
// none.
func (w *fzWorld) form(args workflow.Args, b byte) any {
	carer, _ := args["carer"].(string)
	if f, ok := w.forms[carer]; ok && b < 224 {
		return f
	}
	switch b % 8 {
	case 6:
		return "castle"
	case 7:
		return fzAbsent
	}
	return fzPick(fzForms, b/8)
}

func fzDays(b byte) int {
	if b < 192 {
		return int(b % 8)
	}
	return int(b-192) * 15
}

func FuzzFire(f *testing.F) {
	for _, seed := range fzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(fzRun)
}

// TestFireRandomWalk runs FuzzFire's checks on pseudo-random inputs, so
// that plain `go test` explores far more than the seed corpus.
func TestFireRandomWalk(t *testing.T) {
	n := 200 // FZ_WALK=N for more
	if testing.Short() {
		n = 30
	}
	if v, err := strconv.Atoi(os.Getenv("FZ_WALK")); err == nil {
		n = v
	}
	rng := rand.New(rand.NewPCG(2016, 1))
	for i := range n {
		data := make([]byte, 1+rng.IntN(1200))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { fzRun(t, data) })
		if t.Failed() {
			t.Logf("input: %q", data)
			return
		}
	}
}

func fzRun(t *testing.T, data []byte) {
	r := &fzReader{b: data}
	w := fzNewWorld(t, r.next())
	on := rules.MustParseDate("2016-01-01")
	for step := 0; r.more() && step < 256; step++ {
		id := fzPick(fzCases, r.next())
		on = on.AddDays(fzDays(r.next()))
		before := w.state()
		trigger, actor, args := w.decode(r, before.cases[id])
		out, err := w.e.Fire(w.ctx, id, workflow.Command{Trigger: trigger, Actor: actor, On: on, Args: args})
		line := fmt.Sprintf("%d %s %s %s by %s/%s %s", step, on, id, trigger, actor.ID, actor.Role, fzJSON(args))
		if err != nil {
			line += " → " + err.Error()
		} else {
			line += " → " + string(out.Case.State)
		}
		w.trace = append(w.trace, line)
		after := w.state()
		if err != nil {
			w.checkRefusal(err, before, after)
		} else {
			w.checkAccepted(id, out, args, before, after)
		}
		w.checkWorld(on, after)
	}
	w.checkReplay()
	if os.Getenv("FZ_TRACE") != "" {
		t.Logf("steps:\n  %s", strings.Join(w.trace, "\n  "))
	}
}

// checkRefusal: a typed error, and nothing changed.
func (w *fzWorld) checkRefusal(err error, before, after fzState) {
	w.t.Helper()
	var (
		fe *workflow.ForbiddenError
		te *workflow.TransitionError
		ae *workflow.ArgumentError
		de *workflow.DeniedError
		ce *workflow.ConflictError
	)
	switch {
	case errors.As(err, &fe):
		if !errors.Is(err, workflow.ErrForbidden) {
			w.fail("%v: a ForbiddenError that is not ErrForbidden", err)
		}
	case errors.As(err, &te):
		if !errors.Is(err, workflow.ErrInvalidTransition) {
			w.fail("%v: a TransitionError that is not ErrInvalidTransition", err)
		}
	case errors.As(err, &ae):
		if !errors.Is(err, workflow.ErrArgument) {
			w.fail("%v: an ArgumentError that is not ErrArgument", err)
		}
	case errors.As(err, &de):
		if !errors.Is(err, workflow.ErrDenied) || len(de.RuleIDs()) == 0 {
			w.fail("%v: a DeniedError that is not ErrDenied or names no rule", err)
		}
	case errors.As(err, &ce):
		// Steps run one at a time: nothing can change a case between
		// its read and its commit.
		w.fail("%v: a conflict without concurrency", err)
	default:
		w.fail("refusal %v (%T) is none of the package's typed errors", err, err)
	}
	if workflow.Localize(err, rules.Polish) == "" || err.Error() == "" {
		w.fail("%T has no message", err)
	}
	for _, id := range fzCases {
		if !reflect.DeepEqual(before.cases[id], after.cases[id]) || len(before.events[id]) != len(after.events[id]) {
			w.fail("refusal %v changed %s:\nbefore %s\nafter  %s", err, id, fzJSON(before.cases[id]), fzJSON(after.cases[id]))
		}
	}
}

// checkAccepted: the case and its linked cases went up one version with one
// event each; nothing else changed.
func (w *fzWorld) checkAccepted(id string, out *workflow.Outcome, args workflow.Args, before, after fzState) {
	w.t.Helper()
	changed := map[string]*workflow.Case{id: out.Case}
	for _, l := range out.Linked {
		changed[l.ID] = l
	}
	for _, cid := range fzCases {
		b, a := before.cases[cid], after.cases[cid]
		o, ok := changed[cid]
		if !ok {
			if !reflect.DeepEqual(b, a) || len(before.events[cid]) != len(after.events[cid]) {
				w.fail("firing on %s changed %s too:\nbefore %s\nafter  %s", id, cid, fzJSON(b), fzJSON(a))
			}
			continue
		}
		if a.Version != b.Version+1 {
			w.fail("%s: version %d → %d, want +1", cid, b.Version, a.Version)
		}
		if !reflect.DeepEqual(o, a) {
			w.fail("%s: the outcome's case differs from the stored one:\noutcome %s\nstored  %s", cid, fzJSON(o), fzJSON(a))
		}
		evs := after.events[cid]
		if len(evs) != len(before.events[cid])+1 {
			w.fail("%s: %d events → %d, want one more", cid, len(before.events[cid]), len(evs))
		}
		last := evs[len(evs)-1]
		if last.Seq != a.Version || last.From != b.State || last.To != a.State {
			w.fail("%s: last event seq %d %s → %s; case version %d, %s → %s", cid, last.Seq, last.From, last.To, a.Version, b.State, a.State)
		}
		if cid == id && fzJSON(last) != fzJSON(out.Event) {
			w.fail("%s: the outcome's event differs from the stored one:\noutcome %s\nstored  %s", id, fzJSON(out.Event), fzJSON(last))
		}
	}
	if out.Event.Trigger == "place" || out.Event.Trigger == "move" {
		if sib, _ := args["siblings"].(bool); sib {
			w.sibsTo[args["carer"].(string)] = true
		}
	}
}

// checkWorld: states are leaves, the index agrees with the cases, and no
// cap is exceeded.
func (w *fzWorld) checkWorld(on rules.Date, s fzState) {
	w.t.Helper()
	filed := map[string][]string{}
	for _, id := range fzCases {
		c := s.cases[id]
		if !slices.Contains(fzLeaves[c.Lifecycle], c.State) {
			w.fail("%s is in state %q, not a leaf of %s", id, c.State, c.Lifecycle)
		}
		if slices.Contains(fzTerminal, c.State) && len(c.Obligations) > 0 {
			w.fail("%s is %s with open obligations %s", id, c.State, fzJSON(c.Obligations))
		}
		if !slices.IsSortedFunc(c.Obligations, func(x, y workflow.Obligation) int { return x.Due.Compare(y.Due) }) {
			w.fail("%s: obligations not ordered by due date: %s", id, fzJSON(c.Obligations))
		}
		for i, ev := range s.events[id] {
			if ev.Seq != int64(i+1) {
				w.fail("%s: event %d has Seq %d", id, i, ev.Seq)
			}
		}
		for _, k := range c.Keys() {
			filed[k] = append(filed[k], id)
		}
	}
	keys := []string{workflow.AssistantKey("A1"), workflow.AssistantKey("A2"), workflow.CoordinatorKey("K1"),
		workflow.CarerKey("R1"), workflow.CarerKey("R2"), workflow.CarerKey("P1"), workflow.FamilyKey("F1"), workflow.FamilyKey("F2")}
	for k := range filed {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	param := func(id string) int {
		v, ok := w.rs.Param(id, on)
		if !ok {
			w.fail("parameter %s is not in force on %s", id, on)
		}
		return v.Int()
	}
	countZZ := true
	if v, ok := w.rs.Param("assistant.count_za_zyciem_in_cap", on); ok {
		countZZ = v.Bool()
	}
	for _, k := range keys {
		cs, _, err := w.e.Store().Index(w.ctx, k)
		if err != nil {
			w.fail("Index(%s): %v", k, err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, filed[k]) {
			w.fail("Index(%s) = %v, but the cases filed under it are %v", k, got, filed[k])
		}
		var n, limit int
		switch {
		case strings.HasPrefix(k, "assistant:"):
			n, _ = workflow.FamilyLoad(cs, countZZ)
			limit = param("assistant.max_families")
		case strings.HasPrefix(k, "coordinator:"):
			n, limit = len(cs), param("coordinator.max_foster_families")
		case strings.HasPrefix(k, "carer:"):
			carer := strings.TrimPrefix(k, "carer:")
			n, limit = len(cs), -1
			switch form := w.forms[carer]; {
			case form == workflow.FormInstitution:
				limit = param("institution.max_children")
			case w.sibsTo[carer] || form == workflow.FormKinship:
			case form == workflow.FormFamilyChildrensHome:
				limit = param("family_childrens_home.max_children")
			case form != "":
				limit = param("foster_family.max_children")
			}
		default:
			continue
		}
		if limit >= 0 && n > limit {
			w.fail("%s counts %d, over the cap of %d in force on %s", k, n, limit, on)
		}
	}
}

// checkReplay: replaying every history gives the stored case.
func (w *fzWorld) checkReplay() {
	w.t.Helper()
	for _, id := range fzCases {
		c, err := w.e.Case(w.ctx, id)
		if err != nil {
			w.fail("Case(%s): %v", id, err)
		}
		r, err := w.e.Replay(w.ctx, id)
		if err != nil {
			w.fail("Replay(%s): %v", id, err)
		}
		if !reflect.DeepEqual(r, c) {
			w.fail("Replay(%s) differs:\nreplayed %s\nstored   %s", id, fzJSON(r), fzJSON(c))
		}
	}
}

// fzSeed is a readable step for seeding the corpus.
type fzSeed struct {
	days    byte
	caseID  string
	trigger string
	actor   int // index in fzActors
	args    []byte
}

func fzEncode(header byte, steps ...fzSeed) []byte {
	out := []byte{header}
	for _, s := range steps {
		var list []string
		switch s.caseID[0] {
		case 'F':
			list = fzFamilyTrig
		case 'C':
			list = fzChildTrig
		default:
			list = fzFosterTrig
		}
		out = append(out, byte(slices.Index(fzCases, s.caseID)), s.days, byte(slices.Index(list, s.trigger)), fzActorByte(s.actor))
		out = append(out, s.args...)
	}
	return out
}

// fzActorByte is the byte choosing fzActors[i].
func fzActorByte(i int) byte {
	for b := 224; b < 256; b++ {
		if b%len(fzActors) == i {
			return byte(b)
		}
	}
	panic("unreachable")
}

// fzArg is the byte choosing value v of an argument.
func fzArg(name string, v any) byte {
	vals := fzValues[name]
	i := slices.IndexFunc(vals, func(x any) bool { return x == v })
	switch {
	case i < 0:
		panic(fmt.Sprintf("no candidate %v for %s", v, name))
	case i < fzGood[name]:
		return byte(i)
	}
	for b := 224; b < 256; b++ {
		if b%len(vals) == i {
			return byte(b)
		}
	}
	panic("unreachable")
}

func fzSeeds() [][]byte {
	const sw, h, a1, a2, k1, o1, d1 = 0, 1, 2, 3, 4, 5, 6
	family := func(id string, assistant string) []fzSeed {
		return []fzSeed{
			{1, id, "refer", sw, []byte{fzArg("urgent", true)}},
			{3, id, "complete_interview", sw, nil},
			{1, id, "request_assistant", sw, []byte{fzArg("mandatory", false)}},
			{1, id, "give_consent", sw, nil},
			{1, id, "assign_assistant", h, []byte{fzArg("assistant", assistant)}},
			{2, id, "approve_plan", map[string]int{"A1": a1, "A2": a2}[assistant], []byte{fzArg("plan_ref", "PLAN-1")}},
		}
	}
	place := func(id, carer string) fzSeed {
		return fzSeed{2, id, "place", o1, []byte{fzArg("carer", carer), 0, fzArg("court_ref", "III Nsm 1/16"),
			fzArg("siblings", false), fzArg("exception", fzAbsent), fzArg("help_plan_ref", "HP-1")}}
	}
	work := append(family("F1", "A1"), family("F2", "A1")...)
	work = append(work,
		fzSeed{200, "F1", "assess", a1, []byte{fzArg("result", "negative")}},
		fzSeed{3, "F2", "court_obligation", h, []byte{fzArg("court_ref", "III Nsm 2/17"), fzArg("report_every_months", 3)}},
		fzSeed{3, "F2", "report_to_court", a1, nil},
		fzSeed{3, "F2", "withdraw_consent", sw, nil},
		fzSeed{5, "F1", "end_work", a1, []byte{fzArg("reason", "goals_achieved")}},
		fzSeed{5, "F1", "end_monitoring", sw, nil},
		fzSeed{5, "F1", "reopen", sw, nil},
	)
	care := []fzSeed{
		{1, "R1", "assign_coordinator", o1, []byte{fzArg("coordinator", "K1")}},
		place("C1", "R1"),
		place("C2", "R1"),
		{220, "R1", "assess", k1, []byte{fzArg("result", "positive")}},
		{3, "C1", "review", d1, []byte{fzArg("help_plan_ref", fzAbsent)}},
		{3, "C1", "propose_return", o1, nil},
		{3, "C1", "return_refused", o1, nil},
		{3, "C2", "settle_legal_status", o1, nil},
		{3, "C2", "refer_for_adoption", k1, nil},
		{3, "C2", "adopt", o1, []byte{fzArg("court_ref", "III Nsm 1/16")}},
		{3, "C1", "move", o1, []byte{fzArg("carer", "P1"), 0, fzArg("siblings", false), fzArg("exception", "health"), fzArg("court_ref", fzAbsent)}},
		{3, "C1", "leave_care", o1, nil},
		{3, "R1", "suspend", o1, nil},
		{3, "R1", "resume", o1, nil},
		{3, "R1", "dissolve", o1, nil},
	}
	emergency := []fzSeed{
		{1, "R2", "qualify", o1, nil},
		place("C1", "R2"),
		{199, "C1", "extend_stay", o1, nil},
		{3, "C1", "propose_return", o1, nil},
		{3, "C1", "return_home", o1, []byte{fzArg("court_ref", "III Nsm 2/17")}},
		place("C2", "R2"),
		place("C1", "R2"),
	}
	zz := []fzSeed{
		{1, "F1", "apply_za_zyciem", sw, []byte{fzArg("kind", "pregnancy")}},
		{1, "F1", "assign_assistant", h, []byte{fzArg("assistant", "A2")}},
		{1, "F2", "refer", sw, []byte{fzArg("urgent", false)}},
		{1, "F2", "court_obligation", sw, []byte{fzArg("court_ref", "III Nsm 1/16"), fzArg("report_every_months", fzAbsent)}},
		{1, "F2", "assign_assistant", h, []byte{fzArg("assistant", "A2")}},
	}
	return [][]byte{
		fzEncode(0, work...),
		fzEncode(1, work...),
		fzEncode(16, care...),
		fzEncode(17, care...),
		fzEncode(8|2, emergency...), // R2: an emergency family home, a candidate
		fzEncode(8|2|1, emergency...),
		fzEncode(1, zz...),
		{},
		[]byte("\x00\x05\x00\x81\x02"),
	}
}
