package rules_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/errors")

// errorCases are the files in testdata/errors and the codes each must
// produce, in the order reported.
var errorCases = map[string][]rules.Code{
	"bad_dates.yaml":         {rules.CodeBadDate, rules.CodeBadDate, rules.CodeBadDate, rules.CodeBadDate},
	"block_deep.yaml":        {rules.CodeExprType},
	"block_expr.yaml":        {rules.CodeExprType},
	"ceiling_raised.yaml":    {rules.CodeCeilingRaised},
	"due_not_date.yaml":      {rules.CodeExprType},
	"expr_syntax.yaml":       {rules.CodeExprSyntax},
	"expr_type.yaml":         {rules.CodeExprType},
	"floor_lowered.yaml":     {rules.CodeFloorLowered},
	"guard_not_bool.yaml":    {rules.CodeExprType},
	"json_invalid.json":      {rules.CodeCeilingRaised, rules.CodeUnknownKey, rules.CodeExprType},
	"not_available.yaml":     {rules.CodeExprType, rules.CodeExprType},
	"method_call.yaml":       {rules.CodeExprType, rules.CodeExprType},
	"range.yaml":             {rules.CodeExprType, rules.CodeExprType},
	"now.yaml":               {rules.CodeExprType},
	"out_of_range.yaml":      {rules.CodeOutOfRange},
	"overlap.yaml":           {rules.CodeDuplicate},
	"param_bool_arith.yaml":  {rules.CodeExprType},
	"param_not_literal.yaml": {rules.CodeExprType},
	"param_unknown.yaml":     {rules.CodeExprType},
	"placeholder.yaml":       {rules.CodeMessagePlaceholder},
	"plain_multiline.yaml":   {rules.CodeExprType},
	"rule_id.yaml":           {rules.CodeRuleID},
	"rule_missing.yaml":      {rules.CodeMissing, rules.CodeMissing},
	"statutory_rule.yaml":    {rules.CodeStatutoryRule},
	"unknown_key.yaml":       {rules.CodeUnknownKey, rules.CodeUnknownKey, rules.CodeUnknownKey},
	"unknown_parameter.yaml": {rules.CodeUnknownParam, rules.CodeUnknownParam},
	"unknown_trigger.yaml":   {rules.CodeUnknownTrigger},
	"unfilled_variable.yaml": {rules.CodeUnfilledVar, rules.CodeUnfilledVar, rules.CodeUnfilledVar, rules.CodeUnfilledVar},
	"wrong_type.yaml":        {rules.CodeWrongType, rules.CodeWrongType, rules.CodeWrongType},
	"yaml_syntax.yaml":       {rules.CodeSyntax},
	"all_at_once.yaml": {rules.CodeRuleID, rules.CodeExprType, rules.CodeUnfilledVar, rules.CodeMessagePlaceholder,
		rules.CodeMissing, rules.CodeExprType, rules.CodeExprType},
	"yaml_indentation.yaml": {rules.CodeSyntax},
	"yaml_colon.yaml":       {rules.CodeSyntax},
	"yaml_tab.yaml":         {rules.CodeSyntax},
	"many.yaml": {rules.CodeBadValue, rules.CodeCeilingRaised, rules.CodeFloorLowered, rules.CodeOutOfRange,
		rules.CodeUnknownParam, rules.CodeWrongType, rules.CodeBadDate, rules.CodeRuleID, rules.CodeUnknownTrigger,
		rules.CodeExprType, rules.CodeMissing, rules.CodeUnknownKey},
}

// polishGolden are the cases that also have a Polish golden file.
var polishGolden = []string{"ceiling_raised.yaml", "expr_type.yaml", "many.yaml", "method_call.yaml", "unknown_parameter.yaml", "unfilled_variable.yaml",
	"yaml_syntax.yaml", "all_at_once.yaml", "yaml_indentation.yaml", "yaml_colon.yaml", "yaml_tab.yaml"}

// pointsAt is the text each case's first error must point at (the file's
// text from the error's line and column on).
var pointsAt = map[string]string{
	"bad_dates.yaml":         "2024-02-30}",
	"block_deep.yaml":        `<= "2"`,
	"range.yaml":             "..2000000000",
	"block_expr.yaml":        "dificulty > 0",
	"ceiling_raised.yaml":    "17",
	"due_not_date.yaml":      "worker.families + 30",
	"expr_syntax.yaml":       "+",
	"expr_type.yaml":         `+ "x" > 1`,
	"floor_lowered.yaml":     "8",
	"guard_not_bool.yaml":    "worker.families + 1",
	"json_invalid.json":      "16,",
	"not_available.yaml":     "all(1..1000",
	"method_call.yaml":       "Year()",
	"now.yaml":               "now()",
	"out_of_range.yaml":      "99",
	"overlap.yaml":           "10, from: 2024-06-01",
	"param_bool_arith.yaml":  "+ 1 > worker.families",
	"param_not_literal.yaml": "param(family.id)",
	"param_unknown.yaml":     `"assistant.max_famlies")`,
	"placeholder.yaml":       `pl: "Najwyżej {assistant.max_familes} rodzin."`,
	"plain_multiline.yaml":   "dificulty > 0",
	"rule_id.yaml":           "weighted_caseload",
	"rule_missing.yaml":      "id: local.incomplete",
	"statutory_rule.yaml":    "assistant.max_families",
	"unknown_key.yaml":       "parametry:",
	"unknown_parameter.yaml": "assistant.max_familes: 12",
	"unknown_trigger.yaml":   "assign_assitant]",
	"unfilled_variable.yaml": "worker.fte > 0'",
	"yaml_indentation.yaml":  "expr:",
	"yaml_tab.yaml":          "\tassistant",
	"wrong_type.yaml":        `"dużo"`,
	"many.yaml":              "powiat",
}

func TestLoadFiles_errors_golden(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.*")
	require.NoError(t, err)
	var inputs []string
	for _, f := range files {
		if ext := filepath.Ext(f); ext == ".yaml" || ext == ".json" {
			inputs = append(inputs, f)
		}
	}
	require.Len(t, inputs, len(errorCases), "every file in testdata/errors has a case in errorCases")
	for _, path := range inputs {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			_, err := rules.LoadFiles(path)
			require.Error(t, err)
			var list rules.Errors
			require.True(t, errors.As(err, &list), "LoadFiles returns rules.Errors, got %T", err)
			checkGolden(t, strings.TrimSuffix(path, filepath.Ext(path))+".golden", list.Localize(rules.English)+"\n")
			if slices.Contains(polishGolden, name) {
				checkGolden(t, strings.TrimSuffix(path, filepath.Ext(path))+".pl.golden", list.Localize(rules.Polish)+"\n")
			}
			codes := make([]rules.Code, len(list))
			for i, e := range list {
				codes[i] = e.Code
				assert.Equal(t, path, e.File, "error %d names the file", i)
				assert.NotEmpty(t, e.Msg.PL, "error %d has a Polish message", i)
				assert.NotEmpty(t, e.Msg.EN, "error %d has an English message", i)
			}
			assert.Equal(t, errorCases[name], codes)
			assertSorted(t, list)
			assertPositionsInFile(t, path, list)
			if want, ok := pointsAt[name]; ok {
				assert.Equal(t, want, textAt(t, path, list[0].Line, list[0].Col, utf8.RuneCountInString(want)),
					"%s: the first error points at the offending token", list[0].Position())
			}
		})
	}
}

// checkGolden compares got with the golden file, or rewrites the file
// under -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./rules -run TestLoadFiles_errors_golden -update to create it")
	assert.Equal(t, string(want), got, "%s differs; rerun with -update after checking the change", path)
}

func assertSorted(t *testing.T, list rules.Errors) {
	t.Helper()
	assert.True(t, slices.IsSortedFunc(list, func(a, b *rules.Error) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	}), "errors are sorted by file, line and column:\n%v", list)
}

// assertPositionsInFile checks that every error's line and column lie
// inside the file.
func assertPositionsInFile(t *testing.T, path string, list rules.Errors) {
	t.Helper()
	lines := fileLines(t, path)
	for _, e := range list {
		if !assert.True(t, e.Line >= 1 && e.Line <= len(lines), "%s: line in the file", e.Position()) {
			continue
		}
		if e.Col != 0 {
			assert.LessOrEqual(t, e.Col, utf8.RuneCountInString(lines[e.Line-1])+1, "%s: column in the line", e.Position())
		}
	}
}

func fileLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(string(data), "\n")
}

// textAt returns up to n runes of the file from line:col.
func textAt(t *testing.T, path string, line, col, n int) string {
	t.Helper()
	lines := fileLines(t, path)
	if line < 1 || line > len(lines) || col < 1 {
		return ""
	}
	r := []rune(lines[line-1])
	if col-1 > len(r) {
		return ""
	}
	r = r[col-1:]
	return string(r[:min(n, len(r))])
}

func TestLoadFiles_errors_many(t *testing.T) {
	_, err := rules.LoadFiles("testdata/errors/many.yaml")
	list := rules.AsErrors(err)
	require.Len(t, list, 12, "every problem of the file is reported at once:\n%v", err)
	lines := make([]int, len(list))
	for i, e := range list {
		lines[i] = e.Line
	}
	assert.True(t, slices.IsSorted(lines), "sorted by line: %v", lines)
	assert.True(t, list.Has(rules.CodeCeilingRaised))
	assert.False(t, list.Has(rules.CodeIO))
	for _, e := range list {
		var one *rules.Error
		assert.True(t, errors.As(error(e), &one))
	}
	assert.Len(t, err.(interface{ Unwrap() []error }).Unwrap(), 12, "Errors unwraps to its items")
}

func TestLoadFiles_errors_exprSnippet(t *testing.T) {
	_, err := rules.LoadFiles("testdata/errors/expr_type.yaml")
	list := rules.AsErrors(err)
	require.Len(t, list, 1)
	e := list[0]
	assert.Equal(t, "local.types", e.ID)
	assert.Equal(t, 5, e.Line)
	assert.Equal(t, 27, e.Col)
	assert.Equal(t, " | worker.families + \"x\" > 1\n |                 ^", e.Snippet)
	assert.True(t, strings.HasSuffix(e.Localize(rules.English), e.Snippet))
	assert.NotNil(t, errors.Unwrap(e), "the expr error is wrapped")
}

func TestParseConfig_validFiles(t *testing.T) {
	tests := []struct {
		path   string
		name   string
		level  rules.Level
		params []string
		rules  []string
	}{
		{"testdata/valid/gmina.yaml", "Gmina Przykładowa", rules.LevelMunicipality,
			[]string{"assistant.max_families", "family.post_closure_monitoring"}, []string{"local.weighted_caseload"}},
		{"testdata/valid/gmina_reformatted.yaml", "Gmina Przykładowa", rules.LevelMunicipality,
			[]string{"family.post_closure_monitoring", "assistant.max_families"}, []string{"local.weighted_caseload"}},
		{"testdata/valid/gmina.json", "Gmina JSON", rules.LevelMunicipality,
			[]string{"assistant.max_families", "family.post_closure_monitoring"}, []string{"local.json_weight"}},
		{"testdata/valid/county.yaml", "Powiat Przykładowy", rules.LevelCounty,
			[]string{"assistant.max_families", "coordinator.max_foster_families", "institution.min_age"}, []string{"local.county_check"}},
		{"testdata/valid/ceiling_raised_dated_ok.yaml", "Gmina Historyczna", rules.LevelMunicipality,
			[]string{"assistant.max_families"}, nil},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			cfg, err := rules.ReadConfig(tt.path)
			require.NoError(t, err)
			assert.Equal(t, tt.path, cfg.File)
			assert.Equal(t, tt.name, cfg.Name)
			assert.Equal(t, tt.level, cfg.Level)
			var params, ids []string
			for _, o := range cfg.Parameters {
				params = append(params, o.ID)
				assert.Equal(t, tt.path, o.Source.File)
				assert.Positive(t, o.Source.Line)
			}
			for _, r := range cfg.Rules {
				ids = append(ids, r.ID)
			}
			assert.Equal(t, tt.params, params)
			assert.Equal(t, tt.rules, ids)
			_, err = rules.New(cfg)
			assert.NoError(t, err)
		})
	}
}

func TestParseConfig_values(t *testing.T) {
	cfg, err := rules.ReadConfig("testdata/valid/gmina.yaml")
	require.NoError(t, err)
	require.Len(t, cfg.Parameters, 2)
	plain := cfg.Parameters[0]
	require.Len(t, plain.Values, 1)
	assert.Equal(t, 12, plain.Values[0].Value)
	assert.True(t, plain.Values[0].From.IsZero(), "a plain value has no from")
	assert.Equal(t, rules.Source{File: "testdata/valid/gmina.yaml", Line: 4, Col: 27}, plain.Values[0].Source)
	dated := cfg.Parameters[1]
	require.Len(t, dated.Values, 1)
	assert.Equal(t, 6, dated.Values[0].Value)
	assert.Equal(t, rules.MustParseDate("2024-01-01"), dated.Values[0].From)
	assert.True(t, dated.Values[0].To.IsZero())

	require.Len(t, cfg.Rules, 1)
	r := cfg.Rules[0]
	assert.Equal(t, []string{"assign_assistant"}, r.On)
	assert.Equal(t, rules.KindGuard, r.Kind)
	assert.Equal(t, rules.Block, r.Severity)
	assert.Equal(t, rules.MustParseDate("2024-01-01"), r.From)
	assert.Equal(t, "worker.weight + family.difficulty <= 12 * worker.fte", r.Expr)
	assert.Equal(t, "The assistant's weighted caseload would exceed 12.", r.Message.In(rules.English))
	assert.Equal(t, rules.Source{File: "testdata/valid/gmina.yaml", Line: 8, Col: 9}, r.Source)
}

func TestParseConfig_shapes(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		codes []rules.Code
	}{
		{"empty file", "", nil},
		{"comment only", "# nothing yet\n", nil},
		{"name only", "name: Gmina\n", nil},
		{"top level is a list", "- a\n- b\n", []rules.Code{rules.CodeNotConfig}},
		{"parameters is a list", "parameters: [a]\n", []rules.Code{rules.CodeWrongType}},
		{"rules is a mapping", "rules: {a: b}\n", []rules.Code{rules.CodeWrongType}},
		{"duplicate key", "name: a\nname: b\n", []rules.Code{rules.CodeDuplicate}},
		{"duplicate parameter", "parameters:\n  assistant.max_families: 12\n  assistant.max_families: 11\n", []rules.Code{rules.CodeDuplicate}},
		{"dated value without value", "parameters:\n  assistant.max_families:\n    - {from: 2024-01-01}\n", []rules.Code{rules.CodeMissing}},
		{"bad kind", "rules:\n  - {id: local.a, on: refer, kind: deadline, expr: 'true', message: {pl: a, en: b}}\n", []rules.Code{rules.CodeBadValue}},
		{"bad severity", "rules:\n  - {id: local.a, on: refer, severity: error, expr: 'true', message: {pl: a, en: b}}\n", []rules.Code{rules.CodeBadValue}},
		{"message without en", "rules:\n  - {id: local.a, on: refer, expr: 'true', message: {pl: a}}\n", []rules.Code{rules.CodeMissing}},
		{"rule without id and on", "rules:\n  - {expr: 'true', message: {pl: a, en: b}}\n", []rules.Code{rules.CodeMissing, rules.CodeMissing}},
		{"expr is a list", "rules:\n  - {id: local.a, on: refer, expr: [1], message: {pl: a, en: b}}\n", []rules.Code{rules.CodeWrongType}},
		{"bad level", "level: gmina\n", []rules.Code{rules.CodeBadValue}},
		{"date with time", "parameters:\n  assistant.max_families:\n    - {value: 12, from: 2024-01-01T10:00:00Z}\n", []rules.Code{rules.CodeBadDate}},
		{"float value", "parameters:\n  assistant.max_families: 12.5\n", []rules.Code{rules.CodeWrongType}},
		{"alias", "x: &v 12\nparameters:\n  assistant.max_families: *v\n", []rules.Code{rules.CodeUnknownKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := rules.ParseConfig("t.yaml", []byte(tt.src))
			var codes []rules.Code
			for _, e := range rules.AsErrors(err) {
				codes = append(codes, e.Code)
				assert.Equal(t, "t.yaml", e.File)
			}
			assert.Equal(t, tt.codes, codes, "%v", err)
			if err == nil {
				assert.NotNil(t, cfg)
				assert.Equal(t, rules.LevelMunicipality, cfg.Level)
			}
		})
	}
}

func TestParseConfig_emptyChangesNothing(t *testing.T) {
	cfg, err := rules.ParseConfig("empty.yaml", nil)
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, rules.Statute().Revision(), rs.Revision())
}

func TestReadConfig_missingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nie-ma.yaml")
	_, err := rules.ReadConfig(path)
	list := rules.AsErrors(err)
	require.Len(t, list, 1)
	assert.Equal(t, rules.CodeIO, list[0].Code)
	assert.Equal(t, path, list[0].File)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.NotContains(t, list[0].Msg.EN, path, "the message does not repeat the file name")

	_, err = rules.LoadFiles(path)
	assert.True(t, rules.AsErrors(err).Has(rules.CodeIO))
}

// TestNew_exprPositions checks that expression errors point at the
// offending token however the expression is written in YAML.
func TestNew_exprPositions(t *testing.T) {
	tests := []struct {
		name string
		expr string // the YAML text after "expr:"
		want string // the file text at the reported position
	}{
		{"plain", ` worker.families < family.nope`, "nope"},
		{"double quoted", ` "worker.families < family.nope"`, "nope"},
		{"double quoted with escapes", ` "family.id == \"x\" && family.nope"`, "nope"},
		{"single quoted", ` 'family.id == ''x'' && family.nope'`, "nope"},
		{"literal block", " |\n      worker.families < 10 &&\n      family.nope", "nope"},
		{"literal block, deeper indent", " |\n             worker.families < 10 &&\n               family.nope", "nope"},
		{"folded block", " >\n      worker.families < 10 &&\n      family.nope", "nope"},
		{"plain over lines", " worker.families < 10 &&\n      family.id != \"\" &&\n        family.nope", "nope"},
		{"unicode before", ` family.id != "żółć" && family.nope`, "nope"},
		{"syntax error at end", ` worker.families <`, "<"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "name: x\nrules:\n  - id: local.pos\n    on: assign_assistant\n    expr:" + tt.expr + "\n    message: {pl: a, en: b}\n"
			cfg, err := rules.ParseConfig("pos.yaml", []byte(src))
			require.NoError(t, err)
			_, err = rules.New(cfg)
			list := rules.AsErrors(err)
			require.Len(t, list, 1, "%v", err)
			lines := strings.Split(src, "\n")
			e := list[0]
			require.True(t, e.Line >= 1 && e.Line <= len(lines), "%s", e.Position())
			r := []rune(lines[e.Line-1])
			require.LessOrEqual(t, e.Col-1, len(r), "%s", e.Position())
			got := string(r[e.Col-1:])
			assert.True(t, strings.HasPrefix(got, tt.want), "%s points at %q, want %q\n%s", e.Position(), got, tt.want, src)
		})
	}
}

func TestNew_programmaticConfig(t *testing.T) {
	// A Config built in Go, not parsed: errors fall back on the rule's
	// Source and the values' own sources.
	cfg := &rules.Config{File: "go", Rules: []rules.Rule{{ID: "local.go", On: []string{"assign_assistant"},
		Expr: "worker.families < ", Message: rules.Text{PL: "a", EN: "b"}, Source: rules.Source{File: "go", Line: 3}}},
		Parameters: []rules.Override{{ID: "assistant.max_families", Values: []rules.Value{{Value: 16, Source: rules.Source{File: "go", Line: 1}}}}}}
	_, err := rules.New(cfg)
	list := rules.AsErrors(err)
	require.Len(t, list, 2, "%v", err)
	assert.Equal(t, rules.CodeCeilingRaised, list[0].Code)
	assert.Equal(t, 1, list[0].Line)
	assert.Equal(t, rules.CodeExprSyntax, list[1].Code)
	assert.Equal(t, 3, list[1].Line)

	ok := &rules.Config{File: "go", Rules: []rules.Rule{{ID: "local.go", On: []string{"assign_assistant"},
		Expr: "worker.families < 10", Message: rules.Text{PL: "a", EN: "b"}}}}
	rs, err := rules.New(ok)
	require.NoError(t, err)
	p, found := rs.Program("local.go")
	require.True(t, found)
	assert.Equal(t, []rules.Trigger{{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"},
		{Lifecycle: rules.LifecycleFamily, Name: "reassign_assistant"}}, p.Triggers(),
		"a local rule on assign_assistant also guards reassignments")
	_, err = rules.New(nil, ok)
	assert.NoError(t, err, "nil configs are skipped")
}

func TestParseConfig_deepYAML(t *testing.T) {
	// Deeply nested input must be rejected or parsed quickly, never crash.
	for _, src := range []string{
		strings.Repeat("[", 100000),
		"rules:\n  - id: local.deep\n    on: refer\n    expr: '" + strings.Repeat("(", 200000) + "1" + strings.Repeat(")", 200000) + " > 0'\n    message: {pl: a, en: b}\n",
	} {
		start := time.Now()
		cfg, err := rules.ParseConfig("deep.yaml", []byte(src))
		if err == nil {
			_, err = rules.New(cfg)
		}
		assert.Error(t, err)
		assert.Less(t, time.Since(start), 10*time.Second)
	}
}

func TestNew_exprErrors(t *testing.T) {
	tests := []struct {
		name, kind, expr string
		code             rules.Code
		msg              string // part of the English message
	}{
		{"method on a string", "guard", "family.id.foo() == 1", rules.CodeExprType, "method calls"},
		{"method on a date", "guard", `on.Format("2006") != ""`, rules.CodeExprType, "method calls (such as on.Year()) are not available"},
		{"unterminated string", "guard", `family.id == "abc`, rules.CodeExprSyntax, "a quoted text is not closed"},
		{"dangling operator", "guard", "worker.families +", rules.CodeExprSyntax, "the expression stops short"},
		{"unknown variable", "guard", "worker.familes < 10", rules.CodeExprType, "familes"},
		{"predicate", "guard", "any([1, 2], {# > worker.families})", rules.CodeExprType, "the function any is not available"},
		{"string builder", "guard", `replace(family.id, "a", "b") == ""`, rules.CodeExprType, "the function replace is not available"},
		{"let", "guard", "let n = 1; n > 0", rules.CodeExprType, "let is not available"},
		{"the whole environment", "guard", "$env.family.children < 10", rules.CodeExprType, "$env is not available"},
		{"the whole environment by get", "guard", `get($env, "family").children < 10`, rules.CodeExprType, "$env is not available"},
		{"the parameter maps", "guard", `$env.__param_int["assistant.max_families"] > 0`, rules.CodeExprType, "$env is not available"},
		{"now", "due", "now()", rules.CodeExprType, "never reads the clock"},
		{"deep nesting", "guard", strings.Repeat("(", 101) + "true" + strings.Repeat(")", 101), rules.CodeExprSyntax, "deeper than 100"},
		{"constant division by zero", "guard", "1 % 0 == 0", rules.CodeExprType, "a division by zero"},
		{"limit yields a date", "limit", "on", rules.CodeExprType, "a limit rule must yield a number"},
		{"due yields a bool", "due", "true", rules.CodeExprType, "a due rule must yield a date"},
		{"too big", "guard", strings.Repeat("1 + ", 1000) + "1 > 0", rules.CodeExprType, "the expression is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &rules.Config{File: "go", Rules: []rules.Rule{{ID: "local.x", On: []string{"refer"}, Expr: tt.expr,
				Kind:    map[string]rules.Kind{"guard": rules.KindGuard, "limit": rules.KindLimit, "due": rules.KindDue}[tt.kind],
				Message: rules.Text{PL: "a", EN: "b"}}}}
			_, err := rules.New(cfg)
			list := rules.AsErrors(err)
			require.Len(t, list, 1, "%v", err)
			assert.NotEqual(t, rules.CodeSyntax, list[0].Code)
			assert.Equal(t, tt.code, list[0].Code, "%v", list[0])
			assert.Contains(t, list[0].Msg.EN, tt.msg)
			assert.NotContains(t, list[0].Msg.EN, "cannot be compiled", "no panic inside the compiler")
			assert.NotEmpty(t, list[0].Snippet)
		})
	}
}

func TestNew_sandboxAllows(t *testing.T) {
	// What a municipal rule may reasonably write still compiles and runs.
	for _, expr := range []string{
		`family.basis in ["consent", "court_order"] && worker.families < param("assistant.max_families")`,
		`on >= date("2024-01-01") && daysBetween(on, addMonths(on, 1)) <= 31`,
		`upper(trim(family.id)) != "" || len(family.id) == 0`,
		`max(worker.families, 3) <= 15 && abs(-1) == 1 && round(worker.weight) >= 0`,
		`hasPrefix(family.id, "F") || family.id == ""`,
		`worker.families in 0..14`,
		`isWorkingDay(addWorkingDays(on, param("interview.deadline")))`,
		// date() as a function's argument (it used to fail at run time).
		`daysBetween(on, date("2025-03-10")) == 374 && addDays(date("2024-02-29"), 1) == on && isWorkingDay(date("2025-03-10"))`,
		`on == date("2024-03-01") && date("01.03.2024", "02.01.2006") == on && age(date("2021-03-01"), on) == 3`,
	} {
		cfg := &rules.Config{File: "go", Rules: []rules.Rule{{ID: "local.ok", On: []string{"assign_assistant"}, Expr: expr,
			Message: rules.Text{PL: "a", EN: "b"}}}}
		rs, err := rules.New(cfg)
		if !assert.NoError(t, err, expr) {
			continue
		}
		d, err := rs.Decide(trAssignAssistant, day("2024-03-01"), assignment(3, false))
		require.NoError(t, err)
		for _, r := range d.Rules {
			assert.Empty(t, r.Error, expr)
		}
		assert.True(t, d.Allowed, expr)
	}
}

// TestReadConfig_refusesUnboundedFiles checks that ReadConfig reads only a
// regular file of at most MaxFileSize bytes: a device, a folder or a huge
// file is refused at once, in both languages, without reading it.
func TestReadConfig_refusesUnboundedFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(rules.MaxFileSize+1)) // sparse: no disk used
	require.NoError(t, f.Close())
	atLimit := filepath.Join(dir, "limit.yaml")
	require.NoError(t, os.WriteFile(atLimit, []byte("name: x\n"), 0o644))

	tests := []struct {
		name, path string
		en, pl     string
	}{
		{"device", "/dev/zero", "not a regular file", "nie jest zwykły plik"},
		{"stdin", "/dev/stdin", "not a regular file", "nie jest zwykły plik"},
		{"folder", dir, "it is a folder", "to folder"},
		{"too large", huge, "larger than 10 MiB", "większy niż 10 MiB"},
		{"missing", filepath.Join(dir, "none.yaml"), "the file does not exist", "plik nie istnieje"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.path); err != nil && tt.name != "missing" {
				t.Skipf("%s: %v", tt.path, err)
			}
			cfg, err := rules.ReadConfig(tt.path)
			assert.Nil(t, cfg)
			list := rules.AsErrors(err)
			require.Len(t, list, 1, "%v", err)
			assert.Equal(t, rules.CodeIO, list[0].Code)
			assert.Equal(t, tt.path, list[0].File)
			assert.Contains(t, list[0].Msg.EN, tt.en)
			assert.Contains(t, list[0].Msg.PL, tt.pl)
			assert.NotContains(t, list[0].Msg.PL, "no such file", "no English OS text in Polish")
		})
	}
	_, err = rules.ReadConfig(atLimit)
	assert.NoError(t, err)
}

// TestIOProblem maps file-system errors to texts in both languages, the
// English keeping the system's detail.
func TestIOProblem(t *testing.T) {
	tests := []struct {
		err    error
		pl, en string
	}{
		{&os.PathError{Op: "open", Path: "x", Err: os.ErrNotExist}, "plik nie istnieje", "does not exist"},
		{&os.PathError{Op: "open", Path: "x", Err: os.ErrPermission}, "brak uprawnień", "no permission"},
		{errors.New("disk on fire"), "błąd systemu plików", "(disk on fire)"},
	}
	for _, tt := range tests {
		e := rules.IOProblem("x.yaml", tt.err)
		assert.Equal(t, rules.CodeIO, e.Code)
		assert.Equal(t, "x.yaml", e.File)
		assert.Contains(t, e.Msg.PL, tt.pl)
		assert.Contains(t, e.Msg.EN, tt.en)
		assert.NotContains(t, e.Msg.PL, tt.err.Error())
		assert.ErrorIs(t, e, tt.err)
	}
}

// TestParseConfig_badCharacterPositioned: a control character or invalid
// UTF-8, of which the parser says not where, is reported at its line and
// column, in Polish without the parser's English.
func TestParseConfig_badCharacterPositioned(t *testing.T) {
	for _, tc := range []struct {
		data      string
		line, col int
	}{
		{"name: Gmina\nparameters:\n  x: \"a\x01b\"\n", 3, 8},
		{"name: Gmina\xff\n", 1, 12},
	} {
		_, err := rules.ParseConfig("gmina.yaml", []byte(tc.data))
		errs := rules.AsErrors(err)
		require.Len(t, errs, 1)
		assert.Equal(t, rules.CodeSyntax, errs[0].Code)
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{errs[0].Line, errs[0].Col}, "%q", tc.data)
		assert.NotContains(t, errs[0].Msg.In(rules.Polish), "not allowed")
		assert.NotContains(t, errs[0].Msg.In(rules.Polish), "octet")
	}
}

// TestParseConfig_secondDocumentAndUnplacedErrors: a second YAML document
// is reported (it used to be dropped without a word, a tightening lost),
// and syntax errors the parser gives no line for are placed.
func TestParseConfig_secondDocumentAndUnplacedErrors(t *testing.T) {
	for _, tc := range []struct {
		data      string
		line, col int
		pl        string
	}{
		{"name: A\n---\nparameters:\n  assistant.max_families: 12\n", 2, 1, "drugi dokument"}, // at the ---
		{"name: a: b\n", 1, 1, "dwukropek"},                                                   // the column the parser leaves out: the line's first character
		{"parameters:\n  assistant.max_families: *nope\n", 2, 27, "kotwic"},
	} {
		_, err := rules.ParseConfig("gmina.yaml", []byte(tc.data))
		errs := rules.AsErrors(err)
		require.NotEmpty(t, errs, "%q", tc.data)
		assert.Equal(t, rules.CodeSyntax, errs[0].Code, "%q", tc.data)
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{errs[0].Line, errs[0].Col}, "%q", tc.data)
		assert.Contains(t, errs[0].Msg.In(rules.Polish), tc.pl, "%q", tc.data)
	}
}

// TestNew_keepsItsOwnConfigs: changing a config after New changes nothing
// in the rule set, nor does changing what Configs or Program.Rule return.
func TestNew_keepsItsOwnConfigs(t *testing.T) {
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(`name: Gmina
parameters:
  assistant.max_families: 12
rules:
  - id: local.urgent_first
    on: refer
    expr: "true"
    message: {pl: a, en: b}
`))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	rev := rs.Revision()
	cfg.Rules[0].On[0] = "place"
	cfg.Parameters[0].Values[0].Value = 3
	rs.Configs()[0].Rules[0].On[0] = "place"
	p, ok := rs.Program("local.urgent_first")
	require.True(t, ok)
	p.Rule().On[0] = "place"
	assert.Equal(t, []string{"refer"}, p.Rule().On)
	assert.Equal(t, []string{"refer"}, rs.Configs()[0].Rules[0].On)
	assert.Equal(t, 12, rs.Configs()[0].Parameters[0].Values[0].Value)
	assert.Equal(t, rev, rs.Revision())
}

// TestParseConfig_inertInput: input that would load and do nothing, or
// explain nothing, is refused where it is written.
func TestParseConfig_inertInput(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		code       rules.Code
		line, col  int
	}{
		{"a period that ends before the statute", "parameters:\n  assistant.max_families: {value: 12, to: 2011-12-31}\n", rules.CodeBadDate, 2, 43},
		{"an empty list of values", "parameters:\n  assistant.max_families: []\n", rules.CodeMissing, 2, 27},
		{"a rule on no trigger", "rules:\n  - id: local.x\n    on: []\n    expr: 'true'\n    message: {pl: a, en: b}\n", rules.CodeMissing, 3, 9},
		{"an empty explanation", "rules:\n  - id: local.x\n    on: refer\n    expr: 'true'\n    message: {pl: '', en: b}\n", rules.CodeMissing, 5, 19},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.ParseConfig("gmina.yaml", []byte(tc.data))
			errs := rules.AsErrors(err)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, tc.code, errs[0].Code)
			assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{errs[0].Line, errs[0].Col})
		})
	}
}
