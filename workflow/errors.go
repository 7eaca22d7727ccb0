package workflow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/asysta/asysta/rules"
)

// Sentinels every typed error of the package matches with errors.Is.
var (
	// ErrForbidden: the actor's role may not fire the trigger.
	ErrForbidden = errors.New("workflow: forbidden")
	// ErrInvalidTransition: the trigger is not permitted in the case's state.
	ErrInvalidTransition = errors.New("workflow: invalid transition")
	// ErrDenied: a rule blocks the trigger. It is rules.ErrDenied.
	ErrDenied = rules.ErrDenied
	// ErrArgument: a trigger argument is missing or wrong.
	ErrArgument = errors.New("workflow: bad argument")
	// ErrConflict: the case (or a worker's caseload) changed since it was
	// read; reload and try again.
	ErrConflict = errors.New("workflow: conflict")
)

// Localizer is implemented by errors that can speak Polish and English.
type Localizer interface {
	// Localize returns the message in lang (rules.Polish or
	// rules.English).
	Localize(lang rules.Lang) string
}

// Localize returns err's message in lang when it can give one, else its
// Error text.
func Localize(err error, lang rules.Lang) string {
	var l Localizer
	if errors.As(err, &l) {
		return l.Localize(lang)
	}
	return err.Error()
}

// ForbiddenError is a trigger fired by a role that may not fire it, or by a
// worker other than the one the trigger belongs to (the assigned
// assistant).
type ForbiddenError struct {
	Case    string
	Trigger string
	Actor   Actor
	Allowed []Role
	Reason  rules.Text // why, when it is not the role itself
}

// Error returns the refusal in English.
func (e *ForbiddenError) Error() string { return e.Localize(rules.English) }

// Localize returns the refusal in lang.
func (e *ForbiddenError) Localize(lang rules.Lang) string {
	if !e.Reason.IsZero() {
		return fmt.Sprintf("%s %s: %s", e.Case, e.Trigger, e.Reason.In(lang))
	}
	roles := make([]string, len(e.Allowed))
	for i, r := range e.Allowed {
		roles[i] = string(r)
	}
	if lang == rules.Polish {
		return fmt.Sprintf("%s %s: rola %s nie może wykonać tej czynności (mogą: %s)", e.Case, e.Trigger, e.Actor.Role, strings.Join(roles, ", "))
	}
	return fmt.Sprintf("%s %s: role %s may not do this (allowed: %s)", e.Case, e.Trigger, e.Actor.Role, strings.Join(roles, ", "))
}

// Is matches ErrForbidden.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// TransitionError is a trigger that is not permitted in the case's state,
// or a trigger the lifecycle does not have.
type TransitionError struct {
	Case      string
	Lifecycle rules.Lifecycle
	State     State // "" for a declared family with no case yet
	Trigger   string
	Reason    rules.Text // when the state alone does not explain it
	// Unknown: the lifecycle has no such trigger. The message then does
	// not repeat the name given, which may be any text.
	Unknown bool
	// Suggest lists the lifecycle's triggers closest to an unknown one.
	Suggest []string
}

// Error returns the refusal in English.
func (e *TransitionError) Error() string { return e.Localize(rules.English) }

// Localize returns the refusal in lang.
func (e *TransitionError) Localize(lang rules.Lang) string {
	state := string(e.State)
	if state == "" {
		state = map[rules.Lang]string{rules.Polish: "(sprawa nie została założona)", rules.English: "(no case opened yet)"}[lang]
	}
	trigger := e.Trigger
	if e.Unknown {
		trigger = map[rules.Lang]string{rules.Polish: "(nieznany wyzwalacz)", rules.English: "(unknown trigger)"}[lang]
	}
	msg := fmt.Sprintf("%s %s: not permitted in state %s of lifecycle %s", e.Case, trigger, state, e.Lifecycle)
	if lang == rules.Polish {
		msg = fmt.Sprintf("%s %s: niedozwolone w stanie %s (cykl %s)", e.Case, trigger, state, e.Lifecycle)
	}
	if !e.Reason.IsZero() {
		msg += ": " + e.Reason.In(lang)
	}
	if len(e.Suggest) > 0 {
		msg += map[rules.Lang]string{rules.Polish: "; czy chodziło o: ", rules.English: "; did you mean: "}[lang] + strings.Join(e.Suggest, ", ") + "?"
	}
	return msg
}

// Is matches ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// DeniedError is a trigger blocked by rules: every unmet rule with its
// message, and the decision that found them.
type DeniedError struct {
	Case     string
	Decision rules.Decision
}

// Error returns the refusal in English.
func (e *DeniedError) Error() string { return e.Localize(rules.English) }

// Localize returns the refusal in lang, listing every unmet rule.
func (e *DeniedError) Localize(lang rules.Lang) string {
	inner := &rules.DeniedError{Trigger: e.Decision.Trigger, Unmet: e.Decision.Unmet()}
	return e.Case + " " + inner.Localize(lang)
}

// RuleIDs returns the IDs of the unmet rules.
func (e *DeniedError) RuleIDs() []string {
	var ids []string
	for _, r := range e.Decision.Unmet() {
		ids = append(ids, r.Rule)
	}
	return ids
}

// Is matches ErrDenied.
func (e *DeniedError) Is(target error) bool { return target == ErrDenied }

// ArgumentError is a trigger argument that is missing, of the wrong type or
// not allowed, or an ID that names nothing.
type ArgumentError struct {
	Case    string
	Trigger string
	Arg     string
	Problem rules.Text
}

// Error returns the problem in English.
func (e *ArgumentError) Error() string { return e.Localize(rules.English) }

// Localize returns the problem in lang.
// The word "argument" is the same in Polish and English.
func (e *ArgumentError) Localize(lang rules.Lang) string {
	return fmt.Sprintf("%s %s: argument %s: %s", e.Case, e.Trigger, e.Arg, e.Problem.In(lang))
}

// Is matches ErrArgument.
func (e *ArgumentError) Is(target error) bool { return target == ErrArgument }

// ConflictError is a commit that lost a race: the case, or an index key its
// decision depended on, changed since it was read.
type ConflictError struct {
	Case string // the case or index key that changed
	Want int64  // the version the change was based on
	Got  int64  // the version found
}

// Error describes the conflict in English.
func (e *ConflictError) Error() string { return e.Localize(rules.English) }

// Localize describes the conflict in lang.
func (e *ConflictError) Localize(lang rules.Lang) string {
	if lang == rules.Polish {
		return fmt.Sprintf("%s zmieniło się w międzyczasie (wersja %d zamiast %d); wczytaj ponownie i powtórz", e.Case, e.Got, e.Want)
	}
	return fmt.Sprintf("%s changed meanwhile (version %d, not %d); reload and try again", e.Case, e.Got, e.Want)
}

// Is matches ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// NotFoundError is a case ID no case has: not declared, or mistyped.
type NotFoundError struct {
	Case string
}

// Error returns the message in English.
func (e *NotFoundError) Error() string { return e.Localize(rules.English) }

// Localize returns the message in lang.
func (e *NotFoundError) Localize(lang rules.Lang) string {
	if lang == rules.Polish {
		return "sprawa " + e.Case + " nie istnieje (nie została zadeklarowana)"
	}
	return "case " + e.Case + " does not exist (it was never declared)"
}

// Is matches ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// caseError wraps a store's error reading case id: a missing case becomes a
// *NotFoundError, anything else keeps its cause.
func caseError(id string, err error) error {
	if errors.Is(err, ErrNotFound) {
		return &NotFoundError{Case: id}
	}
	return fmt.Errorf("workflow: case %s: %w", id, err)
}

// ReplayError is a history that does not replay: the first event, by its
// sequence number, that the lifecycle refuses (a gap, another source
// state, a trigger not permitted there, bad arguments, another
// destination). The stored case and its history disagree: restore them
// from a backup, or report it.
type ReplayError struct {
	Case    string
	Seq     int64
	Trigger string
	Problem rules.Text
}

// Error returns the problem in English.
func (e *ReplayError) Error() string { return e.Localize(rules.English) }

// Localize returns the problem in lang.
func (e *ReplayError) Localize(lang rules.Lang) string {
	if lang == rules.Polish {
		return fmt.Sprintf("%s: zdarzenie %d (%s) nie daje się odtworzyć: %s", e.Case, e.Seq, e.Trigger, e.Problem.In(lang))
	}
	return fmt.Sprintf("%s: event %d (%s) does not replay: %s", e.Case, e.Seq, e.Trigger, e.Problem.In(lang))
}
