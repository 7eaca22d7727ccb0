package rules

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// A native program is a rule's compiled expression turned into a tree of Go
// closures, one per node, each typed by what the checker found the node's
// type to be. It covers what rules are written in (literals, fields of the
// environment, the parameters, arithmetic, comparisons, logic, the
// conditional, in with a list of strings, and the date functions) and
// evaluates it without the VM's boxing of every value: no allocation.
//
// It is a fast path only. A program with any other node has no native
// form, and evaluation runs on the VM. A native evaluation that meets a
// run-time error (a date shifted out of range, a parameter missing from
// the map) gives up and the VM runs the rule again, so that every error
// is the VM's own. Tests and a fuzz target check that both agree.

// nstate is one native evaluation: the environment struct and whether the
// evaluation gave up.
type nstate struct {
	env    reflect.Value // the environment struct (addressable)
	on     Date          // the as-of date, which env's On holds as a time
	failed bool
}

// nfn is a compiled node: exactly one of its functions is set, by the
// node's type.
type nfn struct {
	i func(*nstate) int
	f func(*nstate) float64
	b func(*nstate) bool
	s func(*nstate) string
	t func(*nstate) time.Time
	// d is a date known to be exact: the as-of date, or what a date
	// function gives (midnight UTC, or the zero time for the zero Date),
	// kept as a Date to spare the conversions.
	d func(*nstate) Date
}

// native is a whole native program.
type native struct {
	root nfn
}

var (
	intType    = reflect.TypeOf(0)
	floatType  = reflect.TypeOf(0.0)
	boolType   = reflect.TypeOf(false)
	stringType = reflect.TypeOf("")
)

// nativeOf compiles p's checked tree for the environment struct type env,
// or returns nil when some node has no native form.
func nativeOf(p *vm.Program, env reflect.Type) *native {
	if p == nil {
		return nil
	}
	nc := nativeCompiler{env: env}
	root, ok := nc.node(p.Node())
	if !ok {
		return nil
	}
	return &native{root: root}
}

type nativeCompiler struct {
	env reflect.Type
}

// asVM returns d as the VM has it after a round trip through time.Time,
// which every date takes there (as Base.On, or as a date function's
// result): normalised, and 0001-01-01, which is the zero time.Time, read
// back as the zero Date.
func asVM(d Date) Date {
	if d.normal() && (d.Year != 1 || d.Month != time.January || d.Day != 1) {
		return d
	}
	return DateFromTime(d.Time())
}

// onField is the path of Base.On in every environment.
var onField = func() []int {
	idx, _, _ := fieldOf(reflect.TypeOf(FamilyEnv{}), "on")
	return idx
}()

// asTime gives a date node's value as the VM has it, a time.Time.
func asTime(x nfn) func(*nstate) time.Time {
	if x.t != nil {
		return x.t
	}
	if d := x.d; d != nil {
		return func(st *nstate) time.Time { return d(st).Time() }
	}
	return nil
}

// asDate gives a date node's value as the date functions take it.
func asDate(x nfn) func(*nstate) Date {
	if x.d != nil {
		return x.d
	}
	if t := x.t; t != nil {
		return func(st *nstate) Date { return DateFromTime(t(st)) }
	}
	return nil
}

// run evaluates the program on env (a pointer to the environment struct)
// into res, as a rule of kind k. It returns false when it gave up: the VM
// must run instead.
func (n *native) run(k Kind, on Date, env Env, res *Result) bool {
	// The closures take the state by pointer, which would make a local
	// one escape: it lives in the environment instead.
	st := &env.base().native
	*st = nstate{env: reflect.ValueOf(env).Elem(), on: asVM(on)}
	switch r := n.root; {
	case k == KindGuard && r.b != nil:
		res.Passed = r.b(st)
	case k == KindDue && r.d != nil:
		res.Due = r.d(st)
	case k == KindDue && r.t != nil:
		res.Due = DateFromTime(r.t(st))
	case k == KindLimit && r.i != nil:
		res.Limit = float64(r.i(st))
	case k == KindLimit && r.f != nil:
		res.Limit = r.f(st)
	default:
		*st = nstate{}
		return false
	}
	ok := !st.failed
	*st = nstate{}
	return ok
}

// node compiles one node.
func (nc *nativeCompiler) node(n ast.Node) (nfn, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		v := n.Value
		return nfn{i: func(*nstate) int { return v }}, true
	case *ast.FloatNode:
		v := n.Value
		return nfn{f: func(*nstate) float64 { return v }}, true
	case *ast.BoolNode:
		v := n.Value
		return nfn{b: func(*nstate) bool { return v }}, true
	case *ast.StringNode:
		v := n.Value
		return nfn{s: func(*nstate) string { return v }}, true
	case *ast.ConstantNode:
		return constant(n.Value)
	case *ast.IdentifierNode:
		idx, t, ok := fieldOf(nc.env, n.Value)
		if !ok {
			return nfn{}, false
		}
		if slices.Equal(idx, onField) {
			return nfn{d: func(st *nstate) Date { return st.on }}, true
		}
		return field(idx, t)
	case *ast.MemberNode:
		return nc.member(n)
	case *ast.UnaryNode:
		return nc.unary(n)
	case *ast.BinaryNode:
		return nc.binary(n)
	case *ast.ConditionalNode:
		return nc.conditional(n)
	case *ast.CallNode:
		return nc.call(n)
	}
	return nfn{}, false
}

func constant(v any) (nfn, bool) {
	switch v := v.(type) {
	case int:
		return nfn{i: func(*nstate) int { return v }}, true
	case float64:
		return nfn{f: func(*nstate) float64 { return v }}, true
	case bool:
		return nfn{b: func(*nstate) bool { return v }}, true
	case string:
		return nfn{s: func(*nstate) string { return v }}, true
	case time.Time:
		return nfn{t: func(*nstate) time.Time { return v }}, true
	}
	return nfn{}, false
}

// fieldOf finds the field of struct type t that expr names name: by its
// expr tag, else its Go name, looking into embedded structs as expr does.
func fieldOf(t reflect.Type, name string) ([]int, reflect.Type, bool) {
	if t.Kind() != reflect.Struct {
		return nil, nil, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fname := f.Name
		if tag, ok := f.Tag.Lookup("expr"); ok && tag != "" {
			if tag == "-" {
				continue
			}
			fname = tag
		}
		if fname == name {
			return []int{i}, f.Type, true
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		if _, tagged := f.Tag.Lookup("expr"); tagged || f.Type.Kind() != reflect.Struct {
			// expr looks into these too, by rules of its own: no native
			// form rather than a field expr would not choose.
			return nil, nil, false
		}
		if idx, ft, ok := fieldOf(f.Type, name); ok {
			return append([]int{i}, idx...), ft, true
		}
	}
	return nil, nil, false
}

// field reads the field at idx, of type t. The types of the nodes are
// taken from the environment, not from the checker: a node the patches
// inserted has none, and the VM too works on the values' own types.
func field(idx []int, t reflect.Type) (nfn, bool) {
	get := func(st *nstate) reflect.Value { return st.env.FieldByIndex(idx) }
	if len(idx) == 1 {
		i := idx[0]
		get = func(st *nstate) reflect.Value { return st.env.Field(i) }
	}
	switch t {
	case intType:
		return nfn{i: func(st *nstate) int { return int(get(st).Int()) }}, true
	case floatType:
		return nfn{f: func(st *nstate) float64 { return get(st).Float() }}, true
	case boolType:
		return nfn{b: func(st *nstate) bool { return get(st).Bool() }}, true
	case stringType:
		return nfn{s: func(st *nstate) string { return get(st).String() }}, true
	case timeType:
		return nfn{t: func(st *nstate) time.Time { return *get(st).Addr().Interface().(*time.Time) }}, true
	}
	return nfn{}, false
}

// member compiles a.b: a field of a field of the environment, or a
// parameter read from its map.
func (nc *nativeCompiler) member(n *ast.MemberNode) (nfn, bool) {
	prop, ok := n.Property.(*ast.StringNode)
	if !ok || n.Optional || n.Method {
		return nfn{}, false
	}
	idx, t, ok := nc.path(n.Node)
	if !ok {
		return nfn{}, false
	}
	if t.Kind() == reflect.Map && t.Key() == stringType {
		return mapRead(idx, t, prop.Value)
	}
	sub, ft, ok := fieldOf(t, prop.Value)
	if !ok {
		return nfn{}, false
	}
	return field(append(append([]int(nil), idx...), sub...), ft)
}

// path resolves a chain of identifiers and members to a field path.
func (nc *nativeCompiler) path(n ast.Node) ([]int, reflect.Type, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return fieldOf(nc.env, n.Value)
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok || n.Optional || n.Method {
			return nil, nil, false
		}
		idx, t, ok := nc.path(n.Node)
		if !ok {
			return nil, nil, false
		}
		sub, ft, ok := fieldOf(t, prop.Value)
		if !ok {
			return nil, nil, false
		}
		return append(append([]int(nil), idx...), sub...), ft, true
	}
	return nil, nil, false
}

// mapRead reads key from the map[string]int or map[string]bool at idx; a
// missing key gives up (the VM then decides).
func mapRead(idx []int, t reflect.Type, key string) (nfn, bool) {
	switch t.Elem() {
	case intType:
		return nfn{i: func(st *nstate) int {
			m, _ := st.env.FieldByIndex(idx).Interface().(map[string]int)
			v, ok := m[key]
			st.failed = st.failed || !ok
			return v
		}}, true
	case boolType:
		return nfn{b: func(st *nstate) bool {
			m, _ := st.env.FieldByIndex(idx).Interface().(map[string]bool)
			v, ok := m[key]
			st.failed = st.failed || !ok
			return v
		}}, true
	}
	return nfn{}, false
}

func (nc *nativeCompiler) unary(n *ast.UnaryNode) (nfn, bool) {
	x, ok := nc.node(n.Node)
	if !ok {
		return nfn{}, false
	}
	switch n.Operator {
	case "!", "not":
		if b := x.b; b != nil {
			return nfn{b: func(st *nstate) bool { return !b(st) }}, true
		}
	case "-":
		if i := x.i; i != nil {
			return nfn{i: func(st *nstate) int { return -i(st) }}, true
		}
		if f := x.f; f != nil {
			return nfn{f: func(st *nstate) float64 { return -f(st) }}, true
		}
	case "+":
		if x.i != nil || x.f != nil {
			return x, true
		}
	}
	return nfn{}, false
}

func (nc *nativeCompiler) conditional(n *ast.ConditionalNode) (nfn, bool) {
	c, ok1 := nc.node(n.Cond)
	a, ok2 := nc.node(n.Exp1)
	b, ok3 := nc.node(n.Exp2)
	if !ok1 || !ok2 || !ok3 || c.b == nil {
		return nfn{}, false
	}
	cond := c.b
	switch {
	case a.i != nil && b.i != nil:
		return nfn{i: choose(cond, a.i, b.i)}, true
	case a.b != nil && b.b != nil:
		return nfn{b: choose(cond, a.b, b.b)}, true
	case a.s != nil && b.s != nil:
		return nfn{s: choose(cond, a.s, b.s)}, true
	case a.d != nil && b.d != nil:
		return nfn{d: choose(cond, a.d, b.d)}, true
	case asTime(a) != nil && asTime(b) != nil:
		return nfn{t: choose(cond, asTime(a), asTime(b))}, true
	case a.f != nil && b.f != nil:
		return nfn{f: choose(cond, a.f, b.f)}, true
	}
	// Branches of different types (int and float) yield any: the VM's.
	return nfn{}, false
}

// choose is the conditional cond ? x : y of one type.
func choose[T any](cond func(*nstate) bool, x, y func(*nstate) T) func(*nstate) T {
	return func(st *nstate) T {
		if cond(st) {
			return x(st)
		}
		return y(st)
	}
}

// asFloat widens an int node to float64, as expr does when an operand of
// an arithmetic operator or a comparison is a float.
func asFloat(x nfn) func(*nstate) float64 {
	if x.f != nil {
		return x.f
	}
	if i := x.i; i != nil {
		return func(st *nstate) float64 { return float64(i(st)) }
	}
	return nil
}

func (nc *nativeCompiler) binary(n *ast.BinaryNode) (nfn, bool) {
	l, ok := nc.node(n.Left)
	if !ok {
		return nfn{}, false
	}
	if n.Operator == "in" {
		return in(l, n.Right)
	}
	r, ok := nc.node(n.Right)
	if !ok {
		return nfn{}, false
	}
	switch n.Operator {
	case "&&", "and", "||", "or":
		if l.b == nil || r.b == nil {
			return nfn{}, false
		}
		x, y := l.b, r.b
		if n.Operator == "&&" || n.Operator == "and" {
			return nfn{b: func(st *nstate) bool { return x(st) && y(st) }}, true
		}
		return nfn{b: func(st *nstate) bool { return x(st) || y(st) }}, true
	case "==", "!=":
		eq, ok := equal(l, r)
		if !ok {
			return nfn{}, false
		}
		if n.Operator == "!=" {
			return nfn{b: func(st *nstate) bool { return !eq(st) }}, true
		}
		return nfn{b: eq}, true
	case "<", "<=", ">", ">=":
		cmp, ok := compare(l, r)
		if !ok {
			return nfn{}, false
		}
		switch n.Operator {
		case "<":
			return nfn{b: func(st *nstate) bool { return cmp(st) < 0 }}, true
		case "<=":
			return nfn{b: func(st *nstate) bool { return cmp(st) <= 0 }}, true
		case ">":
			return nfn{b: func(st *nstate) bool { return cmp(st) > 0 }}, true
		}
		return nfn{b: func(st *nstate) bool { return cmp(st) >= 0 }}, true
	case "+", "-", "*":
		return arith(n.Operator, l, r)
	case "contains", "startsWith", "endsWith":
		if l.s == nil || r.s == nil {
			return nfn{}, false
		}
		x, y := l.s, r.s
		f := map[string]func(string, string) bool{"contains": strings.Contains, "startsWith": strings.HasPrefix, "endsWith": strings.HasSuffix}[n.Operator]
		return nfn{b: func(st *nstate) bool { return f(x(st), y(st)) }}, true
	}
	return nfn{}, false
}

// in compiles `x in [...]` over strings: a list the optimizer turned into
// a set, or one of string literals.
func in(l nfn, right ast.Node) (nfn, bool) {
	if l.s == nil {
		return nfn{}, false
	}
	var set map[string]struct{}
	switch r := right.(type) {
	case *ast.ConstantNode:
		m, ok := r.Value.(map[string]struct{})
		if !ok {
			return nfn{}, false
		}
		set = m
	case *ast.ArrayNode:
		set = map[string]struct{}{}
		for _, e := range r.Nodes {
			s, ok := e.(*ast.StringNode)
			if !ok {
				return nfn{}, false
			}
			set[s.Value] = struct{}{}
		}
	default:
		return nfn{}, false
	}
	x := l.s
	return nfn{b: func(st *nstate) bool { _, ok := set[x(st)]; return ok }}, true
}

func equal(l, r nfn) (func(*nstate) bool, bool) {
	switch {
	case l.i != nil && r.i != nil:
		x, y := l.i, r.i
		return func(st *nstate) bool { return x(st) == y(st) }, true
	case l.s != nil && r.s != nil:
		x, y := l.s, r.s
		return func(st *nstate) bool { return x(st) == y(st) }, true
	case l.b != nil && r.b != nil:
		x, y := l.b, r.b
		return func(st *nstate) bool { return x(st) == y(st) }, true
	case asTime(l) != nil && asTime(r) != nil:
		x, y := asTime(l), asTime(r)
		return func(st *nstate) bool { return x(st).Equal(y(st)) }, true
	}
	if x, y := asFloat(l), asFloat(r); x != nil && y != nil {
		return func(st *nstate) bool { return x(st) == y(st) }, true
	}
	return nil, false
}

// compare returns a function giving -1, 0 or +1 as l is less than, equal
// to or greater than r (0 also when a float is NaN: every comparison with
// NaN is then false but <= and >=, as for ints; so NaN has no native form).
func compare(l, r nfn) (func(*nstate) int, bool) {
	switch {
	case l.i != nil && r.i != nil:
		x, y := l.i, r.i
		return func(st *nstate) int { return cmpOrdered(x(st), y(st)) }, true
	case l.s != nil && r.s != nil:
		x, y := l.s, r.s
		return func(st *nstate) int { return strings.Compare(x(st), y(st)) }, true
	case asTime(l) != nil && asTime(r) != nil:
		x, y := asTime(l), asTime(r)
		return func(st *nstate) int { return x(st).Compare(y(st)) }, true
	}
	if x, y := asFloat(l), asFloat(r); x != nil && y != nil {
		return func(st *nstate) int {
			a, b := x(st), y(st)
			if a != a || b != b { // NaN: the VM's comparisons are all false
				st.failed = true
				return 0
			}
			return cmpOrdered(a, b)
		}, true
	}
	return nil, false
}

func cmpOrdered[T int | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func arith(op string, l, r nfn) (nfn, bool) {
	if l.s != nil && r.s != nil && op == "+" {
		x, y := l.s, r.s
		return nfn{s: func(st *nstate) string { return x(st) + y(st) }}, true
	}
	if l.i != nil && r.i != nil {
		x, y := l.i, r.i
		switch op {
		case "+":
			return nfn{i: func(st *nstate) int { return x(st) + y(st) }}, true
		case "-":
			return nfn{i: func(st *nstate) int { return x(st) - y(st) }}, true
		}
		return nfn{i: func(st *nstate) int { return x(st) * y(st) }}, true
	}
	x, y := asFloat(l), asFloat(r)
	if x == nil || y == nil {
		return nfn{}, false
	}
	switch op {
	case "+":
		return nfn{f: func(st *nstate) float64 { return x(st) + y(st) }}, true
	case "-":
		return nfn{f: func(st *nstate) float64 { return x(st) - y(st) }}, true
	}
	return nfn{f: func(st *nstate) float64 { return x(st) * y(st) }}, true
}

// call compiles the date functions of functions.go.
func (nc *nativeCompiler) call(n *ast.CallNode) (nfn, bool) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nfn{}, false
	}
	args := make([]nfn, len(n.Arguments))
	for i, a := range n.Arguments {
		if args[i], ok = nc.node(a); !ok {
			return nfn{}, false
		}
	}
	switch id.Value {
	case "addDays", "addMonths", "addYears", "addWorkingDays":
		if len(args) != 2 || asDate(args[0]) == nil || args[1].i == nil {
			return nfn{}, false
		}
		shift := map[string]func(Date, int) Date{"addDays": Date.AddDays, "addMonths": Date.AddMonths,
			"addYears": Date.AddYears, "addWorkingDays": Date.AddWorkingDays}[id.Value]
		d, k := asDate(args[0]), args[1].i
		return nfn{d: func(st *nstate) Date {
			n := k(st)
			if n > maxShift || n < -maxShift {
				st.failed = true // the VM reports the error
				return Date{}
			}
			return asVM(shift(d(st), n))
		}}, true
	case "age", "daysBetween":
		if len(args) != 2 {
			return nfn{}, false
		}
		a, b := asDate(args[0]), asDate(args[1])
		if a == nil || b == nil {
			return nfn{}, false
		}
		if id.Value == "age" {
			return nfn{i: func(st *nstate) int { return AgeOn(a(st), b(st)) }}, true
		}
		return nfn{i: func(st *nstate) int { return a(st).DaysUntil(b(st)) }}, true
	case "isWorkingDay":
		if len(args) != 1 || asDate(args[0]) == nil {
			return nfn{}, false
		}
		d := asDate(args[0])
		return nfn{b: func(st *nstate) bool { return IsWorkingDay(d(st)) }}, true
	}
	return nfn{}, false
}
