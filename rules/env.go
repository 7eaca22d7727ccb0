package rules

import "time"

// Env is the input of rules on one lifecycle's triggers: one of
// [*FamilyEnv], [*ChildEnv] and [*FosterFamilyEnv]. A RuleSet fills the
// embedded [Base] when it evaluates; callers fill the rest. Values are IDs,
// codes, counts and dates only: never names or other personal data.
type Env interface {
	// Lifecycle returns the lifecycle whose triggers the environment serves.
	Lifecycle() Lifecycle
	base() *Base
}

// Base is embedded in every environment. Expressions see its fields as `on`,
// `actor.id` and `actor.role`, and reach parameters through `param("id")`.
type Base struct {
	// On is the as-of date, as midnight UTC. Set by the RuleSet from the
	// date given to it.
	On time.Time `expr:"on"`
	// Actor is the worker firing the trigger.
	Actor Actor `expr:"actor"`
	// ParamInts and ParamBools hold the parameters in force on On. The
	// RuleSet sets them; `param("id")` reads them. Callers leave them nil.
	ParamInts  map[string]int  `expr:"__param_int"`
	ParamBools map[string]bool `expr:"__param_bool"`
}

func (b *Base) base() *Base { return b }

// Actor is who fires a trigger: a worker ID and a role (docs/glossary.md,
// "Roles — role").
type Actor struct {
	ID   string `expr:"id"`
	Role string `expr:"role"`
}

// Worker describes a worker as rules see it: `worker.*`. On
// assign_assistant it is the assistant being assigned; on assign_coordinator
// the coordinator being assigned.
type Worker struct {
	ID   string  `expr:"id"`
	Role string  `expr:"role"`
	FTE  float64 `expr:"fte"` // etat: 1.0 full time
	// Families is the number of families counted toward the assistant's cap
	// on the date, before this assignment (honouring
	// assistant.count_za_zyciem_in_cap).
	Families int `expr:"families"`
	// Weight is the sum of the difficulty of those families.
	Weight float64 `expr:"weight"`
	// FosterFamilies is the number of foster families and family children's
	// homes the coordinator supports on the date, before this assignment.
	FosterFamilies int `expr:"foster_families"`
}

// Family describes a family case as rules see it: `family.*`.
type Family struct {
	ID         string  `expr:"id"`
	Difficulty float64 `expr:"difficulty"` // 1.0 unless the municipality weighs cases
	ZaZyciem   bool    `expr:"za_zyciem"`  // support under the 'Za życiem' act
	Children   int     `expr:"children"`   // declared children of the family
	// PlacedChildren is the number of the family's children placed in care.
	PlacedChildren int `expr:"placed_children"`
	// Basis of assistant work: "", "consent", "court_order", "za_zyciem" or
	// "mandatory".
	Basis string `expr:"basis"`
	State string `expr:"state"` // the case's state ID, e.g. "assistant_work.planning"
	// Urgent is set when the referral was urgent.
	Urgent bool `expr:"urgent"`
	// ReportEveryMonths is the court's reporting interval in court-ordered
	// work; 0 when there is no court order.
	ReportEveryMonths int    `expr:"report_every_months"`
	Assistant         string `expr:"assistant"` // ID of the assigned assistant
	// NonCooperation counts the withdrawals of consent recorded in
	// court-ordered work (non-cooperation, art. 109 § 4 KRO).
	NonCooperation int `expr:"non_cooperation"`
	// LastAssessed is the date of the last periodic assessment; PlanRevised
	// of the work plan's approval or last revision (midnight UTC; zero
	// when none).
	LastAssessed time.Time `expr:"last_assessed"`
	PlanRevised  time.Time `expr:"plan_revised"`
	// PlanActions is the number of the plan's open actions.
	PlanActions int `expr:"plan_actions"`
	// PlanConsulted is the social worker the plan was drawn up in
	// consultation with, or "".
	PlanConsulted string `expr:"plan_consulted"`
	// Uncoordinated is the number of the family's placed children whose
	// help plans the work plan is not yet coordinated with.
	Uncoordinated int `expr:"uncoordinated"`
	// UnreportedNonCooperation counts the withdrawals of consent in
	// court-ordered work since the last report to the court.
	UnreportedNonCooperation int `expr:"unreported_non_cooperation"`
}

// FamilyArgs are the arguments of a family trigger: `args.*`. Each trigger
// fills the ones it takes (docs/workflow.md, "Lifecycles, triggers, roles
// and arguments").
type FamilyArgs struct {
	Urgent            bool   `expr:"urgent"`              // refer
	Mandatory         bool   `expr:"mandatory"`           // request_assistant
	Kind              string `expr:"kind"`                // apply_za_zyciem: pregnancy, child_impairment
	CourtRef          string `expr:"court_ref"`           // court_obligation
	ReportEveryMonths int    `expr:"report_every_months"` // court_obligation
	Assistant         string `expr:"assistant"`           // assign_assistant
	Result            string `expr:"result"`              // assess: positive, negative
	Reason            string `expr:"reason"`              // end_work
	Consulted         string `expr:"consulted"`           // approve_plan, revise_plan: the social worker consulted
	// Deadline is the date the court set for an opinion
	// (court_opinion_requested), midnight UTC.
	Deadline time.Time `expr:"deadline"`
}

// FamilyEnv is the environment of rules on the family lifecycle's triggers.
type FamilyEnv struct {
	Base
	Family Family     `expr:"family"`
	Worker Worker     `expr:"worker"`
	Args   FamilyArgs `expr:"args"`
}

// Lifecycle returns [LifecycleFamily].
func (*FamilyEnv) Lifecycle() Lifecycle { return LifecycleFamily }

// Child describes a child as rules see it: `child.*`.
type Child struct {
	ID   string    `expr:"id"`
	Born time.Time `expr:"born"` // date of birth, midnight UTC
	// Age is the child's age in whole years on the as-of date; the RuleSet
	// computes it from Born.
	Age   int    `expr:"age"`
	State string `expr:"state"` // e.g. "placed.institution"
	// Form is the current placement's form (a placed.* leaf name), or "".
	Form  string `expr:"form"`
	Carer string `expr:"carer"` // ID of the current foster family or institution
	// PlacedOn is the date of the current placement; FirstPlaced of the
	// first one. Both midnight UTC; zero when never placed.
	PlacedOn     time.Time `expr:"placed_on"`
	FirstPlaced  time.Time `expr:"first_placed"`
	StayExtended bool      `expr:"stay_extended"` // emergency stay extended (art. 58 ust. 4)
	// EmergencySince is the admission to emergency care (midnight UTC):
	// the emergency stay runs from it across moves between emergency
	// homes; zero outside emergency care.
	EmergencySince time.Time `expr:"emergency_since"`
	// UntilProceedingsEnd: the stay was extended until the court
	// proceedings end (no end date).
	UntilProceedingsEnd bool `expr:"until_proceedings_end"`
	// CarerKind is the kind of the institution the child is placed in
	// (socialising, intervention, specialist_therapeutic, family_type);
	// "" in family foster care.
	CarerKind          string `expr:"carer_kind"`
	LegalStatusSettled bool   `expr:"legal_status_settled"` // settle_legal_status was recorded
	// FamilySupport is set when the child's family received assistant work
	// before the placement (KRO art. 112³).
	FamilySupport bool `expr:"family_support"`
}

// Carer describes the foster family or institution a child is placed with or
// moved to: `carer.*`.
type Carer struct {
	ID   string `expr:"id"`
	Form string `expr:"form"` // a placed.* leaf name
	// Kind is an institution's kind: socialising, intervention,
	// specialist_therapeutic or family_type; "" for a foster family.
	Kind string `expr:"kind"`
	// Children is the number of children placed there on the date, not
	// counting this child.
	Children int `expr:"children"`
}

// ChildArgs are the arguments of a child trigger: `args.*`.
type ChildArgs struct {
	Form      string `expr:"form"`      // place, move
	Carer     string `expr:"carer"`     // place, move
	CourtRef  string `expr:"court_ref"` // place, return_home, adopt
	Siblings  bool   `expr:"siblings"`  // place: placed with siblings
	Exception string `expr:"exception"` // place: siblings, parent_in_institution, health
	// UntilProceedingsEnd: extend_stay until the court proceedings end.
	UntilProceedingsEnd bool `expr:"until_proceedings_end"`
}

// ChildEnv is the environment of rules on the child lifecycle's triggers.
type ChildEnv struct {
	Base
	Child  Child     `expr:"child"`
	Carer  Carer     `expr:"carer"`
	Family Family    `expr:"family"`
	Args   ChildArgs `expr:"args"`
}

// Lifecycle returns [LifecycleChild].
func (*ChildEnv) Lifecycle() Lifecycle { return LifecycleChild }

// FosterFamily describes a foster family or family children's home:
// `foster_family.*`.
type FosterFamily struct {
	ID    string `expr:"id"`
	Form  string `expr:"form"`
	State string `expr:"state"`
	// Children is the number of children placed there on the date.
	Children int `expr:"children"`
	// Assessments is the number of assessments recorded, on assess
	// including the one being recorded (0 on activate): due dates count
	// from it (docs/workflow.md, "Obligations").
	Assessments int `expr:"assessments"`
	// LastResult is the result of the last assessment: "positive",
	// "negative" or "" (none yet); on assess, the one being recorded.
	LastResult  string `expr:"last_result"`
	Coordinator string `expr:"coordinator"` // ID of the assigned coordinator
	// NegativeInRow counts the consecutive negative assessments, on assess
	// including the one being recorded (art. 134 ust. 3 UWR).
	NegativeInRow int `expr:"negative_in_row"`
}

// FosterFamilyArgs are the arguments of a foster_family trigger: `args.*`.
type FosterFamilyArgs struct {
	Coordinator string `expr:"coordinator"` // assign_coordinator
	Result      string `expr:"result"`      // assess: positive, negative
}

// FosterFamilyEnv is the environment of rules on the foster_family
// lifecycle's triggers. Worker is the coordinator on assign_coordinator.
type FosterFamilyEnv struct {
	Base
	FosterFamily FosterFamily     `expr:"foster_family"`
	Worker       Worker           `expr:"worker"`
	Args         FosterFamilyArgs `expr:"args"`
}

// Lifecycle returns [LifecycleFosterFamily].
func (*FosterFamilyEnv) Lifecycle() Lifecycle { return LifecycleFosterFamily }

// newEnv returns a zero environment of the lifecycle, for type-checking.
func newEnv(l Lifecycle) Env {
	switch l {
	case LifecycleChild:
		return &ChildEnv{}
	case LifecycleFosterFamily:
		return &FosterFamilyEnv{}
	}
	return &FamilyEnv{}
}
