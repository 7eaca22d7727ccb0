package rules_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
)

// The benchmarks of the rules engine. docs/performance.md records their
// figures; rules/internal/bench compares rule evaluation with bare expr,
// cel-go and plain Go in one run.

// benchOn is the as-of date of the evaluation benchmarks.
var benchOn = rules.MustParseDate("2026-11-22")

// gminaYAML is a realistic municipal configuration: it lowers the
// assistant's cap, sets post-closure monitoring with a dated list and adds
// two local rules, one on each of two lifecycles.
const gminaYAML = `# Gmina Przykładowa: zarządzenie Kierownika OPS nr 12/2024
$schema: https://asysta.example/schema/config.json
name: Gmina Przykładowa
level: municipality
parameters:
  # art. 15 ust. 4 UWR: cap lowered locally
  assistant.max_families: 12
  family.post_closure_monitoring:
    - value: 6
      from: 2020-01-01
      to: 2024-12-31
    - value: 12
      from: 2025-01-01
  assistant.count_za_zyciem_in_cap: false
rules:
  - id: local.assistant_weighted_caseload
    on: assign_assistant
    basis: zarządzenie nr 12/2024 § 3
    expr: worker.weight + family.difficulty <= 12 * worker.fte
    message:
      pl: Ważone obciążenie asystenta przekroczyłoby 12 na etat.
      en: The assistant's weighted caseload would exceed 12 per full-time post.
  - id: local.young_child_not_in_institution
    on: child.place
    severity: warn
    from: 2024-07-01
    basis: zarządzenie nr 12/2024 § 5
    expr: |
      carer.form != "institution"
        || args.exception != ""
        || child.age >= param("child_review.age_threshold")
    message:
      pl: Dziecko poniżej {child_review.age_threshold} lat nie powinno trafiać do placówki.
      en: A child under {child_review.age_threshold} should not be placed in an institution.
`

// assignEnv is a family environment for assign_assistant: an assistant with
// twelve families and a family with consent.
func assignEnv() *rules.FamilyEnv {
	return &rules.FamilyEnv{
		Base:   rules.Base{Actor: rules.Actor{ID: "w-7", Role: "coordinator"}},
		Family: rules.Family{ID: "f-1", Difficulty: 1, Basis: "consent", State: "assistant_work.planning"},
		Worker: rules.Worker{ID: "a-3", Role: "assistant", FTE: 1, Families: 12, Weight: 11},
		Args:   rules.FamilyArgs{Assistant: "a-3"},
	}
}

func maxFamiliesProgram(tb testing.TB) *rules.Program {
	tb.Helper()
	p, ok := rules.Statute().Program("assistant.max_families")
	if !ok {
		tb.Fatal("no assistant.max_families in the statute")
	}
	return p
}

// BenchmarkRuleEval evaluates the assistant's cap, precompiled, through the
// public API with a reused environment.
func BenchmarkRuleEval(b *testing.B) {
	p := maxFamiliesProgram(b)
	env := assignEnv()
	b.ReportAllocs()
	for b.Loop() {
		res, err := p.Eval(benchOn, env)
		if err != nil || !res.Passed {
			b.Fatalf("Eval = %+v, %v; want passed", res, err)
		}
	}
}

// BenchmarkDecide is the full decision on family.assign_assistant (both
// statutory guards, explained), for information.
func BenchmarkDecide(b *testing.B) {
	rs := rules.Statute()
	t, ok := rules.ParseTrigger("family.assign_assistant")
	if !ok {
		b.Fatal("no trigger family.assign_assistant")
	}
	env := assignEnv()
	b.ReportAllocs()
	for b.Loop() {
		d, err := rs.Decide(t, benchOn, env)
		if err != nil || !d.Allowed || len(d.Rules) != 2 {
			b.Fatalf("Decide = %+v, %v; want allowed by two rules", d, err)
		}
	}
}

// BenchmarkLoad parses a municipal file and compiles it with the statute:
// what a reload costs. The budget is 50 ms per op.
func BenchmarkLoad(b *testing.B) {
	data := []byte(gminaYAML)
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := rules.ParseConfig("gmina.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rules.New(cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchGminaConfig checks that the benchmark's municipal file loads and
// means what BenchmarkLoad says it does.
func TestBenchGminaConfig(t *testing.T) {
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(gminaYAML))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := rs.Param("assistant.max_families", benchOn); v.Int() != 12 {
		t.Errorf("assistant.max_families = %v, want 12", v.Value)
	}
	if v, _ := rs.Param("family.post_closure_monitoring", benchOn); v.Int() != 12 {
		t.Errorf("family.post_closure_monitoring on %s = %v, want 12", benchOn, v.Value)
	}
	if v, _ := rs.Param("family.post_closure_monitoring", rules.MustParseDate("2022-05-01")); v.Int() != 6 {
		t.Errorf("family.post_closure_monitoring in 2022 = %v, want 6", v.Value)
	}
	for _, id := range []string{"local.assistant_weighted_caseload", "local.young_child_not_in_institution"} {
		if _, ok := rs.Program(id); !ok {
			t.Errorf("no rule %s", id)
		}
	}
	// The lowered cap refuses a thirteenth family.
	tr, _ := rules.ParseTrigger("family.assign_assistant")
	d, err := rs.Decide(tr, benchOn, assignEnv())
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || len(d.Rules) != 3 {
		t.Errorf("Decide = allowed %v with %d rules, want refused by 3 rules", d.Allowed, len(d.Rules))
	}
}
