package scenario

import (
	"strconv"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Scenario is a parsed scenario file: the declared world and the dated
// steps (docs/scenarios.md). It is plain data: [Parse] builds it from
// YAML and [Story] from Go code; [Scenario.Run] plays it.
type Scenario struct {
	File   string // the file name, as given; "" for a story written in Go
	Name   string
	Config []string // configuration files, resolved against the scenario's folder

	Workers        []workflow.Worker
	Families       []Family
	Children       []Child
	FosterFamilies []FosterFamily
	Institutions   []string
	// InstitutionKinds gives the kind of an institution (art. 101 UWR:
	// socialising, intervention, specialist_therapeutic, family_type) by
	// its ID; one not listed is socialising.
	InstitutionKinds map[string]string
	Steps            []Step

	// workerPos and institutionPos are where each worker and institution
	// is declared, parallel to Workers and Institutions (empty for a
	// scenario built by hand).
	workerPos, institutionPos []Pos

	// at is where each key of a parsed file's declarations and steps is
	// written, by [fieldKey]; it is nil for a scenario built by hand or by
	// a [Story]. origin is where the scenario starts (the file's first
	// line, or the Go line of [NewStory]).
	at     map[string]field
	origin Pos
	// trace: a run fills [Report.Trace] ([WithTrace]).
	trace bool
}

// field is where a key is written in a scenario file, and whether the
// decoder has already reported its value (a wrong type, a bad date).
type field struct {
	pos Pos
	bad bool
}

// fieldKey names the key of the i-th item of a list ("workers", "steps",
// …) in [Scenario.at].
func fieldKey(list string, i int, key string) string {
	return list + "/" + strconv.Itoa(i) + "/" + key
}

// Family is a declared family.
type Family struct {
	Pos        Pos // where it is declared
	ID         string
	Difficulty float64
	Area       string
}

// Child is a declared child.
type Child struct {
	Pos    Pos // where it is declared
	ID     string
	Family string
	Born   rules.Date
}

// FosterFamily is a declared foster family.
type FosterFamily struct {
	Pos       Pos // where it is declared
	ID        string
	Form      string
	Candidate bool
}

// Pos is a position in a scenario file (or a Go source file for a story).
type Pos struct {
	File string
	Line int
	Col  int
}

// Step is one dated step: an optional trigger with its expectation, then
// optional checks.
type Step struct {
	Pos    Pos
	At     rules.Date
	Case   string
	Do     string // "" for a step that only checks
	By     string
	With   workflow.Args
	Expect Expect
	Checks []Check
}

// Outcome is what a step expects of its trigger.
type Outcome int

// The outcomes a step may expect.
const (
	ExpectOK Outcome = iota
	ExpectDenied
	ExpectForbidden
	ExpectInvalid
	// ExpectArgument expects an argument error (an addition to the
	// contract's four).
	ExpectArgument
	// ExpectWarned expects success with warnings: every listed rule among
	// the warnings of the decision (an addition to the contract's four).
	ExpectWarned
)

var outcomeNames = []string{"ok", "denied", "forbidden", "invalid", "argument", "warned"}

// String returns the outcome's key in a scenario file, or "Outcome(N)" for
// a value that is not one of the outcomes.
func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeNames) {
		return "Outcome(" + strconv.Itoa(int(o)) + ")"
	}
	return outcomeNames[o]
}

// valid reports whether o is one of the outcomes.
func (o Outcome) valid() bool { return o >= 0 && int(o) < len(outcomeNames) }

// Expect is a step's expectation: the outcome, and for a denial the rules
// that must be among the reasons (for a warned success, among the
// warnings).
type Expect struct {
	Pos     Pos
	Outcome Outcome
	Rules   []string

	rulePos []Pos // where each rule is written, parallel to Rules
}

// CheckKind is what a check compares.
type CheckKind int

// The kinds of checks.
const (
	CheckState CheckKind = iota
	CheckDue
	CheckNotDue
	CheckOverdue
	CheckLoad
)

var checkNames = []string{"state", "due", "not_due", "overdue", "load"}

// String returns the check's key in a scenario file, or "CheckKind(N)"
// for a value that is not one of the kinds.
func (k CheckKind) String() string {
	if k < 0 || int(k) >= len(checkNames) {
		return "CheckKind(" + strconv.Itoa(int(k)) + ")"
	}
	return checkNames[k]
}

// valid reports whether k is one of the kinds.
func (k CheckKind) valid() bool { return k >= 0 && int(k) < len(checkNames) }

// Check is one expectation on the world after a step.
type Check struct {
	Pos        Pos
	Kind       CheckKind
	Case       string // state, due, not_due, overdue
	State      string // state
	Obligation string // due, not_due, overdue
	// Ref names one of several obligations of the ID (a plan action's ID
	// for plan_action); "" checks the first due.
	Ref    string
	Date   rules.Date
	Worker string // load
	Load   int    // load
}

// Institution returns the declared institution with the ID and its kind.
func (s *Scenario) Institution(id string) workflow.Institution {
	return workflow.Institution{ID: id, Kind: s.InstitutionKinds[id]}
}
