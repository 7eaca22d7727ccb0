package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asysta/asysta/internal/yamltext"
	"github.com/asysta/asysta/rules"
	"go.yaml.in/yaml/v3"
)

// The codes of scenario problems beyond those of package rules.
const (
	CodeUnknownID         rules.Code = "unknown_id"          // a case, worker, family or carer not declared
	CodeOutOfOrder        rules.Code = "out_of_order"        // a step dated before the one above it
	CodeUnknownRule       rules.Code = "unknown_rule"        // a denied rule the rule set does not have
	CodeRuleNotApplicable rules.Code = "rule_not_applicable" // a denied rule that does not govern the step's trigger
	CodeUnknownObligation rules.Code = "unknown_obligation"  // an obligation the lifecycles do not have (docs/glossary.md)
	CodeUnknownState      rules.Code = "unknown_state"       // a state the lifecycle does not have
	CodeNotScenario       rules.Code = "not_scenario"        // a configuration file, or a file of neither format, run as a scenario
)

// decoder walks a scenario's YAML tree and collects every problem.
type decoder struct {
	file     string
	errs     rules.Errors
	configAt map[string]Pos // where each configuration file is named
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Col: n.Column} }

func (d *decoder) fail(n *yaml.Node, id string, code rules.Code, pl, en string, a ...any) {
	d.failAt(d.pos(n), id, code, pl, en, a...)
}

func (d *decoder) failAt(p Pos, id string, code rules.Code, pl, en string, a ...any) {
	d.errs = append(d.errs, &rules.Error{File: p.File, Line: p.Line, Col: p.Col, ID: id, Code: code,
		Msg: rules.Text{PL: fmt.Sprintf(pl, a...), EN: fmt.Sprintf(en, a...)}})
}

// syntax reports a YAML syntax error at its line and column (see
// [yamltext.Syntax]), without quoting the file.
func (d *decoder) syntax(err error, data []byte) {
	line, col, msg := yamltext.Syntax(strings.TrimPrefix(err.Error(), "yaml: "), data)
	pl, en := yamltext.Describe(msg, data, line)
	d.errs = append(d.errs, &rules.Error{File: d.file, Line: line, Col: col, Code: rules.CodeSyntax, Err: err,
		Msg: rules.Text{PL: "plik nie jest poprawnym YAML: " + pl, EN: "the file is not valid YAML: " + en}})
}

// mapping checks that n is a mapping of allowed keys, each once, and
// returns the values (and key nodes) by key.
func (d *decoder) mapping(n *yaml.Node, what string, allowed ...string) (vals, keys map[string]*yaml.Node) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, "", rules.CodeWrongType, "%s: oczekiwano mapy klucz: wartość", "%s: want a mapping of key: value", what)
		return nil, nil
	}
	vals, keys = map[string]*yaml.Node{}, map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch {
		case allowed != nil && !slices.Contains(allowed, k.Value):
			d.fail(k, "", rules.CodeUnknownKey, "nieznany klucz %q (%s); dozwolone: %s", "unknown key %q (%s); allowed: %s",
				k.Value, what, strings.Join(allowed, ", "))
		case vals[k.Value] != nil:
			d.fail(k, "", rules.CodeDuplicate, "klucz %q podano dwa razy", "key %q is given twice", k.Value)
		default:
			vals[k.Value], keys[k.Value] = deref(n.Content[i+1]), k
		}
	}
	return vals, keys
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// list returns a sequence's items; a lone item counts as a list of one.
func (d *decoder) list(n *yaml.Node, what string) []*yaml.Node {
	n = deref(n)
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			out[i] = deref(c)
		}
		return out
	case yaml.ScalarNode, yaml.MappingNode:
		return []*yaml.Node{n}
	}
	d.fail(n, "", rules.CodeWrongType, "%s: oczekiwano listy", "%s: want a list", what)
	return nil
}

func (d *decoder) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!map" || n.Tag == "!!seq" {
		d.fail(n, "", rules.CodeWrongType, "%s: oczekiwano tekstu", "%s: want a text", what)
		return ""
	}
	return n.Value
}

// text is str for a name or a path, which is printed: a control
// character in it is a problem at its place.
func (d *decoder) text(n *yaml.Node, what string) string {
	s := d.str(n, what)
	if yamltext.Control(s) >= 0 {
		d.fail(n, "", rules.CodeControlChar, "%s: znak sterujący (np. NUL, ESC) albo błędny znak; usuń go",
			"%s: a control character (such as NUL or ESC) or an invalid character; remove it", what)
		return ""
	}
	return s
}

func (d *decoder) date(n *yaml.Node, what string) rules.Date {
	if n == nil {
		return rules.Date{}
	}
	date, err := rules.ParseDate(n.Value)
	switch {
	case err == nil && n.Kind == yaml.ScalarNode:
	case what == "born":
		// A date of birth is personal data: the message names the key and
		// the position, never the value (contract: no birth date in errors).
		d.fail(n, "", rules.CodeBadDate, "%s: błędna data, oczekiwano RRRR-MM-DD", "%s: bad date, want YYYY-MM-DD", what)
	default:
		d.fail(n, "", rules.CodeBadDate, "%s: błędna data %q, oczekiwano RRRR-MM-DD", "%s: bad date %q, want YYYY-MM-DD", what, n.Value)
	}
	return date
}

func (d *decoder) boolean(n *yaml.Node, what string) bool {
	var b bool
	if n == nil {
		return false
	}
	if n.Tag != "!!bool" || n.Decode(&b) != nil {
		d.fail(n, "", rules.CodeWrongType, "%s: oczekiwano true albo false", "%s: want true or false", what)
	}
	return b
}

func (d *decoder) number(n *yaml.Node, what string) float64 {
	var f float64
	if n == nil {
		return 0
	}
	if (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&f) != nil {
		d.fail(n, "", rules.CodeWrongType, "%s: oczekiwano liczby", "%s: want a number", what)
	}
	return f
}

func (d *decoder) integer(n *yaml.Node, what string) int {
	var i int
	if n.Tag != "!!int" || n.Decode(&i) != nil {
		d.fail(n, "", rules.CodeWrongType, "%s: oczekiwano liczby całkowitej", "%s: want a whole number", what)
	}
	return i
}

// scalarValue decodes a trigger argument: a bool, a whole number that fits
// an int, or a text. Anything else (~, 1.5, a number too large, a date or
// a value of another tag) is a wrong_type problem at its position: it
// would otherwise reach the trigger as a text.
func (d *decoder) scalarValue(n *yaml.Node, what string) any {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, "", rules.CodeWrongType, "%s: oczekiwano pojedynczej wartości", "%s: want a single value", what)
		return nil
	}
	switch n.Tag {
	case "!!bool":
		return d.boolean(n, what)
	case "!!int":
		return d.integer(n, what)
	case "!!str":
		return n.Value
	}
	d.fail(n, "", rules.CodeWrongType,
		"%s: oczekiwano true/false, liczby całkowitej albo tekstu (tekst, który wygląda inaczej, ujmij w cudzysłów)",
		"%s: want true/false, a whole number or a text (quote a text that looks like something else)", what)
	return nil
}
