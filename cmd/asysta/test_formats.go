package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
)

// This file holds the outputs of asysta test beyond the text and JSON
// summaries: JUnit XML and GitHub workflow commands for CI, and the trace
// of -v (docs/scenarios.md, "Running scenarios: asysta test").

// junitSuites is the root of the JUnit XML report, in the shape GitLab and
// Jenkins read: testsuites > testsuite > testcase > failure or error.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

// junitSuite is one scenario file.
type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	File     string      `xml:"file,attr"`
	Cases    []junitCase `xml:"testcase"`
}

// junitCase is one scenario, or a malformed file that did not run.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

// junitProblem is a failure or an error: a one-line message, a type, and
// every line in the body.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

// writeJUnit prints the results as JUnit XML, one testsuite per file and
// one testcase per scenario, and returns the exit status.
func (inv *invocation) writeJUnit(results []scenarioResult) int {
	root := junitSuites{Name: "asysta test"}
	var total float64
	for _, r := range results {
		secs := r.elapsed.Seconds()
		total += secs
		tc := junitCase{Classname: classname(r.file), File: r.file, Time: fmt.Sprintf("%.3f", secs)}
		suite := junitSuite{Name: r.file, Tests: 1, Time: tc.Time, File: r.file}
		switch {
		case r.malformed():
			tc.Name = filepath.Base(r.file)
			lines := make([]string, len(r.problems))
			for i, e := range r.problems {
				lines[i] = e.Localize(inv.lang)
			}
			tc.Error = &junitProblem{Type: "malformed", Body: strings.Join(lines, "\n"),
				Message: inv.tr("błędny plik: ", "malformed file: ") + inv.count(len(r.problems), "problem", "problemy", "problemów", "problem", "problems") +
					"; " + firstLine(lines[0])}
			suite.Errors = 1
		default:
			tc.Name = r.report.Name
			if fs := r.report.Failures; len(fs) > 0 {
				lines := make([]string, len(fs))
				for i, f := range fs {
					lines[i] = f.Localize(inv.lang)
				}
				tc.Failure = &junitProblem{Type: "expectation", Body: strings.Join(lines, "\n"),
					Message: inv.count(len(fs), "niespełnione oczekiwanie", "niespełnione oczekiwania", "niespełnionych oczekiwań",
						"failed expectation", "failed expectations") + "; " + lines[0]}
				suite.Failures = 1
			}
		}
		suite.Cases = []junitCase{tc}
		root.Suites = append(root.Suites, suite)
		root.Tests++
		root.Failures += suite.Failures
		root.Errors += suite.Errors
	}
	root.Time = fmt.Sprintf("%.3f", total)
	if _, err := io.WriteString(inv.stdout, xml.Header); err != nil {
		return inv.jsonFailed(err)
	}
	enc := xml.NewEncoder(inv.stdout)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return inv.jsonFailed(err)
	}
	if _, err := io.WriteString(inv.stdout, "\n"); err != nil {
		return inv.jsonFailed(err)
	}
	return testStatus(results)
}

// classname is a file's path without its extension, dotted, as JUnit
// readers group test cases: testdata/scenarios/cap.yaml →
// testdata.scenarios.cap.
func classname(file string) string {
	p := strings.TrimSuffix(filepath.ToSlash(file), filepath.Ext(file))
	return strings.ReplaceAll(strings.Trim(p, "./"), "/", ".")
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// printGitHub prints every failed expectation and every problem of a
// malformed file as a GitHub Actions error annotation, then the summary.
func (inv *invocation) printGitHub(w io.Writer, results []scenarioResult) {
	for _, r := range results {
		for _, e := range r.problems {
			msg := e.Msg.In(inv.lang)
			if e.ID != "" {
				msg = e.ID + ": " + msg
			}
			fmt.Fprintln(w, githubError(e.File, e.Line, e.Col, msg+" ["+string(e.Code)+"]"))
		}
		if r.report == nil {
			continue
		}
		for _, f := range r.report.Failures {
			exp, got := f.Expected.In(inv.lang), f.Got.In(inv.lang)
			msg := inv.tr("oczekiwano "+exp+", jest "+got, "expected "+exp+", got "+got)
			fmt.Fprintln(w, githubError(f.Pos.File, f.Pos.Line, f.Pos.Col, r.report.Name+": "+msg))
		}
	}
	inv.printTestSummary(w, results)
}

// githubError is the workflow command ::error file=F,line=L,col=C::message;
// an unknown line or column (0) is left out.
func githubError(file string, line, col int, msg string) string {
	props := "file=" + githubProperty(file)
	if line > 0 {
		props += fmt.Sprintf(",line=%d", line)
	}
	if col > 0 {
		props += fmt.Sprintf(",col=%d", col)
	}
	return "::error " + props + "::" + githubData(msg)
}

// githubData escapes a workflow command's message: %, CR and LF.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a workflow command's property value: as data,
// and : and , too.
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// stepJSON is one fired step in the output of test --json -v.
type stepJSON struct {
	File    string           `json:"file"`
	Line    int              `json:"line"`
	At      rules.Date       `json:"at"`
	Case    string           `json:"case"`
	Trigger string           `json:"trigger"`
	By      string           `json:"by"`
	Result  string           `json:"result"`
	Allowed *bool            `json:"allowed"` // null when the rules were not consulted
	Rules   []ruleResultJSON `json:"rules"`
	Params  []rules.ParamUse `json:"params"`
	Opened  []obligationJSON `json:"opened"`
	Closed  []obligationJSON `json:"closed"`
}

// ruleResultJSON is a rule consulted by a step.
type ruleResultJSON struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Passed   bool   `json:"passed"`
	Source   string `json:"source"`
	Basis    string `json:"basis"`
	Message  string `json:"message,omitempty"`
}

// obligationJSON is an obligation a step opened or closed.
type obligationJSON struct {
	ID   string     `json:"id"`
	Due  rules.Date `json:"due"`
	Rule string     `json:"rule"`
}

// stepsJSON renders a trace for test --json -v; nil without one.
func (inv *invocation) stepsJSON(trace []scenario.StepTrace) []stepJSON {
	if trace == nil {
		return nil
	}
	out := make([]stepJSON, len(trace))
	for i, st := range trace {
		s := stepJSON{File: st.Pos.File, Line: st.Pos.Line, At: st.At, Case: st.Case, Trigger: st.Trigger, By: st.By,
			Result: st.Result.In(inv.lang), Rules: []ruleResultJSON{}, Params: []rules.ParamUse{},
			Opened: obligationsJSON(st.Opened), Closed: obligationsJSON(st.Closed)}
		if d := st.Decision; d != nil {
			s.Allowed = &d.Allowed
			for _, r := range d.Rules {
				s.Rules = append(s.Rules, ruleResultJSON{Rule: r.Rule, Severity: r.Severity.String(), Passed: r.Passed,
					Source: r.Source, Basis: r.Basis, Message: r.Message.In(inv.lang)})
			}
			s.Params = append(s.Params, d.Params...)
		}
		out[i] = s
	}
	return out
}

func obligationsJSON(list []workflow.Obligation) []obligationJSON {
	out := make([]obligationJSON, len(list))
	for i, o := range list {
		out[i] = obligationJSON{ID: o.ID, Due: o.Due, Rule: o.Rule}
	}
	return out
}

// printTrace prints, for each scenario that ran, every fired step: its
// result, the rules consulted with their results, the parameters read with
// value and source, and the obligations opened and closed.
func (inv *invocation) printTrace(w io.Writer, results []scenarioResult) {
	for _, r := range results {
		if r.malformed() {
			continue
		}
		fmt.Fprintf(w, "=== %s: %s\n", rules.SafePath(r.file), r.report.Name)
		for _, st := range r.report.Trace {
			result := st.Result.In(inv.lang)
			if st.Decision != nil && !st.Decision.Allowed {
				result = inv.tr("odmowa", "denied") // the reasons follow, rule by rule
			}
			fmt.Fprintf(w, "%s:%d: %s %s %s (%s): %s\n", rules.SafePath(st.Pos.File), st.Pos.Line, st.At, st.Case, st.Trigger,
				st.By, result)
			if d := st.Decision; d != nil {
				for _, rr := range d.Rules {
					verdict := inv.tr("spełniona", "passed")
					if !rr.Passed {
						verdict = inv.tr("NIESPEŁNIONA", "FAILED")
						if rr.Severity == rules.Warn {
							verdict = inv.tr("ostrzeżenie", "warning")
						}
					}
					line := fmt.Sprintf("    %s %s: %s (%s; %s)", inv.tr("reguła", "rule"), rr.Rule, verdict, inv.sourceText(rr.Source), inv.basisText(rr.Basis))
					if !rr.Message.IsZero() {
						line += ": " + rr.Message.In(inv.lang)
					}
					fmt.Fprintln(w, line)
				}
				for _, p := range d.Params {
					fmt.Fprintf(w, "    %s %s = %v (%s; %s)\n", inv.tr("parametr", "parameter"), p.ID, p.Value, inv.sourceText(p.Source), p.Basis)
				}
			}
			for _, o := range st.Opened {
				fmt.Fprintf(w, "    %s %s, %s %s (%s)\n", inv.tr("otwarty", "opened"), o.ID, inv.tr("termin", "due"), o.Due, o.Rule)
			}
			for _, o := range st.Closed {
				fmt.Fprintf(w, "    %s %s\n", inv.tr("zamknięty", "closed"), o.ID)
			}
		}
	}
}

// sourceText is a source as decisions give it ("statute" or FILE:LINE) in
// the invocation's language.
func (inv *invocation) sourceText(s string) string {
	if s == "statute" {
		return inv.tr("ustawa", "statute")
	}
	return s
}
