package workflow

import (
	"errors"
	"slices"

	"github.com/asysta/asysta/rules"
)

// The family's work plan (docs/workflow.md, "The work plan"): the actions
// of approve_plan and revise_plan, each an obligation plan_action until it
// is completed (complete_action) or dropped (revise_plan), and the
// coordination with the help plans of the family's placed children.

// planRule is the Rule of a plan_action obligation: its date is the
// plan's, not a due rule's.
const planRule = "plan"

// planFacts records an approval or revision of the plan: the actions
// given (new ones opened on the date, open ones changed), the actions
// dropped, the social worker consulted and the children's help plans it
// is coordinated with.
func planFacts(f *firing) {
	p := &f.c.Family.Plan
	p.Revised = f.on
	setRef(&p.Consulted, f.args.String("consulted"))
	for _, a := range f.args.Actions("actions") {
		i := slices.IndexFunc(p.Actions, func(x PlanAction) bool { return x.ID == a.ID })
		if i < 0 {
			a.Opened = f.on
			p.Actions = append(p.Actions, a)
			continue
		}
		p.Actions[i].Due, p.Actions[i].Effect = a.Due, a.Effect
	}
	for _, id := range f.args.IDs("drop") {
		closeAction(p, id, "dropped", f.on)
	}
	for _, id := range f.args.IDs("coordinated_with") {
		if !slices.Contains(p.CoordinatedWith, id) {
			p.CoordinatedWith = append(p.CoordinatedWith, id)
		}
	}
}

// closeAction marks an open action done or dropped on a date.
func closeAction(p *WorkPlan, id, status string, on rules.Date) {
	for i := range p.Actions {
		if p.Actions[i].ID == id && p.Actions[i].Open() {
			p.Actions[i].Status, p.Actions[i].Closed = status, on
		}
	}
}

// syncPlanActions makes the case's plan_action obligations those of the
// plan's open actions: one per action, Ref its ID, due on its date.
func syncPlanActions(c *Case) {
	c.Obligations = slices.DeleteFunc(c.Obligations, func(o Obligation) bool { return o.ID == OblPlanAction })
	if c.Family == nil {
		return
	}
	for _, a := range c.Family.Plan.Actions {
		if a.Open() {
			c.Obligations = append(c.Obligations, Obligation{ID: OblPlanAction, Ref: a.ID, Opened: a.Opened, Due: a.Due, Rule: planRule})
		}
	}
}

// uncoordinated reports whether a placed child of the family has a help
// plan the work plan is not yet coordinated with.
func uncoordinated(f *firing) bool { return uncoordinatedChildren(f.c.Family) > 0 }

// uncoordinatedChildren counts the family's placed children the work plan
// is not coordinated with.
func uncoordinatedChildren(fa *FamilyFacts) int {
	n := 0
	for _, ch := range fa.PlacedChildren {
		if !slices.Contains(fa.Plan.CoordinatedWith, ch) {
			n++
		}
	}
	return n
}

// openActions counts the plan's open actions.
func openActions(p WorkPlan) int {
	n := 0
	for _, a := range p.Actions {
		if a.Open() {
			n++
		}
	}
	return n
}

// coordinationDeadline reports whether the municipality set a deadline for
// coordinating the plan (family.plan_coordination_deadline > 0).
func coordinationDeadline(f *firing) bool {
	v, ok := f.rs.Param("family.plan_coordination_deadline", f.on)
	return ok && v.Int() > 0
}

// preparePlan checks what an approval or revision of the plan names: the
// social worker consulted, the actions' dates, the actions dropped, and
// the children whose help plans it is coordinated with.
func (cl *call) preparePlan() error {
	if cl.args.String("consulted") != "" {
		if _, err := cl.worker("consulted", SocialWorker); err != nil {
			return err
		}
	}
	p := &cl.c.Family.Plan
	for _, a := range cl.args.Actions("actions") {
		if old, ok := p.Action(a.ID); ok && !old.Open() {
			return cl.argError("actions", "działanie "+a.ID+" jest już zamknięte ("+old.Status+"): nadaj nowemu działaniu nowy identyfikator",
				"action "+a.ID+" is already closed ("+old.Status+"): give a new action a new ID")
		}
		if a.Due.Before(cl.cmd.On) {
			return cl.argError("actions", "termin działania "+a.ID+" przypada przed datą planu", "the due date of action "+a.ID+" is before the plan's date")
		}
	}
	for _, id := range cl.args.IDs("drop") {
		if a, ok := p.Action(id); !ok || !a.Open() {
			return cl.argError("drop", "planu nie ma otwartego działania "+id, "the plan has no open action "+id)
		}
	}
	for _, id := range cl.args.IDs("coordinated_with") {
		ch, err := cl.e.store.Get(cl.ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case ch.Child != nil && ch.Child.Family == cl.c.ID && ch.Child.HelpPlanRef != "":
			continue
		case ch.Child != nil && ch.Child.Family == cl.c.ID:
			return cl.argError("coordinated_with", "dziecko "+id+" nie ma zapisanego planu pomocy (help_plan_ref przy place albo review)",
				"child "+id+" has no help plan recorded (help_plan_ref on place or review)")
		}
		return cl.argError("coordinated_with", id+" nie jest dzieckiem tej rodziny", id+" is not a child of this family")
	}
	return nil
}

// prepareAction checks that complete_action names an open action.
func (cl *call) prepareAction() error {
	id := cl.args.String("action")
	if a, ok := cl.c.Family.Plan.Action(id); !ok || !a.Open() {
		return cl.argError("action", "planu nie ma otwartego działania "+id, "the plan has no open action "+id)
	}
	return nil
}

// linkFamily reads the family of a child being placed: when its case is
// open, it records the child (child_placed) in the same commit, whose
// version check guards the family.
func (cl *call) linkFamily() error {
	id := cl.c.Child.Family
	if id == "" {
		return nil
	}
	fc, err := cl.e.store.Get(cl.ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if fc.Family == nil || !fc.Opened() || final(fc.State) || slices.Contains(fc.Family.PlacedChildren, cl.c.ID) {
		return nil
	}
	cl.linked = append(cl.linked, linked{c: fc, lifecycle: rules.LifecycleFamily, trigger: TriggerChildPlaced, args: Args{"child": cl.c.ID}})
	return nil
}
