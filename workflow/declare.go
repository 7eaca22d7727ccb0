package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/asysta/asysta/rules"
)

// FamilyInfo is what is known of a family before its case opens.
type FamilyInfo struct {
	Difficulty float64 // 0 means the default 1.0
	Area       string
}

// ChildInfo is a declared child: its family (a family's ID, which need not
// have a case) and date of birth.
type ChildInfo struct {
	Family string
	Born   rules.Date
}

// FosterFamilyInfo is a declared foster family or family children's home.
type FosterFamilyInfo struct {
	Form string // kinship_/non_professional_/professional_foster_family, emergency_family_home, family_childrens_home
	// Candidate declares it before qualification (state candidate); by
	// default it is declared qualified.
	Candidate bool
}

// DeclareFamily records a family. It has no case until refer or
// apply_za_zyciem opens one. A second declaration of the ID is a
// *ConflictError.
func (e *Engine) DeclareFamily(ctx context.Context, id string, info FamilyInfo) error {
	if !(info.Difficulty >= 0 && info.Difficulty <= 100) { // NaN too
		return e.declError(id, "difficulty", "trudność musi mieścić się w 0–100", "difficulty must be within 0–100")
	}
	if !plainText(info.Area) || len(info.Area) > MaxIDLength {
		return e.declError(id, "area", "rejon jest dłuższy niż 64 bajty albo zawiera znak sterujący lub błędny znak (spoza UTF-8)",
			"the area is longer than 64 bytes or contains a control character or an invalid character (not UTF-8)")
	}
	if info.Difficulty == 0 {
		info.Difficulty = 1
	}
	c := &Case{ID: id, Lifecycle: rules.LifecycleFamily, State: declared, Family: &FamilyFacts{Difficulty: info.Difficulty, Area: info.Area}}
	return e.declare(ctx, c)
}

// DeclareChild records a child in its family (state in_family).
func (e *Engine) DeclareChild(ctx context.Context, id string, info ChildInfo) error {
	switch {
	case !plainText(info.Family) || len(info.Family) > MaxIDLength:
		return e.declError(id, "family", "identyfikator rodziny jest dłuższy niż 64 bajty albo zawiera znak sterujący lub błędny znak (spoza UTF-8)",
			"the family's ID is longer than 64 bytes or contains a control character or an invalid character (not UTF-8)")
	case info.Born.IsZero():
		return e.declError(id, "born", "brak daty urodzenia", "the date of birth is missing")
	case !info.Born.Writable() || info.Born.Year < 1900:
		// The date itself is personal: the message does not repeat it.
		return e.declError(id, "born", "data urodzenia musi być istniejącym dniem roku od 1900 do 9999",
			"the date of birth must be a real day of a year from 1900 to 9999")
	}
	c := &Case{ID: id, Lifecycle: rules.LifecycleChild, State: InFamily, Child: &ChildFacts{Family: info.Family, Born: info.Born}}
	return e.declare(ctx, c)
}

// DeclareFosterFamily records a foster family (state qualified, or
// candidate).
func (e *Engine) DeclareFosterFamily(ctx context.Context, id string, info FosterFamilyInfo) error {
	if !slices.Contains(fosterForms, info.Form) {
		return e.declError(id, "form", "nieznana forma; dozwolone: "+strings.Join(fosterForms, ", "), "unknown form; want one of: "+strings.Join(fosterForms, ", "))
	}
	state := Qualified
	if info.Candidate {
		state = Candidate
	}
	c := &Case{ID: id, Lifecycle: rules.LifecycleFosterFamily, State: state, FosterFamily: &FosterFamilyFacts{Form: info.Form}}
	return e.declare(ctx, c)
}

func (e *Engine) declError(id, arg, pl, en string) error {
	return &ArgumentError{Case: id, Trigger: TriggerDeclare, Arg: arg, Problem: rules.Text{PL: pl, EN: en}}
}

func (e *Engine) declare(ctx context.Context, c *Case) (err error) {
	if ctx == nil {
		return ErrNilContext
	}
	defer recovered(&err, c.ID, TriggerDeclare)
	switch {
	case c.ID == "":
		return e.declError(c.ID, "id", "brak identyfikatora", "the ID is missing")
	case !plainText(c.ID):
		return e.declError("", "id", "identyfikator zawiera znak sterujący albo błędny znak (spoza UTF-8)",
			"the ID contains a control character or an invalid character (not UTF-8)")
	case len(c.ID) > MaxIDLength:
		return e.declError("", "id", fmt.Sprintf("identyfikator jest dłuższy niż %d bajtów", MaxIDLength),
			fmt.Sprintf("the ID is longer than %d bytes", MaxIDLength))
	}
	ev := Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: 1, To: c.State, Trigger: TriggerDeclare, Revision: e.ruleSet().Revision()}
	err = e.commit(ctx, Batch{Writes: []Write{{Case: c, Expected: 0, Events: []Event{ev}}}})
	if err != nil {
		return fmt.Errorf("workflow: declare %s: %w", c.ID, err)
	}
	return nil
}

// Replay rebuilds a case from its history: the declared case, then every
// event's transition, facts and obligations recomputed under the rule-set
// revision the event records. It returns the rebuilt case, which equals
// the stored one when history and snapshot agree.
func (e *Engine) Replay(ctx context.Context, id string) (_ *Case, err error) {
	if ctx == nil {
		return nil, ErrNilContext
	}
	defer recovered(&err, id, "replay")
	cur, err := e.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	events, err := e.History(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.ReplayEvents(cur, events)
}

// ReplayEvents rebuilds a case from events, starting from the declared
// facts of cur (a family's difficulty and area, a child's family and date
// of birth, a foster family's form: facts no event carries). Every event
// is checked against the lifecycle as it is applied: its sequence number,
// its source state, a trigger the lifecycle permits there, valid
// arguments, and the destination the lifecycle gives. The first event
// that fails is a *ReplayError.
func (e *Engine) ReplayEvents(cur *Case, events []Event) (*Case, error) {
	return e.replay(cur, events, nil)
}

// ReplaySteps is [Engine.ReplayEvents] that also keeps the case as it was
// after each event: steps[k] is the case after events[k] (steps[0] the
// declared case), each a copy of the caller's own. Figures over a period
// read a history this way in one pass.
func (e *Engine) ReplaySteps(cur *Case, events []Event) (steps []*Case, err error) {
	_, err = e.replay(cur, events, func(c *Case) { steps = append(steps, c.Clone()) })
	if err != nil {
		return nil, err
	}
	return steps, nil
}

// replay applies events to the declared base of cur, calling each (when
// not nil) with the case after every event.
func (e *Engine) replay(cur *Case, events []Event, each func(*Case)) (*Case, error) {
	if cur == nil || e.defs[cur.Lifecycle] == nil {
		return nil, errors.New("workflow: replay needs the current case (its ID, lifecycle and declared facts)")
	}
	if len(events) == 0 || events[0].Trigger != TriggerDeclare {
		return nil, &ReplayError{Case: cur.ID, Seq: 1, Problem: rules.Text{
			PL: "historia nie zaczyna się od zgłoszenia sprawy (declare)", EN: "the history does not start with the declaration"}}
	}
	c := declaredBase(cur, events[0].To)
	c.Version = 1
	if each != nil {
		each(c)
	}
	def := e.defs[c.Lifecycle]
	for _, ev := range events[1:] {
		if err := e.replayOne(def, c, ev); err != nil {
			return nil, err
		}
		if each != nil {
			each(c)
		}
	}
	return c, nil
}

func (e *Engine) replayOne(def *definition, c *Case, ev Event) error {
	bad := func(pl, en string) error {
		return &ReplayError{Case: c.ID, Seq: ev.Seq, Trigger: ev.Trigger, Problem: rules.Text{PL: pl, EN: en}}
	}
	r := def.record(ev.Trigger)
	switch {
	case ev.Seq != c.Version+1:
		return bad(fmt.Sprintf("oczekiwano zdarzenia nr %d", c.Version+1), fmt.Sprintf("event %d was expected", c.Version+1))
	case ev.Case != c.ID || ev.Lifecycle != c.Lifecycle:
		return bad("zdarzenie innej sprawy", "an event of another case")
	case r == nil:
		return bad("cykl życia nie ma takiego wyzwalacza", "the lifecycle has no such trigger")
	case ev.From != c.State:
		return bad("stan początkowy zdarzenia różni się od stanu sprawy ("+string(c.State)+")",
			"the event's source state differs from the case's ("+string(c.State)+")")
	case !ev.On.Writable():
		return bad("data zdarzenia nie jest istniejącym dniem", "the event's date is not a real day")
	}
	rs, err := e.revision(ev.Revision)
	if err != nil {
		return fmt.Errorf("workflow: case %s event %d: %w", c.ID, ev.Seq, err)
	}
	args, err := parseArgs(c.ID, ev.Trigger, r.args, ev.Args, true)
	if err != nil {
		return bad("błędne argumenty zdarzenia: "+Localize(err, rules.Polish), "the event's arguments are wrong: "+Localize(err, rules.English))
	}
	f := firing{c: c, from: c.State, args: args, actor: ev.Actor, on: ev.On, rs: rs}
	ctx := context.Background()
	if ok, err := def.permitted(ctx, &f, r.name); err != nil || !ok {
		return bad("cykl życia nie dopuszcza tego wyzwalacza w stanie "+string(c.State),
			"the lifecycle does not permit the trigger in state "+string(c.State))
	}
	if _, err := def.transition(ctx, r, &f); err != nil {
		return bad("zdarzenia nie da się zastosować: "+Localize(err, rules.Polish), "the event cannot be applied: "+Localize(err, rules.English))
	}
	if c.State != ev.To {
		return bad("cykl życia prowadzi do stanu "+string(c.State)+", a zdarzenie zapisuje "+string(ev.To),
			"the lifecycle leads to state "+string(c.State)+", the event records "+string(ev.To))
	}
	c.Version = ev.Seq
	return nil
}

// declaredBase returns a case with only the facts known at declaration.
func declaredBase(cur *Case, initial State) *Case {
	c := &Case{ID: cur.ID, Lifecycle: cur.Lifecycle, State: initial}
	switch {
	case cur.Family != nil:
		c.Family = &FamilyFacts{Difficulty: cur.Family.Difficulty, Area: cur.Family.Area}
	case cur.Child != nil:
		c.Child = &ChildFacts{Family: cur.Child.Family, Born: cur.Child.Born}
	case cur.FosterFamily != nil:
		c.FosterFamily = &FosterFamilyFacts{Form: cur.FosterFamily.Form}
	}
	return c
}
