package workflow

import (
	"log/slog"
	"slices"

	"github.com/asysta/asysta/rules"
)

// Case is one case of a lifecycle: a family's case in a gmina, a child's
// placement or a foster family. It holds the state, the facts the rules
// read, and the open obligations. A declared family with no case yet has
// the empty State. Cases hold IDs, codes and dates; the only personal datum
// is a child's date of birth, which the review intervals need and which
// never leaves the case (not in events, errors or logs).
type Case struct {
	ID        string          `json:"id"`
	Lifecycle rules.Lifecycle `json:"lifecycle"`
	State     State           `json:"state"`
	// Version counts the committed changes of the case; the store sets it.
	Version      int64              `json:"version"`
	Family       *FamilyFacts       `json:"family,omitempty"`
	Child        *ChildFacts        `json:"child,omitempty"`
	FosterFamily *FosterFamilyFacts `json:"foster_family,omitempty"`
	// Obligations are the open obligations, ordered by due date.
	Obligations []Obligation `json:"obligations,omitempty"`
}

// FamilyFacts is what the family lifecycle records about a family case.
type FamilyFacts struct {
	Difficulty float64    `json:"difficulty"`
	Area       string     `json:"area,omitempty"` // rejon: for recommending a nearby assistant
	Opened     rules.Date `json:"opened,omitzero"`
	Urgent     bool       `json:"urgent,omitempty"`
	Basis      Basis      `json:"basis,omitempty"`
	// ZaZyciemKind is "pregnancy" or "child_impairment" for a 'Za życiem'
	// case; empty otherwise.
	ZaZyciemKind      string `json:"za_zyciem_kind,omitempty"`
	Mandatory         bool   `json:"mandatory,omitempty"`
	CourtRef          string `json:"court_ref,omitempty"`
	ReportEveryMonths int    `json:"report_every_months,omitempty"`
	Assistant         string `json:"assistant,omitempty"`
	// SocialWorker is the social worker who opened the case (referral or
	// 'Za życiem' application) and keeps it in social work.
	SocialWorker string `json:"social_worker,omitempty"`
	// FormerAssistants lists earlier assistants, oldest first.
	FormerAssistants []string `json:"former_assistants,omitempty"`
	WorkPlanRef      string   `json:"work_plan_ref,omitempty"`
	// NonCooperation counts withdrawals of consent in court-ordered work,
	// for the report to the court (art. 109 § 4 KRO).
	NonCooperation int    `json:"non_cooperation,omitempty"`
	EndReason      string `json:"end_reason,omitempty"`
	LastAssessment string `json:"last_assessment,omitempty"` // positive or negative
	// LastAssessed is the date of the last assess; zero before the first.
	LastAssessed rules.Date `json:"last_assessed,omitzero"`
	// UnreportedNonCooperation counts the withdrawals of consent in
	// court-ordered work since the last report to the court, which the
	// next report must include (art. 109 § 4 KRO).
	UnreportedNonCooperation int `json:"unreported_non_cooperation,omitempty"`
	// Plan is the family's work plan (docs/workflow.md, "The work plan").
	Plan WorkPlan `json:"plan,omitzero"`
	// PlacedChildren are the family's children placed in care while its
	// case was open (child_placed), whose help plans the work plan is to
	// be coordinated with (art. 15 ust. 1 pkt 2 UWR).
	PlacedChildren []string `json:"placed_children,omitempty"`
}

// WorkPlan is a family's work plan (plan pracy z rodziną, art. 15 ust. 1
// pkt 1–2, ust. 3 UWR): its actions with their deadlines and expected
// effects as codes or references (the plan's text stays in the OPS system),
// the social worker consulted, and the children's help plans it is
// coordinated with.
type WorkPlan struct {
	Actions []PlanAction `json:"actions,omitempty"`
	// Consulted is the social worker the plan was drawn up in
	// consultation with (art. 15 ust. 1 pkt 1 UWR).
	Consulted string `json:"consulted,omitempty"`
	// Approved is the date of approve_plan; Revised of the last approval
	// or revise_plan.
	Approved rules.Date `json:"approved,omitzero"`
	Revised  rules.Date `json:"revised,omitzero"`
	// CoordinatedWith are the children whose help plans (plan pomocy
	// dziecku) the work plan is coordinated with.
	CoordinatedWith []string `json:"coordinated_with,omitempty"`
}

// PlanAction is one action of a work plan. Each open action is an
// obligation plan_action whose Ref is the action's ID.
type PlanAction struct {
	ID  string     `json:"id"`
	Due rules.Date `json:"due"`
	// Effect is the expected effect as a code or reference (no free text).
	Effect string     `json:"effect"`
	Opened rules.Date `json:"opened"`
	// Status is "" while open, "done" once completed, "dropped" once
	// dropped by a revision; Closed is that date.
	Status string     `json:"status,omitempty"`
	Closed rules.Date `json:"closed,omitzero"`
}

// Open reports whether the action is still to be done.
func (a PlanAction) Open() bool { return a.Status == "" }

// Action returns the plan's action with the ID.
func (p *WorkPlan) Action(id string) (PlanAction, bool) {
	for _, a := range p.Actions {
		if a.ID == id {
			return a, true
		}
	}
	return PlanAction{}, false
}

// ZaZyciem reports whether the family counts as a 'Za życiem' family
// (assistant.count_za_zyciem_in_cap): support under the 'Za życiem' act
// that is the basis of its assistant work. Once a court obliges the
// family (basis court_order), or the basis is given again after reopen, it
// counts like any other family (docs/legal.md, "Decided readings").
func (f *FamilyFacts) ZaZyciem() bool { return f.ZaZyciemKind != "" && f.Basis == BasisZaZyciem }

// ChildFacts is what the child lifecycle records about a child.
type ChildFacts struct {
	Family string     `json:"family,omitempty"` // the family case's ID
	Born   rules.Date `json:"born"`
	// Form and Carer describe the current (or last) placement.
	Form        string     `json:"form,omitempty"`
	Carer       string     `json:"carer,omitempty"`
	PlacedOn    rules.Date `json:"placed_on,omitzero"`
	FirstPlaced rules.Date `json:"first_placed,omitzero"`
	// CarerKind is the kind of the institution the child is placed in
	// (socialising, intervention, …), recorded from the directory at the
	// placement; "" in family foster care.
	CarerKind string `json:"carer_kind,omitempty"`
	// EmergencySince is the date the child was admitted to emergency care:
	// an emergency family home (art. 58 ust. 4 UWR) or an intervention
	// institution (art. 103 ust. 6). The stay runs from it across moves
	// between homes (institutions) of the same kind; zero outside them.
	EmergencySince rules.Date `json:"emergency_since,omitzero"`
	// StayExtended: the emergency stay was extended (once per stay);
	// UntilProceedingsEnd: extended until the court proceedings end.
	StayExtended        bool `json:"stay_extended,omitempty"`
	UntilProceedingsEnd bool `json:"until_proceedings_end,omitempty"`
	// MotionFiled is the date the motion to settle the child's legal
	// status was filed (file_legal_status_motion); zero when not filed.
	MotionFiled rules.Date `json:"motion_filed,omitzero"`
	// CourtNotified is the date the court was told of an admission without
	// its order (notify_court).
	CourtNotified      rules.Date `json:"court_notified,omitzero"`
	LegalStatusSettled bool       `json:"legal_status_settled,omitempty"`
	CourtRef           string     `json:"court_ref,omitempty"`
	Exception          string     `json:"exception,omitempty"`
	HelpPlanRef        string     `json:"help_plan_ref,omitempty"`
	// ReturnTo is the placed.* state a child in reunification came from.
	ReturnTo State `json:"return_to,omitempty"`
	// HeldMotion is the legal_status_motion obligation discharged by
	// propose_return while the court decides on the return; return_refused
	// reopens it with its original due date.
	HeldMotion *Obligation `json:"held_motion,omitempty"`
}

// FosterFamilyFacts is what the foster_family lifecycle records.
type FosterFamilyFacts struct {
	Form        string     `json:"form"`
	Coordinator string     `json:"coordinator,omitempty"`
	ActiveSince rules.Date `json:"active_since,omitzero"`
	Assessments int        `json:"assessments,omitempty"`
	LastResult  string     `json:"last_result,omitempty"`
	// NegativeInRow counts the consecutive negative assessments up to the
	// last one: at 2, a motion to end the placement is owed (art. 134
	// ust. 3 UWR).
	NegativeInRow int `json:"negative_in_row,omitempty"`
	// EndMotionFiled is the date that motion was filed.
	EndMotionFiled rules.Date `json:"end_motion_filed,omitzero"`
}

// Obligation is an open duty with its due date: the last day on which it is
// on time (docs/workflow.md, "Obligations").
type Obligation struct {
	ID string `json:"id"` // interview, family_assessment, child_review, …
	// Ref tells apart obligations of one ID on a case: the action's ID for
	// plan_action; "" for the obligations a case has at most one of.
	Ref    string     `json:"ref,omitempty"`
	Opened rules.Date `json:"opened"`
	Due    rules.Date `json:"due"`
	// Rule is the due rule that computed Due; for plan_action, whose date
	// the plan sets, it is "plan".
	Rule string `json:"rule"`
}

// Overdue reports whether the obligation is overdue on d: d is after Due.
func (o Obligation) Overdue(d rules.Date) bool { return d.After(o.Due) }

// Obligation returns the open obligation with the ID; of several (one per
// plan action), the one due first.
func (c *Case) Obligation(id string) (Obligation, bool) {
	for _, o := range c.Obligations {
		if o.ID == id {
			return o, true
		}
	}
	return Obligation{}, false
}

// ObligationRef returns the open obligation with the ID and Ref (a plan
// action's ID for plan_action).
func (c *Case) ObligationRef(id, ref string) (Obligation, bool) {
	for _, o := range c.Obligations {
		if o.ID == id && o.Ref == ref {
			return o, true
		}
	}
	return Obligation{}, false
}

// Opened reports whether the case has been opened: a declared family has
// no case until refer or apply_za_zyciem.
func (c *Case) Opened() bool { return c.State != "" }

// Clone returns a deep copy of c: it shares no memory with c.
func (c *Case) Clone() *Case {
	out := *c
	if c.Family != nil {
		f := *c.Family
		f.FormerAssistants = slices.Clone(f.FormerAssistants)
		f.Plan.Actions = slices.Clone(f.Plan.Actions)
		f.Plan.CoordinatedWith = slices.Clone(f.Plan.CoordinatedWith)
		f.PlacedChildren = slices.Clone(f.PlacedChildren)
		out.Family = &f
	}
	if c.Child != nil {
		ch := *c.Child
		if ch.HeldMotion != nil {
			o := *ch.HeldMotion
			ch.HeldMotion = &o
		}
		out.Child = &ch
	}
	if c.FosterFamily != nil {
		ff := *c.FosterFamily
		out.FosterFamily = &ff
	}
	out.Obligations = slices.Clone(c.Obligations)
	return &out
}

// LogValue identifies the case in logs by ID, lifecycle, state and version
// only: never the facts.
func (c *Case) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", c.ID), slog.String("lifecycle", string(c.Lifecycle)),
		slog.String("state", string(c.State)), slog.Int64("version", c.Version))
}

// Index keys: a store files each case under the keys its state gives it, so
// that workers' loads and carers' children can be counted, and versions
// each key so that concurrent assignments over one cap conflict.
const (
	keyAssistant    = "assistant:"     // families counted in an assistant's work
	keyCoordinator  = "coordinator:"   // foster families supported by a coordinator
	keyCarer        = "carer:"         // children in a foster family or institution
	keyFamily       = "family:"        // children of a family
	keySocialWorker = "social_worker:" // families in a social worker's social work
	keyFoster       = "foster_family:" // a foster family itself, whatever its state
)

// AssistantKey is the index key of the families an assistant works with.
func AssistantKey(worker string) string { return keyAssistant + worker }

// CoordinatorKey is the index key of a coordinator's foster families.
func CoordinatorKey(worker string) string { return keyCoordinator + worker }

// CarerKey is the index key of the children in a foster family or
// institution.
func CarerKey(carer string) string { return keyCarer + carer }

// SocialWorkerKey is the index key of the families a social worker has in
// social work: cases they opened, from the referral (or 'Za życiem'
// application) until the case is closed.
func SocialWorkerKey(worker string) string { return keySocialWorker + worker }

// FamilyKey is the index key of a family's children.
func FamilyKey(family string) string { return keyFamily + family }

// FosterFamilyKey is the index key a foster family is filed under by
// itself, in every state. A placement reads the family through it, so
// that the key's version guards the family's state: a placement racing a
// suspend or dissolve of the family conflicts instead of placing a child
// with a family that no longer takes children.
func FosterFamilyKey(id string) string { return keyFoster + id }

// Keys returns the index keys the case is filed under in its current state.
// Stores file cases by it when they are written: a change to it needs a
// migration of the cases already stored (see package pgstore).
func (c *Case) Keys() []string {
	var keys []string
	switch {
	case c.Family != nil:
		if c.State.In(AssistantWork) && c.Family.Assistant != "" {
			keys = append(keys, AssistantKey(c.Family.Assistant))
		}
		if c.Family.SocialWorker != "" && inSocialWork(c.State) {
			keys = append(keys, SocialWorkerKey(c.Family.SocialWorker))
		}
	case c.Child != nil:
		if c.Child.Family != "" {
			keys = append(keys, FamilyKey(c.Child.Family))
		}
		if c.Child.Carer != "" && inCare(c.State) {
			keys = append(keys, CarerKey(c.Child.Carer))
		}
	case c.FosterFamily != nil:
		keys = append(keys, FosterFamilyKey(c.ID))
		if c.FosterFamily.Coordinator != "" && c.State != Dissolved {
			keys = append(keys, CoordinatorKey(c.FosterFamily.Coordinator))
		}
	}
	return keys
}

// inSocialWork reports whether a family case in state s is in social work:
// opened and not closed.
func inSocialWork(s State) bool { return s != declared && s != Closed }

// inCare reports whether a child in state s lives with its carer: placed,
// awaiting the court on a return, or referred for adoption.
func inCare(s State) bool {
	return s.In(Placed) || s == Reunification || s == AdoptionReferred
}
