package scenario_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/malformed")

// golden renders problems as the golden files hold them: English, then
// Polish.
func golden(errs rules.Errors) string {
	return errs.Localize(rules.English) + "\n\n# pl\n" + errs.Localize(rules.Polish) + "\n"
}

// TestParse_malformed parses every file of testdata/malformed and compares
// its problems with the .golden file beside it. Every problem has a file,
// a line and a code, and they come sorted by position.
func TestParse_malformed(t *testing.T) {
	files, err := filepath.Glob("testdata/malformed/*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 20)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			s, rs, err := scenario.ParseFile(f)
			require.Error(t, err, "a malformed file must not parse")
			assert.Nil(t, s)
			assert.Nil(t, rs)
			var errs rules.Errors
			require.True(t, errors.As(err, &errs), "want rules.Errors, got %T", err)
			require.NotEmpty(t, errs)
			for i, e := range errs {
				assert.NotEmpty(t, e.Code, "problem %d has no code: %v", i, e)
				assert.NotEmpty(t, e.File, "problem %d has no file: %v", i, e)
				assert.Positive(t, e.Line, "problem %d has no line: %v", i, e)
				assert.NotEmpty(t, e.Msg.PL, "problem %d has no Polish message", i)
				assert.NotEmpty(t, e.Msg.EN, "problem %d has no English message", i)
				if i > 0 {
					assert.False(t, positionBefore(e, errs[i-1]), "problems out of order: %v after %v", e, errs[i-1])
				}
			}
			path := strings.TrimSuffix(f, ".yaml") + ".golden"
			got := golden(errs)
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "missing golden file; run go test ./workflow/scenario -run TestParse_malformed -update")
			assert.Equal(t, string(want), got)
		})
	}
}

func positionBefore(a, b *rules.Error) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Col < b.Col
}

// TestParse_codes checks the code each kind of problem carries, so that
// tools can match on codes rather than text.
func TestParse_codes(t *testing.T) {
	tests := []struct {
		file string
		code rules.Code
	}{
		{"unknown_key_top", rules.CodeUnknownKey},
		{"unknown_key_worker", rules.CodeUnknownKey},
		{"unknown_key_step", rules.CodeUnknownKey},
		{"unknown_key_check", rules.CodeUnknownKey},
		{"unknown_id_case", scenario.CodeUnknownID},
		{"unknown_id_by", scenario.CodeUnknownID},
		{"unknown_id_child_family", scenario.CodeUnknownID},
		{"unknown_id_load", scenario.CodeUnknownID},
		{"bad_date", rules.CodeBadDate},
		{"out_of_order", scenario.CodeOutOfOrder},
		{"unknown_rule", scenario.CodeUnknownRule},
		{"unknown_obligation", scenario.CodeUnknownObligation},
		{"unknown_state", scenario.CodeUnknownState},
		{"unknown_trigger", rules.CodeUnknownTrigger},
		{"expect_two_keys", rules.CodeBadValue},
		{"expect_ok_false", rules.CodeBadValue},
		{"step_nothing", rules.CodeMissing},
		{"missing_name", rules.CodeMissing},
		{"yaml_syntax", rules.CodeSyntax},
		{"config_bad", rules.CodeOutOfRange},
		{"config_missing", rules.CodeIO},
		{"duplicate_id", rules.CodeDuplicate},
		{"unknown_rule", scenario.CodeRuleNotApplicable},
		{"empty_ids", rules.CodeMissing},
		{"empty_ids", rules.CodeBadDate},
		{"empty_ids", rules.CodeBadValue},
		{"fte_difficulty", rules.CodeOutOfRange},
		{"with_types", rules.CodeWrongType},
		{"before_statute", rules.CodeOutOfRange},
		{"second_document", rules.CodeSyntax},
		{"control_char", rules.CodeSyntax},
		{"invalid_utf8", rules.CodeSyntax},
		{"steps_empty", rules.CodeMissing},
		{"config_device", rules.CodeIO},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.code), func(t *testing.T) {
			_, _, err := scenario.ParseFile(filepath.Join("testdata", "malformed", tt.file+".yaml"))
			errs := rules.AsErrors(err)
			require.NotEmpty(t, errs)
			assert.True(t, errs.Has(tt.code), "want a problem with code %s, got:\n%v", tt.code, errs)
		})
	}
}

// TestParse_configProblemsInTheirOwnFile checks that a configuration file's
// problems are reported at its own lines, not the scenario's.
func TestParse_configProblemsInTheirOwnFile(t *testing.T) {
	_, _, err := scenario.ParseFile("testdata/malformed/config_bad.yaml")
	errs := rules.AsErrors(err)
	require.NotEmpty(t, errs)
	for _, e := range errs {
		assert.Equal(t, filepath.Join("testdata", "malformed", "config", "raised.yaml"), e.File)
		assert.Positive(t, e.Line)
		assert.Positive(t, e.Col)
	}
	assert.True(t, errs.Has(rules.CodeOutOfRange))
	assert.True(t, errs.Has(rules.CodeRuleID))
}

// TestParse_manyProblemsAtOnce checks that one file's problems are all
// reported, sorted by line and column.
func TestParse_manyProblemsAtOnce(t *testing.T) {
	_, _, err := scenario.ParseFile("testdata/malformed/many.yaml")
	errs := rules.AsErrors(err)
	require.GreaterOrEqual(t, len(errs), 12)
	codes := map[rules.Code]bool{}
	for i, e := range errs {
		codes[e.Code] = true
		if i > 0 {
			prev := errs[i-1]
			assert.True(t, prev.Line < e.Line || prev.Line == e.Line && prev.Col <= e.Col, "%v before %v", prev, e)
		}
	}
	for _, c := range []rules.Code{rules.CodeUnknownKey, rules.CodeBadValue, rules.CodeWrongType, scenario.CodeUnknownID,
		rules.CodeBadDate, scenario.CodeOutOfOrder, scenario.CodeUnknownRule, scenario.CodeUnknownState,
		scenario.CodeUnknownObligation, rules.CodeUnknownTrigger} {
		assert.True(t, codes[c], "no problem with code %s", c)
	}
}

// TestParseFile_missing reports a file that cannot be read.
func TestParseFile_missing(t *testing.T) {
	_, _, err := scenario.ParseFile("testdata/no-such-file.yaml")
	errs := rules.AsErrors(err)
	require.Len(t, errs, 1)
	assert.Equal(t, rules.CodeIO, errs[0].Code)
	assert.Equal(t, "testdata/no-such-file.yaml", errs[0].File)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestParse_valid decodes every part of a scenario.
func TestParse_valid(t *testing.T) {
	src := `name: everything
workers:
  - {id: SW1, role: social_worker, fte: 0.5, employer: OPS1, area: north, from: 2016-01-01, to: 2016-12-31}
  - {id: H1, role: ops_head}
families:
  - {id: F01}
  - {id: F02, difficulty: 2.5, area: north}
children:
  - {id: C1, family: F01, born: 2014-02-28}
foster_families:
  - {id: R1, form: professional_foster_family}
  - {id: R2, form: kinship_foster_family, candidate: true}
institutions:
  - {id: P1}
steps:
  - {at: 2016-03-01, case: F01, do: refer, by: SW1, with: {urgent: true}}
  - at: 2016-03-02
    case: F01
    do: assign_assistant
    by: H1
    with: {assistant: SW1, court_ref: III Nsm 1/16, report_every_months: 3}
    expect: {denied: [assistant.basis_required]}
  - at: 2016-03-03
    check:
      state: {F01: referred}
      due: [{case: F01, obligation: interview, date: 2016-03-03}]
      not_due: [{case: F01, obligation: court_report}]
      overdue: [{case: F01, obligation: family_assessment}]
      load: {SW1: 0}
`
	s, rs, err := scenario.Parse("inline.yaml", []byte(src))
	require.NoError(t, err)
	require.NotNil(t, rs)
	assert.Equal(t, "everything", s.Name)
	assert.Equal(t, "inline.yaml", s.File)
	require.Len(t, s.Workers, 2)
	assert.InDelta(t, 0.5, s.Workers[0].FTE, 1e-9)
	assert.Equal(t, "north", s.Workers[0].Area)
	assert.Equal(t, rules.MustParseDate("2016-12-31"), s.Workers[0].To)
	require.Len(t, s.Families, 2)
	assert.InDelta(t, 1.0, s.Families[0].Difficulty, 1e-9, "difficulty defaults to 1.0")
	assert.InDelta(t, 2.5, s.Families[1].Difficulty, 1e-9)
	assert.Equal(t, scenario.Pos{File: "inline.yaml", Line: 6, Col: 5}, s.Families[0].Pos)
	require.Len(t, s.Children, 1)
	assert.Equal(t, rules.MustParseDate("2014-02-28"), s.Children[0].Born)
	require.Len(t, s.FosterFamilies, 2)
	assert.True(t, s.FosterFamilies[1].Candidate)
	assert.Equal(t, []string{"P1"}, s.Institutions)
	require.Len(t, s.Steps, 3)
	st := s.Steps[0]
	assert.Equal(t, scenario.Pos{File: "inline.yaml", Line: 16, Col: 5}, st.Pos)
	assert.Equal(t, true, st.With["urgent"])
	assert.Equal(t, scenario.ExpectOK, st.Expect.Outcome)
	st = s.Steps[1]
	assert.Equal(t, 3, st.With["report_every_months"])
	assert.Equal(t, "III Nsm 1/16", st.With["court_ref"])
	assert.Equal(t, scenario.ExpectDenied, st.Expect.Outcome)
	assert.Equal(t, []string{"assistant.basis_required"}, st.Expect.Rules)
	assert.Equal(t, 22, st.Expect.Pos.Line)
	checks := s.Steps[2].Checks
	require.Len(t, checks, 5)
	kinds := []scenario.CheckKind{scenario.CheckState, scenario.CheckDue, scenario.CheckNotDue, scenario.CheckOverdue, scenario.CheckLoad}
	for i, c := range checks {
		assert.Equal(t, kinds[i], c.Kind, "checks come in the order written")
		assert.Equal(t, 25+i, c.Pos.Line)
	}
	assert.Equal(t, rules.MustParseDate("2016-03-03"), checks[1].Date)
	assert.Equal(t, 0, checks[4].Load)
}

// TestParse_loneItems accepts a single item where a list is expected.
func TestParse_loneItems(t *testing.T) {
	src := `name: lone items
workers: {id: SW1, role: social_worker}
families: {id: F01}
steps:
  - {at: 2016-03-01, case: F01, do: refer, by: SW1}
  - {at: 2016-03-01, check: {not_due: {case: F01, obligation: court_report}}}
`
	s, _, err := scenario.Parse("lone.yaml", []byte(src))
	require.NoError(t, err)
	assert.Len(t, s.Workers, 1)
	require.Len(t, s.Steps[1].Checks, 1)
	assert.Equal(t, "court_report", s.Steps[1].Checks[0].Obligation)
}

// TestParse_config resolves configuration files against the scenario's
// folder and plays under them.
func TestParse_config(t *testing.T) {
	s, rs, err := scenario.ParseFile("../../examples/scenarios/gmina_wieliczka.yaml")
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join("..", "..", "examples", "scenarios", "config", "gmina.yaml")}, s.Config)
	v, ok := rs.Param("assistant.max_families", rules.MustParseDate("2024-03-01"))
	require.True(t, ok)
	assert.Equal(t, 10, v.Int())
	_, ok = rs.Program("local.weighted_caseload")
	assert.True(t, ok)
}

// TestParse_problemsAtTheirPositions checks that values which used to
// fail only when the world was set up, or not at all, are reported when
// parsing, each at the position of the value, all at once.
func TestParse_problemsAtTheirPositions(t *testing.T) {
	tests := []struct {
		file  string
		lines []int // the lines with a problem, in order
		code  rules.Code
	}{
		{"empty_ids", []int{3, 4, 5, 7, 10, 12, 14, 16, 17}, ""},
		{"fte_difficulty", []int{3, 4, 5, 6, 7, 10, 11, 12}, rules.CodeOutOfRange},
		{"with_types", []int{11, 11, 11, 11}, rules.CodeWrongType},
		{"before_statute", []int{7}, rules.CodeOutOfRange},
		{"second_document", []int{8}, rules.CodeSyntax},
		{"control_char", []int{3}, rules.CodeSyntax},
		{"invalid_utf8", []int{4}, rules.CodeSyntax},
		{"steps_empty", []int{4}, rules.CodeMissing},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, _, err := scenario.ParseFile(filepath.Join("testdata", "malformed", tt.file+".yaml"))
			errs := rules.AsErrors(err)
			var lines []int
			for _, e := range errs {
				lines = append(lines, e.Line)
				assert.Positive(t, e.Col, "%v", e)
				if tt.code != "" {
					assert.Equal(t, tt.code, e.Code, "%v", e)
				}
			}
			assert.Equal(t, tt.lines, lines, "%v", err)
		})
	}
}

// TestParse_withValues keeps the argument types a trigger takes: a text
// (quoted when it looks like something else), a whole number and a bool.
func TestParse_withValues(t *testing.T) {
	src := `name: arguments
workers: [{id: H1, role: ops_head}, {id: A1, role: family_assistant}]
families: [{id: F01}]
steps:
  - {at: 2016-03-01, case: F01, do: assign_assistant, by: H1, with: {a: "~", b: 3, c: true, d: III Nsm 1/16, e: "1.5"},
     expect: {invalid: true}}
`
	s, _, err := scenario.Parse("with.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, workflow.Args{"a": "~", "b": 3, "c": true, "d": "III Nsm 1/16", "e": "1.5"}, s.Steps[0].With)
}

// TestParseFile_refusesUnboundedFiles refuses a device or a folder as a
// scenario file at once, without reading it.
func TestParseFile_refusesUnboundedFiles(t *testing.T) {
	tests := []struct{ path, en, pl string }{
		{"/dev/zero", "not a regular file", "nie jest zwykły plik"},
		{"/dev/stdin", "not a regular file", "nie jest zwykły plik"},
		{"testdata", "it is a folder", "to folder"},
		{"testdata/none.yaml", "the file does not exist", "plik nie istnieje"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if _, err := os.Stat(tt.path); err != nil && !strings.HasSuffix(tt.path, "none.yaml") {
				t.Skipf("%s: %v", tt.path, err)
			}
			_, _, err := scenario.ParseFile(tt.path)
			errs := rules.AsErrors(err)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, rules.CodeIO, errs[0].Code)
			assert.Equal(t, tt.path, errs[0].File)
			assert.Contains(t, errs[0].Msg.EN, tt.en)
			assert.Contains(t, errs[0].Msg.PL, tt.pl)
			assert.NotContains(t, errs[0].Msg.PL, "no such file")
		})
	}
}

// TestParse_controlCharacterInID: a YAML escape can put a control
// character into an ID, which the engine would refuse only when setting up
// the world: it is reported at the ID.
func TestParse_controlCharacterInID(t *testing.T) {
	src := "name: x\nworkers:\n  - {id: SW1, role: social_worker}\nfamilies:\n  - {id: \"F\\x01\"}\nsteps:\n  - {at: 2016-03-01, case: F01, do: refer, by: SW1}\n"
	_, _, err := scenario.Parse("s.yaml", []byte(src))
	errs := rules.AsErrors(err)
	require.NotEmpty(t, errs)
	var found bool
	for _, e := range errs {
		if e.Code == rules.CodeBadValue && e.Line == 5 {
			found = true
			assert.Equal(t, 10, e.Col) // the quoted ID
		}
	}
	assert.True(t, found, "no bad_value at the ID:\n%v", errs)
}
