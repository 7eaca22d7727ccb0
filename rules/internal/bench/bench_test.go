package bench

import (
	"fmt"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// The rule every peer evaluates: the family assistant's cap (art. 15 ust. 4
// UWR), as the statute defines it. Its text is read from the rule set, so
// the peers evaluate the very expression the library does.
const ruleID = "assistant.max_families"

// The two parameters the rule reads.
const (
	paramCap   = "assistant.max_families"
	paramCount = "assistant.count_za_zyciem_in_cap"
)

// input is one case: the as-of date, the assistant's families before the
// assignment and whether the family is supported under 'Za życiem'. Whether
// such families count toward the cap is a parameter: it comes from the rule
// set the case is evaluated with.
type input struct {
	on       rules.Date
	families int
	zaZyciem bool
}

// benchInput is the case every benchmark evaluates: the rule passes (12 + 1
// <= 15).
var benchInput = input{on: rules.MustParseDate("2026-11-22"), families: 12}

// peer is one implementation of the rule. bind does, outside any timed loop,
// everything that can be reused between evaluations (compiling, building
// the environment) and returns the evaluation itself.
type peer struct {
	name string
	bind func(tb testing.TB, rs *rules.RuleSet, in input) func() (bool, error)
}

// peers lists the implementations in the order the benchmark reports them.
var peers = []peer{
	{"asysta", bindAsysta},
	{"expr", bindExpr},
	{"expr_vm", bindExprVM},
	{"expr_func", bindExprFunc},
	{"celgo", bindCEL},
	{"go", bindGo},
}

// BenchmarkRuleEval evaluates the assistant's cap with each peer on the same
// input, in one run.
func BenchmarkRuleEval(b *testing.B) {
	rs := rules.Statute()
	for _, p := range peers {
		b.Run(p.name, func(b *testing.B) {
			eval := p.bind(b, rs, benchInput)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				ok, err := eval()
				if err != nil || !ok {
					b.Fatalf("%s = %v, %v; want true", p.name, ok, err)
				}
			}
		})
	}
}

// --- asysta: the public API ---------------------------------------------

func program(tb testing.TB, rs *rules.RuleSet) *rules.Program {
	tb.Helper()
	p, ok := rs.Program(ruleID)
	if !ok {
		tb.Fatalf("no rule %s", ruleID)
	}
	return p
}

// familyEnv is the library's environment for the input, reused between
// evaluations.
func familyEnv(in input) *rules.FamilyEnv {
	return &rules.FamilyEnv{
		Family: rules.Family{ID: "f-1", Difficulty: 1, ZaZyciem: in.zaZyciem, Basis: "consent"},
		Worker: rules.Worker{ID: "a-3", Role: "assistant", FTE: 1, Families: in.families, Weight: float64(in.families)},
	}
}

func bindAsysta(tb testing.TB, rs *rules.RuleSet, in input) func() (bool, error) {
	p := program(tb, rs)
	env := familyEnv(in)
	return func() (bool, error) {
		res, err := p.Eval(in.on, env)
		return res.Passed, err
	}
}

// --- expr: bare expr-lang/expr ------------------------------------------

// exprEnv is a bare expr environment with the same worker and family fields
// as the library's, and the parameters in force as two maps.
type exprEnv struct {
	Worker     rules.Worker    `expr:"worker"`
	Family     rules.Family    `expr:"family"`
	ParamInts  map[string]int  `expr:"__param_int"`
	ParamBools map[string]bool `expr:"__param_bool"`
}

// paramPatch resolves param("id") the way the library does: expr.Patch
// rewrites the call into an index of the parameter map of the id's type, so
// that reading a parameter costs one map lookup. (The library also checks
// the id against its catalogue at compile time; that costs nothing at run
// time.)
type paramPatch struct{ bools map[string]bool }

func (p paramPatch) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok || len(call.Arguments) != 1 {
		return
	}
	if id, ok := call.Callee.(*ast.IdentifierNode); !ok || id.Value != "param" {
		return
	}
	arg, ok := call.Arguments[0].(*ast.StringNode)
	if !ok {
		return
	}
	field := "__param_int"
	if _, ok := p.bools[arg.Value]; ok {
		field = "__param_bool"
	}
	ast.Patch(node, &ast.MemberNode{Node: &ast.IdentifierNode{Value: field}, Property: &ast.StringNode{Value: arg.Value}})
}

// paramMaps returns the parameters in force on the date, split by type.
func paramMaps(tb testing.TB, rs *rules.RuleSet, on rules.Date) (map[string]int, map[string]bool) {
	tb.Helper()
	ints, bools := map[string]int{}, map[string]bool{}
	values := rs.Params(on)
	if values == nil {
		tb.Fatalf("no parameters in force on %s", on)
	}
	for _, v := range values {
		if b, ok := v.Value.(bool); ok {
			bools[v.ID] = b
		} else {
			ints[v.ID] = v.Int()
		}
	}
	return ints, bools
}

// compileExpr compiles the rule's expression with bare expr, param()
// patched into map reads as in the library. The environment is a pointer,
// as the library's is.
func compileExpr(tb testing.TB, rs *rules.RuleSet, on rules.Date) (*vm.Program, *exprEnv) {
	tb.Helper()
	ints, bools := paramMaps(tb, rs, on)
	prog, err := expr.Compile(program(tb, rs).Rule().Expr,
		expr.Env(&exprEnv{}), expr.AsBool(), expr.Patch(paramPatch{bools: bools}))
	require.NoError(tb, err)
	return prog, &exprEnv{ParamInts: ints, ParamBools: bools}
}

func (e *exprEnv) fill(in input) {
	f := familyEnv(in)
	e.Worker, e.Family = f.Worker, f.Family
}

// bindExpr runs the program with expr.Run, which takes a fresh VM each time.
func bindExpr(tb testing.TB, rs *rules.RuleSet, in input) func() (bool, error) {
	prog, env := compileExpr(tb, rs, in.on)
	env.fill(in)
	return func() (bool, error) {
		out, err := expr.Run(prog, env)
		b, _ := out.(bool)
		return b, err
	}
}

// bindExprVM reuses one vm.VM: expr's fastest legal use, for information.
func bindExprVM(tb testing.TB, rs *rules.RuleSet, in input) func() (bool, error) {
	prog, env := compileExpr(tb, rs, in.on)
	env.fill(in)
	var machine vm.VM
	return func() (bool, error) {
		out, err := machine.Run(prog, env)
		b, _ := out.(bool)
		return b, err
	}
}

// funcEnv is the environment of the expr_func variant: no parameter maps.
type funcEnv struct {
	Worker rules.Worker `expr:"worker"`
	Family rules.Family `expr:"family"`
}

// bindExprFunc is bare expr with param() as an expr.Function reading a map
// of boxed values: how param would be written without the library's patch,
// for information.
func bindExprFunc(tb testing.TB, rs *rules.RuleSet, in input) func() (bool, error) {
	ints, bools := paramMaps(tb, rs, in.on)
	values := make(map[string]any, len(ints)+len(bools))
	for id, v := range ints {
		values[id] = v
	}
	for id, v := range bools {
		values[id] = v
	}
	param := expr.Function("param", func(args ...any) (any, error) {
		id, _ := args[0].(string)
		v, ok := values[id]
		if !ok {
			return nil, fmt.Errorf("unknown parameter %q", id)
		}
		return v, nil
	})
	prog, err := expr.Compile(program(tb, rs).Rule().Expr, expr.Env(&funcEnv{}), expr.AsBool(), param)
	require.NoError(tb, err)
	f := familyEnv(in)
	env := &funcEnv{Worker: f.Worker, Family: f.Family}
	return func() (bool, error) {
		out, err := expr.Run(prog, env)
		b, _ := out.(bool)
		return b, err
	}
}

// --- cel-go -------------------------------------------------------------

// bindCEL compiles the same expression text with cel-go (CEL has the same
// operators, ?: and string literals). worker and family are declared as
// map(string, dyn) variables; param is a function overload (string) -> dyn
// reading the parameters in force on the date. The program is compiled
// with OptOptimize and the activation is built once, as the library's
// environment is.
func bindCEL(tb testing.TB, rs *rules.RuleSet, in input) func() (bool, error) {
	tb.Helper()
	ints, bools := paramMaps(tb, rs, in.on)
	values := make(map[string]ref.Val, len(ints)+len(bools))
	for id, v := range ints {
		values[id] = types.Int(v)
	}
	for id, v := range bools {
		values[id] = types.Bool(v)
	}
	env, err := cel.NewEnv(
		cel.Variable("worker", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("family", cel.MapType(cel.StringType, cel.DynType)),
		cel.Function("param", cel.Overload("param_string", []*cel.Type{cel.StringType}, cel.DynType,
			cel.UnaryBinding(func(id ref.Val) ref.Val {
				s, _ := id.(types.String)
				if v, ok := values[string(s)]; ok {
					return v
				}
				return types.NewErr("unknown parameter %q", string(s))
			}))),
	)
	require.NoError(tb, err)
	ast, iss := env.Compile(program(tb, rs).Rule().Expr)
	require.NoError(tb, iss.Err())
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	require.NoError(tb, err)

	f := familyEnv(in)
	act, err := interpreter.NewActivation(map[string]any{
		"worker": types.NewStringInterfaceMap(types.DefaultTypeAdapter, map[string]any{
			"id": f.Worker.ID, "role": f.Worker.Role, "fte": f.Worker.FTE, "families": f.Worker.Families,
			"weight": f.Worker.Weight, "foster_families": f.Worker.FosterFamilies,
		}),
		"family": types.NewStringInterfaceMap(types.DefaultTypeAdapter, map[string]any{
			"id": f.Family.ID, "difficulty": f.Family.Difficulty, "za_zyciem": f.Family.ZaZyciem,
			"children": f.Family.Children, "basis": f.Family.Basis,
		}),
	})
	require.NoError(tb, err)
	return func() (bool, error) {
		out, _, err := prg.Eval(act)
		if err != nil {
			return false, err
		}
		b, ok := out.(types.Bool)
		if !ok {
			return false, fmt.Errorf("celgo: want bool, got %v", out)
		}
		return bool(b), nil
	}
}

// --- plain Go -----------------------------------------------------------

// bindGo computes the same condition in plain Go, the parameters read
// once: the floor.
func bindGo(tb testing.TB, rs *rules.RuleSet, in input) func() (bool, error) {
	ints, bools := paramMaps(tb, rs, in.on)
	limit, count := ints[paramCap], bools[paramCount]
	families, zaZyciem := in.families, in.zaZyciem
	return func() (bool, error) {
		add := 1
		if zaZyciem && !count {
			add = 0
		}
		return families+add <= limit, nil
	}
}

// --- agreement ----------------------------------------------------------

// noCountConfig makes 'Za życiem' families not count toward the cap.
const noCountConfig = `name: Gmina Testowa
parameters:
  assistant.count_za_zyciem_in_cap: false
`

// TestPeersAgree checks that every peer computes the same thing on a table
// of inputs, and that it is the statute's rule: the cap is 20 families until
// 2014-12-31 and 15 from 2015, and a 'Za życiem' family is not counted when
// the parameter says so. Without it the benchmark could silently compare
// different things.
func TestPeersAgree(t *testing.T) {
	cfg, err := rules.ParseConfig("no-count.yaml", []byte(noCountConfig))
	require.NoError(t, err)
	noCount, err := rules.New(cfg)
	require.NoError(t, err)

	sets := []struct {
		name  string
		rs    *rules.RuleSet
		count bool
	}{{"count_za_zyciem=true", rules.Statute(), true}, {"count_za_zyciem=false", noCount, false}}
	dates := []struct {
		on  rules.Date
		cap int
	}{{rules.NewDate(2014, time.June, 30), 20}, {rules.NewDate(2016, time.June, 30), 15}}

	cases := 0
	for _, set := range sets {
		for _, d := range dates {
			for families := 0; families <= 20; families++ {
				for _, zz := range []bool{false, true} {
					in := input{on: d.on, families: families, zaZyciem: zz}
					add := 1
					if zz && !set.count {
						add = 0
					}
					want := families+add <= d.cap
					for _, p := range peers {
						got, err := p.bind(t, set.rs, in)()
						if assert.NoError(t, err, "%s %s %+v", p.name, set.name, in) {
							assert.Equal(t, want, got, "%s %s on %s, families %d, za_zyciem %v", p.name, set.name, d.on, families, zz)
						}
					}
					cases++
				}
			}
		}
	}
	assert.Equal(t, 2*2*21*2, cases)
}

// TestPeersReadTheRule checks that the peers compile the library's own text
// of the rule, parameters and all.
func TestPeersReadTheRule(t *testing.T) {
	src := program(t, rules.Statute()).Rule().Expr
	assert.Contains(t, src, `param("`+paramCap+`")`)
	assert.Contains(t, src, `param("`+paramCount+`")`)
	assert.Contains(t, src, "worker.families")
	assert.Contains(t, src, "family.za_zyciem")
}
