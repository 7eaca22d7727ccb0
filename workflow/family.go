package workflow

import (
	"github.com/asysta/asysta/rules"
)

// The family lifecycle's triggers (docs/workflow.md, "family — sprawa rodziny").
const (
	TriggerRefer             = "refer"
	TriggerApplyZaZyciem     = "apply_za_zyciem"
	TriggerCompleteInterview = "complete_interview"
	TriggerRequestAssistant  = "request_assistant"
	TriggerGiveConsent       = "give_consent"
	TriggerRefuseConsent     = "refuse_consent"
	TriggerCourtObligation   = "court_obligation"
	TriggerReportToCourt     = "report_to_court" // also a child's trigger
	TriggerAssignAssistant   = "assign_assistant"
	TriggerReassignAssistant = "reassign_assistant"
	TriggerApprovePlan       = "approve_plan"
	TriggerRevisePlan        = "revise_plan"
	TriggerCompleteAction    = "complete_action"
	TriggerCourtOpinion      = "court_opinion_requested"
	TriggerSubmitOpinion     = "submit_court_opinion"
	TriggerAssess            = "assess" // also a foster family's trigger
	TriggerWithdrawConsent   = "withdraw_consent"
	TriggerEndWork           = "end_work"
	TriggerEndMonitoring     = "end_monitoring"
	TriggerReopen            = "reopen"
)

// TriggerChildPlaced is fired by the engine on a family's open case when
// one of its children is placed in care: the family's work plan is then to
// be coordinated with the child's help plan (art. 15 ust. 1 pkt 2 UWR).
const TriggerChildPlaced = "child_placed"

// endReasons are the reasons end_work takes.
var endReasons = []string{"goals_achieved", "no_cooperation", "moved_away", "child_placed_permanently", "court_decision", "other"}

var courtOrdered = &condition{
	name: "basis = court_order",
	text: rules.Text{PL: "wymaga zobowiązania sądu (podstawa court_order)", EN: "needs a court obligation (basis court_order)"},
	fn:   func(f *firing) bool { return f.c.Family.Basis == BasisCourt },
}

var notCourtOrdered = &condition{
	name: "basis ≠ court_order",
	text: rules.Text{PL: "rodzina jest zobowiązana przez sąd: odmowy nie można przyjąć", EN: "the family is obliged by a court: a refusal cannot be accepted"},
	fn:   func(f *firing) bool { return f.c.Family.Basis != BasisCourt },
}

// familyLifecycle is the family case in a gmina (docs/workflow.md).
func familyLifecycle() *lifecycle {
	work := []State{AssistantWork}
	courtArgs := []argSpec{courtRefArg(true), intArg("report_every_months", false, 1, 24)}
	return &lifecycle{
		name: rules.LifecycleFamily,
		states: []State{declared, Referred, Analysis, AssistantRequested, AssistantWork, AssistantPlanning,
			AssistantImplementing, Declined, Monitoring, Closed},
		records: []record{{
			name:  TriggerRefer,
			paths: []path{{from: []State{declared}, to: Referred}},
			roles: []Role{SocialWorker},
			args:  []argSpec{boolArg("urgent")},
			facts: func(f *firing) {
				f.c.Family.Opened, f.c.Family.Urgent = f.on, f.args.Bool("urgent")
				openedBy(f)
			},
			duties: []duty{opens(OblInterview, "due.interview")},
		}, {
			name:  TriggerApplyZaZyciem,
			paths: []path{{from: []State{declared}, to: AssistantRequested}},
			roles: []Role{SocialWorker},
			args:  []argSpec{enumArg("kind", true, "pregnancy", "child_impairment")},
			facts: func(f *firing) {
				fa := f.c.Family
				fa.Opened, fa.ZaZyciemKind, fa.Basis = f.on, f.args.String("kind"), BasisZaZyciem
				openedBy(f)
			},
		}, {
			name:   TriggerCompleteInterview,
			paths:  []path{{from: []State{Referred}, to: Analysis}},
			roles:  []Role{SocialWorker},
			duties: []duty{closes(OblInterview)},
		}, {
			name:  TriggerRequestAssistant,
			paths: []path{{from: []State{Analysis}, to: AssistantRequested}},
			roles: []Role{SocialWorker},
			args:  []argSpec{boolArg("mandatory")},
			facts: func(f *firing) {
				fa := f.c.Family
				if fa.Mandatory = f.args.Bool("mandatory"); fa.Mandatory && fa.Basis != BasisCourt {
					fa.Basis = BasisMandatory // art. 11 ust. 1a UWR
				}
			},
		}, {
			name:  TriggerGiveConsent,
			paths: []path{{from: []State{AssistantRequested}}},
			roles: []Role{SocialWorker},
			facts: func(f *firing) {
				if f.c.Family.Basis != BasisCourt {
					f.c.Family.Basis = BasisConsent
				}
			},
		}, {
			name:  TriggerRefuseConsent,
			paths: []path{{from: []State{AssistantRequested}, to: Declined, when: notCourtOrdered}},
			roles: []Role{SocialWorker},
			facts: func(f *firing) { f.c.Family.Basis = BasisNone },
		}, {
			name: TriggerCourtObligation,
			paths: []path{
				{from: []State{Referred, Analysis, Declined}, to: AssistantRequested},
				{from: []State{AssistantRequested, AssistantWork}},
			},
			roles: []Role{SocialWorker, OPSHead},
			args:  courtArgs,
			facts: func(f *firing) {
				fa := f.c.Family
				fa.Basis, fa.CourtRef, fa.ReportEveryMonths = BasisCourt, f.args.String("court_ref"), f.args.Int("report_every_months")
			},
			duties: []duty{
				opens(OblCourtReport, "due.family_court_report"),
				// The court's order takes the case past the interview, which
				// complete_interview can no longer close.
				closes(OblInterview, func(f *firing) bool { return f.from == Referred }),
			},
		}, {
			name:     TriggerReportToCourt,
			paths:    []path{{from: work, when: courtOrdered}},
			roles:    []Role{FamilyAssistant, OPSHead},
			assigned: true,
			// The report includes the non-cooperation since the last one
			// (rule court_report.non_cooperation).
			facts:  func(f *firing) { f.c.Family.UnreportedNonCooperation = 0 },
			duties: []duty{opens(OblCourtReport, "due.family_court_report")},
		}, {
			// The court asks for an opinion on the family (art. 15 ust. 1
			// pkt 17 UWR), by the date it sets.
			name:     TriggerCourtOpinion,
			paths:    []path{{from: []State{AssistantWork, Monitoring}}},
			roles:    []Role{FamilyAssistant, OPSHead},
			assigned: true,
			args:     []argSpec{courtRefArg(true), dateArg("deadline", true)},
			prepare:  (*call).prepareCourtOpinion,
			duties:   []duty{opens(OblCourtOpinion, "due.court_opinion")},
		}, {
			name:     TriggerSubmitOpinion,
			paths:    []path{{from: []State{AssistantWork, Monitoring}}},
			roles:    []Role{FamilyAssistant, OPSHead},
			assigned: true,
			duties:   []duty{closes(OblCourtOpinion)},
		}, {
			name:    TriggerAssignAssistant,
			paths:   []path{{from: []State{AssistantRequested}, to: AssistantPlanning}},
			roles:   []Role{OPSHead},
			args:    []argSpec{refArg("assistant", true)},
			prepare: (*call).prepareAssistant,
			facts:   func(f *firing) { f.c.Family.Assistant = f.args.String("assistant") },
			duties:  []duty{opens(OblFamilyAssessment, "due.family_assessment")},
		}, {
			// A leaving assistant's families are handed over; the new
			// assistant's cap guards it as an assignment does.
			name:    TriggerReassignAssistant,
			paths:   []path{{from: work}},
			roles:   []Role{OPSHead},
			args:    []argSpec{refArg("assistant", true)},
			prepare: (*call).prepareAssistant,
			facts: func(f *firing) {
				fa := f.c.Family
				fa.FormerAssistants = append(fa.FormerAssistants, fa.Assistant)
				fa.Assistant = f.args.String("assistant")
			},
		}, {
			// The work plan, drawn up with the family in consultation with
			// the social worker (art. 15 ust. 1 pkt 1, ust. 3 UWR).
			name:     TriggerApprovePlan,
			paths:    []path{{from: []State{AssistantPlanning}, to: AssistantImplementing}},
			roles:    []Role{FamilyAssistant},
			assigned: true,
			args:     append([]argSpec{refArg("plan_ref", false)}, planArgs...),
			prepare:  (*call).preparePlan,
			facts: func(f *firing) {
				setRef(&f.c.Family.WorkPlanRef, f.args.String("plan_ref"))
				f.c.Family.Plan.Approved = f.on
				planFacts(f)
			},
			duties: []duty{
				syncsPlan(),
				opens(OblPlanCoordination, "due.plan_coordination", func(f *firing) bool { return coordinationDeadline(f) && uncoordinated(f) }),
				closes(OblPlanCoordination, func(f *firing) bool { return !uncoordinated(f) }),
			},
		}, {
			// The plan is revised at least at each periodic assessment
			// (art. 15 ust. 1 pkt 15, art. 15 ust. 3 UWR).
			name:     TriggerRevisePlan,
			paths:    []path{{from: []State{AssistantImplementing}}},
			roles:    []Role{FamilyAssistant},
			assigned: true,
			args:     append([]argSpec{refArg("plan_ref", false), idsArg("drop")}, planArgs...),
			prepare:  (*call).preparePlan,
			facts: func(f *firing) {
				setRef(&f.c.Family.WorkPlanRef, f.args.String("plan_ref"))
				planFacts(f)
			},
			duties: []duty{syncsPlan(), closes(OblPlanCoordination, func(f *firing) bool { return !uncoordinated(f) })},
		}, {
			name:     TriggerCompleteAction,
			paths:    []path{{from: []State{AssistantImplementing}}},
			roles:    []Role{FamilyAssistant},
			assigned: true,
			args:     []argSpec{refArg("action", true)},
			prepare:  (*call).prepareAction,
			facts:    func(f *firing) { closeAction(&f.c.Family.Plan, f.args.String("action"), "done", f.on) },
			duties:   []duty{syncsPlan()},
		}, {
			name:     TriggerAssess,
			paths:    []path{{from: work}},
			roles:    []Role{FamilyAssistant},
			assigned: true,
			args:     []argSpec{enumArg("result", true, "positive", "negative")},
			facts: func(f *firing) {
				f.c.Family.LastAssessment, f.c.Family.LastAssessed = f.args.String("result"), f.on
			},
			duties: []duty{opens(OblFamilyAssessment, "due.family_assessment")},
		}, {
			// A child of the family is placed: recorded by the engine in the
			// same commit as the placement.
			name:     TriggerChildPlaced,
			paths:    []path{{from: []State{Referred, Analysis, AssistantRequested, AssistantWork, Monitoring}}},
			roles:    []Role{FosterCareOrganizer},
			internal: true,
			args:     []argSpec{refArg("child", true)},
			facts: func(f *firing) {
				f.c.Family.PlacedChildren = append(f.c.Family.PlacedChildren, f.args.String("child"))
			},
			duties: []duty{opens(OblPlanCoordination, "due.plan_coordination", func(f *firing) bool {
				return f.c.State == AssistantImplementing && coordinationDeadline(f) && uncoordinated(f) && !hasObligation(f.c, OblPlanCoordination)
			})},
		}, {
			// Consent-based (and other voluntary) work closes; in
			// court-ordered work the case stays and the non-cooperation is
			// recorded for the court (art. 109 § 4 KRO).
			name: TriggerWithdrawConsent,
			paths: []path{{from: work, targets: []State{Closed}, choose: func(f *firing) State {
				if f.c.Family.Basis == BasisCourt {
					return f.c.State
				}
				return Closed
			}}},
			roles:    []Role{SocialWorker, FamilyAssistant},
			assigned: true,
			facts: func(f *firing) {
				if f.c.State == Closed {
					f.c.Family.EndReason = "consent_withdrawn"
				} else {
					f.c.Family.NonCooperation++
					f.c.Family.UnreportedNonCooperation++
				}
			},
		}, {
			name: TriggerEndWork,
			paths: []path{{from: work, targets: []State{Monitoring, Closed}, choose: func(f *firing) State {
				if f.args.String("reason") == "goals_achieved" {
					return Monitoring
				}
				return Closed
			}}},
			roles:    []Role{FamilyAssistant, OPSHead},
			assigned: true,
			args:     []argSpec{enumArg("reason", true, endReasons...)},
			facts:    func(f *firing) { f.c.Family.EndReason = f.args.String("reason") },
			duties: []duty{
				closes(OblFamilyAssessment),
				closes(OblCourtReport),
				closes(OblPlanAction),
				closes(OblPlanCoordination),
				opens(OblMonitoringEnd, "due.monitoring_end", func(f *firing) bool {
					v, ok := f.rs.Param("family.post_closure_monitoring", f.on)
					return ok && v.Int() > 0
				}),
			},
		}, {
			name:     TriggerEndMonitoring,
			paths:    []path{{from: []State{Monitoring}, to: Closed}},
			roles:    []Role{FamilyAssistant, SocialWorker},
			assigned: true,
		}, {
			name:  TriggerReopen,
			paths: []path{{from: []State{Monitoring, Declined, Closed}, to: AssistantRequested}},
			roles: []Role{SocialWorker},
			facts: func(f *firing) {
				fa := f.c.Family
				if fa.Assistant != "" {
					fa.FormerAssistants = append(fa.FormerAssistants, fa.Assistant)
				}
				fa.Assistant, fa.Basis, fa.CourtRef, fa.ReportEveryMonths = "", BasisNone, "", 0
				fa.EndReason, fa.NonCooperation, fa.Mandatory, fa.LastAssessment, fa.WorkPlanRef = "", 0, false, "", ""
				fa.LastAssessed, fa.Plan, fa.UnreportedNonCooperation = rules.Date{}, WorkPlan{}, 0
			},
			// Reopening from monitoring ends the monitoring period.
			duties: []duty{closes(OblMonitoringEnd)},
		}},
	}
}

// planArgs are the arguments of approve_plan and revise_plan besides the
// plan's reference: the actions, the social worker consulted and the
// children's help plans the plan is coordinated with.
var planArgs = []argSpec{actionsArg("actions"), refArg("consulted", false), idsArg("coordinated_with")}

// hasObligation reports whether the case has an open obligation of the ID.
func hasObligation(c *Case, id string) bool { _, ok := c.Obligation(id); return ok }

// openedBy records the social worker who opened the case: it counts in
// their social work until it is closed.
func openedBy(f *firing) {
	if f.actor.Role == SocialWorker {
		f.c.Family.SocialWorker = f.actor.ID
	}
}

// prepareCourtOpinion checks that the court's deadline is not before the
// request.
func (cl *call) prepareCourtOpinion() error {
	if cl.args.Date("deadline").Before(cl.cmd.On) {
		return cl.argError("deadline", "termin sądu przypada przed datą prośby", "the court's deadline is before the date of the request")
	}
	return nil
}

// prepareAssistant resolves the assistant an assignment names and reads
// the families counted toward their cap, whose key version guards the
// commit (rule assistant.max_families).
func (cl *call) prepareAssistant() error {
	w, err := cl.worker("assistant", FamilyAssistant)
	if err != nil {
		return err
	}
	if w.ID == cl.c.Family.Assistant {
		return cl.argError("assistant", "asystent "+w.ID+" już pracuje z tą rodziną", "assistant "+w.ID+" already works with this family")
	}
	cases, err := cl.index(AssistantKey(w.ID))
	if err != nil {
		return err
	}
	cl.load = rules.Worker{ID: w.ID, Role: string(w.Role), FTE: w.EffectiveFTE()}
	cl.load.Families, cl.load.Weight = FamilyLoad(cases, countZaZyciem(cl.rs, cl.cmd.On))
	return nil
}

// countZaZyciem reads assistant.count_za_zyciem_in_cap on a date.
func countZaZyciem(rs *rules.RuleSet, on rules.Date) bool {
	if v, ok := rs.Param("assistant.count_za_zyciem_in_cap", on); ok {
		return v.Bool()
	}
	return true
}

// FamilyLoad counts the families toward an assistant's cap among the cases
// filed under their [AssistantKey], and sums their difficulty. 'Za życiem'
// families count only when countZaZyciem is true
// (assistant.count_za_zyciem_in_cap). The weight is rounded ([RoundWeight]).
func FamilyLoad(cases []*Case, countZaZyciem bool) (families int, weight float64) {
	for _, c := range cases {
		if e := EntryOf(c); c.Family != nil && e.CountsToward(countZaZyciem) {
			families++
			weight += e.Difficulty
		}
	}
	return families, RoundWeight(weight)
}

// familyEnv is the rules environment of a family trigger: the case's facts,
// the arguments, the family's children (read only when a guard reads
// them) and the assistant's load prepared.
func (cl *call) familyEnv() (rules.Env, error) {
	env := FamilyEnvOf(cl.c, cl.args, cl.cmd.Actor)
	env.Worker = cl.load
	if !cl.reads("family.children", "family.placed_children") {
		return env, nil
	}
	kids, _, err := cl.e.store.Index(cl.ctx, FamilyKey(cl.c.ID))
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		env.Family.Children++
		if inCare(k.State) {
			env.Family.PlacedChildren++
		}
	}
	return env, nil
}

// FamilyEnvOf maps a family case's facts, a trigger's arguments and its
// actor to the rules environment. It reads nothing from the store: the
// counts of children and the worker's load are the caller's to fill.
func FamilyEnvOf(c *Case, a Args, actor Actor) *rules.FamilyEnv {
	f := c.Family
	return &rules.FamilyEnv{
		Base: rules.Base{Actor: rules.Actor{ID: actor.ID, Role: string(actor.Role)}},
		Family: rules.Family{ID: c.ID, Difficulty: f.Difficulty, ZaZyciem: f.ZaZyciem(), Basis: string(f.Basis),
			State: string(c.State), Urgent: f.Urgent, ReportEveryMonths: f.ReportEveryMonths, Assistant: f.Assistant,
			NonCooperation: f.NonCooperation, LastAssessed: f.LastAssessed.Time(), PlanRevised: f.Plan.Revised.Time(),
			PlanActions: openActions(f.Plan), PlanConsulted: f.Plan.Consulted, Uncoordinated: uncoordinatedChildren(f),
			UnreportedNonCooperation: f.UnreportedNonCooperation},
		Args: rules.FamilyArgs{Urgent: a.Bool("urgent"), Mandatory: a.Bool("mandatory"), Kind: a.String("kind"),
			CourtRef: a.String("court_ref"), ReportEveryMonths: a.Int("report_every_months"), Assistant: a.String("assistant"),
			Result: a.String("result"), Reason: a.String("reason"), Consulted: a.String("consulted"), Deadline: a.Date("deadline").Time()},
	}
}
