package rules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// localRule loads expr as the one local rule of a file, of kind k on
// trigger on, and returns the rule set and the rule's program.
func localRule(t *testing.T, expr string, k rules.Kind, severity rules.Severity, on string) (*rules.RuleSet, *rules.Program) {
	t.Helper()
	quoted, err := json.Marshal(expr) // a JSON string is a YAML double-quoted scalar
	require.NoError(t, err)
	src := fmt.Sprintf("rules:\n  - id: local.probe\n    on: %s\n    kind: %s\n    severity: %s\n    expr: %s\n", on, k, severity, quoted)
	if k == rules.KindGuard {
		src += "    message: {pl: odmowa, en: denied}\n"
	}
	rs := loadYAML(t, "gmina.yaml", src)
	p, ok := rs.Program("local.probe")
	require.True(t, ok)
	return rs, p
}

// TestProgram_Eval_dateEdges pins the dates where the VM's round trip
// through time.Time shows: 0001-01-01 is the zero time.Time, which reads
// back as no date (the zero Date), and an as-of date written unnormalised
// (30 February) is normalised (1 March) before any rule sees it.
func TestProgram_Eval_dateEdges(t *testing.T) {
	newYear, feb30 := day("2012-01-01"), rules.Date{Year: 2024, Month: time.February, Day: 30}
	tests := []struct {
		expr   string
		kind   rules.Kind
		on     rules.Date
		urgent bool
		passed bool       // for a guard
		due    rules.Date // for a due rule
	}{
		{expr: `addYears(on, -2011)`, kind: rules.KindDue, on: newYear},
		{expr: `addDays(addYears(on, -2011), 1)`, kind: rules.KindDue, on: newYear},
		{expr: `addMonths(addYears(on, -2011), 0)`, kind: rules.KindDue, on: newYear},
		{expr: `age(addYears(on, -2011), on) > 0`, kind: rules.KindGuard, on: newYear, passed: false},
		{expr: `daysBetween(addYears(on, -2011), on) > 0`, kind: rules.KindGuard, on: newYear, passed: true},
		{expr: `addYears(on, -2011) == addYears(on, -2012)`, kind: rules.KindGuard, on: newYear, passed: false},
		{expr: `on`, kind: rules.KindDue, on: feb30, due: day("2024-03-01")},
		{expr: `addMonths(on, 1)`, kind: rules.KindDue, on: feb30, due: day("2024-04-01")},
		{expr: `family.urgent ? on : addDays(on, 1)`, kind: rules.KindDue, on: feb30, due: day("2024-03-02")},
		{expr: `family.urgent ? on : addDays(on, 1)`, kind: rules.KindDue, on: feb30, urgent: true, due: day("2024-03-01")},
		{expr: `on == date("2024-03-01")`, kind: rules.KindGuard, on: feb30, passed: true},
		{expr: `on < addDays(on, 1) && on >= on && !(on > on)`, kind: rules.KindGuard, on: feb30, passed: true},
		{expr: `addMonths(date("2024-01-31"), 1) == date("2024-02-29")`, kind: rules.KindGuard, on: newYear, passed: true},
		{expr: `addYears(date("2024-02-29"), 1) < date("2025-03-01")`, kind: rules.KindGuard, on: newYear, passed: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s on %s urgent %v", tt.expr, tt.on, tt.urgent), func(t *testing.T) {
			_, p := localRule(t, tt.expr, tt.kind, rules.Block, "assign_assistant")
			res, err := p.Eval(tt.on, &rules.FamilyEnv{Family: rules.Family{Urgent: tt.urgent}})
			require.NoError(t, err)
			if tt.kind == rules.KindDue {
				assert.Equal(t, tt.due, res.Due)
				return
			}
			assert.Equal(t, tt.passed, res.Passed)
		})
	}
}

// leakExprs are rules that turn a child's date of birth into text or into
// a number and then fail at run time, each with the kind of failure that
// must be reported instead of the engine's message (which quoted the date).
var leakExprs = []struct {
	expr string
	want rules.Failure
}{
	{`int(string(child.born)) > 0`, rules.FailConversion},
	{`float(string(child.born)) > 0`, rules.FailConversion},
	{`date(string(child.born)) > on`, rules.FailConversion},
	{`date(string(child.born), "2006") > on`, rules.FailConversion},
	{`duration(string(child.born)) > duration("1h")`, rules.FailConversion},
	{`[1][daysBetween(child.born, on)] > 0`, rules.FailLookup},
	{`get({"a": 1}, string(child.born)) > 0`, rules.FailLookup},
	{`addDays(on, daysBetween(date("1900-01-01"), child.born)) > on`, rules.FailDateRange},
	{`addMonths(child.born, daysBetween(child.born, on) * 10) > on`, rules.FailDateRange},
	{`daysBetween(date("1900-01-01"), child.born) % (child.age - child.age) == 0`, rules.FailArithmetic},
}

// TestRuleSet_Decide_runtimeErrorsCarryNoValues reproduces the leak of a
// child's date of birth through a rule's run-time error (issue: a local
// rule int(string(child.born)) > 0 put "2012-05-06 00:00:00 +0000 UTC" into
// the refusal and, as a warning, into the audit event): the decision, its
// JSON and every error name the rule and the kind of failure only.
func TestRuleSet_Decide_runtimeErrorsCarryNoValues(t *testing.T) {
	const born = "2012-05-06"
	for _, tt := range leakExprs {
		for _, sev := range []rules.Severity{rules.Block, rules.Warn} {
			t.Run(fmt.Sprintf("%s/%s", sev, tt.expr), func(t *testing.T) {
				rs, p := localRule(t, tt.expr, rules.KindGuard, sev, "place")
				env := placement(born, "institution", 0)
				d, err := rs.Decide(trPlace, day("2024-03-01"), env)
				require.NoError(t, err)
				var failed []rules.RuleResult
				if sev == rules.Block {
					assert.False(t, d.Allowed)
					failed = d.Unmet()
				} else {
					assert.True(t, d.Allowed, "a failing warning does not block")
					failed = d.Warnings()
				}
				require.Len(t, failed, 1)
				assert.Equal(t, "local.probe", failed[0].Rule)
				assert.Equal(t, tt.want, failed[0].Error)

				data, err := json.Marshal(d)
				require.NoError(t, err)
				texts := []string{string(data)}
				if derr := d.Err(); derr != nil {
					var denied *rules.DeniedError
					require.True(t, errors.As(derr, &denied))
					texts = append(texts, denied.Localize(rules.Polish), denied.Localize(rules.English))
				}
				_, eerr := p.Eval(day("2024-03-01"), placement(born, "institution", 0))
				var ee *rules.EvalError
				require.True(t, errors.As(eerr, &ee), "%v", eerr)
				assert.Equal(t, tt.want, ee.Failure)
				assert.Equal(t, "gmina.yaml:2", ee.Source)
				texts = append(texts, ee.Localize(rules.Polish), ee.Localize(rules.English), fmt.Sprintf("%+v", eerr))
				for _, s := range texts {
					assert.NotContains(t, s, "2012", "a value in %q", s)
					assert.NotContains(t, s, "05-06", "a value in %q", s)
				}
			})
		}
	}
}

// TestProgram_Due_runtimeErrorCarriesNoValues: the same for a due rule
// evaluated on its own, as the engine evaluates obligations.
func TestProgram_Due_runtimeErrorCarriesNoValues(t *testing.T) {
	_, p := localRule(t, `addYears(child.born, int(string(child.born)))`, rules.KindDue, rules.Block, "place")
	_, err := p.Due(day("2024-03-01"), placement("2012-05-06", "institution", 0))
	require.Error(t, err)
	var ee *rules.EvalError
	require.True(t, errors.As(err, &ee))
	assert.Equal(t, rules.FailConversion, ee.Failure)
	assert.Equal(t, "rules: local.probe (gmina.yaml:2): the expression failed at run time: type conversion; correct the rule, see docs/rules.md", err.Error())
	assert.Equal(t, "rules: local.probe (gmina.yaml:2): wyrażenie nie powiodło się w czasie wykonania: konwersja typu; popraw regułę, zob. docs/rules.md",
		ee.Localize(rules.Polish))
	assert.Nil(t, errors.Unwrap(err), "the engine's error, which quotes the value, is not kept")
}

// TestFailure_Text: every kind has a text in both languages, and an
// unknown kind (an old audit record) reads as a failure at run time.
func TestFailure_Text(t *testing.T) {
	for _, f := range []rules.Failure{rules.FailConversion, rules.FailType, rules.FailArithmetic, rules.FailLookup,
		rules.FailDateRange, rules.FailMemory, rules.FailOther, "invalid operation: int(2012-05-06)"} {
		txt := f.Text()
		assert.True(t, strings.HasPrefix(txt.PL, "wyrażenie nie powiodło się w czasie wykonania"), txt.PL)
		assert.True(t, strings.HasPrefix(txt.EN, "the expression failed at run time"), txt.EN)
		assert.NotContains(t, txt.EN, "2012")
	}
}
