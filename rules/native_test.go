package rules

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The native form of a program (native.go) must give what the VM gives,
// or give up. These tests run both on the same environments.

// fillEnv sets every field of the environment struct v (and of the
// structs in it) from r: counts around the statutory caps and some far
// outside, the codes rules compare with, dates from 1990 to 2040 (and the
// zero time now and then).
func fillEnv(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			if r.IntN(20) == 0 {
				v.Set(reflect.ValueOf(time.Time{}))
				return
			}
			t := MustParseDate("1990-01-01").AddDays(r.IntN(365 * 50)).Time()
			if r.IntN(10) == 0 { // not midnight: a caller's time, which the VM compares as it is
				t = t.Add(time.Duration(r.IntN(24*60)) * time.Minute)
			}
			v.Set(reflect.ValueOf(t))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillEnv(r, v.Field(i))
			}
		}
	case reflect.Int:
		n := r.IntN(25) - 2
		switch r.IntN(30) {
		case 0:
			n = math.MaxInt
		case 1:
			n = math.MinInt
		case 2:
			n = 36500 + r.IntN(3)
		}
		v.SetInt(int64(n))
	case reflect.Float64:
		f := float64(r.IntN(40)) / 4
		switch r.IntN(30) {
		case 0:
			f = math.NaN()
		case 1:
			f = math.Inf(1)
		}
		v.SetFloat(f)
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.String:
		codes := []string{"", "positive", "negative", "consent", "court_order", "za_zyciem", "mandatory",
			"institution", "family_childrens_home", "professional_foster_family", "non_professional_foster_family",
			"emergency_family_home", "siblings", "family_assistant", "A1", "x"}
		v.SetString(codes[r.IntN(len(codes))])
	}
}

// agree evaluates c's program of epoch i natively and on the VM, on env,
// and fails t when the native form gives a different answer.
func agree(t *testing.T, p *Program, c *compiled, i int, env Env, on Date) (ran bool) {
	t.Helper()
	res := Result{Rule: p.rule.ID, Kind: p.rule.Kind, Severity: p.rule.Severity, Passed: true}
	n := c.nativeAt(i)
	if n == nil {
		return false
	}
	if _, err := p.rs.prepareAt(on, env); err != nil {
		t.Fatal(err)
	}
	got := res
	ok := n.run(p.rule.Kind, on, env, &got)
	want, err := p.evalVM(c, i, env, res)
	if !ok {
		return false // gave up: the VM decides, whatever it says
	}
	if err != nil {
		t.Fatalf("%s: native gave %+v where the VM fails: %v", p.rule.ID, got, err)
	}
	if math.IsNaN(want.Limit) && math.IsNaN(got.Limit) {
		want.Limit, got.Limit = 0, 0
	}
	if !assert.Equal(t, want, got, "%s on %s", p.rule.ID, on) {
		t.FailNow()
	}
	return true
}

// TestNativeStatute: every statutory rule has a native form in every
// epoch, and it agrees with the VM on random environments.
func TestNativeStatute(t *testing.T) {
	rs := Statute()
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range rs.programs {
		for l, c := range p.compiled {
			t.Run(fmt.Sprintf("%s/%s", p.rule.ID, l), func(t *testing.T) {
				require.NotNil(t, c.native, "no native form")
				for i := range rs.epochs {
					require.NotNil(t, c.nativeAt(i), "no native form in epoch %d", i)
				}
				ran := 0
				for range 2000 {
					env := newEnv(l)
					fillEnv(r, reflect.ValueOf(env).Elem())
					on := MustParseDate("2012-01-01").AddDays(r.IntN(365 * 16))
					if agree(t, p, c, rs.epochIndex(on), env, on) {
						ran++
					}
				}
				assert.Greater(t, ran, 1500, "the native form gave up too often")
			})
		}
	}
}

// TestNativeForms lists which expressions have a native form and checks
// each against the VM.
func TestNativeForms(t *testing.T) {
	for _, tc := range []struct {
		expr   string
		kind   Kind
		native bool
	}{
		{`worker.weight + family.difficulty <= 12 * worker.fte`, KindGuard, true},
		{`worker.families + 1 <= param("assistant.max_families")`, KindGuard, true},
		{`family.basis in ["consent", "court_order"] && !family.za_zyciem`, KindGuard, true},
		{`family.basis not in ["consent"] or family.urgent`, KindGuard, true},
		{`family.id startsWith "A" || family.id endsWith "x" || family.id contains "1"`, KindGuard, true},
		{`family.id + "-" + actor.role != ""`, KindGuard, true},
		{`-worker.families < +1 && -worker.fte < 1.5`, KindGuard, true},
		{`worker.families == worker.fte && family.urgent == args.mandatory && on == on`, KindGuard, true},
		{`family.id < "m" && on <= addDays(on, 1) && worker.fte >= 0.5`, KindGuard, true},
		{`isWorkingDay(on) ? on : addWorkingDays(on, 1)`, KindDue, true},
		{`addYears(on, daysBetween(on, on) + worker.families - 1)`, KindDue, true},
		{`12 * worker.fte - worker.weight`, KindLimit, true},
		{`worker.families * 2 - 1`, KindLimit, true},
		{`family.urgent ? 1.5 : worker.fte`, KindLimit, true},
		{`family.urgent ? "a" : "b"`, KindGuard, false},
		{`worker.families / 2 > 1`, KindGuard, false},
		{`worker.families % 2 == 0`, KindGuard, false},
		{`len(family.id) > 0`, KindGuard, false},
		{`on - on > duration("1h")`, KindGuard, false},
		{`date("2024-01-01") < on`, KindGuard, false},
		{`family.id matches "^A"`, KindGuard, false},
		{`family.urgent ? 1 : 1.5`, KindLimit, false},
		{`on.Year() > 2020`, KindGuard, false},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			p := compileLocal(t, tc.expr, tc.kind, LifecycleFamily)
			c := p.compiled[LifecycleFamily]
			require.Equal(t, tc.native, c.nativeAt(0) != nil, "native form")
			if !tc.native {
				return
			}
			r := rand.New(rand.NewPCG(3, 4))
			for range 500 {
				env := newEnv(LifecycleFamily)
				fillEnv(r, reflect.ValueOf(env).Elem())
				on := MustParseDate("2012-01-01").AddDays(r.IntN(365 * 16))
				agree(t, p, c, p.rs.epochIndex(on), env, on)
			}
		})
	}
}

// compileLocal loads expr as a local rule of kind k on a trigger of
// lifecycle l and returns its program.
func compileLocal(t testing.TB, expr string, k Kind, l Lifecycle) *Program {
	t.Helper()
	on := map[Lifecycle]string{LifecycleFamily: "assign_assistant", LifecycleChild: "place", LifecycleFosterFamily: "foster_family.assess"}[l]
	r := Rule{ID: "local.native", On: []string{on}, Kind: k, Expr: expr, Message: Text{PL: "a", EN: "b"}}
	if k != KindGuard {
		r.Message = Text{}
	}
	rs, err := New(&Config{Name: "test", Rules: []Rule{r}})
	if err != nil {
		t.Skipf("does not compile: %v", err)
	}
	return rs.programBy["local.native"]
}

// FuzzNative compiles an expression as a rule of each lifecycle and, where
// it has a native form, checks it against the VM on environments drawn
// from the seed.
func FuzzNative(f *testing.F) {
	for _, s := range []string{
		`worker.families + (family.za_zyciem && !param("assistant.count_za_zyciem_in_cap") ? 0 : 1) <= param("assistant.max_families")`,
		`!(carer.form in ["non_professional_foster_family", "professional_foster_family"]) || args.siblings || carer.children + 1 <= 3`,
		`carer.form != "institution" || args.exception != "" || on > addYears(child.born, param("institution.min_age"))`,
		`addMonths(on, age(child.born, on) < 3 ? 3 : 6)`,
		`addMonths(on, foster_family.assessments == 0 ? 12 : args.result == "negative" ? 6 : 36)`,
		`addWorkingDays(on, worker.families * 1000)`,
		`worker.weight * worker.fte >= family.difficulty - 1`,
		`actor.id + family.id < family.assistant`,
		`-9223372036854775808 - 1 < worker.families`,
	} {
		f.Add(s, uint64(1))
	}
	f.Fuzz(func(t *testing.T, expr string, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 7))
		for _, l := range Lifecycles {
			for _, k := range []Kind{KindGuard, KindLimit, KindDue} {
				p := compileQuiet(expr, k, l)
				if p == nil {
					continue
				}
				c := p.compiled[l]
				for range 20 {
					env := newEnv(l)
					fillEnv(r, reflect.ValueOf(env).Elem())
					on := MustParseDate("2012-01-01").AddDays(r.IntN(365 * 16))
					agree(t, p, c, p.rs.epochIndex(on), env, on)
				}
			}
		}
	})
}

// compileQuiet is compileLocal that returns nil for an expression that
// does not load.
func compileQuiet(expr string, k Kind, l Lifecycle) *Program {
	on := map[Lifecycle]string{LifecycleFamily: "assign_assistant", LifecycleChild: "place", LifecycleFosterFamily: "foster_family.assess"}[l]
	r := Rule{ID: "local.native", On: []string{on}, Kind: k, Expr: expr}
	if k == KindGuard {
		r.Message = Text{PL: "a", EN: "b"}
	}
	rs, err := New(&Config{Name: "fuzz", Rules: []Rule{r}})
	if err != nil {
		return nil
	}
	return rs.programBy["local.native"]
}

// BenchmarkRuleEvalVM is BenchmarkRuleEval (rules/bench_test.go) on the
// VM: what a rule with no native form costs, for comparison in the same
// run.
func BenchmarkRuleEvalVM(b *testing.B) {
	p, _ := Statute().Program("assistant.max_families")
	on := MustParseDate("2026-11-22")
	env := &FamilyEnv{Worker: Worker{ID: "a-3", Role: "assistant", FTE: 1, Families: 12, Weight: 11},
		Family: Family{ID: "f-1", Difficulty: 1, Basis: "consent"}}
	c := p.compiledFor(LifecycleFamily)
	b.ReportAllocs()
	for b.Loop() {
		i, err := p.rs.prepareAt(on, env)
		if err != nil {
			b.Fatal(err)
		}
		res, err := p.evalVM(c, i, env, Result{Rule: p.rule.ID, Kind: p.rule.Kind, Passed: true})
		if err != nil || !res.Passed {
			b.Fatalf("evalVM = %+v, %v; want passed", res, err)
		}
	}
}

// TestNativeEvalAllocs: evaluating any statutory rule in its native form
// allocates nothing (make test runs it without -race).
func TestNativeEvalAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	rs := Statute()
	r := rand.New(rand.NewPCG(7, 8))
	on := MustParseDate("2026-11-22")
	for _, p := range rs.programs {
		for l := range p.compiled {
			env := newEnv(l)
			fillEnv(r, reflect.ValueOf(env).Elem())
			if c, ok := env.(*ChildEnv); ok {
				c.Child.Born = MustParseDate("2015-06-01").Time() // in range for every due rule
			}
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := p.Eval(on, env); err != nil {
					t.Fatalf("%s: %v", p.rule.ID, err)
				}
			})
			assert.Zero(t, allocs, "%s on %s: allocations per evaluation", p.rule.ID, l)
		}
	}
}

// TestNativeDateEdges: the dates where the VM's round trip through
// time.Time shows: 0001-01-01 is the zero time, which reads back as no
// date, and an as-of date written unnormalised (30 February) is
// normalised.
func TestNativeDateEdges(t *testing.T) {
	for _, tc := range []struct {
		expr string
		kind Kind
		on   Date
	}{
		{`addYears(on, -2011)`, KindDue, MustParseDate("2012-01-01")},
		{`addDays(addYears(on, -2011), 1)`, KindDue, MustParseDate("2012-01-01")},
		{`addMonths(addYears(on, -2011), 0)`, KindDue, MustParseDate("2012-01-01")},
		{`age(addYears(on, -2011), on) > 0`, KindGuard, MustParseDate("2012-01-01")},
		{`daysBetween(addYears(on, -2011), on) > 0`, KindGuard, MustParseDate("2012-01-01")},
		{`addYears(on, -2011) == addYears(on, -2012)`, KindGuard, MustParseDate("2012-01-01")},
		{`on`, KindDue, Date{Year: 2024, Month: time.February, Day: 30}},
		{`addMonths(on, 1)`, KindDue, Date{Year: 2024, Month: time.February, Day: 30}},
		{`family.urgent ? on : addDays(on, 1)`, KindDue, Date{Year: 2024, Month: time.February, Day: 30}},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			p := compileLocal(t, tc.expr, tc.kind, LifecycleFamily)
			c := p.compiled[LifecycleFamily]
			for _, urgent := range []bool{false, true} {
				env := &FamilyEnv{Family: Family{Urgent: urgent}}
				assert.True(t, agree(t, p, c, p.rs.epochIndex(tc.on), env, tc.on), "the native form gave up")
			}
		})
	}
}

// TestFieldOf: fields are found as expr finds them (an expr tag, else the
// Go name; embedded structs looked into); where expr would look by rules
// of its own (a tagged or pointer embedded struct), there is no native
// form rather than a guess.
func TestFieldOf(t *testing.T) {
	type inner struct {
		Deep int `expr:"deep"`
	}
	type plain struct {
		inner
		Named  int `expr:"named"`
		Bare   int
		Empty  int `expr:""`
		Hidden int `expr:"-"`
	}
	for name, want := range map[string][]int{"named": {1}, "Bare": {2}, "Empty": {3}, "deep": {0, 0}} {
		idx, _, ok := fieldOf(reflect.TypeOf(plain{}), name)
		assert.True(t, ok, name)
		assert.Equal(t, want, idx, name)
	}
	for _, name := range []string{"Hidden", "hidden", "Named", "missing"} {
		_, _, ok := fieldOf(reflect.TypeOf(plain{}), name)
		assert.False(t, ok, name)
	}
	type tagged struct {
		inner `expr:"in"`
		X     int
	}
	type pointer struct {
		*inner
		X int
	}
	for _, typ := range []reflect.Type{reflect.TypeOf(tagged{}), reflect.TypeOf(pointer{})} {
		_, _, ok := fieldOf(typ, "deep")
		assert.False(t, ok, "%s: deep", typ)
	}
}
