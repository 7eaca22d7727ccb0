package rules

import (
	"errors"
	"fmt"
	"strings"
)

// Decision is the explained outcome of the rules on one trigger: every rule
// consulted with its result, the parameters they read and where each came
// from, the as-of date and the rule-set revision. It holds IDs and codes
// only, never personal data, and is meant for the audit log.
type Decision struct {
	Trigger  Trigger      `json:"trigger"`
	On       Date         `json:"on"`
	Revision string       `json:"revision"`
	Allowed  bool         `json:"allowed"`
	Rules    []RuleResult `json:"rules"`
	Params   []ParamUse   `json:"params"`
}

// RuleResult is one rule's part in a decision.
type RuleResult struct {
	Rule     string   `json:"rule"`
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	Passed   bool     `json:"passed"`
	Basis    string   `json:"basis,omitempty"`
	Source   string   `json:"source"`
	// Message explains a failed guard, rendered with the parameters in
	// force; empty when the rule passed.
	Message Text `json:"message,omitzero"`
	// Error is set when the rule failed while running; such a rule counts
	// as failed. It is the kind of failure only, never a value.
	Error Failure `json:"error,omitempty"`
}

// ParamUse is a parameter a decision's rules read.
type ParamUse struct {
	ID     string `json:"id"`
	Value  any    `json:"value"`
	Source string `json:"source"` // "statute" or FILE:LINE
	Basis  string `json:"basis"`
}

// Unmet returns the failed blocking rules: the reasons for a refusal.
func (d *Decision) Unmet() []RuleResult { return d.filter(Block) }

// Warnings returns the failed warning rules.
func (d *Decision) Warnings() []RuleResult { return d.filter(Warn) }

func (d *Decision) filter(s Severity) []RuleResult {
	var out []RuleResult
	for _, r := range d.Rules {
		if !r.Passed && r.Severity == s {
			out = append(out, r)
		}
	}
	return out
}

// Err returns nil when the decision allows the trigger, else a
// [*DeniedError] listing the unmet rules.
func (d *Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &DeniedError{Trigger: d.Trigger, Unmet: d.Unmet()}
}

// ErrDenied is the sentinel every [*DeniedError] matches with errors.Is.
var ErrDenied = errors.New("rules: denied")

// DeniedError is a refusal by the rules: the trigger and every unmet rule
// with its message.
type DeniedError struct {
	Trigger Trigger
	Unmet   []RuleResult
}

// Error lists the unmet rules in English.
func (e *DeniedError) Error() string { return e.Localize(English) }

// Localize lists the unmet rules in lang.
func (e *DeniedError) Localize(lang Lang) string {
	parts := make([]string, len(e.Unmet))
	for i, r := range e.Unmet {
		parts[i] = r.Rule + ": " + r.Message.In(lang)
		if r.Error != "" {
			parts[i] += " (" + r.Error.Text().In(lang) + ")"
		}
	}
	head := fmt.Sprintf("%s denied", e.Trigger)
	if lang == Polish {
		head = fmt.Sprintf("%s odmowa", e.Trigger)
	}
	return head + ": " + strings.Join(parts, "; ")
}

// RuleIDs returns the IDs of the unmet rules.
func (e *DeniedError) RuleIDs() []string {
	ids := make([]string, len(e.Unmet))
	for i, r := range e.Unmet {
		ids[i] = r.Rule
	}
	return ids
}

// Is reports whether target is ErrDenied.
func (e *DeniedError) Is(target error) bool { return target == ErrDenied }

// Decide evaluates every guard in force on date on for trigger t and
// returns the explained decision. A guard that cannot be evaluated counts as
// failed (the rules fail closed). Decide fills env's [Base]. It returns an
// error only when the date or the environment is wrong for the trigger.
func (rs *RuleSet) Decide(t Trigger, on Date, env Env) (Decision, error) {
	if env.Lifecycle() != t.Lifecycle {
		return Decision{}, fmt.Errorf("rules: %s takes a %s environment, got %s: %w", t, t.Lifecycle, env.Lifecycle(), ErrWrongEnv)
	}
	if err := rs.prepare(on, env); err != nil {
		return Decision{}, fmt.Errorf("rules: %s on %s: %w", t, on, err)
	}
	return rs.decide(t, on, env, rs.byTrigger[t]), nil
}

// DecideWith is [RuleSet.Decide] with the environment built by env, and
// only when a guard in force on the date is to read it: a trigger with
// none is allowed without one (its decision is the one Decide would give).
// An error from env is returned as it is.
func (rs *RuleSet) DecideWith(t Trigger, on Date, env func() (Env, error)) (Decision, error) {
	progs := rs.byTrigger[t]
	for _, p := range progs {
		if p.rule.Kind == KindGuard && p.rule.InForce(on) {
			e, err := env()
			if err != nil {
				return Decision{}, err
			}
			return rs.Decide(t, on, e)
		}
	}
	if rs.epochIndex(on) < 0 {
		return Decision{}, fmt.Errorf("rules: %s on %s: %w", t, on, ErrNotInForce)
	}
	return Decision{Trigger: t, On: on, Revision: rs.revision, Allowed: true, Params: rs.paramUses(nil, on)}, nil
}

// decide evaluates progs, the rules on t, into a decision; env is
// prepared for on.
func (rs *RuleSet) decide(t Trigger, on Date, env Env, progs []*Program) Decision {
	d := Decision{Trigger: t, On: on, Revision: rs.revision, Allowed: true}
	n := 0
	for _, p := range progs {
		if p.rule.Kind == KindGuard && p.rule.InForce(on) {
			n++
		}
	}
	if n > 0 {
		d.Rules = make([]RuleResult, 0, n)
	}
	used := make([]string, 0, 8) // on the stack for a few parameters
	for _, p := range progs {
		if p.rule.Kind != KindGuard || !p.rule.InForce(on) {
			continue
		}
		d.Rules = append(d.Rules, p.decide(on, env))
		for _, id := range p.compiledFor(t.Lifecycle).params {
			if !containsString(used, id) {
				used = append(used, id)
			}
		}
	}
	for _, r := range d.Rules {
		if !r.Passed && r.Severity == Block {
			d.Allowed = false
		}
	}
	d.Params = rs.paramUses(used, on)
	return d
}

// decide evaluates one guard for a decision.
func (p *Program) decide(on Date, env Env) RuleResult {
	res, err := p.Eval(on, env)
	rr := RuleResult{Rule: p.rule.ID, Kind: p.rule.Kind, Severity: p.rule.Severity, Passed: res.Passed && err == nil,
		Basis: p.rule.Basis, Source: p.source}
	if err != nil {
		rr.Error = FailOther // Decide has checked the date and the environment
		if e, ok := err.(*EvalError); ok && e.Failure != "" {
			rr.Error = e.Failure
		}
	}
	if !rr.Passed {
		rr.Message = p.message(on)
	}
	return rr
}

func (rs *RuleSet) paramUses(ids []string, on Date) []ParamUse {
	out := make([]ParamUse, 0, len(ids))
	if len(ids) == 0 {
		return out
	}
	ep := rs.epochAt(on)
	if ep == nil {
		return out
	}
	for _, id := range ids {
		if u, ok := ep.uses[id]; ok {
			out = append(out, u)
		}
	}
	return out
}

// Due evaluates the due-date rule id on date on: the date an obligation
// falls due. The rule must be in force on the date.
func (rs *RuleSet) Due(id string, on Date, env Env) (Date, error) {
	res, err := rs.evalKind(id, KindDue, on, env)
	return res.Due, err
}

// Limit evaluates the limit rule id on date on.
func (rs *RuleSet) Limit(id string, on Date, env Env) (float64, error) {
	res, err := rs.evalKind(id, KindLimit, on, env)
	return res.Limit, err
}

func (rs *RuleSet) evalKind(id string, k Kind, on Date, env Env) (Result, error) {
	p := rs.programBy[id]
	if p == nil {
		return Result{}, fmt.Errorf("rules: no rule %q", id)
	}
	return p.evalKind(k, on, env)
}

// Due evaluates the rule, a due-date rule, on date on, as [RuleSet.Due]
// does.
func (p *Program) Due(on Date, env Env) (Date, error) {
	res, err := p.evalKind(KindDue, on, env)
	return res.Due, err
}

func (p *Program) evalKind(k Kind, on Date, env Env) (Result, error) {
	id := p.rule.ID
	switch {
	case p.rule.Kind != k:
		return Result{}, fmt.Errorf("rules: %s is a %s rule, not a %s rule", id, p.rule.Kind, k)
	case !p.rule.InForce(on):
		return Result{}, &EvalError{Rule: id, Err: ErrNotInForce}
	}
	return p.Eval(on, env)
}
