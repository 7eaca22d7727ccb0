package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// besideDir holds the README's layout: a scenario with its configuration
// file beside it.
const besideDir = "../../workflow/scenario/testdata/beside"

// TestTestVerb_formats covers --format junit, github, json with -v, and
// text with -v, in both languages, against golden files.
func TestTestVerb_formats(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
	}{
		{"junit", []string{"test", "--format", "junit", consentFile, failingFile, malformedFile}, exitUsage, "test_junit_en.xml"},
		{"junit pl", []string{"test", "--format=junit", "--lang", "pl", consentFile, failingFile, malformedFile}, exitUsage, "test_junit_pl.xml"},
		{"github", []string{"test", "--format", "github", consentFile, failingFile, malformedFile}, exitUsage, "test_github_en.txt"},
		{"github pl", []string{"test", "--format", "github", "--lang", "pl", failingFile}, exitProblem, "test_github_pl.txt"},
		{"verbose", []string{"test", "-v", consentFile, failingFile}, exitProblem, "test_verbose_en.txt"},
		{"verbose pl", []string{"test", "-v", "--lang", "pl", consentFile, besideDir}, exitOK, "test_verbose_pl.txt"},
		{"verbose json", []string{"test", "-v", "--format", "json", besideDir}, exitOK, "test_verbose_en.json"},
		{"json alias", []string{"test", "--json", failingFile}, exitProblem, "test_fail_en.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runArgs(tt.args...)
			assert.Equal(t, tt.code, res.code, res.stderr)
			assert.Empty(t, res.stderr)
			assertGolden(t, tt.golden, res.stdout)
		})
	}
}

// TestTestVerb_JSONFailureFields checks the structured fields of a failed
// expectation: position, case, kind of check, rules.
func TestTestVerb_JSONFailureFields(t *testing.T) {
	res := runArgs("test", "--format", "json", failingFile)
	require.Equal(t, exitProblem, res.code)
	var got testJSON
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	require.Len(t, got.Scenarios, 1)
	assert.Equal(t, []failureJSON{
		{File: failingFile, Line: 12, Column: 36, Case: "F03", Check: "due", Expected: "F03 interview due 2016-03-18",
			Got: "due 2016-03-21", Rules: []string{}, DeniedBy: []string{}, WarnedBy: []string{}},
		{File: failingFile, Line: 14, Column: 79, Case: "F03", Check: "expect", Expected: "F03 approve_plan: forbidden",
			Got: "F03 approve_plan: not permitted in state analysis of lifecycle family", Rules: []string{}, DeniedBy: []string{}, WarnedBy: []string{}},
	}, got.Scenarios[0].Failures)
}

// TestTestVerb_JUnitStructure parses the JUnit output with encoding/xml and
// checks the structure GitLab and Jenkins read: testsuites > testsuite
// [name, tests, failures, errors, skipped, time] > testcase [name,
// classname, file] > failure or error [message, type]; the counts add up.
func TestTestVerb_JUnitStructure(t *testing.T) {
	res := runArgs("test", "--format", "junit", consentFile, failingFile, malformedFile, besideDir)
	require.Equal(t, exitUsage, res.code)
	required := map[string][]string{
		"testsuites": {"name", "tests", "failures", "errors", "time"},
		"testsuite":  {"name", "tests", "failures", "errors", "skipped", "time"},
		"testcase":   {"name", "classname", "file", "time"},
		"failure":    {"message", "type"},
		"error":      {"message", "type"},
	}
	parents := map[string]string{"testsuites": "", "testsuite": "testsuites", "testcase": "testsuite", "failure": "testcase", "error": "testcase"}
	dec := xml.NewDecoder(strings.NewReader(res.stdout))
	var stack []string
	count := map[string]int{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "the output is well-formed XML")
		switch el := tok.(type) {
		case xml.StartElement:
			name := el.Name.Local
			want, known := parents[name]
			require.True(t, known, "unexpected element <%s>", name)
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			assert.Equal(t, want, parent, "<%s> inside <%s>", name, parent)
			attrs := map[string]string{}
			for _, a := range el.Attr {
				attrs[a.Name.Local] = a.Value
			}
			for _, a := range required[name] {
				assert.NotEmpty(t, attrs[a], "<%s> needs %s", name, a)
			}
			count[name]++
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	assert.Equal(t, map[string]int{"testsuites": 1, "testsuite": 4, "testcase": 4, "failure": 1, "error": 1}, count)

	var suites junitSuites
	require.NoError(t, xml.Unmarshal([]byte(res.stdout), &suites))
	assert.Equal(t, 4, suites.Tests)
	assert.Equal(t, 1, suites.Failures)
	assert.Equal(t, 1, suites.Errors)
	failing := suites.Suites[1].Cases[0]
	assert.Equal(t, "testdata.scenarios.failing", failing.Classname)
	assert.Contains(t, failing.Failure.Message, "testdata/scenarios/failing.yaml:12: expected")
	assert.Contains(t, failing.Failure.Body, "testdata/scenarios/failing.yaml:14: expected")
	malformed := suites.Suites[2].Cases[0]
	assert.Equal(t, "malformed", malformed.Error.Type)
	assert.Contains(t, malformed.Error.Body, "testdata/scenarios/malformed.yaml:8:5:")
}

// TestGitHubEscaping escapes what a workflow command must: % CR LF in the
// message, and : , too in a property.
func TestGitHubEscaping(t *testing.T) {
	assert.Equal(t, "::error file=a%3Ab%2Cc.yaml,line=3,col=7::50%25 done%0D%0Anext: line, two",
		githubError("a:b,c.yaml", 3, 7, "50% done\r\nnext: line, two"))
	assert.Equal(t, "::error file=x.yaml::whole file", githubError("x.yaml", 0, 0, "whole file"))
}

// TestTestVerb_allMalformed says that no scenario ran, in both languages,
// and exits 2.
func TestTestVerb_allMalformed(t *testing.T) {
	res := runArgs("test", malformedFile, "testdata/bad.yaml")
	assert.Equal(t, exitUsage, res.code)
	assert.Equal(t, "No scenario ran: 2 malformed files", lastLine(res.stdout))
	assert.NotContains(t, res.stdout, "0 passed, 0 failed")
	res = runArgs("test", "--lang", "pl", malformedFile, "testdata/bad.yaml")
	assert.Equal(t, "Nie uruchomiono żadnego scenariusza: 2 błędne pliki", lastLine(res.stdout))
	res = runArgs("test", "--format", "github", malformedFile)
	assert.Equal(t, exitUsage, res.code)
	assert.Equal(t, "No scenario ran: 1 malformed file", lastLine(res.stdout))
}

// TestTestVerb_configBeside runs a folder holding a scenario and the
// configuration file it names: the configuration is not run.
func TestTestVerb_configBeside(t *testing.T) {
	res := runArgs("test", besideDir)
	assert.Equal(t, exitOK, res.code, res.stdout)
	assert.Equal(t, "1 passed, 0 failed\n", res.stdout)
	res = runArgs("test", besideDir+"/gmina.yaml")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stdout, "gmina.yaml:1:1: a configuration file, not a scenario")
}

// TestTestVerb_verboseNoPersonalData checks that -v prints IDs, codes and
// dates, never a child's date of birth.
func TestTestVerb_verboseNoPersonalData(t *testing.T) {
	var buf bytes.Buffer
	for _, f := range []string{libraryDir + "/ocena_dziecka.yaml"} {
		res := runArgs("test", "-v", f)
		require.Equal(t, exitOK, res.code, res.stdout)
		buf.WriteString(res.stdout)
	}
	assert.Contains(t, buf.String(), "child_review")
	for _, born := range []string{"2019-08-31", "2021-12-01", "2022-01-10"} {
		assert.NotContains(t, buf.String(), born)
	}
}
