package rules

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"
)

// ErrNotInForce is returned when a date lies before [StatuteStart]: no
// parameter or rule is in force then.
var ErrNotInForce = errors.New("rules: no statute in force on that date")

// ErrWrongEnv is returned when a rule is evaluated with the environment of
// a lifecycle it is not attached to.
var ErrWrongEnv = errors.New("rules: the rule does not apply to this lifecycle")

// Program is a compiled rule. It is immutable and safe for concurrent use.
type Program struct {
	rule         Rule
	triggers     []Trigger
	compiled     map[Lifecycle]*compiled
	rs           *RuleSet
	placeholders []string
	source       string // rule.Source as decisions show it
}

// Result is the outcome of evaluating one rule.
type Result struct {
	Rule     string
	Kind     Kind
	Severity Severity
	// Passed is the guard's value; limit and due rules always pass.
	Passed bool
	Limit  float64 // the value of a limit rule
	Due    Date    // the value of a due rule
}

// EvalError is a rule that could not be evaluated: on a date before the
// statute ([ErrNotInForce]), with the wrong environment ([ErrWrongEnv]), or
// because it failed while running (a [Failure], for example a division by
// zero in a local rule). It names the rule, where it is defined and the
// kind of failure, never a value: the expression engine's own message,
// which may quote one, is not kept.
type EvalError struct {
	Rule    string
	Source  string  // where the rule is defined: "statute" or FILE:LINE:COL; set with Failure
	Failure Failure // the kind of failure while running; "" when Err is set
	Err     error   // ErrNotInForce or ErrWrongEnv; nil for a failure while running
}

// Error returns the problem in English: "rules: RULE (SOURCE): message".
func (e *EvalError) Error() string { return e.Localize(English) }

// Localize returns the problem in lang: "rules: RULE (SOURCE): message".
func (e *EvalError) Localize(lang Lang) string {
	head := "rules: " + e.Rule
	if e.Source != "" {
		head += " (" + e.Source + ")"
	}
	if e.Err != nil {
		return head + ": " + e.Err.Error()
	}
	return head + ": " + e.Failure.Text().In(lang)
}

// Unwrap returns ErrNotInForce or ErrWrongEnv, or nil.
func (e *EvalError) Unwrap() error { return e.Err }

// ID returns the rule's ID.
func (p *Program) ID() string { return p.rule.ID }

// Rule returns the rule's definition.
func (p *Program) Rule() Rule {
	r := p.rule
	r.On = slices.Clone(r.On) // the caller's own
	return r
}

// Triggers returns the triggers the rule is attached to.
func (p *Program) Triggers() []Trigger { return slices.Clone(p.triggers) }

// Params returns the IDs of the parameters the rule's expression reads.
func (p *Program) Params(l Lifecycle) []string {
	if c := p.compiledFor(l); c != nil {
		return slices.Clone(c.params)
	}
	return nil
}

// vmPool holds VMs for reuse: a vm.VM keeps its stack between runs, and
// Run resets it, so one VM serves any number of programs, one at a time.
var vmPool = sync.Pool{New: func() any { return &vm.VM{MemoryBudget: memoryBudget} }}

// Eval evaluates the rule on date on. It fills env's [Base] (the as-of date
// and the parameters in force) and, for a [*ChildEnv], the child's age;
// callers fill the rest. Eval does not check whether the rule is in force on
// the date: [RuleSet.Decide] does. A rule that fails while running gives an
// [*EvalError] naming the rule and the kind of failure, never a value.
func (p *Program) Eval(on Date, env Env) (Result, error) {
	res := Result{Rule: p.rule.ID, Kind: p.rule.Kind, Severity: p.rule.Severity, Passed: true}
	c := p.compiledFor(env.Lifecycle())
	if c == nil {
		return res, &EvalError{Rule: p.rule.ID, Err: ErrWrongEnv}
	}
	if err := p.rs.prepare(on, env); err != nil {
		return res, &EvalError{Rule: p.rule.ID, Err: err}
	}
	machine := vmPool.Get().(*vm.VM)
	out, err := machine.Run(c.program, env)
	vmPool.Put(machine)
	if err != nil {
		return res, p.failed(failureOf(err))
	}
	return res, p.convert(out, &res)
}

// convert stores the program's output in res by kind.
func (p *Program) convert(out any, res *Result) error {
	switch p.rule.Kind {
	case KindGuard:
		b, ok := out.(bool)
		res.Passed = b
		if !ok {
			return p.failed(FailType)
		}
	case KindLimit:
		switch x := out.(type) {
		case int:
			res.Limit = float64(x)
		case float64:
			res.Limit = x
		default:
			return p.failed(FailType)
		}
	case KindDue:
		t, ok := out.(time.Time)
		if !ok {
			return p.failed(FailType)
		}
		res.Due = DateFromTime(t)
	}
	return nil
}

// failed returns the error of the rule failing while running.
func (p *Program) failed(f Failure) *EvalError {
	return &EvalError{Rule: p.rule.ID, Failure: f, Source: p.source}
}

// prepare fills env's Base for date on: the as-of date, the parameters in
// force then and, for a child, the age.
func (rs *RuleSet) prepare(on Date, env Env) error {
	i := rs.epochIndex(on)
	if i < 0 {
		return ErrNotInForce
	}
	ep := &rs.epochs[i]
	b := env.base()
	b.On = on.Time()
	b.ParamInts, b.ParamBools = ep.ints, ep.bools
	if c, ok := env.(*ChildEnv); ok && !c.Child.Born.IsZero() {
		c.Child.Age = AgeOn(DateFromTime(c.Child.Born), on)
	}
	return nil
}

// message renders the rule's message with its placeholders replaced by the
// parameters in force on d.
func (p *Program) message(d Date) Text {
	if len(p.placeholders) == 0 {
		return p.rule.Message
	}
	ep := p.rs.epochAt(d)
	render := func(s string) string {
		return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
			if ep == nil {
				return m
			}
			if v, ok := ep.values[m[1:len(m)-1]]; ok {
				return formatValue(v.Value)
			}
			return m
		})
	}
	return Text{PL: render(p.rule.Message.PL), EN: render(p.rule.Message.EN)}
}

// compiledFor returns the rule compiled for lifecycle l, or nil.
func (p *Program) compiledFor(l Lifecycle) *compiled { return p.compiled[l] }
