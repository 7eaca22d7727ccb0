package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/asysta/asysta/rules"
)

// Engine fires triggers on cases: it checks the actor's role, the state,
// the arguments and the rules, applies the transition, updates the
// obligations and commits the change with its event through the [Store].
// An Engine is safe for concurrent use; concurrent changes to one case (or
// to one worker's caseload) are settled by the store's version check.
type Engine struct {
	defs      map[rules.Lifecycle]*definition
	ruleSet   func() *rules.RuleSet
	store     Store
	dir       Directory
	log       *slog.Logger
	revisions sync.Map // revision → *rules.RuleSet, for replay
}

// Option configures an Engine.
type Option func(*Engine)

// WithRules evaluates triggers under a fixed rule set (default: the
// statute alone, [rules.Statute]).
func WithRules(rs *rules.RuleSet) Option {
	return func(e *Engine) { e.ruleSet = func() *rules.RuleSet { return rs } }
}

// WithLiveRules evaluates each trigger under the rule set in force in l at
// the moment it is fired.
func WithLiveRules(l *rules.Live) Option { return func(e *Engine) { e.ruleSet = l.RuleSet } }

// WithRevisions makes older rule sets known for [Engine.Replay], which
// recomputes each event under the revision that produced it.
func WithRevisions(sets ...*rules.RuleSet) Option {
	return func(e *Engine) {
		for _, rs := range sets {
			e.revisions.Store(rs.Revision(), rs)
		}
	}
}

// WithStore keeps cases in s (default: a new [MemoryStore]).
func WithStore(s Store) Option { return func(e *Engine) { e.store = s } }

// WithDirectory looks workers and institutions up in d (default: a new,
// empty [MemoryDirectory]).
func WithDirectory(d Directory) Option { return func(e *Engine) { e.dir = d } }

// WithLogger logs each accepted transition at debug level, with IDs only
// (default: no logging).
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// New returns an engine. It fails only if the built-in lifecycle
// definitions do not validate.
func New(opts ...Option) (*Engine, error) {
	defs, err := definitions()
	if err != nil {
		return nil, err
	}
	statute := rules.Statute()
	e := &Engine{defs: defs, ruleSet: func() *rules.RuleSet { return statute }, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(e)
	}
	if e.store == nil {
		e.store = NewMemoryStore()
	}
	if e.dir == nil {
		e.dir = NewMemoryDirectory()
	}
	return e, nil
}

// Store returns the engine's store.
func (e *Engine) Store() Store { return e.store }

// Directory returns the engine's directory.
func (e *Engine) Directory() Directory { return e.dir }

// RuleSet returns the rule set triggers are evaluated under now.
func (e *Engine) RuleSet() *rules.RuleSet { return e.ruleSet() }

// Command is one firing of a trigger.
type Command struct {
	Trigger string
	Actor   Actor
	On      rules.Date // the as-of date of the act
	Args    Args
	// Version, when not zero, is the case version the command was based
	// on; a case at another version gives a *ConflictError.
	Version int64
}

// Outcome is an accepted transition: the case after it, the event appended
// and the decision of the rules; Linked holds other cases the transition
// changed (a foster family activated by its first child). They are the
// caller's own: the store keeps copies of its own.
type Outcome struct {
	Case     *Case
	Event    Event
	Decision rules.Decision
	Linked   []*Case
}

// Fire fires cmd on the case: load → the trigger's record → authorise →
// arguments → prepare → decide → apply to the call's copy → commit. On
// any refusal nothing changes, and the error is one of *NotFoundError,
// *ForbiddenError, *TransitionError, *ArgumentError, *DeniedError or
// *ConflictError (errors.Is with the package's sentinels), or the store's
// own error.
func (e *Engine) Fire(ctx context.Context, caseID string, cmd Command) (out *Outcome, err error) {
	if ctx == nil {
		return nil, ErrNilContext
	}
	defer recovered(&err, caseID, cmd.Trigger)
	cl, err := e.begin(ctx, caseID, cmd)
	if err != nil {
		return nil, err
	}
	dec, err := cl.decide()
	if err != nil {
		return nil, err
	}
	if !dec.Allowed {
		return nil, &DeniedError{Case: caseID, Decision: dec}
	}
	writes, err := cl.apply(&dec)
	if err != nil {
		return nil, err
	}
	e.revisions.LoadOrStore(cl.rs.Revision(), cl.rs)
	if err := e.commit(ctx, Batch{Writes: writes, Guards: cl.guards}); err != nil {
		return nil, err
	}
	out = &Outcome{Case: writes[0].Case, Event: writes[0].Events[0], Decision: dec}
	for _, w := range writes {
		w.Case.Version = w.Expected + 1
	}
	for _, w := range writes[1:] {
		out.Linked = append(out.Linked, w.Case)
	}
	if e.log.Enabled(ctx, slog.LevelDebug) {
		e.log.LogAttrs(ctx, slog.LevelDebug, "transition", slog.String("case", caseID), slog.String("trigger", cmd.Trigger),
			slog.String("from", string(out.Event.From)), slog.String("to", string(out.Case.State)), slog.String("actor", cmd.Actor.ID))
	}
	return out, nil
}

// Check runs every check Fire would run (role, state, arguments, rules)
// without changing anything, and returns the rules' decision. A refusal
// is returned as the same typed error Fire would give; a denial also
// returns its decision. Use it to show a worker what would happen, or to
// test an assignment before proposing it.
func (e *Engine) Check(ctx context.Context, caseID string, cmd Command) (dec rules.Decision, err error) {
	if ctx == nil {
		return dec, ErrNilContext
	}
	defer recovered(&err, caseID, cmd.Trigger)
	cl, err := e.begin(ctx, caseID, cmd)
	if err != nil {
		return dec, err
	}
	if dec, err = cl.decide(); err != nil {
		return dec, err
	}
	if !dec.Allowed {
		return dec, &DeniedError{Case: caseID, Decision: dec}
	}
	return dec, nil
}

// ErrNilContext is returned by the engine's methods for a nil context.
var ErrNilContext = errors.New("workflow: a nil context; pass context.Background() or the request's context")

// recovered turns a panic (a store's, a directory's) into an error naming
// the case and the operation, never the panic's value, which may hold
// data. Every method of the engine that reaches the store defers it.
func recovered(err *error, caseID, op string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("workflow: %s %s: internal error (a panic in the store, the directory or the engine)", caseID, op)
	}
}

// Case returns the case with the ID.
func (e *Engine) Case(ctx context.Context, id string) (_ *Case, err error) {
	if ctx == nil {
		return nil, ErrNilContext
	}
	defer recovered(&err, id, "case")
	c, err := e.store.Get(ctx, id)
	if err != nil {
		return nil, caseError(id, err)
	}
	return c, nil
}

// History returns the case's events in order.
func (e *Engine) History(ctx context.Context, id string) (_ []Event, err error) {
	if ctx == nil {
		return nil, ErrNilContext
	}
	defer recovered(&err, id, "history")
	evs, err := e.store.Events(ctx, id)
	if err != nil {
		return nil, caseError(id, err)
	}
	return evs, nil
}

// ObligationStatus is an open obligation seen on a date.
type ObligationStatus struct {
	Obligation
	Case      string          `json:"case"`
	Lifecycle rules.Lifecycle `json:"lifecycle"`
	Overdue   bool            `json:"overdue"`
	// DaysLeft is the number of days from the date to the due date
	// (negative when overdue).
	DaysLeft int `json:"days_left"`
}

// Obligations returns the case's open obligations as seen on date on,
// ordered by due date.
func (e *Engine) Obligations(ctx context.Context, id string, on rules.Date) ([]ObligationStatus, error) {
	c, err := e.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	return StatusOn(c, on), nil
}

// StatusOn returns c's open obligations as seen on date on.
func StatusOn(c *Case, on rules.Date) []ObligationStatus {
	out := make([]ObligationStatus, len(c.Obligations))
	for i, o := range c.Obligations {
		out[i] = ObligationStatus{Obligation: o, Case: c.ID, Lifecycle: c.Lifecycle, Overdue: o.Overdue(on), DaysLeft: on.DaysUntil(o.Due)}
	}
	return out
}

// revision returns the rule set of a revision the engine has seen.
func (e *Engine) revision(rev string) (*rules.RuleSet, error) {
	if rs := e.ruleSet(); rs.Revision() == rev {
		return rs, nil
	}
	if v, ok := e.revisions.Load(rev); ok {
		return v.(*rules.RuleSet), nil
	}
	return nil, fmt.Errorf("workflow: rule-set revision %.12s is unknown: pass it with WithRevisions", rev)
}

// commit writes a batch, turning a store conflict into a *ConflictError.
func (e *Engine) commit(ctx context.Context, b Batch) error {
	err := e.store.Commit(ctx, b)
	if err == nil {
		return nil
	}
	if ce := (*ConflictError)(nil); errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, ErrConflict) {
		return &ConflictError{Case: b.Writes[0].Case.ID, Want: b.Writes[0].Expected}
	}
	return fmt.Errorf("workflow: commit %s: %w", b.Writes[0].Case.ID, err)
}
