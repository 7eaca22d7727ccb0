package rules_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

const (
	gminaFile  = "testdata/valid/gmina.yaml"
	countyFile = "testdata/valid/county.yaml"
)

// writeFile writes a configuration file into a temporary folder.
func writeFile(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

func paramSource(t *testing.T, rs *rules.RuleSet, id, on string) (any, string) {
	t.Helper()
	v, ok := rs.Param(id, day(on))
	require.True(t, ok, "%s on %s", id, on)
	return v.Value, v.Source.String()
}

func TestLoadFiles_layers(t *testing.T) {
	rs, err := rules.LoadFiles(countyFile, gminaFile)
	require.NoError(t, err)
	tests := []struct {
		id, on string
		value  any
		source string
	}{
		{"assistant.max_families", "2024-03-01", 12, gminaFile + ":4"}, // the municipality overrides the county
		{"assistant.max_families", "2013-03-01", 12, gminaFile + ":4"}, // a plain value applies from the statute's start
		{"coordinator.max_foster_families", "2024-03-01", 12, countyFile + ":5"},
		{"institution.min_age", "2024-03-01", 12, countyFile + ":6"},
		{"institution.min_age", "2012-03-01", 12, countyFile + ":6"},
		{"family.post_closure_monitoring", "2023-12-31", 0, "statute"},
		{"family.post_closure_monitoring", "2024-01-01", 6, gminaFile + ":6"},
		{"interview.deadline", "2024-03-01", 14, "statute"},
	}
	for _, tt := range tests {
		value, source := paramSource(t, rs, tt.id, tt.on)
		assert.Equal(t, tt.value, value, "%s on %s", tt.id, tt.on)
		assert.Equal(t, tt.source, source, "%s on %s", tt.id, tt.on)
	}
	require.Len(t, rs.Configs(), 2)
	assert.Equal(t, rules.LevelCounty, rs.Configs()[0].Level, "layers are ordered by level")
	assert.Contains(t, rs.String(), countyFile)

	reversed, err := rules.LoadFiles(gminaFile, countyFile)
	require.NoError(t, err)
	assert.Equal(t, rs.Revision(), reversed.Revision(), "files are layered by level, not by the order given")
	value, _ := paramSource(t, reversed, "assistant.max_families", "2024-03-01")
	assert.Equal(t, 12, value)
}

func TestLoadFiles_sameLevelLaterWins(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.yaml", "parameters:\n  assistant.max_families: 12\n  interview.deadline: 10\n")
	b := writeFile(t, dir, "b.yaml", "parameters:\n  assistant.max_families:\n    - {value: 10, from: 2024-01-01, to: 2024-12-31}\n")
	rs, err := rules.LoadFiles(a, b)
	require.NoError(t, err)
	for _, tt := range []struct {
		on     string
		value  int
		source string
	}{
		{"2023-12-31", 12, a + ":2"},
		{"2024-01-01", 10, b + ":3"},
		{"2024-12-31", 10, b + ":3"},
		{"2025-01-01", 12, a + ":2"}, // b's value ended: a's shows through
	} {
		value, source := paramSource(t, rs, "assistant.max_families", tt.on)
		assert.Equal(t, tt.value, value, tt.on)
		assert.Equal(t, tt.source, source, tt.on)
	}
	v, _ := rs.Param("assistant.max_families", day("2024-06-01"))
	assert.Equal(t, day("2024-01-01"), v.From)
	assert.Equal(t, day("2024-12-31"), v.To)
}

func TestLoadFiles_everyLayerCheckedAgainstStatute(t *testing.T) {
	dir := t.TempDir()
	county := writeFile(t, dir, "county.yaml", "level: county\nparameters:\n  assistant.max_families: 16\n")
	gmina := writeFile(t, dir, "gmina.yaml", "parameters:\n  assistant.max_families: 12\n")
	_, err := rules.LoadFiles(county, gmina)
	list := rules.AsErrors(err)
	require.Len(t, list, 1, "%v", err)
	assert.Equal(t, county, list[0].File, "the county's raised ceiling is an error though the municipality lowers it again")
	assert.Equal(t, rules.CodeCeilingRaised, list[0].Code)

	// A municipality may set a ceiling above its county's: each layer is
	// checked against the statute only.
	county = writeFile(t, dir, "county.yaml", "level: county\nparameters:\n  assistant.max_families: 10\n")
	gmina = writeFile(t, dir, "gmina.yaml", "parameters:\n  assistant.max_families: 13\n")
	rs, err := rules.LoadFiles(county, gmina)
	require.NoError(t, err)
	value, _ := paramSource(t, rs, "assistant.max_families", "2024-03-01")
	assert.Equal(t, 13, value)
}

func TestLoadFiles_datedCeilingBefore2015(t *testing.T) {
	rs, err := rules.LoadFiles("testdata/valid/ceiling_raised_dated_ok.yaml")
	require.NoError(t, err)
	for _, tt := range []struct {
		on     string
		value  int
		source string
	}{
		{"2012-06-01", 20, "statute"},
		{"2013-01-01", 18, "testdata/valid/ceiling_raised_dated_ok.yaml:5"},
		{"2014-12-31", 18, "testdata/valid/ceiling_raised_dated_ok.yaml:5"},
		{"2015-01-01", 15, "statute"},
	} {
		value, source := paramSource(t, rs, "assistant.max_families", tt.on)
		assert.Equal(t, tt.value, value, tt.on)
		assert.Equal(t, tt.source, source, tt.on)
	}
	// The same 18 a day longer reaches into 2015.
	_, err = rules.New(mustParse(t, "x.yaml", "parameters:\n  assistant.max_families:\n    - {value: 18, from: 2013-01-01, to: 2015-01-01}\n"))
	assert.True(t, rules.AsErrors(err).Has(rules.CodeCeilingRaised))
	// And a value dated before the statute is refused.
	_, err = rules.New(mustParse(t, "x.yaml", "parameters:\n  assistant.max_families:\n    - {value: 12, from: 2011-01-01}\n"))
	assert.True(t, rules.AsErrors(err).Has(rules.CodeNotInForce))
}

func mustParse(t *testing.T, name, src string) *rules.Config {
	t.Helper()
	cfg, err := rules.ParseConfig(name, []byte(src))
	require.NoError(t, err)
	return cfg
}

func TestLoadFiles_oneBadFile(t *testing.T) {
	bad := "testdata/errors/expr_type.yaml"
	_, err := rules.LoadFiles(gminaFile, bad)
	list := rules.AsErrors(err)
	require.NotEmpty(t, list)
	for _, e := range list {
		assert.Equal(t, bad, e.File, "only the bad file's problems: %v", e)
	}
	assert.True(t, list.Has(rules.CodeExprType))

	// A syntax error in one file, substance errors in another: both.
	_, err = rules.LoadFiles("testdata/errors/yaml_syntax.yaml", "testdata/errors/ceiling_raised.yaml", gminaFile)
	list = rules.AsErrors(err)
	require.Len(t, list, 2, "%v", err)
	assert.Equal(t, "testdata/errors/ceiling_raised.yaml", list[0].File, "sorted by file")
	assert.Equal(t, rules.CodeCeilingRaised, list[0].Code)
	assert.Equal(t, rules.CodeSyntax, list[1].Code)
}

func TestLoadFiles_duplicateLocalRule(t *testing.T) {
	dir := t.TempDir()
	other := writeFile(t, dir, "other.yaml", `rules:
  - id: local.weighted_caseload
    on: assign_assistant
    expr: worker.weight <= 10
    message: {pl: "Za dużo.", en: "Too many."}
`)
	_, err := rules.LoadFiles(gminaFile, other)
	list := rules.AsErrors(err)
	require.Len(t, list, 1, "%v", err)
	assert.Equal(t, rules.CodeDuplicate, list[0].Code)
	assert.Equal(t, other, list[0].File)
	assert.Equal(t, 2, list[0].Line)
	assert.Equal(t, "local.weighted_caseload", list[0].ID)
	assert.Contains(t, list[0].Msg.EN, gminaFile+":8")

	// Twice in one file, too.
	_, err = rules.New(mustParse(t, "twice.yaml", `rules:
  - {id: local.a, on: refer, expr: "true", message: {pl: a, en: a}}
  - {id: local.a, on: refer, expr: "false", message: {pl: b, en: b}}
`))
	assert.True(t, rules.AsErrors(err).Has(rules.CodeDuplicate))
}

func TestRuleSet_Revision(t *testing.T) {
	load := func(paths ...string) string {
		t.Helper()
		rs, err := rules.LoadFiles(paths...)
		require.NoError(t, err)
		return rs.Revision()
	}
	gmina := load(gminaFile)
	assert.Len(t, gmina, 64)
	assert.Equal(t, gmina, load(gminaFile), "deterministic")
	assert.Equal(t, gmina, load("testdata/valid/gmina_reformatted.yaml"), "comments, key order and flow vs block style do not count")
	assert.NotEqual(t, gmina, load("testdata/valid/gmina_changed.yaml"), "a changed value changes the revision")
	assert.NotEqual(t, gmina, rules.Statute().Revision())
	assert.Equal(t, rules.Statute().Revision(), load(), "no files: the statute")

	dir := t.TempDir()
	renamed := writeFile(t, dir, "elsewhere.yaml", mustRead(t, gminaFile))
	assert.Equal(t, gmina, load(renamed), "the file's name and place do not count")
	msg := writeFile(t, dir, "msg.yaml", strings.Replace(mustRead(t, gminaFile), "przekracza 12.", "przekracza 12!", 1))
	assert.NotEqual(t, gmina, load(msg), "a changed message changes the revision")
	from := writeFile(t, dir, "from.yaml", strings.Replace(mustRead(t, gminaFile), "from: 2024-01-01                          #", "from: 2024-02-01 #", 1))
	assert.NotEqual(t, gmina, load(from), "a changed rule date changes the revision")
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

func TestRuleSet_Params_sources(t *testing.T) {
	rs, err := rules.LoadFiles(gminaFile)
	require.NoError(t, err)
	list := rs.Params(day("2024-06-01"))
	require.NotEmpty(t, list)
	sources := map[string]string{}
	for _, v := range list {
		sources[v.ID] = v.Source.String()
		assert.NotEmpty(t, v.Basis, v.ID)
		assert.NotEmpty(t, v.Unit, v.ID)
	}
	assert.Equal(t, gminaFile+":4", sources["assistant.max_families"])
	assert.Equal(t, gminaFile+":6", sources["family.post_closure_monitoring"])
	assert.Equal(t, "statute", sources["interview.deadline"])
}

func TestRuleSet_localRule_inForce(t *testing.T) {
	rs, err := rules.LoadFiles(gminaFile)
	require.NoError(t, err)
	heavy := func(fte float64) *rules.FamilyEnv {
		env := assignment(5, false)
		env.Worker.Weight = 11.5
		env.Worker.FTE = fte
		return env
	}
	light := assignment(5, false)
	light.Worker.Weight = 5
	runGuardCases(t, []guardCase{
		{name: "before from: not in force", rs: rs, t: trAssignAssistant, on: "2023-12-31", env: heavy(1)},
		{name: "from: in force, 12.5 > 12", rs: rs, t: trAssignAssistant, on: "2024-01-01", env: heavy(1), denied: []string{"local.weighted_caseload"}},
		{name: "light caseload", rs: rs, t: trAssignAssistant, on: "2024-01-01", env: light},
		{name: "half time: 6 > 12 * 0.5", rs: rs, t: trAssignAssistant, on: "2024-06-01", env: func() *rules.FamilyEnv {
			e := assignment(5, false)
			e.Worker.Weight, e.Worker.FTE = 5.5, 0.5
			return e
		}(), denied: []string{"local.weighted_caseload"}},
		{name: "cap and weight together", rs: rs, t: trAssignAssistant, on: "2024-06-01", env: func() *rules.FamilyEnv {
			e := assignment(12, false)
			e.Worker.Weight = 12
			return e
		}(), denied: []string{"assistant.max_families", "local.weighted_caseload"}},
	})

	d, err := rs.Decide(trAssignAssistant, day("2024-01-01"), heavy(1))
	require.NoError(t, err)
	u := d.Unmet()
	require.Len(t, u, 1)
	assert.Equal(t, gminaFile+":8", u[0].Source)
	assert.Equal(t, "Łączna trudność spraw asystenta przekracza 12.", u[0].Message.In(rules.Polish))
	assert.Equal(t, "The assistant's weighted caseload would exceed 12.", u[0].Message.In(rules.English))

	d, err = rs.Decide(trAssignAssistant, day("2023-12-31"), heavy(1))
	require.NoError(t, err)
	for _, r := range d.Rules {
		assert.NotEqual(t, "local.weighted_caseload", r.Rule, "a rule not in force is not consulted")
	}
	on := rs.ProgramsOn(trAssignAssistant)
	require.NotEmpty(t, on)
	assert.Equal(t, "local.weighted_caseload", on[len(on)-1].ID(), "local rules come after the statute's")
	local := on[len(on)-1].Rule()
	assert.True(t, local.InForce(day("2024-01-01")))
	assert.False(t, local.InForce(day("2023-12-31")))
}

func TestRuleSet_localRule_to(t *testing.T) {
	rs := loadYAML(t, "gmina.yaml", `rules:
  - id: local.pilot
    on: family.assign_assistant
    from: 2024-01-01
    to: 2024-06-30
    expr: family.difficulty <= 2
    message: {pl: "Pilotaż: tylko lżejsze sprawy.", en: "Pilot: lighter cases only."}
`)
	hard := assignment(0, false)
	hard.Family.Difficulty = 3
	runGuardCases(t, []guardCase{
		{name: "before", rs: rs, t: trAssignAssistant, on: "2023-12-31", env: hard},
		{name: "first day", rs: rs, t: trAssignAssistant, on: "2024-01-01", env: hard, denied: []string{"local.pilot"}},
		{name: "last day", rs: rs, t: trAssignAssistant, on: "2024-06-30", env: hard, denied: []string{"local.pilot"}},
		{name: "after", rs: rs, t: trAssignAssistant, on: "2024-07-01", env: hard},
	})
}

func TestRuleSet_localRule_warn(t *testing.T) {
	rs, err := rules.LoadFiles(countyFile)
	require.NoError(t, err)
	env := placement("2008-01-01", "institution", 11)
	d, err := rs.Decide(trPlace, day("2024-03-01"), env)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "a warn rule lets the trigger through")
	assert.NoError(t, d.Err())
	assert.Empty(t, d.Unmet())
	require.Len(t, d.Warnings(), 1)
	w := d.Warnings()[0]
	assert.Equal(t, "local.county_check", w.Rule)
	assert.Equal(t, rules.Warn, w.Severity)
	assert.Equal(t, "The institution is nearly full.", w.Message.EN)
	assert.Equal(t, countyFile+":8", w.Source)

	// The county raised the minimum age to 12.
	young := placement("2013-01-01", "institution", 0)
	d, err = rs.Decide(trPlace, day("2024-03-01"), young)
	require.NoError(t, err)
	require.Len(t, d.Unmet(), 1)
	assert.Equal(t, "institution.min_age", d.Unmet()[0].Rule)
	assert.Contains(t, d.Unmet()[0].Message.PL, "powyżej 12. roku życia")
}

func TestRuleSet_localRule_runtimeErrorFailsClosed(t *testing.T) {
	tests := []struct {
		name, expr string
		want       rules.Failure
		en         string
	}{
		{"integer division by zero", "worker.families % (worker.families - worker.families) == 0", rules.FailArithmetic, "run time: division by zero"},
		{"date arithmetic out of range", "addDays(on, worker.families * 100000) > on", rules.FailDateRange, "a date shifted out of range"},
		{"index out of range", "[1, 2, 3][worker.families] > 0", rules.FailLookup, "a lookup out of range"},
		{"conversion of a missing value", "int(first([])) > worker.families", rules.FailOther, "the expression failed at run time; correct the rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := loadYAML(t, "gmina.yaml", fmt.Sprintf(`rules:
  - id: local.fragile
    on: assign_assistant
    expr: '%s'
    message: {pl: "Reguła zawiodła.", en: "The rule failed."}
`, tt.expr))
			d, err := rs.Decide(trAssignAssistant, day("2024-03-01"), assignment(5, false))
			require.NoError(t, err, "a failing rule is a refusal, not an error of Decide")
			assert.False(t, d.Allowed, "the rules fail closed")
			u := d.Unmet()
			require.Len(t, u, 1)
			assert.Equal(t, "local.fragile", u[0].Rule)
			assert.False(t, u[0].Passed)
			assert.Equal(t, tt.want, u[0].Error)
			assert.Equal(t, "The rule failed.", u[0].Message.EN)
			assert.Contains(t, d.Err().Error(), tt.want.Text().EN)
			assert.Contains(t, tt.want.Text().EN, tt.en)
			var denied *rules.DeniedError
			require.ErrorAs(t, d.Err(), &denied)
			assert.Contains(t, denied.Localize(rules.Polish), "wyrażenie nie powiodło się w czasie wykonania")
			assert.NotContains(t, d.Err().Error(), "5", "errors name the rule and the kind, never the input")
		})
	}
}

func TestRuleSet_localRule_params(t *testing.T) {
	src := `parameters:
  assistant.count_za_zyciem_in_cap: false
rules:
  - id: local.za_zyciem_only_small
    on: assign_assistant
    expr: param("assistant.count_za_zyciem_in_cap") || !family.za_zyciem || worker.families < param("assistant.max_families") - 5
    message: {pl: "Najwyżej {assistant.max_families} rodzin.", en: "At most {assistant.max_families} families."}
`
	rs := loadYAML(t, "gmina.yaml", src)
	p, ok := rs.Program("local.za_zyciem_only_small")
	require.True(t, ok)
	assert.Equal(t, []string{"assistant.count_za_zyciem_in_cap", "assistant.max_families"}, p.Params(rules.LifecycleFamily))
	assert.Nil(t, p.Params(rules.LifecycleChild))
	d, err := rs.Decide(trAssignAssistant, day("2024-03-01"), assignment(10, true))
	require.NoError(t, err)
	require.Len(t, d.Unmet(), 1)
	assert.Equal(t, "At most 15 families.", d.Unmet()[0].Message.EN, "placeholders render the value in force")
	sources := map[string]string{}
	for _, u := range d.Params {
		sources[u.ID] = u.Source
	}
	assert.Equal(t, "gmina.yaml:2", sources["assistant.count_za_zyciem_in_cap"])
}

func TestRuleSet_localRule_bothLifecycles(t *testing.T) {
	// A bare trigger name attaches the rule wherever the trigger exists, so
	// it must type-check in each lifecycle.
	_, err := rules.New(mustParse(t, "gmina.yaml", `rules:
  - id: local.assess
    on: assess
    expr: family.difficulty < 3
    message: {pl: "a", en: "b"}
`))
	list := rules.AsErrors(err)
	require.Len(t, list, 1, "%v", err)
	assert.Contains(t, list[0].Msg.EN, "lifecycle foster_family")

	rs := loadYAML(t, "gmina.yaml", `rules:
  - id: local.assess
    on: assess
    expr: args.result != ""
    message: {pl: "Podaj wynik oceny.", en: "Give the assessment's result."}
`)
	p, ok := rs.Program("local.assess")
	require.True(t, ok)
	assert.ElementsMatch(t, []rules.Trigger{{Lifecycle: rules.LifecycleFamily, Name: "assess"}, {Lifecycle: rules.LifecycleFosterFamily, Name: "assess"}}, p.Triggers())
	d, err := rs.Decide(rules.Trigger{Lifecycle: rules.LifecycleFosterFamily, Name: "assess"}, day("2024-03-01"), &rules.FosterFamilyEnv{})
	require.NoError(t, err)
	assert.False(t, d.Allowed)
}

func TestRuleSet_Decide_concurrent(t *testing.T) {
	rs, err := rules.LoadFiles(countyFile, gminaFile)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				families := (g + i) % 20
				env := assignment(families, i%3 == 0)
				env.Worker.Weight = float64(families) / 2
				d, err := rs.Decide(trAssignAssistant, day("2024-03-01"), env)
				if err != nil {
					t.Error(err)
					return
				}
				if want := families < 12; d.Allowed != want {
					t.Errorf("goroutine %d: %d families: allowed %v, want %v", g, families, d.Allowed, want)
				}
				child := placement("2010-01-01", "institution", i%16)
				d, err = rs.Decide(trPlace, day("2024-03-01"), child)
				if err != nil {
					t.Error(err)
					return
				}
				if want := i%16 < 14; d.Allowed != want {
					t.Errorf("goroutine %d: %d children: allowed %v, want %v", g, i%16, d.Allowed, want)
				}
				due, err := rs.Due("due.monitoring_end", day("2024-08-31"), &rules.FamilyEnv{})
				if err != nil || due != day("2025-02-28") {
					t.Errorf("goroutine %d: due %s, %v", g, due, err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestRuleSet_Guarded(t *testing.T) {
	rs := rules.Statute()
	for _, tc := range []struct {
		t    rules.Trigger
		want bool
	}{
		{rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"}, true},
		{rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assess"}, true},    // a warning and a due rule
		{rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "end_work"}, false}, // a due rule only
		{rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "refer"}, false},
		{rules.Trigger{Lifecycle: rules.LifecycleChild, Name: "move"}, true},
		{rules.Trigger{Lifecycle: rules.LifecycleChild, Name: "place"}, true}, // guards and a warning
		{rules.Trigger{Lifecycle: rules.LifecycleFosterFamily, Name: "assign_coordinator"}, true},
		{rules.Trigger{Lifecycle: rules.LifecycleFosterFamily, Name: "nonexistent"}, false},
	} {
		assert.Equal(t, tc.want, rs.Guarded(tc.t), "%s", tc.t)
	}
}

// TestRuleSet_DecideWith: DecideWith decides as Decide does, for every
// trigger on dates across the epochs (and before the statute), and builds
// the environment only when a guard in force reads it.
func TestRuleSet_DecideWith(t *testing.T) {
	local, err := rules.LoadFiles(gminaFile)
	require.NoError(t, err)
	envOf := func(l rules.Lifecycle) rules.Env {
		switch l {
		case rules.LifecycleChild:
			return &rules.ChildEnv{Child: rules.Child{Born: day("2015-03-01").Time()}, Carer: rules.Carer{Form: "institution", Children: 14}}
		case rules.LifecycleFosterFamily:
			return &rules.FosterFamilyEnv{Worker: rules.Worker{FosterFamilies: 15}}
		}
		return assignment(14, false)
	}
	for _, rs := range []*rules.RuleSet{rules.Statute(), local} {
		for _, tr := range rules.Triggers() {
			for _, on := range []string{"2011-12-31", "2012-01-01", "2014-12-31", "2015-01-01", "2024-06-01"} {
				want, wantErr := rs.Decide(tr, day(on), envOf(tr.Lifecycle))
				built := false
				got, err := rs.DecideWith(tr, day(on), func() (rules.Env, error) { built = true; return envOf(tr.Lifecycle), nil })
				assert.Equal(t, wantErr, err, "%s on %s", tr, on)
				assert.Equal(t, want, got, "%s on %s", tr, on)
				guarded := false
				for _, p := range rs.ProgramsOn(tr) {
					r := p.Rule()
					guarded = guarded || r.Kind == rules.KindGuard && r.InForce(day(on))
				}
				assert.Equal(t, guarded, built, "%s on %s: environment built", tr, on)
			}
		}
	}
	boom := errors.New("boom")
	_, err = rules.Statute().DecideWith(trAssignAssistant, day("2024-06-01"), func() (rules.Env, error) { return nil, boom })
	assert.Same(t, boom, err)
}
