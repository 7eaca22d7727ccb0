package rules

import (
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
)

// Which variables a rule may read depends on its trigger and its kind
// (docs/rules.md, "Triggers and their variables"): every trigger fills
// on, actor.*, param() and the case's own variables; a trigger fills only
// the args.* it takes; the engine resolves worker.* on assignments and
// carer.* on placements for guards and limits; a due rule sees the case
// after the trigger and the trigger's arguments, without the counts read
// from the store. A variable a trigger does not fill holds its zero value,
// so a rule reading it would decide every case the same way: reading one
// is a load error, CodeUnfilledVar.

// triggerRoots are the variables whose filling depends on the trigger.
var triggerRoots = []string{"args", "worker", "carer"}

// storeRead are, by lifecycle, the variables the engine reads from the
// store for guards and limits: a due rule does not see them. A path ending
// in "." stands for every variable under it.
var storeRead = map[Lifecycle][]string{
	LifecycleFamily:       {"family.children", "family.placed_children"},
	LifecycleChild:        {"family.", "child.family_support"},
	LifecycleFosterFamily: {"foster_family.children"},
}

// EnvVariables returns every variable of lifecycle l's environment as a
// path ("on", "actor.id", "family.za_zyciem", "args.urgent", …), in the
// order of the environment's fields. param() is not among them.
func EnvVariables(l Lifecycle) []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				walk(f.Type, prefix)
				continue
			}
			name := f.Tag.Get("expr")
			if name == "" || strings.HasPrefix(name, "__") {
				continue
			}
			if f.Type.Kind() == reflect.Struct && f.Type != timeType {
				walk(f.Type, prefix+name+".")
				continue
			}
			out = append(out, prefix+name)
		}
	}
	walk(reflect.TypeOf(newEnv(l)).Elem(), "")
	return out
}

// filled reports whether a rule of kind k on t sees path filled.
func filled(t Trigger, k Kind, path string) bool {
	root, _, _ := strings.Cut(path, ".")
	if slices.Contains(triggerRoots, root) {
		return slices.Contains(t.Fills(k), path)
	}
	if k == KindDue {
		for _, s := range storeRead[t.Lifecycle] {
			if path == s || strings.HasSuffix(s, ".") && strings.HasPrefix(path, s) {
				return false
			}
		}
	}
	return true
}

// read is a variable an expression reads, and where.
type read struct {
	path string
	loc  file.Location
}

// reads returns the variables the checked expression node reads, in
// order: root.field for a member read with a constant name, the root
// alone when the whole of it is read (get(worker, "fte"), worker[x]).
func reads(node ast.Node) []read {
	var out []read
	consumed := map[*ast.IdentifierNode]bool{}
	ast.Walk(&node, visitor(func(n ast.Node) {
		m, ok := n.(*ast.MemberNode)
		if !ok {
			return
		}
		id, ok := m.Node.(*ast.IdentifierNode)
		if !ok || strings.HasPrefix(id.Value, "__") {
			return
		}
		if prop, ok := m.Property.(*ast.StringNode); ok {
			consumed[id] = true
			out = append(out, read{path: id.Value + "." + prop.Value, loc: id.Location()})
		}
	}))
	ast.Walk(&node, visitor(func(n ast.Node) {
		if id, ok := n.(*ast.IdentifierNode); ok && !consumed[id] && !strings.HasPrefix(id.Value, "__") {
			out = append(out, read{path: id.Value, loc: id.Location()})
		}
	}))
	slices.SortStableFunc(out, func(a, b read) int { return a.loc.From - b.loc.From })
	return out
}

type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }

// unfilled returns the first variable the expression node reads that a
// rule of kind k on t does not see filled, and where; ok is false when
// there is none. Reading a whole variable (worker) counts as reading
// every variable under it.
func unfilled(node ast.Node, t Trigger, k Kind) (read, bool) {
	vars := EnvVariables(t.Lifecycle)
	for _, r := range reads(node) {
		if strings.Contains(r.path, ".") {
			if slices.Contains(vars, r.path) && !filled(t, k, r.path) {
				return r, true
			}
			continue
		}
		for _, v := range vars {
			if strings.HasPrefix(v, r.path+".") && !filled(t, k, v) {
				return read{path: r.path + ".*", loc: r.loc}, true
			}
		}
	}
	return read{}, false
}

// checkFilled reports a read of a variable that t does not fill for r.
func (r *Rule) checkFilled(at *rulePos, c *compiled, t Trigger) *Error {
	miss, ok := unfilled(c.program.Node(), t, r.Kind)
	if !ok {
		return nil
	}
	fills := strings.Join(t.Fills(r.Kind), ", ")
	fillsPL, fillsEN := fills, fills
	if fills == "" {
		fillsPL, fillsEN = "żadnych args.*", "no args.*"
	}
	common := caseVariables(t.Lifecycle, r.Kind)
	msg := Text{
		PL: "wyzwalacz " + t.String() + " nie wypełnia zmiennej " + miss.path + ": reguła czytałaby zawsze wartość zerową (0, \"\", false); " +
			t.String() + " wypełnia: " + fillsPL + ", a ponadto on, actor.*, param() i " + common.PL,
		EN: "the trigger " + t.String() + " does not fill " + miss.path + ": the rule would always read its zero value (0, \"\", false); " +
			t.String() + " fills: " + fillsEN + ", besides on, actor.*, param() and " + common.EN,
	}
	if r.Kind == KindDue && filled(t, KindGuard, strings.TrimSuffix(miss.path, ".*")) {
		msg.PL += "; reguła terminu widzi sprawę po wyzwalaczu i jego argumenty, bez danych odczytywanych dla strażników"
		msg.EN += "; a due rule sees the case after the trigger and its arguments, without what is read for guards"
	} else {
		msg.PL += "; podepnij regułę pod wyzwalacz, który wypełnia tę zmienną (zob. docs/rules.md)"
		msg.EN += "; attach the rule to a trigger that fills the variable (see docs/rules.md)"
	}
	return r.exprError(at, miss.loc, CodeUnfilledVar, msg, nil)
}

// caseVariables names the case's own variables a rule of kind k on a
// trigger of lifecycle l sees, e.g. "family.*".
func caseVariables(l Lifecycle, k Kind) Text {
	roots := map[Lifecycle][]string{
		LifecycleFamily:       {"family.*"},
		LifecycleChild:        {"child.*", "family.*"},
		LifecycleFosterFamily: {"foster_family.*"},
	}[l]
	if k != KindDue {
		s := strings.Join(roots, ", ")
		return Text{s, s}
	}
	var kept []string
	for _, root := range roots {
		if !slices.Contains(storeRead[l], strings.TrimSuffix(root, "*")) {
			kept = append(kept, root)
		}
	}
	var without []string
	for _, s := range storeRead[l] {
		if !strings.HasSuffix(s, ".") {
			without = append(without, s)
		}
	}
	s := strings.Join(kept, ", ")
	return Text{s + " (bez " + strings.Join(without, ", ") + ")", s + " (without " + strings.Join(without, ", ") + ")"}
}
