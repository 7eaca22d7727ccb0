package workflow

import (
	"context"
	"fmt"
	"slices"

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
	if !plainText(info.Area) {
		return e.declError(id, "area", "rejon zawiera znak sterujący albo błędny znak (spoza UTF-8)",
			"the area contains a control character or an invalid character (not UTF-8)")
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
	case !plainText(info.Family):
		return e.declError(id, "family", "identyfikator rodziny zawiera znak sterujący albo błędny znak (spoza UTF-8)",
			"the family's ID contains a control character or an invalid character (not UTF-8)")
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
		return e.declError(id, "form", "nieznana forma "+info.Form, "unknown form "+info.Form)
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

func (e *Engine) declare(ctx context.Context, c *Case) error {
	switch {
	case c.ID == "":
		return e.declError(c.ID, "id", "brak identyfikatora", "the ID is missing")
	case !plainText(c.ID):
		return e.declError("", "id", "identyfikator zawiera znak sterujący albo błędny znak (spoza UTF-8)",
			"the ID contains a control character or an invalid character (not UTF-8)")
	}
	ev := Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: 1, To: c.State, Trigger: TriggerDeclare, Revision: e.ruleSet().Revision()}
	err := e.commit(ctx, Batch{Writes: []Write{{Case: c, Expected: 0, Events: []Event{ev}}}})
	if err != nil {
		return fmt.Errorf("workflow: declare %s: %w", c.ID, err)
	}
	return nil
}

// Replay rebuilds a case from its history: the declared case, then every
// event's transition and obligations recomputed under the rule-set
// revision the event records. It returns the rebuilt case, which equals
// the stored one when history and snapshot agree.
func (e *Engine) Replay(ctx context.Context, id string) (*Case, error) {
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
// of birth, a foster family's form: facts no event carries).
func (e *Engine) ReplayEvents(cur *Case, events []Event) (*Case, error) {
	if len(events) == 0 || events[0].Trigger != TriggerDeclare {
		return nil, fmt.Errorf("workflow: case %s: history does not start with its declaration", cur.ID)
	}
	c := declaredBase(cur, events[0].To)
	c.Version = 1
	def := e.defs[c.Lifecycle]
	for _, ev := range events[1:] {
		if err := e.replayOne(def, c, ev); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (e *Engine) replayOne(def *definition, c *Case, ev Event) error {
	rs, err := e.revision(ev.Revision)
	if err != nil {
		return fmt.Errorf("workflow: case %s event %d: %w", c.ID, ev.Seq, err)
	}
	var specs []argSpec
	if trs := def.byTrigger(ev.Trigger); len(trs) > 0 {
		specs = trs[0].args
	}
	args, err := parseArgs(c.ID, ev.Trigger, specs, ev.Args)
	if err != nil {
		return err
	}
	from := c.State
	c.State = ev.To
	applyFacts(c, ev.Trigger, args, ev.Actor, ev.On, from)
	if err := applyObligations(rs, c, ev.Trigger, args, ev.Actor, ev.On, from, nil); err != nil {
		return err
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
