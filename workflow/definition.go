package workflow

import (
	"github.com/asysta/asysta/rules"
)

// declared is the state of a declared family before refer or
// apply_za_zyciem opens its case.
const declared State = ""

// transition is one row of a lifecycle's table: a trigger, the states it is
// permitted in, where it leads, who may fire it and what it takes.
type transition struct {
	trigger string
	from    []State // leaf states or superstates
	// to is the destination; "" keeps the state (an internal transition)
	// unless dynamic chooses.
	to      State
	dynamic func(*call) State
	targets []State // the destinations dynamic may choose, for validation and diagrams
	when    *condition
	roles   []Role
	// assigned: a family_assistant may fire it only on a family whose
	// assistant they are.
	assigned bool
	args     []argSpec
	internal bool // fired by the engine itself, never by a user
	// fire is trigger as stateless takes it, boxed once when the machine is
	// built rather than on every firing.
	fire any
}

// condition is a state-level condition on a transition, evaluated by
// stateless as a guard. Rules (rules.RuleSet) are separate: they explain
// denials; conditions decide whether the transition exists at all.
type condition struct {
	name string // shown in diagrams
	text rules.Text
	fn   func(*call) bool
}

var courtOrdered = &condition{
	name: "basis = court_order",
	text: rules.Text{PL: "wymaga zobowiązania sądu (podstawa court_order)", EN: "needs a court obligation (basis court_order)"},
	fn:   func(c *call) bool { return c.c.Family.Basis == BasisCourt },
}

var notCourtOrdered = &condition{
	name: "basis ≠ court_order",
	text: rules.Text{PL: "rodzina jest zobowiązana przez sąd: odmowy nie można przyjąć", EN: "the family is obliged by a court: a refusal cannot be accepted"},
	fn:   func(c *call) bool { return c.c.Family.Basis != BasisCourt },
}

// lifecycle is the definition of one lifecycle: its states and its table.
type lifecycle struct {
	name        rules.Lifecycle
	states      []State // every state, superstates included
	transitions []transition
	byTrig      map[string][]*transition // built by build; read-only after
}

var endReasons = []string{"goals_achieved", "no_cooperation", "moved_away", "child_placed_permanently", "court_decision", "other"}

func familyLifecycle() *lifecycle {
	work := []State{AssistantWork}
	return &lifecycle{
		name: rules.LifecycleFamily,
		states: []State{declared, Referred, Analysis, AssistantRequested, AssistantWork, AssistantPlanning,
			AssistantImplementing, Declined, Monitoring, Closed},
		transitions: []transition{
			{trigger: "refer", from: []State{declared}, to: Referred, roles: []Role{SocialWorker}, args: []argSpec{boolArg("urgent")}},
			{trigger: "apply_za_zyciem", from: []State{declared}, to: AssistantRequested, roles: []Role{SocialWorker},
				args: []argSpec{enumArg("kind", true, "pregnancy", "child_impairment")}},
			{trigger: "complete_interview", from: []State{Referred}, to: Analysis, roles: []Role{SocialWorker}},
			{trigger: "request_assistant", from: []State{Analysis}, to: AssistantRequested, roles: []Role{SocialWorker},
				args: []argSpec{boolArg("mandatory")}},
			{trigger: "give_consent", from: []State{AssistantRequested}, roles: []Role{SocialWorker}},
			{trigger: "refuse_consent", from: []State{AssistantRequested}, to: Declined, when: notCourtOrdered, roles: []Role{SocialWorker}},
			{trigger: "court_obligation", from: []State{Referred, Analysis, Declined}, to: AssistantRequested,
				roles: []Role{SocialWorker, OPSHead}, args: courtArgs()},
			{trigger: "court_obligation", from: []State{AssistantRequested, AssistantWork}, roles: []Role{SocialWorker, OPSHead}, args: courtArgs()},
			{trigger: "report_to_court", from: work, when: courtOrdered, roles: []Role{FamilyAssistant, OPSHead}, assigned: true},
			{trigger: "assign_assistant", from: []State{AssistantRequested}, to: AssistantPlanning, roles: []Role{OPSHead},
				args: []argSpec{refArg("assistant", true)}},
			{trigger: "reassign_assistant", from: work, roles: []Role{OPSHead}, args: []argSpec{refArg("assistant", true)}},
			{trigger: "approve_plan", from: []State{AssistantPlanning}, to: AssistantImplementing, roles: []Role{FamilyAssistant},
				assigned: true, args: []argSpec{refArg("plan_ref", false)}},
			{trigger: "assess", from: work, roles: []Role{FamilyAssistant}, assigned: true,
				args: []argSpec{enumArg("result", true, "positive", "negative")}},
			{trigger: "withdraw_consent", from: work, roles: []Role{SocialWorker, FamilyAssistant}, assigned: true,
				dynamic: withdrawTarget, targets: []State{Closed}},
			{trigger: "end_work", from: work, roles: []Role{FamilyAssistant, OPSHead}, assigned: true,
				args: []argSpec{enumArg("reason", true, endReasons...)}, dynamic: endWorkTarget, targets: []State{Monitoring, Closed}},
			{trigger: "end_monitoring", from: []State{Monitoring}, to: Closed, roles: []Role{FamilyAssistant, SocialWorker}, assigned: true},
			{trigger: "reopen", from: []State{Monitoring, Declined, Closed}, to: AssistantRequested, roles: []Role{SocialWorker}},
		},
	}
}

func courtArgs() []argSpec {
	return []argSpec{refArg("court_ref", true), intArg("report_every_months", false, 1, 24)}
}

// withdrawTarget: consent-based (and other voluntary) work closes; in
// court-ordered work the case stays and non-cooperation is recorded.
func withdrawTarget(c *call) State {
	if c.c.Family.Basis == BasisCourt {
		return c.c.State
	}
	return Closed
}

func endWorkTarget(c *call) State {
	if c.args.String("reason") == "goals_achieved" {
		return Monitoring
	}
	return Closed
}

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
	return &lifecycle{
		name: rules.LifecycleChild,
		states: append(append([]State{InFamily, Placed}, placedStates...),
			Reunification, Returned, AdoptionReferred, Adopted, LeftCare),
		transitions: []transition{
			{trigger: "place", from: []State{InFamily, Returned}, roles: org, dynamic: placeTarget, targets: placedStates,
				args: []argSpec{enumArg("form", true, placedForms...), refArg("carer", true), refArg("court_ref", false),
					boolArg("siblings"), enumArg("exception", false, "siblings", "parent_in_institution", "health"), refArg("help_plan_ref", false)}},
			{trigger: "move", from: placed, roles: org, dynamic: placeTarget, targets: placedStates,
				args: []argSpec{enumArg("form", true, placedForms...), refArg("carer", true), boolArg("siblings"),
					enumArg("exception", false, "siblings", "parent_in_institution", "health"), refArg("court_ref", false)}},
			{trigger: "review", from: inCareStates, roles: []Role{FosterCareOrganizer, InstitutionDirector}, args: []argSpec{refArg("help_plan_ref", false)}},
			{trigger: "report_to_court", from: inCareStates, roles: org},
			{trigger: "extend_stay", from: []State{PlacedEmergency}, roles: org},
			{trigger: "propose_return", from: placed, to: Reunification, roles: org},
			{trigger: "return_home", from: []State{Reunification}, to: Returned, roles: org, args: []argSpec{refArg("court_ref", true)}},
			{trigger: "return_refused", from: []State{Reunification}, roles: org, dynamic: returnRefusedTarget, targets: placedStates},
			{trigger: "settle_legal_status", from: placed, roles: org},
			{trigger: "refer_for_adoption", from: placed, to: AdoptionReferred,
				roles: []Role{FosterCareCoordinator, FosterCareOrganizer, InstitutionDirector}},
			{trigger: "adopt", from: []State{AdoptionReferred}, to: Adopted, roles: org, args: []argSpec{refArg("court_ref", true)}},
			{trigger: "leave_care", from: placed, to: LeftCare, roles: org},
		},
	}
}

func placeTarget(c *call) State {
	form := c.args.String("form")
	for _, s := range c.def.states { // the state's own string: no new one
		if len(s) == len(Placed)+1+len(form) && s[len(Placed)] == '.' && string(s[len(Placed)+1:]) == form && s[:len(Placed)] == Placed {
			return s
		}
	}
	return Placed + "." + State(form)
}

func returnRefusedTarget(c *call) State { return c.c.Child.ReturnTo }

func fosterFamilyLifecycle() *lifecycle {
	org := []Role{FosterCareOrganizer}
	return &lifecycle{
		name:   rules.LifecycleFosterFamily,
		states: []State{Candidate, Qualified, Active, Suspended, Dissolved},
		transitions: []transition{
			{trigger: "qualify", from: []State{Candidate}, to: Qualified, roles: org},
			{trigger: "assign_coordinator", from: []State{Qualified, Active}, roles: org, args: []argSpec{refArg("coordinator", true)}},
			{trigger: TriggerActivate, from: []State{Qualified}, to: Active, roles: org, internal: true},
			{trigger: "assess", from: []State{Active}, roles: []Role{FosterCareCoordinator, FosterCareOrganizer},
				args: []argSpec{enumArg("result", true, "positive", "negative")}},
			{trigger: "suspend", from: []State{Active}, to: Suspended, roles: org},
			{trigger: "resume", from: []State{Suspended}, to: Active, roles: org},
			{trigger: "dissolve", from: []State{Active, Suspended}, to: Dissolved, roles: org},
		},
	}
}

// triggers returns the lifecycle's trigger names in table order, once each.
func (l *lifecycle) triggers() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range l.transitions {
		if !seen[t.trigger] {
			seen[t.trigger] = true
			out = append(out, t.trigger)
		}
	}
	return out
}

// findIn returns the transition of trs (one trigger's) permitted from
// state s (looking at s and its superstates), or nil.
func findIn(trs []*transition, s State) *transition {
	for _, t := range trs {
		for _, f := range t.from {
			if s == f || (f != declared && s.In(f)) {
				return t
			}
		}
	}
	return nil
}

// byTrigger returns the transitions of a trigger, or nil for an unknown one.
func (l *lifecycle) byTrigger(trigger string) []*transition {
	if l.byTrig != nil {
		return l.byTrig[trigger]
	}
	var out []*transition
	for i := range l.transitions {
		if l.transitions[i].trigger == trigger {
			out = append(out, &l.transitions[i])
		}
	}
	return out
}

// leaves returns the states that have no substates: the states a case can
// be in.
func (l *lifecycle) leaves() []State {
	var out []State
	for _, s := range l.states {
		if !l.isSuper(s) {
			out = append(out, s)
		}
	}
	return out
}

func (l *lifecycle) isSuper(s State) bool {
	for _, x := range l.states {
		if x != s && x.Parent() == s && s != declared {
			return true
		}
	}
	return false
}
