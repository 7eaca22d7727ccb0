package workflow

import (
	"errors"

	"github.com/asysta/asysta/rules"
)

// The child lifecycle's triggers (docs/workflow.md, "child — umieszczenie dziecka w pieczy zastępczej").
// report_to_court is [TriggerReportToCourt].
const (
	TriggerPlace             = "place"
	TriggerMove              = "move"
	TriggerReview            = "review"
	TriggerExtendStay        = "extend_stay"
	TriggerProposeReturn     = "propose_return"
	TriggerReturnHome        = "return_home"
	TriggerReturnRefused     = "return_refused"
	TriggerSettleLegalStatus = "settle_legal_status"
	TriggerReferForAdoption  = "refer_for_adoption"
	TriggerAdopt             = "adopt"
	TriggerLeaveCare         = "leave_care"
)

// exceptions are the grounds for placing a child in an institution below
// the minimum age (art. 95 ust. 2 UWR).
var exceptions = []string{"siblings", "parent_in_institution", "health"}

// childLifecycle is a child's placement in foster care (docs/workflow.md).
func childLifecycle() *lifecycle {
	placed := []State{Placed}
	placedStates := make([]State, len(placedForms))
	for i, f := range placedForms {
		placedStates[i] = Placed + "." + State(f)
	}
	org := []Role{FosterCareOrganizer}
	// A child awaiting the court on a return, or referred for adoption,
	// still lives with its carer: its reviews and reports go on.
	inCareStates := []State{Placed, Reunification, AdoptionReferred}
	toForm := func(f *firing) State { return Placed + "." + State(f.args.String("form")) }
	return &lifecycle{
		name: rules.LifecycleChild,
		states: append(append([]State{InFamily, Placed}, placedStates...),
			Reunification, Returned, AdoptionReferred, Adopted, LeftCare),
		records: []record{{
			name:  TriggerPlace,
			paths: []path{{from: []State{InFamily, Returned}, choose: toForm, targets: placedStates}},
			roles: org,
			args: []argSpec{enumArg("form", true, placedForms...), refArg("carer", true), courtRefArg(false),
				boolArg("siblings"), enumArg("exception", false, exceptions...), refArg("help_plan_ref", false)},
			prepare: (*call).prepareCarer,
			facts: func(f *firing) {
				placement(f)
				ch := f.c.Child
				if ch.FirstPlaced.IsZero() {
					ch.FirstPlaced = f.on
				}
				if ref := f.args.String("help_plan_ref"); ref != "" {
					ch.HelpPlanRef = ref
				}
			},
			duties: []duty{
				opens(OblChildReview, "due.child_review"),
				opens(OblCourtReport, "due.court_report", inFamilyCare),
				opens(OblLegalStatusMotion, "due.legal_status_motion", func(f *firing) bool { return !f.c.Child.LegalStatusSettled }),
				opens(OblEmergencyStayEnd, "due.emergency_stay_end", inEmergencyCare),
			},
		}, {
			name:  TriggerMove,
			paths: []path{{from: placed, choose: toForm, targets: placedStates}},
			roles: org,
			args: []argSpec{enumArg("form", true, placedForms...), refArg("carer", true), boolArg("siblings"),
				enumArg("exception", false, exceptions...), courtRefArg(false)},
			prepare: (*call).prepareCarer,
			facts:   placement,
			duties: []duty{
				// The half-yearly report is a duty of family foster care
				// (art. 47 ust. 5 UWR): it starts on a move out of an
				// institution and ends on a move into one.
				closes(OblCourtReport, func(f *firing) bool { return !inFamilyCare(f) }),
				opens(OblCourtReport, "due.court_report", func(f *firing) bool { return inFamilyCare(f) && f.from == PlacedInstitution }),
				opens(OblEmergencyStayEnd, "due.emergency_stay_end", inEmergencyCare),
				closes(OblEmergencyStayEnd, func(f *firing) bool { return !inEmergencyCare(f) && f.from == PlacedEmergency }),
			},
		}, {
			name:   TriggerReview,
			paths:  []path{{from: inCareStates}},
			roles:  []Role{FosterCareOrganizer, InstitutionDirector},
			args:   []argSpec{refArg("help_plan_ref", false)},
			facts:  func(f *firing) { setRef(&f.c.Child.HelpPlanRef, f.args.String("help_plan_ref")) },
			duties: []duty{opens(OblChildReview, "due.child_review")},
		}, {
			name:  TriggerReportToCourt,
			paths: []path{{from: inCareStates}},
			roles: org,
			// A report on a child in an institution renews nothing.
			duties: []duty{opens(OblCourtReport, "due.court_report", inFamilyCare)},
		}, {
			name:   TriggerExtendStay,
			paths:  []path{{from: []State{PlacedEmergency}}},
			roles:  org,
			facts:  func(f *firing) { f.c.Child.StayExtended = true },
			duties: []duty{opens(OblEmergencyStayEnd, "due.emergency_stay_end")},
		}, {
			name:  TriggerProposeReturn,
			paths: []path{{from: placed, to: Reunification}},
			roles: org,
			facts: func(f *firing) { f.c.Child.ReturnTo = f.from },
		}, {
			name:  TriggerReturnHome,
			paths: []path{{from: []State{Reunification}, to: Returned}},
			roles: org,
			args:  []argSpec{courtRefArg(true)},
			facts: courtDecision,
		}, {
			name: TriggerReturnRefused,
			paths: []path{{from: []State{Reunification}, targets: placedStates,
				choose: func(f *firing) State { return f.c.Child.ReturnTo }}},
			roles: org,
			facts: func(f *firing) { f.c.Child.ReturnTo = "" },
		}, {
			name:   TriggerSettleLegalStatus,
			paths:  []path{{from: placed}},
			roles:  org,
			facts:  func(f *firing) { f.c.Child.LegalStatusSettled = true },
			duties: []duty{closes(OblLegalStatusMotion)},
		}, {
			name:  TriggerReferForAdoption,
			paths: []path{{from: placed, to: AdoptionReferred}},
			roles: []Role{FosterCareCoordinator, FosterCareOrganizer, InstitutionDirector},
		}, {
			name:  TriggerAdopt,
			paths: []path{{from: []State{AdoptionReferred}, to: Adopted}},
			roles: org,
			args:  []argSpec{courtRefArg(true)},
			facts: courtDecision,
		}, {
			name:  TriggerLeaveCare,
			paths: []path{{from: placed, to: LeftCare}},
			roles: org,
		}},
	}
}

// placement records a placement (place, move) in the child's facts.
func placement(f *firing) {
	ch := f.c.Child
	ch.Form, ch.Carer, ch.PlacedOn, ch.StayExtended = f.args.String("form"), f.args.String("carer"), f.on, false
	ch.Exception = f.args.String("exception")
	setRef(&ch.CourtRef, f.args.String("court_ref"))
}

// courtDecision records the court's decision that ends a placement.
func courtDecision(f *firing) {
	f.c.Child.CourtRef, f.c.Child.ReturnTo = f.args.String("court_ref"), ""
}

// setRef sets *dst to ref when one is given.
func setRef(dst *string, ref string) {
	if ref != "" {
		*dst = ref
	}
}

// inFamilyCare: the child is (now) placed in family foster care.
func inFamilyCare(f *firing) bool { return f.c.Child.Form != FormInstitution }

// inEmergencyCare: the child is (now) placed in an emergency family home.
func inEmergencyCare(f *firing) bool { return f.c.Child.Form == FormEmergency }

// childEnv is the rules environment of a child trigger: the child's facts,
// the arguments, its family's case and the carer prepared.
func (cl *call) childEnv() (rules.Env, error) {
	env := ChildEnvOf(cl.c, cl.args, cl.cmd.Actor)
	if fam := cl.c.Child.Family; fam != "" {
		fc, err := cl.e.store.Get(cl.ctx, fam)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if fc != nil && fc.Family != nil {
			env.Family = FamilyEnvOf(fc, nil, cl.cmd.Actor).Family
			env.Child.FamilySupport = fc.Family.Assistant != "" || len(fc.Family.FormerAssistants) > 0
		}
	}
	env.Carer = cl.carer
	return env, nil
}

// prepareCarer resolves the foster family or institution a child goes to,
// checks that the form matches and counts the children already there,
// whose key version guards the commit (the capacity rules).
func (cl *call) prepareCarer() error {
	id, form := cl.args.String("carer"), cl.args.String("form")
	if cl.cmd.Trigger == TriggerMove && id == cl.c.Child.Carer && cl.c.State.In(Placed) {
		return cl.argError("carer", "dziecko już przebywa u "+id, "the child is already placed with "+id)
	}
	carerForm, err := cl.carerForm(id)
	if err != nil {
		return err
	}
	if carerForm != form {
		return cl.argError("form", "opiekun "+id+" ma formę "+carerForm+", nie "+form,
			"carer "+id+" is a "+carerForm+", not a "+form)
	}
	kids, err := cl.index(CarerKey(id))
	if err != nil {
		return err
	}
	n := 0
	for _, k := range kids {
		if k.ID != cl.c.ID {
			n++
		}
	}
	cl.carer = rules.Carer{ID: id, Form: carerForm, Children: n}
	return nil
}

// carerForm returns the form of a foster family (which must be qualified
// or active) or "institution" for an institution of the directory. It
// reads the foster family through its [FosterFamilyKey], whose version
// then guards the commit against a concurrent change of the family's
// state. A qualified family becomes active with this child (activateCarer).
func (cl *call) carerForm(id string) (string, error) {
	ffs, err := cl.index(FosterFamilyKey(id))
	if err != nil {
		return "", err
	}
	if len(ffs) == 1 && ffs[0].FosterFamily != nil {
		fc := ffs[0]
		if fc.State != Qualified && fc.State != Active {
			return "", cl.argError("carer", "rodzina zastępcza "+id+" jest w stanie "+string(fc.State)+": nie przyjmuje dzieci",
				"foster family "+id+" is "+string(fc.State)+": it takes no children")
		}
		if fc.State == Qualified {
			cl.activate = fc
		}
		return fc.FosterFamily.Form, nil
	}
	if _, err := cl.e.dir.Institution(cl.ctx, id); err == nil {
		return FormInstitution, nil
	} else if !errors.Is(err, ErrUnknownInstitution) {
		return "", err
	}
	return "", cl.argError("carer", "tego identyfikatora nie ma wśród rodzin zastępczych ani placówek", "the ID is neither a foster family nor an institution")
}

// ChildEnvOf maps a child case's facts, arguments and actor to the rules
// environment. The carer and the family are the caller's to fill.
func ChildEnvOf(c *Case, a Args, actor Actor) *rules.ChildEnv {
	ch := c.Child
	return &rules.ChildEnv{
		Base: rules.Base{Actor: rules.Actor{ID: actor.ID, Role: string(actor.Role)}},
		Child: rules.Child{ID: c.ID, Born: ch.Born.Time(), State: string(c.State), Form: ch.Form, Carer: ch.Carer,
			PlacedOn: ch.PlacedOn.Time(), FirstPlaced: ch.FirstPlaced.Time(), StayExtended: ch.StayExtended,
			LegalStatusSettled: ch.LegalStatusSettled},
		Args: rules.ChildArgs{Form: a.String("form"), Carer: a.String("carer"), CourtRef: a.String("court_ref"),
			Siblings: a.Bool("siblings"), Exception: a.String("exception")},
	}
}
