package rules

import "fmt"

// Kind is what a rule's expression computes.
type Kind int

// The kinds of rules.
const (
	// KindGuard rules yield a bool: true lets the trigger through.
	KindGuard Kind = iota
	// KindLimit rules yield a number (int or float), such as a cap.
	KindLimit
	// KindDue rules yield a date: the due date of an obligation.
	KindDue
)

// String returns "guard", "limit" or "due".
func (k Kind) String() string {
	switch k {
	case KindLimit:
		return "limit"
	case KindDue:
		return "due"
	}
	return "guard"
}

// Severity says what a failed guard does.
type Severity int

// The severities.
const (
	// Block refuses the trigger.
	Block Severity = iota
	// Warn lets the trigger through and records the message.
	Warn
)

// String returns "block" or "warn".
func (s Severity) String() string {
	if s == Warn {
		return "warn"
	}
	return "block"
}

// Rule is the definition of a rule: statutory (built in) or local (from a
// configuration file, ID "local.*"). It is plain data; a [RuleSet] holds it
// compiled.
type Rule struct {
	ID string
	// On lists the triggers the rule applies to, as written: a bare trigger
	// name ("assign_assistant") or "lifecycle.name" ("family.assess").
	On       []string
	Kind     Kind
	Expr     string
	From, To Date // the period the rule is in force; zero means open
	Basis    string
	Severity Severity
	// Message explains a failed guard. Placeholders {parameter.id} are
	// replaced with the parameter's value in force.
	Message Text
	Source  Source
	// exprAt is where Expr starts in its file, for positioned errors.
	exprAt exprPos
}

// InForce reports whether the rule applies on d.
func (r *Rule) InForce(d Date) bool {
	return (r.From.IsZero() || !d.Before(r.From)) && (r.To.IsZero() || !d.After(r.To))
}

// exprPos locates an expression inside a YAML file.
type exprPos struct {
	line, col int
	block     bool // a literal or folded block: the text starts on the next line
	quoted    bool // a quoted scalar: the text starts one column in
}

// MarshalText returns the kind's name, for JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// MarshalText returns the severity's name, for JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a kind's name, so that stored decisions decode.
func (k *Kind) UnmarshalText(b []byte) error {
	for _, c := range []Kind{KindGuard, KindLimit, KindDue} {
		if c.String() == string(b) {
			*k = c
			return nil
		}
	}
	return fmt.Errorf("rules: unknown rule kind %q", b)
}

// UnmarshalText reads a severity's name, so that stored decisions decode.
func (s *Severity) UnmarshalText(b []byte) error {
	for _, c := range []Severity{Block, Warn} {
		if c.String() == string(b) {
			*s = c
			return nil
		}
	}
	return fmt.Errorf("rules: unknown severity %q", b)
}
