package workflow_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// d parses a date; tests write dates as "YYYY-MM-DD".
var d = rules.MustParseDate

// The staff of the test world: one default worker per role, plus a second
// social worker, assistants A2 and A3 and a second coordinator.
var (
	sw       = workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	head     = workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	asst     = workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}
	asst2    = workflow.Actor{ID: "A2", Role: workflow.FamilyAssistant}
	coord    = workflow.Actor{ID: "K1", Role: workflow.FosterCareCoordinator}
	org      = workflow.Actor{ID: "O1", Role: workflow.FosterCareOrganizer}
	director = workflow.Actor{ID: "D1", Role: workflow.InstitutionDirector}
)

// actorOf returns the default worker of a role.
func actorOf(r workflow.Role) workflow.Actor {
	switch r {
	case workflow.SocialWorker:
		return sw
	case workflow.OPSHead:
		return head
	case workflow.FamilyAssistant:
		return asst
	case workflow.FosterCareCoordinator:
		return coord
	case workflow.FosterCareOrganizer:
		return org
	}
	return director
}

// The carers every world declares: one foster family of each form, a second
// professional one, and two institutions.
const (
	rKinship  = "RK"
	rNonProf  = "RN"
	rProf     = "RP"
	rProf2    = "RP2"
	rEmerg    = "RE"
	rHome     = "RD"
	inst      = "P1"
	inst2     = "P2"
	courtRef  = "III Nsm 100/24"
	courtRef2 = "III Nsm 200/24"
)

// carerFor returns the world's default carer of a placement form.
func carerFor(form string) string {
	return map[string]string{
		workflow.FormKinship: rKinship, workflow.FormNonProfessional: rNonProf, workflow.FormProfessional: rProf,
		workflow.FormEmergency: rEmerg, workflow.FormFamilyChildrensHome: rHome, workflow.FormInstitution: inst,
	}[form]
}

// forms lists the placed.* leaf names in the contract's order.
var forms = []string{workflow.FormKinship, workflow.FormNonProfessional, workflow.FormProfessional,
	workflow.FormEmergency, workflow.FormFamilyChildrensHome, workflow.FormInstitution}

// world is an engine over a store of a kind (see forEachStore) and a
// directory, with the staff and carers above declared.
type world struct {
	t     testing.TB
	ctx   context.Context
	e     *workflow.Engine
	dir   *workflow.MemoryDirectory
	store workflow.Store
	kind  storeKind
}

// newWorld builds a world on a new store of kind st; opts are applied
// after the store and directory.
func newWorld(t testing.TB, st storeKind, opts ...workflow.Option) *world {
	t.Helper()
	dir := workflow.NewMemoryDirectory()
	for _, w := range []workflow.Worker{
		{ID: "SW1", Role: workflow.SocialWorker}, {ID: "SW2", Role: workflow.SocialWorker},
		{ID: "H1", Role: workflow.OPSHead},
		{ID: "A1", Role: workflow.FamilyAssistant}, {ID: "A2", Role: workflow.FamilyAssistant},
		{ID: "A3", Role: workflow.FamilyAssistant},
		{ID: "K1", Role: workflow.FosterCareCoordinator}, {ID: "K2", Role: workflow.FosterCareCoordinator},
		{ID: "O1", Role: workflow.FosterCareOrganizer}, {ID: "D1", Role: workflow.InstitutionDirector, Employer: inst},
	} {
		require.NoError(t, dir.AddWorker(w))
	}
	require.NoError(t, dir.AddInstitution(workflow.Institution{ID: inst}))
	require.NoError(t, dir.AddInstitution(workflow.Institution{ID: inst2}))
	store := st.open(t)
	e, err := workflow.New(append([]workflow.Option{workflow.WithDirectory(dir), workflow.WithStore(store)}, opts...)...)
	require.NoError(t, err)
	w := &world{t: t, ctx: context.Background(), e: e, dir: dir, store: store, kind: st}
	for _, f := range forms[:5] {
		w.declareFoster(carerFor(f), f)
	}
	w.declareFoster(rProf2, workflow.FormProfessional)
	return w
}

func (w *world) declareFamily(id string) {
	w.t.Helper()
	require.NoError(w.t, w.e.DeclareFamily(w.ctx, id, workflow.FamilyInfo{}))
}

func (w *world) declareChild(id, family, born string) {
	w.t.Helper()
	require.NoError(w.t, w.e.DeclareChild(w.ctx, id, workflow.ChildInfo{Family: family, Born: d(born)}))
}

func (w *world) declareFoster(id, form string) {
	w.t.Helper()
	require.NoError(w.t, w.e.DeclareFosterFamily(w.ctx, id, workflow.FosterFamilyInfo{Form: form}))
}

func (w *world) fire(id, trigger string, who workflow.Actor, on string, args workflow.Args) (*workflow.Outcome, error) {
	return w.e.Fire(w.ctx, id, workflow.Command{Trigger: trigger, Actor: who, On: d(on), Args: args})
}

// must fires and fails the test on a refusal.
func (w *world) must(id, trigger string, who workflow.Actor, on string, args workflow.Args) *workflow.Outcome {
	w.t.Helper()
	out, err := w.fire(id, trigger, who, on, args)
	require.NoError(w.t, err, "%s %s on %s", id, trigger, on)
	return out
}

// caseOf returns the stored case.
func (w *world) caseOf(id string) *workflow.Case {
	w.t.Helper()
	c, err := w.e.Case(w.ctx, id)
	require.NoError(w.t, err)
	return c
}

func (w *world) history(id string) []workflow.Event {
	w.t.Helper()
	evs, err := w.e.History(w.ctx, id)
	require.NoError(w.t, err)
	return evs
}

// snapshot is every case of the store with the length of its history.
type snapshot map[string]struct {
	c      *workflow.Case
	events int
}

func (w *world) snapshot() snapshot {
	w.t.Helper()
	out := snapshot{}
	require.NoError(w.t, w.scan(func(c *workflow.Case) error {
		out[c.ID] = struct {
			c      *workflow.Case
			events int
		}{c, len(w.history(c.ID))}
		return nil
	}))
	return out
}

// scan visits every case of the store: both kinds are Scanners.
func (w *world) scan(fn func(*workflow.Case) error) error {
	w.t.Helper()
	sc, ok := w.store.(workflow.Scanner)
	require.True(w.t, ok, "the store %T visits no cases", w.store)
	return sc.Scan(w.ctx, fn)
}

// refuse fires a command that must be refused and checks that nothing in
// the store changed (the case's version and state, every other case, and
// no event appended anywhere) and that the error speaks both languages.
func (w *world) refuse(id, trigger string, who workflow.Actor, on string, args workflow.Args) error {
	w.t.Helper()
	before := w.snapshot()
	out, err := w.fire(id, trigger, who, on, args)
	require.Error(w.t, err, "%s %s on %s must be refused", id, trigger, on)
	require.Nil(w.t, out)
	after := w.snapshot()
	require.Equal(w.t, len(before), len(after))
	for cid, b := range before {
		a := after[cid]
		assert.Equal(w.t, b.c.Version, a.c.Version, "version of %s", cid)
		assert.Equal(w.t, b.c.State, a.c.State, "state of %s", cid)
		assert.Equal(w.t, b.c, a.c, "case %s", cid)
		assert.Equal(w.t, b.events, a.events, "events of %s", cid)
	}
	checkMessages(w.t, err)
	return err
}

// goName matches what a message shown to a person must not contain: Go
// method receivers, calls, source positions, package-qualified identifiers
// and fmt's complaints.
var goName = regexp.MustCompile(`\(\*[A-Za-z]\w*\)|[A-Za-z]\w*\(\)|\.go:\d|\bfunc\b|\bworkflow\.|\brules\.[A-Z]|\bstateless\b|\bruntime\.|%!|<nil>|Error\{`)

// checkMessages asserts that err has a Polish and an English message, both
// non-empty, different, and free of Go names.
func checkMessages(t testing.TB, err error) {
	t.Helper()
	pl, en := workflow.Localize(err, rules.Polish), workflow.Localize(err, rules.English)
	assert.NotEmpty(t, pl)
	assert.NotEmpty(t, en)
	assert.NotEqual(t, pl, en, "the Polish and English messages must differ")
	assert.NotRegexp(t, goName, pl)
	assert.NotRegexp(t, goName, en)
	assert.Equal(t, en, err.Error())
}

// step is one firing in a path that brings a case to a state.
type step struct {
	trigger string
	who     workflow.Actor
	args    workflow.Args
}

// pathStart is the date of a path's first step; each further step is a day
// later. Tests fire the trigger under test on testDay.
const (
	pathStart = "2024-01-02"
	testDay   = "2024-03-01"
)

// run fires a path's steps on consecutive days from pathStart.
func (w *world) run(id string, steps []step) {
	w.t.Helper()
	on := d(pathStart)
	for _, s := range steps {
		w.must(id, s.trigger, s.who, on.String(), s.args)
		on = on.AddDays(1)
	}
}

// Family paths, by the name of the state (and basis) they reach.
var familyPaths = func() map[string][]step {
	refer := step{"refer", sw, nil}
	interview := step{"complete_interview", sw, nil}
	request := step{"request_assistant", sw, nil}
	consent := step{"give_consent", sw, nil}
	court := step{"court_obligation", head, workflow.Args{"court_ref": courtRef}}
	assign := step{"assign_assistant", head, workflow.Args{"assistant": "A1"}}
	approve := step{"approve_plan", asst, nil}
	requested := []step{refer, interview, request}
	p := map[string][]step{
		"declared":                    nil,
		"referred":                    {refer},
		"analysis":                    {refer, interview},
		"assistant_requested":         requested,
		"assistant_requested/consent": append(slices.Clone(requested), consent),
		"assistant_requested/court":   append(slices.Clone(requested), court),
		"planning/consent":            append(slices.Clone(requested), consent, assign),
		"planning/court":              append(slices.Clone(requested), court, assign),
		"implementing/consent":        append(slices.Clone(requested), consent, assign, approve),
		"implementing/court":          append(slices.Clone(requested), court, assign, approve),
		"implementing/za_zyciem":      {{"apply_za_zyciem", sw, workflow.Args{"kind": "pregnancy"}}, assign, approve},
		"implementing/mandatory":      {refer, interview, {"request_assistant", sw, workflow.Args{"mandatory": true}}, assign, approve},
		"declined":                    append(slices.Clone(requested), step{"refuse_consent", sw, nil}),
	}
	p["monitoring"] = append(slices.Clone(p["implementing/consent"]), step{"end_work", asst, workflow.Args{"reason": "goals_achieved"}})
	p["closed"] = append(slices.Clone(p["implementing/consent"]), step{"end_work", asst, workflow.Args{"reason": "other"}})
	return p
}()

// familyIn declares family id and brings it along a family path.
func (w *world) familyIn(id, path string) {
	w.t.Helper()
	steps, ok := familyPaths[path]
	require.True(w.t, ok, "no family path %q", path)
	w.declareFamily(id)
	w.run(id, steps)
}

// placeArgs are the arguments of placing a child with the default carer of
// a form.
func placeArgs(form string) workflow.Args {
	return workflow.Args{"form": form, "carer": carerFor(form), "court_ref": courtRef}
}

// Child paths, by the name of the state they reach. The child is 11 on
// pathStart, so it may go to an institution.
var childPaths = func() map[string][]step {
	p := map[string][]step{"in_family": nil}
	for _, f := range forms {
		p["placed."+f] = []step{{"place", org, placeArgs(f)}}
	}
	placed := p["placed."+workflow.FormProfessional]
	p["reunification"] = append(slices.Clone(placed), step{"propose_return", org, nil})
	p["returned"] = append(slices.Clone(p["reunification"]), step{"return_home", org, workflow.Args{"court_ref": courtRef2}})
	p["adoption_referred"] = append(slices.Clone(placed), step{"settle_legal_status", org, nil}, step{"refer_for_adoption", org, nil})
	p["adopted"] = append(slices.Clone(p["adoption_referred"]), step{"adopt", org, workflow.Args{"court_ref": courtRef2}})
	p["left_care"] = append(slices.Clone(placed), step{"leave_care", org, nil})
	return p
}()

// childBorn is the default child's date of birth: 11 years old in 2024.
const childBorn = "2012-06-15"

// childIn declares child id in family F1 (declared, with no case) and
// brings it along a child path.
func (w *world) childIn(id, path string) {
	w.t.Helper()
	steps, ok := childPaths[path]
	require.True(w.t, ok, "no child path %q", path)
	if _, err := w.e.Case(w.ctx, "F1"); err != nil {
		w.declareFamily("F1")
	}
	w.declareChild(id, "F1", childBorn)
	w.run(id, steps)
}

// fosterIn declares foster family id (professional) and brings it to a
// state; an active one has child CX placed with it.
func (w *world) fosterIn(id, state string) {
	w.t.Helper()
	if state == "candidate" {
		require.NoError(w.t, w.e.DeclareFosterFamily(w.ctx, id, workflow.FosterFamilyInfo{Form: workflow.FormProfessional, Candidate: true}))
		return
	}
	w.declareFoster(id, workflow.FormProfessional)
	if state == "qualified" {
		return
	}
	w.declareChild("CX", "", childBorn)
	w.must("CX", "place", org, pathStart, workflow.Args{"form": workflow.FormProfessional, "carer": id})
	switch state {
	case "suspended":
		w.must(id, "suspend", org, "2024-01-10", nil)
	case "dissolved":
		w.must(id, "dissolve", org, "2024-01-10", nil)
	}
}

// errKind classifies a refusal for tables.
type errKind int

const (
	allowed errKind = iota
	forbidden
	invalid
	denied
	badArg
)

func (k errKind) String() string {
	return [...]string{"allowed", "forbidden", "invalid", "denied", "argument"}[k]
}

// assertKind checks err's type and sentinel against k.
func assertKind(t testing.TB, k errKind, err error) {
	t.Helper()
	switch k {
	case forbidden:
		var fe *workflow.ForbiddenError
		require.ErrorAs(t, err, &fe)
		require.ErrorIs(t, err, workflow.ErrForbidden)
	case invalid:
		var te *workflow.TransitionError
		require.ErrorAs(t, err, &te)
		require.ErrorIs(t, err, workflow.ErrInvalidTransition)
	case denied:
		var de *workflow.DeniedError
		require.ErrorAs(t, err, &de)
		require.ErrorIs(t, err, workflow.ErrDenied)
		require.ErrorIs(t, err, rules.ErrDenied)
	case badArg:
		var ae *workflow.ArgumentError
		require.ErrorAs(t, err, &ae)
		require.ErrorIs(t, err, workflow.ErrArgument)
	default:
		require.NoError(t, err)
	}
	for _, other := range []error{workflow.ErrForbidden, workflow.ErrInvalidTransition, workflow.ErrDenied, workflow.ErrArgument, workflow.ErrConflict} {
		if !errors.Is(err, other) {
			continue
		}
		switch {
		case k == forbidden && other == workflow.ErrForbidden, k == invalid && other == workflow.ErrInvalidTransition,
			k == denied && other == workflow.ErrDenied, k == badArg && other == workflow.ErrArgument:
		default:
			t.Errorf("%v also matches %v", err, other)
		}
	}
}

// obligation returns the due date of an open obligation of the stored case,
// failing when it is not open.
func (w *world) due(id, obligation string) rules.Date {
	w.t.Helper()
	o, ok := w.caseOf(id).Obligation(obligation)
	require.True(w.t, ok, "%s has no open %s: %v", id, obligation, w.caseOf(id).Obligations)
	return o.Due
}

// notDue asserts that the obligation is not open on the case.
func (w *world) notDue(id, obligation string) {
	w.t.Helper()
	_, ok := w.caseOf(id).Obligation(obligation)
	require.False(w.t, ok, "%s must have no open %s", id, obligation)
}
