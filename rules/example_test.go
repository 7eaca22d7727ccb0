package rules_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/asysta/asysta/rules"
)

func ExampleStatute() {
	rs := rules.Statute()
	for _, on := range []string{"2014-12-31", "2015-01-01"} {
		v, _ := rs.Param("assistant.max_families", rules.MustParseDate(on))
		fmt.Printf("%s: %d families (%s, %s)\n", on, v.Int(), v.Basis, v.Source)
	}
	// Output:
	// 2014-12-31: 20 families (art. 15 ust. 4 UWR, statute)
	// 2015-01-01: 15 families (art. 15 ust. 4 UWR, statute)
}

func ExampleParseConfig() {
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(`name: Gmina Przykładowa
parameters:
  assistant.max_families: 12
  family.post_closure_monitoring:
    - {value: 6, from: 2024-01-01}
rules:
  - id: local.weighted_caseload
    on: assign_assistant
    expr: worker.weight + family.difficulty <= 12 * worker.fte
    message: {pl: "Łączna trudność spraw asystenta przekracza 12.", en: "The assistant's weighted caseload would exceed 12."}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Name, cfg.Level)
	for _, o := range cfg.Parameters {
		fmt.Println(o.ID, o.Values[0].Value, o.Values[0].From, o.Source)
	}
	for _, r := range cfg.Rules {
		fmt.Println(r.ID, r.On, r.Kind)
	}
	// Output:
	// Gmina Przykładowa municipality
	// assistant.max_families 12  gmina.yaml:3
	// family.post_closure_monitoring 6 2024-01-01 gmina.yaml:4
	// local.weighted_caseload [assign_assistant] guard
}

func ExampleNew() {
	county, _ := rules.ParseConfig("powiat.yaml", []byte("level: county\nparameters:\n  assistant.max_families: 14\n"))
	gmina, _ := rules.ParseConfig("gmina.yaml", []byte("parameters:\n  assistant.max_families: 12\n"))
	rs, err := rules.New(gmina, county) // layered by level: statute, county, municipality
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := rs.Param("assistant.max_families", rules.MustParseDate("2024-03-01"))
	fmt.Println(v.Int(), v.Source)
	// Output:
	// 12 gmina.yaml:2
}

func ExampleLoadFiles_error() {
	_, err := rules.LoadFiles("testdata/examples/gmina_bad.yaml")
	var list rules.Errors
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e.Position(), e.ID, e.Code)
		}
		fmt.Println()
	}
	fmt.Println(err)
	// Output:
	// testdata/examples/gmina_bad.yaml:3:27 assistant.max_families ceiling_raised
	// testdata/examples/gmina_bad.yaml:4:3 assistant.max_familes unknown_parameter
	// testdata/examples/gmina_bad.yaml:8:25 local.weighted_caseload expr_type
	//
	// testdata/examples/gmina_bad.yaml:3:27: assistant.max_families: 17 raises the statutory maximum of 15 in force from 2015-01-01 (art. 15 ust. 4 UWR); it may only be lowered [ceiling_raised]
	// testdata/examples/gmina_bad.yaml:4:3: assistant.max_familes: unknown parameter; did you mean assistant.max_families?; see asysta params [unknown_parameter]
	// testdata/examples/gmina_bad.yaml:8:25: local.weighted_caseload: expression error (lifecycle family): mismatched types in the operation +: a number and text [expr_type]
	//  | worker.weight + "x" <= 12
	//  |               ^
}

func ExampleRuleSet_Decide() {
	env := &rules.FamilyEnv{
		Worker: rules.Worker{ID: "A1", FTE: 1, Families: 15},
		Family: rules.Family{ID: "F16", Difficulty: 1},
	}
	d, err := rules.Statute().Decide(rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"},
		rules.MustParseDate("2016-03-20"), env)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("allowed:", d.Allowed)
	for _, r := range d.Unmet() {
		fmt.Printf("%s: %s\n", r.Rule, r.Message.In(rules.Polish))
	}
	var denied *rules.DeniedError
	if errors.As(d.Err(), &denied) {
		fmt.Println(denied.RuleIDs(), errors.Is(d.Err(), rules.ErrDenied))
	}
	// Output:
	// allowed: false
	// assistant.basis_required: Asystenta można przydzielić tylko za zgodą rodziny, na podstawie zobowiązania sądu, wniosku „Za życiem” albo w trybie art. 11 ust. 1a UWR.
	// assistant.max_families: Asystent rodziny może pracować jednocześnie z najwyżej 15 rodzinami.
	// [assistant.basis_required assistant.max_families] true
}

func ExampleRuleSet_Due() {
	rs := rules.Statute()
	on := rules.MustParseDate("2025-12-04")
	interview, _ := rs.Due("due.interview", on, &rules.FamilyEnv{})
	urgent, _ := rs.Due("due.interview", on, &rules.FamilyEnv{Args: rules.FamilyArgs{Urgent: true}})
	review, _ := rs.Due("due.child_review", rules.MustParseDate("2024-08-31"),
		&rules.ChildEnv{Child: rules.Child{Born: rules.MustParseDate("2022-01-10").Time()}})
	fmt.Println("interview:", interview)
	fmt.Println("urgent interview:", urgent)
	fmt.Println("review of a child under 3:", review)
	// Output:
	// interview: 2025-12-29
	// urgent interview: 2025-12-08
	// review of a child under 3: 2024-11-30
}

func ExampleRuleSet_Params() {
	cfg, _ := rules.ParseConfig("gmina.yaml", []byte("parameters:\n  family.post_closure_monitoring:\n    - {value: 6, from: 2024-01-01}\n"))
	rs, _ := rules.New(cfg)
	show := map[string]bool{"assistant.max_families": true, "family.post_closure_monitoring": true, "institution.min_age": true}
	for _, on := range []string{"2019-06-01", "2024-06-01"} {
		fmt.Println(on)
		for _, v := range rs.Params(rules.MustParseDate(on)) {
			if show[v.ID] {
				fmt.Printf("  %s = %v %s (%s, from %s)\n", v.ID, v.Value, v.Unit, v.Source, v.From)
			}
		}
	}
	// Output:
	// 2019-06-01
	//   assistant.max_families = 15 count (statute, from 2015-01-01)
	//   family.post_closure_monitoring = 0 months (statute, from 2012-01-01)
	//   institution.min_age = 7 years (statute, from 2012-01-01)
	// 2024-06-01
	//   assistant.max_families = 15 count (statute, from 2015-01-01)
	//   family.post_closure_monitoring = 6 months (gmina.yaml:3, from 2024-01-01)
	//   institution.min_age = 10 years (statute, from 2020-01-01)
}

func ExampleLive() {
	dir, err := os.MkdirTemp("", "asysta-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "gmina.yaml")
	_ = os.WriteFile(path, []byte("parameters:\n  assistant.max_families: 12\n"), 0o644)

	live, err := rules.OpenLive(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	on := rules.MustParseDate("2024-03-01")
	v, _ := live.RuleSet().Param("assistant.max_families", on)
	fmt.Println("cap:", v.Int())

	_ = os.WriteFile(path, []byte("parameters:\n  assistant.max_families: 10\n"), 0o644)
	changed, err := live.Reload()
	v, _ = live.RuleSet().Param("assistant.max_families", on)
	fmt.Println("changed:", changed, err, "cap:", v.Int())

	_ = os.WriteFile(path, []byte("parameters:\n  assistant.max_families: 20\n"), 0o644)
	changed, err = live.Reload()
	v, _ = live.RuleSet().Param("assistant.max_families", on)
	fmt.Println("changed:", changed, rules.AsErrors(err)[0].Code, "cap:", v.Int())
	// Output:
	// cap: 12
	// changed: true <nil> cap: 10
	// changed: false ceiling_raised cap: 10
}
