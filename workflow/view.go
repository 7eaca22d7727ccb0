package workflow

import (
	"context"
	"fmt"

	"github.com/asysta/asysta/rules"
)

// FamilyView is a family case together with its children as they are
// now: the assistant's work plan beside each placed child's help plan,
// which art. 15 ust. 1 pkt 2 UWR requires to be coordinated, and each
// child's placement or return as the family's case sees it.
type FamilyView struct {
	Case     *Case       `json:"case"`
	Children []ChildView `json:"children"`
}

// ChildView is one child of a family, as its family's case shows it.
type ChildView struct {
	ID          string     `json:"id"`
	State       State      `json:"state"`
	Form        string     `json:"form,omitempty"`
	Carer       string     `json:"carer,omitempty"`
	PlacedOn    rules.Date `json:"placed_on,omitzero"`
	HelpPlanRef string     `json:"help_plan_ref,omitempty"`
	// InCare is set while the child lives with a carer (placed, awaiting
	// the court on a return, referred for adoption).
	InCare bool `json:"in_care"`
}

// Family returns a family case with its declared children.
func (e *Engine) Family(ctx context.Context, id string) (_ *FamilyView, err error) {
	if ctx == nil {
		return nil, ErrNilContext
	}
	defer recovered(&err, id, "family")
	c, err := e.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Family == nil {
		return nil, fmt.Errorf("workflow: case %s is a %s case, not a family's", id, c.Lifecycle)
	}
	kids, _, err := e.store.Index(ctx, FamilyKey(id))
	if err != nil {
		return nil, fmt.Errorf("workflow: children of %s: %w", id, err)
	}
	v := &FamilyView{Case: c, Children: make([]ChildView, 0, len(kids))}
	for _, k := range kids {
		ch := k.Child
		v.Children = append(v.Children, ChildView{ID: k.ID, State: k.State, Form: ch.Form, Carer: ch.Carer,
			PlacedOn: ch.PlacedOn, HelpPlanRef: ch.HelpPlanRef, InCare: inCare(k.State)})
	}
	return v, nil
}
