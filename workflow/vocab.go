package workflow

import "strings"

// Role is an actor's role (docs/glossary.md, "Roles — role").
type Role string

// The roles.
const (
	SocialWorker          Role = "social_worker"           // pracownik socjalny
	OPSHead               Role = "ops_head"                // kierownik OPS / dyrektor CUS
	FamilyAssistant       Role = "family_assistant"        // asystent rodziny
	FosterCareCoordinator Role = "foster_care_coordinator" // koordynator rodzinnej pieczy zastępczej
	FosterCareOrganizer   Role = "foster_care_organizer"   // organizator rodzinnej pieczy zastępczej
	InstitutionDirector   Role = "institution_director"    // dyrektor placówki opiekuńczo-wychowawczej
)

// Roles lists every role.
var Roles = []Role{SocialWorker, OPSHead, FamilyAssistant, FosterCareCoordinator, FosterCareOrganizer, InstitutionDirector}

// Valid reports whether r is one of [Roles].
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// State is a state ID: a dotted path such as "assistant_work.planning". A
// superstate ("assistant_work") matches all of its substates in [State.In].
type State string

// The family lifecycle's states.
const (
	Referred              State = "referred"
	Analysis              State = "analysis"
	AssistantRequested    State = "assistant_requested"
	AssistantWork         State = "assistant_work"
	AssistantPlanning     State = "assistant_work.planning"
	AssistantImplementing State = "assistant_work.implementing"
	Declined              State = "declined"
	Monitoring            State = "monitoring"
	Closed                State = "closed"
)

// The child lifecycle's states.
const (
	InFamily                  State = "in_family"
	Placed                    State = "placed"
	PlacedKinship             State = "placed.kinship_foster_family"
	PlacedNonProfessional     State = "placed.non_professional_foster_family"
	PlacedProfessional        State = "placed.professional_foster_family"
	PlacedEmergency           State = "placed.emergency_family_home"
	PlacedFamilyChildrensHome State = "placed.family_childrens_home"
	PlacedInstitution         State = "placed.institution"
	Reunification             State = "reunification"
	Returned                  State = "returned"
	AdoptionReferred          State = "adoption_referred"
	Adopted                   State = "adopted"
	LeftCare                  State = "left_care"
)

// The foster_family lifecycle's states.
const (
	Candidate State = "candidate"
	Qualified State = "qualified"
	Active    State = "active"
	Suspended State = "suspended"
	Dissolved State = "dissolved"
)

// In reports whether s is other or one of its substates.
func (s State) In(other State) bool {
	n := len(other)
	return s == other || len(s) > n && s[n] == '.' && s[:n] == other
}

// Parent returns the superstate of s, or "" for a top-level state.
func (s State) Parent() State {
	if i := strings.LastIndexByte(string(s), '.'); i >= 0 {
		return s[:i]
	}
	return ""
}

// Leaf returns the last part of s: "institution" for "placed.institution".
func (s State) Leaf() string {
	if i := strings.LastIndexByte(string(s), '.'); i >= 0 {
		return string(s[i+1:])
	}
	return string(s)
}

// Basis is the legal ground of assistant work.
type Basis string

// The bases of assistant work.
const (
	BasisNone      Basis = ""
	BasisConsent   Basis = "consent"     // zgoda rodziny (art. 8 ust. 3 UWR)
	BasisCourt     Basis = "court_order" // zobowiązanie sądu (art. 109 § 2 pkt 1 KRO)
	BasisZaZyciem  Basis = "za_zyciem"   // wniosek „Za życiem” (art. 8 ust. 6 ZZ)
	BasisMandatory Basis = "mandatory"   // przydział obowiązkowy (art. 11 ust. 1a UWR)
)

// The placement forms: the leaf names of the placed.* states, and the forms
// of foster families.
const (
	FormKinship             = "kinship_foster_family"
	FormNonProfessional     = "non_professional_foster_family"
	FormProfessional        = "professional_foster_family"
	FormEmergency           = "emergency_family_home"
	FormFamilyChildrensHome = "family_childrens_home"
	FormInstitution         = "institution"
)

// placedForms lists the placed.* leaf names.
var placedForms = []string{FormKinship, FormNonProfessional, FormProfessional, FormEmergency, FormFamilyChildrensHome, FormInstitution}

// fosterForms lists the forms a foster family may be declared with.
var fosterForms = []string{FormKinship, FormNonProfessional, FormProfessional, FormEmergency, FormFamilyChildrensHome}
