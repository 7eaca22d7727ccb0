package rules_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asysta/asysta/rules"
)

// evalBound is how long evaluating every rule of a fuzzed file may take.
// The sandbox (compile.go) keeps one evaluation far below it; a hang or a
// runaway allocation shows up as a failure rather than as a stuck fuzzer.
const evalBound = 10 * time.Second

// fuzzTriggers are fired on every rule set a fuzz input loads, one per
// lifecycle and the triggers the statute's guards sit on.
var fuzzTriggers = []struct {
	t   rules.Trigger
	env func() rules.Env
}{
	{trAssignAssistant, func() rules.Env { return assignment(3, true) }},
	{rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "refer"}, func() rules.Env { return &rules.FamilyEnv{} }},
	{trPlace, func() rules.Env { return placement("2015-01-01", "institution", 3) }},
	{rules.Trigger{Lifecycle: rules.LifecycleFosterFamily, Name: "assess"}, func() rules.Env { return &rules.FosterFamilyEnv{} }},
}

// checkErrors fails unless every problem in err is well formed.
func checkErrors(t *testing.T, err error, file string) {
	t.Helper()
	list := rules.AsErrors(err)
	if len(list) == 0 {
		t.Fatalf("the error is not rules.Errors: %T %v", err, err)
	}
	for _, e := range list {
		if e.Code == "" {
			t.Errorf("an error without a code: %v", e)
		}
		if e.File != file {
			t.Errorf("error names file %q, want %q: %v", e.File, file, e)
		}
		if e.Msg.PL == "" || e.Msg.EN == "" {
			t.Errorf("an error without a message in both languages: %#v", e)
		}
		if e.Line < 0 || e.Col < 0 {
			t.Errorf("a negative position: %v", e)
		}
		if e.Code == rules.CodeSyntax && (e.Line < 1 || e.Col < 1) {
			t.Errorf("a syntax error without a line and a column: %v", e)
		}
		if e.Code == rules.CodeTooMany && len(list) != rules.MaxErrors+1 {
			t.Errorf("%d problems, then %v", len(list)-1, e)
		}
		_ = e.Localize(rules.Polish)
	}
}

// checkEvalError fails unless err, from evaluating a rule, is nil or
// names the rule and the kind of failure and nothing else: no value of the
// input can be in it.
func checkEvalError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ee *rules.EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("not an *EvalError: %T", err)
	}
	if ee.Err != nil {
		return // a sentinel: not in force, wrong environment
	}
	if want := "rules: " + ee.Rule + " (" + ee.Source + "): " + ee.Failure.Text().EN; err.Error() != want {
		t.Errorf("an evaluation error with more than the rule and the kind: %q", err.Error())
	}
}

// exercise evaluates every rule of rs on a few dates and fails if that
// takes longer than evalBound. Failures while running name a fixed kind.
func exercise(t *testing.T, rs *rules.RuleSet) {
	t.Helper()
	start := time.Now()
	for _, on := range []rules.Date{day("2014-12-31"), day("2024-03-01")} {
		for _, ft := range fuzzTriggers {
			d, err := rs.Decide(ft.t, on, ft.env())
			if err != nil {
				t.Errorf("Decide %s: %v", ft.t, err)
			}
			for _, r := range d.Rules {
				if r.Error != "" && !slices.Contains(failures, r.Error) {
					t.Errorf("%s: error %q is not a kind of failure", r.Rule, r.Error)
				}
			}
		}
		for _, p := range rs.Programs() {
			for _, tr := range p.Triggers() {
				for _, ft := range fuzzTriggers {
					if ft.t.Lifecycle == tr.Lifecycle {
						_, err := p.Eval(on, ft.env())
						checkEvalError(t, err)
						break
					}
				}
			}
		}
	}
	if d := time.Since(start); d > evalBound {
		t.Errorf("evaluating the rules took %s", d)
	}
}

// failures are the kinds of failure while running a rule.
var failures = []rules.Failure{rules.FailConversion, rules.FailType, rules.FailArithmetic, rules.FailLookup,
	rules.FailDateRange, rules.FailMemory, rules.FailOther}

func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		"",
		"name: Gmina\n",
		"parameters:\n  assistant.max_families: 12\n",
		"parameters:\n  assistant.max_families:\n    - {value: 12, from: 2024-01-01, to: 2024-12-31}\n    - {value: 10, from: 2025-01-01}\n",
		"parameters: {assistant.max_families: 99, institution.min_age: 1, x: [1, 2]}\n",
		"level: county\nrules:\n  - {id: local.a, on: place, severity: warn, expr: 'carer.children < 10', message: {pl: a, en: b}}\n",
		"rules:\n  - id: local.b\n    on: [assign_assistant, refer]\n    kind: due\n    expr: addWorkingDays(on, 14)\n",
		"rules:\n  - id: local.c\n    on: assess\n    expr: |\n      args.result != \"\" &&\n        on > date(\"2024-01-01\")\n    message: {pl: a, en: b}\n",
		"rules: [{id: local.d, on: assign_assistant, expr: '1..100000000 != nil', message: {pl: '{assistant.max_families}', en: b}}]\n",
		"x: &a [*a]\n",
		"a: &a {b: *a}\nparameters: *a\n",
		"{\"parameters\": {\"assistant.max_families\": 16}, \"rules\": []}",
		"parameters:\n  assistant.max_families: 1e3\n  assistant.count_za_zyciem_in_cap: yes\n",
		"rules:\n  - id: local.e\n    on: refer\n    from: 2024-02-30\n    to: 0000-00-00\n    expr: true\n    message: {pl: a, en: b}\n",
		strings.Repeat("[", 1000),
		"rules:\n  - id: local.f\n    on: refer\n    expr: '" + strings.Repeat("(", 150) + "1" + strings.Repeat(")", 150) + " > 0'\n    message: {pl: a, en: b}\n",
		"\ufeffname: BOM\n",
		"name: \"\\x80\"\nparameters:\n  \"\": 1\n",
		"rules:\n  - {id: local.leak, on: place, severity: warn, expr: 'int(string(child.born)) > 0', message: {pl: odmowa, en: denied}}\n",
		"rules:\n  - {id: local.leak, on: place, kind: due, expr: 'addYears(child.born, int(string(child.born)))'}\n",
		// Hardening (docs/security.md): control characters, files that are
		// not configurations, alias bombs, syntax errors the parser leaves
		// without a column.
		"name: \"Gmina\\0\"\n",
		"rules:\n  - {id: \"local.\\e[31mred\", on: refer, expr: 'true', message: {pl: \"a\\r\\nOK\", en: b}}\n",
		"parameters:\n  \"assistant.max_families\\x1b\": 12\n",
		"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
		"password: hunter2\napi_key: s3cr3t\n",
		"secret: [hunter2\n",
		"name: *hunter2\n",
		"a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nname: *e\n",
		"name: a\n\tlevel: county\n",
		"rules:\n  - {id: local.a\nname: x\n",
	} {
		f.Add([]byte(seed))
	}
	for _, dir := range []string{"testdata/errors", "testdata/valid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.*"))
		for _, path := range files {
			if ext := filepath.Ext(path); ext == ".yaml" || ext == ".json" {
				if data, err := os.ReadFile(path); err == nil {
					f.Add(data)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yaml"
		cfg, err := rules.ParseConfig(name, data)
		if err != nil {
			checkErrors(t, err, name)
		}
		if cfg == nil {
			return
		}
		rs, err := rules.New(cfg)
		if err != nil {
			checkErrors(t, err, name)
			return
		}
		if rs.Revision() == "" {
			t.Error("a rule set without a revision")
		}
		_ = rs.Params(day("2024-03-01"))
		exercise(t, rs)
	})
}

func FuzzCompileRule(f *testing.F) {
	for _, seed := range []struct {
		expr string
		kind uint8
	}{
		{"worker.weight + family.difficulty <= 12 * worker.fte", 0},
		{"worker.families + \"x\" > 1", 0},
		{"worker.families + 1", 0},
		{"addMonths(on, param(\"assistant.family_assessment_interval\"))", 2},
		{"12 * worker.fte", 1},
		{"param(\"assistant.count_za_zyciem_in_cap\") + 1", 0},
		{"param(family.id) > 0", 0},
		{"now() > on", 0},
		{strings.Repeat("(", 100) + "true" + strings.Repeat(")", 100), 0},
		{strings.Repeat("(", 5000) + "true" + strings.Repeat(")", 5000), 0},
		{strings.Repeat("!", 2000) + "true", 0},
		{strings.Repeat("1 + ", 2000) + "1 > 0", 0},
		{"1..100000000 != nil", 0},
		{"len(1..100000000) > 0", 0},
		{"map(1..1000000, #) != nil", 0},
		{"all(1..45000, {addWorkingDays(on, 36500) > on})", 0},
		{"reduce(1..40, #acc + #acc, \"x\") != \"\"", 0},
		{"let a = \"xxxxxxxx\"; let b = a + a; let c = b + b; len(c) > 0", 0},
		{"len(repeat(\"x\", 1000000)) > 0", 0},
		{"len(replace(replace(\"xxx\", \"x\", \"xxx\"), \"x\", \"xxx\")) > 0", 0},
		{"addWorkingDays(on, 36500) > addWorkingDays(on, -36500)", 0},
		{"addDays(on, 9223372036854775807) > on", 0},
		{"addMonths(on, worker.families * 1000000)", 2},
		{"age(child.born, on) < 3", 3},
		{"daysBetween(on, addYears(on, 1)) == 366", 0},
		{"isWorkingDay(on) ? on : addWorkingDays(on, 1)", 2},
		{"worker.families % (worker.families - worker.families) == 0", 0},
		{"1 / 0 > 0", 0},
		{"1 % 0 == 0", 0},
		{"9223372036854775807 + 1 > 0", 0},
		{"-9223372036854775808 / -1 > 0", 0},
		{"\"żółć\" + family.id != \"\"", 0},
		{"family.id matches \"(a+)+$\"", 0},
		{"family.id matches \"[\"", 0},
		{"date(\"2024-13-01\") > on", 0},
		{"duration(\"9999999999h\") > duration(\"1h\")", 0},
		{"string(1..99999) != \"\"", 0},
		{"{\"a\": 1}.a > 0", 0},
		{"[1, 2, 3][worker.families] > 0", 0},
		{"on.Year() > 2020", 0},
		{"#", 0},
		{"", 0},
		{"\x00\xff", 0},
		{"`", 0},
		{"worker.families < 10 &&\n  family.difficulty > 0", 0},
		// A child's date of birth turned into text, then into an error.
		{"int(string(child.born)) > 0", 3},
		{"float(string(child.born)) > 0", 4},
		{"date(string(child.born)) > on", 3},
		{"duration(string(child.born)) > duration(\"1h\")", 3},
		{"[1][daysBetween(child.born, on)] > 0", 3},
		{"addDays(child.born, daysBetween(date(\"1900-01-01\"), child.born))", 5},
		{"get({\"a\": 1}, string(child.born)) > 0", 3},
	} {
		f.Add(seed.expr, seed.kind)
	}
	f.Fuzz(func(t *testing.T, expr string, kind uint8) {
		// kind picks the rule's kind and triggers: 0–2 one trigger of
		// each lifecycle, 3–5 place alone (rules reading child.*).
		k := []string{"guard", "limit", "due"}[kind%3]
		on := []string{"[assign_assistant, place, foster_family.assess]", "place"}[kind/3%2]
		quoted, err := json.Marshal(expr) // a JSON string is a YAML double-quoted scalar
		if err != nil {
			t.Fatal(err)
		}
		src := "name: Gmina Fuzz\nrules:\n  - id: local.fuzz\n    on: " + on + "\n    kind: " + k +
			"\n    expr: " + string(quoted) + "\n    message: {pl: \"Odmowa {assistant.max_families}.\", en: \"Denied.\"}\n"
		const name = "fuzz.yaml"
		cfg, err := rules.ParseConfig(name, []byte(src))
		if err != nil {
			// Only characters YAML does not allow in a file at all, or
			// control characters, which no text may hold.
			checkErrors(t, err, name)
			if errs := rules.AsErrors(err); !errs.Has(rules.CodeSyntax) && !errs.Has(rules.CodeControlChar) {
				t.Fatalf("a generated file is malformed: %v\n%s", err, src)
			}
			return
		}
		if len(cfg.Rules) != 1 {
			t.Fatalf("want one rule, got %d", len(cfg.Rules))
		}
		rs, err := rules.New(cfg)
		if err != nil {
			checkErrors(t, err, name)
			return
		}
		exercise(t, rs)
	})
}
