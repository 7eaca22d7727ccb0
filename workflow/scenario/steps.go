package scenario

import (
	"slices"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"go.yaml.in/yaml/v3"
)

// step decodes a step, returning it and its keys' values.
func (d *decoder) step(n *yaml.Node) (Step, map[string]*yaml.Node) {
	st := Step{Pos: d.pos(n)}
	f, _ := d.mapping(n, "step", "at", "case", "do", "by", "with", "expect", "check")
	if f == nil {
		return st, nil
	}
	if f["at"] == nil {
		d.fail(n, "", rules.CodeMissing, "krok bez daty (at)", "a step without a date (at)")
	}
	st.At = d.date(f["at"], "at")
	st.Case, st.Do, st.By = d.str(f["case"], "case"), d.str(f["do"], "do"), d.str(f["by"], "by")
	if st.Do != "" {
		for _, key := range []string{"case", "by"} {
			if f[key] == nil {
				d.fail(n, "", rules.CodeMissing, "krok z do wymaga klucza %s", "a step with do needs the key %s", key)
			}
		}
	}
	if f["with"] != nil {
		st.With = d.args(f["with"])
	}
	st.Expect = Expect{Pos: st.Pos}
	if f["expect"] != nil {
		if st.Do == "" {
			d.fail(f["expect"], "", rules.CodeBadValue, "expect bez do: nie ma czego oczekiwać", "expect without do: there is nothing to expect")
		}
		st.Expect = d.expect(f["expect"])
	}
	if f["check"] != nil {
		st.Checks = d.checks(f["check"])
	}
	if st.Do == "" && f["check"] == nil {
		d.fail(n, "", rules.CodeMissing, "krok bez do i bez check nic nie robi", "a step with neither do nor check does nothing")
	}
	return st, f
}

func (d *decoder) args(n *yaml.Node) workflow.Args {
	m, _ := d.mapping(n, "with", nil...)
	args := workflow.Args{}
	for k, v := range m {
		args[k] = d.value(v, "with."+k, true)
	}
	return args
}

// value decodes an argument's value: a scalar, or (nested, at the top
// level only) a list of scalars or of mappings of scalars, such as the
// plan actions of approve_plan: [{id: D1, due: 2024-05-31, effect: E01}].
func (d *decoder) value(n *yaml.Node, what string, nested bool) any {
	n = deref(n)
	switch {
	case n.Kind == yaml.SequenceNode && nested:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			c = deref(c)
			if c.Kind == yaml.MappingNode {
				m, _ := d.mapping(c, what, nil...)
				item := map[string]any{}
				for k, v := range m {
					item[k] = d.value(v, what+"."+k, false)
				}
				out[i] = item
				continue
			}
			out[i] = d.value(c, what, false)
		}
		return out
	case n.Kind == yaml.ScalarNode && n.Tag == "!!timestamp" && len(n.Value) == len("2006-01-02"):
		return n.Value // a date, as the engine reads it: "YYYY-MM-DD"
	}
	return d.scalarValue(n, what)
}

func (d *decoder) expect(n *yaml.Node) Expect {
	e := Expect{Pos: d.pos(n)}
	f, _ := d.mapping(n, "expect", outcomeNames...)
	if len(f) != 1 {
		if f != nil {
			d.fail(n, "", rules.CodeBadValue, "expect: podaj dokładnie jedno z: ok, denied, forbidden, invalid, argument, warned",
				"expect: give exactly one of ok, denied, forbidden, invalid, argument, warned")
		}
		return e
	}
	for i, name := range outcomeNames {
		v := f[name]
		if v == nil {
			continue
		}
		e.Outcome, e.Pos = Outcome(i), d.pos(v)
		if e.Outcome == ExpectDenied || e.Outcome == ExpectWarned {
			for _, r := range d.list(v, name) {
				e.Rules, e.rulePos = append(e.Rules, d.str(r, name)), append(e.rulePos, d.pos(r))
			}
			continue
		}
		if !d.boolean(v, name) {
			d.fail(v, "", rules.CodeBadValue, "%s: podaj true (żeby oczekiwać powodzenia, pomiń expect)",
				"%s: give true (to expect success, leave expect out)", name)
		}
	}
	return e
}

func (d *decoder) checks(n *yaml.Node) []Check {
	f, _ := d.mapping(n, "check", checkNames...)
	var out []Check
	if v := f["state"]; v != nil {
		m, keys := d.mapping(v, "state", nil...)
		for _, k := range sortedIDs(keys) {
			out = append(out, Check{Pos: d.pos(keys[k]), Kind: CheckState, Case: k, State: d.str(m[k], "state")})
		}
	}
	for kind, name := range map[CheckKind]string{CheckDue: "due", CheckNotDue: "not_due", CheckOverdue: "overdue"} {
		if f[name] == nil {
			continue
		}
		for _, item := range d.list(f[name], name) {
			out = append(out, d.obligationCheck(item, kind))
		}
	}
	if v := f["load"]; v != nil {
		m, keys := d.mapping(v, "load", nil...)
		for _, k := range sortedIDs(keys) {
			out = append(out, Check{Pos: d.pos(keys[k]), Kind: CheckLoad, Worker: k, Load: d.integer(m[k], "load")})
		}
	}
	sortChecks(out)
	return out
}

func (d *decoder) obligationCheck(n *yaml.Node, kind CheckKind) Check {
	required := []string{"case", "obligation"}
	if kind == CheckDue {
		required = append(required, "date")
	}
	allowed := append(slices.Clone(required), "ref")
	c := Check{Pos: d.pos(n), Kind: kind}
	m, _ := d.mapping(n, kind.String(), allowed...)
	if m == nil {
		return c
	}
	for _, key := range required {
		if m[key] == nil {
			d.fail(n, "", rules.CodeMissing, "%s: brak klucza %s", "%s: the key %s is missing", kind, key)
		}
	}
	c.Case, c.Obligation = d.str(m["case"], "case"), d.str(m["obligation"], "obligation")
	c.Date = d.date(m["date"], "date")
	if m["ref"] != nil {
		c.Ref = d.str(m["ref"], "ref")
	}
	return c
}
