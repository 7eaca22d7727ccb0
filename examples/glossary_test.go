package examples_test

// These tests keep the reference pages in docs/ in step with the code: every
// role, state, trigger, rule, parameter, obligation, environment variable
// and error code the code defines must be named in the page that documents
// it, written as `ID` in backticks. A new identifier without documentation
// fails here, with the page and the ID to add.

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readDoc returns the text of docs/NAME.
func readDoc(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", name))
	require.NoError(t, err)
	return string(data)
}

// assertNamed checks that every ID appears in doc as `ID`.
func assertNamed(t *testing.T, doc, page, what string, ids []string) {
	t.Helper()
	for _, id := range ids {
		assert.True(t, strings.Contains(doc, "`"+id+"`"), "docs/%s does not name the %s `%s`", page, what, id)
	}
}

func roleIDs() []string {
	var out []string
	for _, r := range workflow.Roles {
		out = append(out, string(r))
	}
	return out
}

// stateIDs lists every state of every lifecycle, superstates included,
// without the family's unnamed "declared" state.
func stateIDs() []string {
	var out []string
	for _, l := range rules.Lifecycles {
		for _, s := range workflow.States(l) {
			if s != "" {
				out = append(out, string(s))
			}
		}
	}
	return out
}

// triggerNames lists the triggers users fire (workflow.Triggers) and those
// rules attach to (rules.Triggers, which adds the engine's activate).
func triggerNames() []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, l := range rules.Lifecycles {
		for _, n := range workflow.Triggers(l) {
			add(n)
		}
	}
	for _, tr := range rules.Triggers() {
		add(tr.Name)
	}
	return out
}

func ruleIDs() []string {
	var out []string
	for _, p := range rules.Statute().Programs() {
		out = append(out, p.ID())
	}
	return out
}

func parameterIDs() []string {
	var out []string
	for _, p := range rules.Statute().Parameters() {
		out = append(out, p.ID)
	}
	return out
}

func TestGlossary_namesEverything(t *testing.T) {
	doc := readDoc(t, "glossary.md")
	assertNamed(t, doc, "glossary.md", "role", roleIDs())
	assertNamed(t, doc, "glossary.md", "state", stateIDs())
	assertNamed(t, doc, "glossary.md", "trigger", triggerNames())
	assertNamed(t, doc, "glossary.md", "rule", ruleIDs())
	assertNamed(t, doc, "glossary.md", "parameter", parameterIDs())
	assertNamed(t, doc, "glossary.md", "obligation", workflow.Obligations)
	require.NotEmpty(t, roleIDs())
	require.NotEmpty(t, stateIDs())
	require.NotEmpty(t, ruleIDs())
}

// TestGlossary_ruleBases checks that each statutory rule's legal basis is
// quoted in the glossary as the code states it.
func TestGlossary_ruleBases(t *testing.T) {
	doc := readDoc(t, "glossary.md")
	for _, p := range rules.Statute().Programs() {
		assert.True(t, strings.Contains(doc, p.Rule().Basis), "docs/glossary.md does not give the basis of %s: %s", p.ID(), p.Rule().Basis)
	}
	for _, p := range rules.Statute().Parameters() {
		assert.True(t, strings.Contains(doc, p.Basis), "docs/glossary.md does not give the basis of %s: %s", p.ID, p.Basis)
	}
}

// codeConstants parses the non-test Go files of a package folder and
// returns the values of every string constant declared with type typ
// ("Code" in package rules, "rules.Code" elsewhere).
func codeConstants(t *testing.T, dir, typ string) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if vs.Type == nil || typeName(vs.Type) != typ {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, err := strconv.Unquote(lit.Value)
						require.NoError(t, err)
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

func typeName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			return id.Name + "." + x.Sel.Name
		}
	}
	return ""
}

func TestConfiguration_namesEverything(t *testing.T) {
	doc := readDoc(t, "configuration.md")
	assertNamed(t, doc, "configuration.md", "parameter", parameterIDs())
	codes := codeConstants(t, filepath.Join("..", "rules"), "Code")
	require.Contains(t, codes, string(rules.CodeCeilingRaised), "the parser found the rules.Code constants")
	assertNamed(t, doc, "configuration.md", "error code", codes)
	for _, c := range codes {
		assert.True(t, strings.Contains(doc, "["+c+"]"), "docs/configuration.md shows no `asysta check` line ending in [%s]", c)
	}
}

// TestConfiguration_parameterTable checks each parameter's row of the table
// in docs/configuration.md against the catalogue: unit, direction, range and
// every statutory value.
func TestConfiguration_parameterTable(t *testing.T) {
	doc := readDoc(t, "configuration.md")
	rows := map[string]string{}
	for _, line := range strings.Split(doc, "\n") {
		if m := regexp.MustCompile("^\\| `([a-z_.]+)` \\|").FindStringSubmatch(line); m != nil {
			rows[m[1]] = line
		}
	}
	for _, p := range rules.Statute().Parameters() {
		row, ok := rows[p.ID]
		if !assert.True(t, ok, "docs/configuration.md has no table row starting | `%s` |", p.ID) {
			continue
		}
		assert.Contains(t, row, string(p.Unit), "%s: unit", p.ID)
		assert.Contains(t, row, p.Direction.String(), "%s: direction", p.ID)
		if p.Type == rules.TypeInt {
			assert.Contains(t, row, fmt.Sprintf("%d–%d", p.Min, p.Max), "%s: allowed range", p.ID)
		}
		for _, v := range p.History {
			assert.Contains(t, row, fmt.Sprint(v.Value), "%s: statutory value %v", p.ID, v.Value)
			if v.From != rules.StatuteStart {
				assert.Contains(t, row, v.From.String(), "%s: the date %v takes effect", p.ID, v.Value)
			}
			if !v.To.IsZero() {
				assert.Contains(t, row, v.To.String(), "%s: the last day of %v", p.ID, v.Value)
			}
		}
	}
}

// exprNames lists the expr names of a struct's fields, dotted, recursing
// into nested structs (time.Time is a leaf) and embedded ones, and
// skipping internal names that start with "__".
func exprNames(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("expr")
		if f.Anonymous && tag == "" {
			out = append(out, exprNames(f.Type, prefix)...)
			continue
		}
		if tag == "" || strings.HasPrefix(tag, "__") {
			continue
		}
		name := prefix + tag
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Time]() {
			out = append(out, exprNames(f.Type, name+".")...)
			continue
		}
		out = append(out, name)
	}
	return out
}

func TestRules_namesEverything(t *testing.T) {
	doc := readDoc(t, "rules.md")
	assertNamed(t, doc, "rules.md", "trigger", triggerNames())
	for _, env := range []any{rules.FamilyEnv{}, rules.ChildEnv{}, rules.FosterFamilyEnv{}} {
		names := exprNames(reflect.TypeOf(env), "")
		require.Contains(t, names, "on")
		require.Contains(t, names, "actor.role")
		assertNamed(t, doc, "rules.md", fmt.Sprintf("variable of %T", env), names)
	}
	assertNamed(t, doc, "rules.md", "rule", ruleIDs())
}

// TestRules_statutoryExpressions checks that docs/rules.md quotes every
// statutory rule's expression verbatim.
func TestRules_statutoryExpressions(t *testing.T) {
	doc := readDoc(t, "rules.md")
	for _, p := range rules.Statute().Programs() {
		assert.True(t, strings.Contains(doc, p.Rule().Expr), "docs/rules.md does not quote the expression of %s verbatim:\n%s", p.ID(), p.Rule().Expr)
	}
}

func TestScenarios_namesEverything(t *testing.T) {
	doc := readDoc(t, "scenarios.md")
	codes := codeConstants(t, filepath.Join("..", "workflow", "scenario"), "rules.Code")
	require.Contains(t, codes, string(scenario.CodeUnknownID), "the parser found the scenario codes")
	assertNamed(t, doc, "scenarios.md", "scenario code", codes)
	assertNamed(t, doc, "scenarios.md", "obligation", workflow.Obligations)
	for _, c := range []string{"ok", "denied", "forbidden", "invalid", "argument", "state", "due", "not_due", "overdue", "load"} {
		assert.True(t, strings.Contains(doc, "`"+c+"`"), "docs/scenarios.md does not name the key `%s`", c)
	}
}

// fencedYAML matches a fenced block of YAML in Markdown.
var fencedYAML = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// docBlocks returns the bodies of the fenced ```yaml blocks of a page.
func docBlocks(t *testing.T, page string) []string {
	var out []string
	for _, m := range fencedYAML.FindAllStringSubmatch(readDoc(t, page), -1) {
		out = append(out, m[1])
	}
	return out
}

// TestDocs_configExamples loads every configuration file shown in
// docs/configuration.md and docs/rules.md: a yaml block with a top-level
// parameters: or rules: key must load without problems, unless its first
// line says "# this file has errors", in which case it must fail.
func TestDocs_configExamples(t *testing.T) {
	topKey := regexp.MustCompile(`(?m)^(parameters|rules):`)
	for _, page := range []string{"configuration.md", "rules.md"} {
		n := 0
		for i, block := range docBlocks(t, page) {
			if !topKey.MatchString(block) {
				continue
			}
			n++
			name := fmt.Sprintf("docs/%s block %d", page, i+1)
			cfg, err := rules.ParseConfig(name, []byte(block))
			if err == nil {
				_, err = rules.New(cfg)
			}
			if strings.HasPrefix(block, "# this file has errors") {
				assert.Error(t, err, "%s is meant to show errors", name)
				continue
			}
			if errs := rules.AsErrors(err); errs != nil {
				t.Errorf("%s:\n%s", name, errs.Localize(rules.English))
			} else {
				assert.NoError(t, err, name)
			}
		}
		assert.Positive(t, n, "docs/%s shows configuration files", page)
	}
}

// TestDocs_scenarioExamples runs every complete scenario shown in
// docs/scenarios.md (a yaml block with top-level name: and steps: keys and
// no config:), which must pass; one whose first line says "# this file has
// errors" must be reported as malformed instead.
func TestDocs_scenarioExamples(t *testing.T) {
	whole := regexp.MustCompile(`(?m)^name:`)
	steps := regexp.MustCompile(`(?m)^steps:`)
	config := regexp.MustCompile(`(?m)^config:`)
	n := 0
	for i, block := range docBlocks(t, "scenarios.md") {
		if !whole.MatchString(block) || !steps.MatchString(block) || config.MatchString(block) {
			continue
		}
		n++
		name := fmt.Sprintf("docs/scenarios.md block %d", i+1)
		s, rs, err := scenario.Parse(name, []byte(block))
		if strings.HasPrefix(block, "# this file has errors") {
			assert.NotEmpty(t, rules.AsErrors(err), "%s is meant to show problems", name)
			continue
		}
		if errs := rules.AsErrors(err); errs != nil {
			t.Errorf("%s:\n%s", name, errs.Localize(rules.English))
			continue
		}
		require.NoError(t, err, name)
		rep, err := s.Run(context.Background(), rs)
		require.NoError(t, err, name)
		for _, f := range rep.Failures {
			t.Error(f.Localize(rules.English))
		}
	}
	assert.Positive(t, n, "docs/scenarios.md shows a complete scenario")
}

// TestDocs_story is the Go story shown in docs/scenarios.md; keep the two
// the same.
func TestDocs_story(t *testing.T) {
	st := scenario.NewStory("consent first, then the assistant").
		Worker("SW1", workflow.SocialWorker).
		Worker("H1", workflow.OPSHead).
		Worker("A1", workflow.FamilyAssistant).
		Family("F01", 1.5)
	st.At("2025-03-03").Do("F01", "refer").By("SW1").
		Due("F01", "interview", "2025-03-21")
	st.At("2025-03-10").Do("F01", "complete_interview").By("SW1")
	st.At("2025-03-11").Do("F01", "request_assistant").By("SW1")
	st.At("2025-03-12").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").
		Denied("assistant.basis_required")
	st.At("2025-03-13").Do("F01", "give_consent").By("SW1")
	st.At("2025-03-13").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").
		State("F01", "assistant_work").
		Due("F01", "family_assessment", "2025-09-13").
		Load("A1", 1)
	st.At("2025-03-14").Do("F01", "approve_plan").By("SW1").Forbidden()
	st.At("2025-03-14").Do("F01", "assess").By("A1").With("result", "excellent").ArgumentError()
	st.At("2025-09-14").Overdue("F01", "family_assessment")
	st.Test(t)
}
