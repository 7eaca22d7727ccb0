package national

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Epoch is the earliest date of any generated history.
var Epoch = rules.Date{Year: 2016, Month: time.January, Day: 1}

// DefaultAsOf is the date generated histories end on.
var DefaultAsOf = rules.Date{Year: 2025, Month: time.June, Day: 30}

// MinAsOf is the earliest as-of date a dataset can have: every history
// needs years after [Epoch] to run its course (a referral, an assignment,
// six-monthly assessments, placements and their reviews) and to end by the
// as-of date. An earlier as-of date is taken as MinAsOf.
var MinAsOf = rules.Date{Year: 2021, Month: time.January, Day: 1}

// StaffFrom is the date every generated post starts on.
var StaffFrom = rules.Date{Year: 2012, Month: time.January, Day: 1}

// Figures are the national totals a dataset of scale 1.0 has (see the
// package documentation for their sources).
type Figures struct {
	Gminas      int `json:"gminas"`
	Powiats     int `json:"powiats"`
	Inhabitants int `json:"inhabitants"`
	Assistants  int `json:"assistants"`
	// FamiliesWithAssistant are the families in assistant work on the
	// as-of date; the shares say on what basis.
	FamiliesWithAssistant int     `json:"families_with_assistant"`
	CourtOrderedShare     float64 `json:"court_ordered_share"`
	ZaZyciemShare         float64 `json:"za_zyciem_share"`
	MandatoryShare        float64 `json:"mandatory_share"`
	// Family cases in the other states.
	Referred   int `json:"referred"`
	Analysis   int `json:"analysis"`
	Waiting    int `json:"waiting"` // assistant_requested
	Monitoring int `json:"monitoring"`
	Closed     int `json:"closed"`
	Declined   int `json:"declined"`
	// ChildrenInCare are placed, awaiting a return or referred for
	// adoption: in family foster care or an institution.
	ChildrenInCare int `json:"children_in_care"`
	FosterFamilies int `json:"foster_families"`
	Coordinators   int `json:"coordinators"`
	// CoordinatedShare of the foster families have asked for a
	// coordinator (art. 77 ust. 1 UWR).
	CoordinatedShare float64 `json:"coordinated_share"`
}

// National returns the national figures (scale 1.0).
func National() Figures {
	return Figures{
		Gminas: 2477, Powiats: 380, Inhabitants: 37_600_000,
		Assistants: 3750, FamiliesWithAssistant: 45_000,
		CourtOrderedShare: 6400.0 / 45400, ZaZyciemShare: 0.03, MandatoryShare: 0.01,
		Referred: 1200, Analysis: 1500, Waiting: 2000, Monitoring: 2500, Closed: 4000, Declined: 800,
		ChildrenInCare: 72_000, FosterFamilies: 9000, Coordinators: 1000, CoordinatedShare: 0.85,
	}
}

// Scaled returns the figures multiplied by scale (at least 1 of each
// count; the shares unchanged).
func (f Figures) Scaled(scale float64) Figures {
	n := func(x int) int {
		if x == 0 {
			return 0
		}
		return max(1, int(float64(x)*scale+0.5))
	}
	out := f
	for _, p := range []*int{&out.Gminas, &out.Powiats, &out.Inhabitants, &out.Assistants, &out.FamiliesWithAssistant,
		&out.Referred, &out.Analysis, &out.Waiting, &out.Monitoring, &out.Closed, &out.Declined,
		&out.ChildrenInCare, &out.FosterFamilies, &out.Coordinators} {
		*p = n(*p)
	}
	out.Powiats = min(out.Powiats, out.Gminas)
	return out
}

// Dataset is a generated national (or scaled-down) caseload: the units,
// the staff, the institutions and the raw records of every case, from
// which each case's history ([Dataset.Steps]) and snapshot
// ([Dataset.Import]) are derived.
type Dataset struct {
	Seed  int64      `json:"seed"`
	Scale float64    `json:"scale"`
	AsOf  rules.Date `json:"as_of"`
	// Figures are the targets, already scaled.
	Figures        Figures           `json:"figures"`
	Powiats        []Powiat          `json:"powiats"`
	Gminas         []Gmina           `json:"gminas"`
	Workers        []workflow.Worker `json:"workers"`
	Institutions   []Institution     `json:"institutions"`
	Families       []Family          `json:"families"`
	Children       []Child           `json:"children"`
	FosterFamilies []FosterFamily    `json:"foster_families"`
}

// Powiat is a county, whose PCPR organises foster care.
type Powiat struct {
	ID          string `json:"id"`
	Inhabitants int    `json:"inhabitants"`
}

// Gmina is a municipality, whose OPS supports families.
type Gmina struct {
	ID          string `json:"id"`
	Powiat      string `json:"powiat"`
	Inhabitants int    `json:"inhabitants"`
	Areas       int    `json:"areas"` // districts (rejony) r1…rN
}

// Institution is a care institution (placówka opiekuńczo-wychowawcza).
type Institution struct {
	ID     string `json:"id"`
	Powiat string `json:"powiat"`
}

// Family is the raw record of a family case.
type Family struct {
	ID         string         `json:"id"`
	Gmina      string         `json:"gmina"`
	Area       string         `json:"area"`
	Difficulty float64        `json:"difficulty"`
	State      workflow.State `json:"state"`
	Basis      workflow.Basis `json:"basis,omitempty"`
	// ZaZyciemKind is set for a 'Za życiem' case, opened by its
	// application on Referred.
	ZaZyciemKind string     `json:"za_zyciem_kind,omitempty"`
	Urgent       bool       `json:"urgent,omitempty"`
	Mandatory    bool       `json:"mandatory,omitempty"`
	Referred     rules.Date `json:"referred"`
	Interviewed  rules.Date `json:"interviewed,omitzero"`
	Requested    rules.Date `json:"requested,omitzero"`
	Consent      rules.Date `json:"consent,omitzero"`
	// CourtOrdered is the court's obligation (instead of a request);
	// reports are due every ReportEvery months.
	CourtOrdered    rules.Date `json:"court_ordered,omitzero"`
	CourtRef        string     `json:"court_ref,omitempty"`
	ReportEvery     int        `json:"report_every,omitempty"`
	LastCourtReport rules.Date `json:"last_court_report,omitzero"`
	Assistant       string     `json:"assistant,omitempty"`
	Assigned        rules.Date `json:"assigned,omitzero"`
	PlanApproved    rules.Date `json:"plan_approved,omitzero"`
	LastAssessed    rules.Date `json:"last_assessed,omitzero"`
	LastResult      string     `json:"last_result,omitempty"`
	// Ended is when work ended (end_work, withdraw_consent) or consent
	// was refused; EndReason is the end_work reason, or
	// "consent_withdrawn" or "consent_refused".
	Ended           rules.Date `json:"ended,omitzero"`
	EndReason       string     `json:"end_reason,omitempty"`
	MonitoringEnded rules.Date `json:"monitoring_ended,omitzero"`
}

// Child is the raw record of a child in care.
type Child struct {
	ID     string `json:"id"`
	Powiat string `json:"powiat"`
	// Family is the family case the child comes from, when the dataset
	// has one; "" otherwise.
	Family    string     `json:"family,omitempty"`
	Born      rules.Date `json:"born"`
	Form      string     `json:"form"`  // a placed.* leaf name
	Carer     string     `json:"carer"` // foster family or institution
	Placed    rules.Date `json:"placed"`
	CourtRef  string     `json:"court_ref"`
	Exception string     `json:"exception,omitempty"` // institution under the minimum age
	Extended  rules.Date `json:"extended,omitzero"`   // emergency stay extended
	// LastReview and LastCourtReport are the last periodic acts.
	LastReview          rules.Date `json:"last_review,omitzero"`
	LastCourtReport     rules.Date `json:"last_court_report,omitzero"`
	Settled             rules.Date `json:"settled,omitzero"` // legal status settled
	ProposedReturn      rules.Date `json:"proposed_return,omitzero"`
	ReferredForAdoption rules.Date `json:"referred_for_adoption,omitzero"`
}

// State returns the child's state on the as-of date.
func (c *Child) State() workflow.State {
	switch {
	case !c.ReferredForAdoption.IsZero():
		return workflow.AdoptionReferred
	case !c.ProposedReturn.IsZero():
		return workflow.Reunification
	}
	return workflow.Placed + "." + workflow.State(c.Form)
}

// FosterFamily is the raw record of a foster family or family children's
// home.
type FosterFamily struct {
	ID     string `json:"id"`
	Powiat string `json:"powiat"`
	Form   string `json:"form"`
	// Coordinator supports the family from CoordinatorFrom; "" when the
	// family has not asked for one.
	Coordinator     string     `json:"coordinator,omitempty"`
	CoordinatorFrom rules.Date `json:"coordinator_from,omitzero"`
	// Active is the day its first child was placed (FirstChild).
	Active      rules.Date   `json:"active,omitzero"`
	FirstChild  string       `json:"first_child,omitempty"`
	Assessments []Assessment `json:"assessments,omitempty"`
}

// Assessment is one assessment of a foster family (art. 134 UWR).
type Assessment struct {
	On     rules.Date `json:"on"`
	Result string     `json:"result"` // positive or negative
	By     string     `json:"by"`     // coordinator or organiser
}

// Hash returns a SHA-256 of the whole dataset: equal for equal seeds,
// scales, dates and figures.
func (ds *Dataset) Hash() string {
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(ds); err != nil {
		panic(err) // plain data always encodes
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Cases returns the number of cases: families, children and foster
// families.
func (ds *Dataset) Cases() int { return len(ds.Families) + len(ds.Children) + len(ds.FosterFamilies) }

// The posts a unit's cases are handled by.
func socialWorkerOf(gmina string) string   { return gmina + "-S01" }
func headOf(gmina string) string           { return gmina + "-H" }
func organizerOf(powiat string) string     { return powiat + "-O1" }
func directorOf(institution string) string { return institution + "-D" }
