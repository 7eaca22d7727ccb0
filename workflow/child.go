package workflow

import (
	"errors"
	"maps"

	"github.com/asysta/asysta/rules"
)

// The child lifecycle's triggers (docs/workflow.md, "child — umieszczenie dziecka w pieczy zastępczej").
// report_to_court is [TriggerReportToCourt].
const (
	TriggerPlace                 = "place"
	TriggerMove                  = "move"
	TriggerReview                = "review"
	TriggerExtendStay            = "extend_stay"
	TriggerProposeReturn         = "propose_return"
	TriggerReturnHome            = "return_home"
	TriggerReturnRefused         = "return_refused"
	TriggerSettleLegalStatus     = "settle_legal_status"
	TriggerFileLegalStatusMotion = "file_legal_status_motion"
	TriggerNotifyCourt           = "notify_court"
	TriggerReferForAdoption      = "refer_for_adoption"
	TriggerAdopt                 = "adopt"
	TriggerLeaveCare             = "leave_care"
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
				boolArg("siblings"), enumArg("exception", false, exceptions...), refArg("help_plan_ref", false), carerKindSpec},
			prepare: (*call).preparePlacement,
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
				opens(OblInterventionStayEnd, "due.intervention_stay_end", inIntervention),
				// Admitted without a court order: the court is told within
				// 24 hours (art. 58 ust. 3, art. 103 ust. 8 UWR).
				opens(OblCourtNotification, "due.court_notification", func(f *firing) bool {
					return f.args.String("court_ref") == "" && (inEmergencyCare(f) || inIntervention(f))
				}),
			},
		}, {
			name:  TriggerMove,
			paths: []path{{from: placed, choose: toForm, targets: placedStates}},
			roles: org,
			args: []argSpec{enumArg("form", true, placedForms...), refArg("carer", true), boolArg("siblings"),
				enumArg("exception", false, exceptions...), courtRefArg(false), carerKindSpec},
			prepare: (*call).prepareCarer,
			facts:   placement,
			duties: []duty{
				// The half-yearly report is a duty of family foster care
				// (art. 47 ust. 5 UWR): it starts on a move out of an
				// institution and ends on a move into one.
				closes(OblCourtReport, func(f *firing) bool { return !inFamilyCare(f) }),
				opens(OblCourtReport, "due.court_report", func(f *firing) bool { return inFamilyCare(f) && f.from == PlacedInstitution }),
				// A move between emergency homes continues the same stay
				// (docs/legal.md, "Decided readings"): its end date stays.
				opens(OblEmergencyStayEnd, "due.emergency_stay_end", func(f *firing) bool { return inEmergencyCare(f) && f.from != PlacedEmergency }),
				closes(OblEmergencyStayEnd, func(f *firing) bool { return !inEmergencyCare(f) && f.from == PlacedEmergency }),
				// An intervention stay likewise continues across moves
				// between intervention institutions.
				opens(OblInterventionStayEnd, "due.intervention_stay_end", func(f *firing) bool {
					return inIntervention(f) && !hasObligation(f.c, OblInterventionStayEnd) && !f.c.Child.StayExtended
				}),
				closes(OblInterventionStayEnd, func(f *firing) bool { return !inIntervention(f) }),
			},
		}, {
			name:   TriggerReview,
			paths:  []path{{from: inCareStates}},
			roles:  []Role{FosterCareOrganizer, InstitutionDirector},
			own:    true,
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
			// One extension per stay: to 8 months, or until the court
			// proceedings on return, adoption or family foster care end
			// (art. 58 ust. 4 UWR), when no end date is owed.
			// An intervention stay is extended only until the court
			// proceedings end (art. 103 ust. 7 UWR).
			name:  TriggerExtendStay,
			paths: []path{{from: []State{PlacedEmergency}}, {from: []State{PlacedInstitution}, when: interventionStay}},
			roles: org,
			args:  []argSpec{boolArg("until_proceedings_end")},
			facts: func(f *firing) {
				f.c.Child.StayExtended = true
				f.c.Child.UntilProceedingsEnd = f.args.Bool("until_proceedings_end") || f.c.Child.Form == FormInstitution
			},
			duties: []duty{
				opens(OblEmergencyStayEnd, "due.emergency_stay_end", func(f *firing) bool { return !f.c.Child.UntilProceedingsEnd }),
				closes(OblEmergencyStayEnd, func(f *firing) bool { return f.c.Child.UntilProceedingsEnd }),
				closes(OblInterventionStayEnd),
			},
		}, {
			// Informing the court that the child can return discharges the
			// legal-status motion (art. 47 ust. 6 UWR); it is held until
			// the court decides.
			name:   TriggerProposeReturn,
			paths:  []path{{from: placed, to: Reunification}},
			roles:  org,
			facts:  func(f *firing) { f.c.Child.ReturnTo = f.from },
			duties: []duty{holds(OblLegalStatusMotion)},
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
			roles:  org,
			facts:  func(f *firing) { f.c.Child.ReturnTo = "" },
			duties: []duty{restores(OblLegalStatusMotion)},
		}, {
			name:   TriggerSettleLegalStatus,
			paths:  []path{{from: placed}},
			roles:  org,
			facts:  func(f *firing) { f.c.Child.LegalStatusSettled, f.c.Child.HeldMotion = true, nil },
			duties: []duty{closes(OblLegalStatusMotion)},
		}, {
			// The motion to the court to settle the child's legal status
			// (art. 47 ust. 7, art. 100 ust. 4a UWR): by the organiser, or
			// the director for a child in their own institution.
			name:   TriggerFileLegalStatusMotion,
			paths:  []path{{from: placed}},
			roles:  []Role{FosterCareOrganizer, InstitutionDirector},
			own:    true,
			args:   []argSpec{courtRefArg(false)},
			facts:  func(f *firing) { f.c.Child.MotionFiled = f.on; setRef(&f.c.Child.CourtRef, f.args.String("court_ref")) },
			duties: []duty{closes(OblLegalStatusMotion)},
		}, {
			// The court told of an admission without its order: by the
			// organiser, or the director of the intervention institution
			// (art. 58 ust. 3, art. 103 ust. 8 UWR).
			name:  TriggerNotifyCourt,
			paths: []path{{from: inCareStates}},
			roles: []Role{FosterCareOrganizer, InstitutionDirector},
			own:   true,
			args:  []argSpec{courtRefArg(false)},
			facts: func(f *firing) {
				f.c.Child.CourtNotified = f.on
				setRef(&f.c.Child.CourtRef, f.args.String("court_ref"))
			},
			duties: []duty{closes(OblCourtNotification)},
		}, {
			name:  TriggerReferForAdoption,
			paths: []path{{from: placed, to: AdoptionReferred}},
			roles: []Role{FosterCareCoordinator, FosterCareOrganizer, InstitutionDirector},
			own:   true,
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

// placement records a placement (place, move) in the child's facts. An
// emergency stay runs from the admission to emergency care until the child
// leaves it: a move between emergency homes keeps its start and its one
// extension (docs/legal.md, "Decided readings").
func placement(f *firing) {
	ch := f.c.Child
	was := ""
	if f.from.In(Placed) {
		was = stayKind(ch.Form, ch.CarerKind)
	}
	ch.Form, ch.Carer, ch.PlacedOn = f.args.String("form"), f.args.String("carer"), f.on
	ch.CarerKind = f.args.String(carerKindArg)
	ch.Exception = f.args.String("exception")
	setRef(&ch.CourtRef, f.args.String("court_ref"))
	switch now := stayKind(ch.Form, ch.CarerKind); {
	case now == "":
		ch.EmergencySince, ch.StayExtended, ch.UntilProceedingsEnd = rules.Date{}, false, false
	case now != was:
		ch.EmergencySince, ch.StayExtended, ch.UntilProceedingsEnd = f.on, false, false
	}
}

// stayKind names the time-limited stay a placement is: "emergency" in an
// emergency family home (art. 58 ust. 4 UWR), "intervention" in an
// intervention institution (art. 103 ust. 6), "" otherwise.
func stayKind(form, carerKind string) string {
	switch {
	case form == FormEmergency:
		return "emergency"
	case form == FormInstitution && carerKind == InstitutionIntervention:
		return "intervention"
	}
	return ""
}

// carerKindArg is the argument in which the engine records, on place and
// move, the kind of the institution the directory gave (the event then
// replays without the directory). A user cannot give it.
const carerKindArg = "carer_kind"

var carerKindSpec = argSpec{name: carerKindArg, kind: argEnum, enum: InstitutionKinds, engine: true}

// inIntervention: the child is (now) placed in an intervention
// institution.
func inIntervention(f *firing) bool {
	return stayKind(f.c.Child.Form, f.c.Child.CarerKind) == "intervention"
}

var interventionStay = &condition{
	name: "institution kind = intervention",
	text: rules.Text{PL: "przedłużyć można pobyt w pogotowiu rodzinnym albo w placówce interwencyjnej", EN: "only a stay in an emergency family home or an intervention institution can be extended"},
	fn:   func(f *firing) bool { return f.c.Child.CarerKind == InstitutionIntervention },
}

// courtDecision records the court's decision that ends a placement.
func courtDecision(f *firing) {
	f.c.Child.CourtRef, f.c.Child.ReturnTo, f.c.Child.HeldMotion = f.args.String("court_ref"), "", nil
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
// the arguments, its family's case (read only when a guard reads it) and
// the carer prepared.
func (cl *call) childEnv() (rules.Env, error) {
	env := ChildEnvOf(cl.c, cl.args, cl.cmd.Actor)
	if fam := cl.c.Child.Family; fam != "" && cl.reads("family", "child.family_support") {
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

// preparePlacement prepares a placement: the carer (prepareCarer) and the
// family's open case, which records the child (linkFamily).
func (cl *call) preparePlacement() error {
	if err := cl.prepareCarer(); err != nil {
		return err
	}
	return cl.linkFamily()
}

// prepareCarer resolves the foster family or institution a child goes to,
// checks that the form matches and counts the children already there,
// whose key version guards the commit (the capacity rules).
func (cl *call) prepareCarer() error {
	id, form := cl.args.String("carer"), cl.args.String("form")
	if cl.cmd.Trigger == TriggerMove && id == cl.c.Child.Carer && cl.c.State.In(Placed) {
		return cl.argError("carer", "dziecko już przebywa u "+id, "the child is already placed with "+id)
	}
	carerForm, kind, err := cl.carerForm(id)
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
	cl.carer = rules.Carer{ID: id, Form: carerForm, Kind: kind, Children: n}
	if kind != "" {
		args := maps.Clone(cl.args)
		args[carerKindArg] = kind
		cl.args, cl.f.args = args, args
	}
	return nil
}

// carerForm returns the form of a foster family (which must be qualified
// or active) or "institution" for an institution of the directory. It
// reads the foster family through its [FosterFamilyKey], whose version
// then guards the commit against a concurrent change of the family's
// state. A qualified family becomes active with this child (activateCarer).
func (cl *call) carerForm(id string) (form, kind string, err error) {
	ffs, err := cl.index(FosterFamilyKey(id))
	if err != nil {
		return "", "", err
	}
	if len(ffs) == 1 && ffs[0].FosterFamily != nil {
		fc := ffs[0]
		if fc.State != Qualified && fc.State != Active {
			return "", "", cl.argError("carer", "rodzina zastępcza "+id+" jest w stanie "+string(fc.State)+": nie przyjmuje dzieci",
				"foster family "+id+" is "+string(fc.State)+": it takes no children")
		}
		if fc.State == Qualified {
			cl.linked = append(cl.linked, linked{c: fc, lifecycle: rules.LifecycleFosterFamily, trigger: TriggerActivate})
		}
		return fc.FosterFamily.Form, "", nil
	}
	if in, err := cl.e.dir.Institution(cl.ctx, id); err == nil {
		return FormInstitution, in.EffectiveKind(), nil
	} else if !errors.Is(err, ErrUnknownInstitution) {
		return "", "", err
	}
	return "", "", cl.argError("carer", "tego identyfikatora nie ma wśród rodzin zastępczych ani placówek", "the ID is neither a foster family nor an institution")
}

// ChildEnvOf maps a child case's facts, arguments and actor to the rules
// environment. The carer and the family are the caller's to fill.
func ChildEnvOf(c *Case, a Args, actor Actor) *rules.ChildEnv {
	ch := c.Child
	return &rules.ChildEnv{
		Base: rules.Base{Actor: rules.Actor{ID: actor.ID, Role: string(actor.Role)}},
		Child: rules.Child{ID: c.ID, Born: ch.Born.Time(), State: string(c.State), Form: ch.Form, Carer: ch.Carer,
			PlacedOn: ch.PlacedOn.Time(), FirstPlaced: ch.FirstPlaced.Time(), StayExtended: ch.StayExtended,
			EmergencySince: emergencySince(ch).Time(), UntilProceedingsEnd: ch.UntilProceedingsEnd, CarerKind: ch.CarerKind,
			LegalStatusSettled: ch.LegalStatusSettled},
		Args: rules.ChildArgs{Form: a.String("form"), Carer: a.String("carer"), CourtRef: a.String("court_ref"),
			Siblings: a.Bool("siblings"), Exception: a.String("exception"), UntilProceedingsEnd: a.Bool("until_proceedings_end")},
	}
}

// emergencySince is the start of the child's emergency stay; a case stored
// before the start was recorded has its placement date.
func emergencySince(ch *ChildFacts) rules.Date {
	if ch.EmergencySince.IsZero() && stayKind(ch.Form, ch.CarerKind) != "" {
		return ch.PlacedOn
	}
	return ch.EmergencySince
}
