package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
)

// init registers the test verb.
func init() {
	register(&command{
		name: "test",
		synopsis: rules.Text{PL: "[--format text|json|junit|github] [-v] [--root FOLDER] [--lang pl|en] ŚCIEŻKA...",
			EN: "[--format text|json|junit|github] [-v] [--root DIR] [--lang pl|en] PATH..."},
		summary: rules.Text{
			PL: "uruchamia scenariusze (pliki lub foldery plików *.yaml) i wypisuje każde niespełnione oczekiwanie",
			EN: "run scenario files (or folders of *.yaml files), printing each failed expectation",
		},
		exits: rules.Text{
			PL: "0 wszystkie scenariusze zaliczone, 1 scenariusz niezaliczony, 2 błędny plik albo błędne wywołanie",
			EN: "0 every scenario passed, 1 a scenario failed, 2 a file is malformed or the command line is wrong",
		},
		run: runTest,
	})
}

// testJSON is the output of test --json.
type testJSON struct {
	Passed    int                `json:"passed"`
	Failed    int                `json:"failed"`
	Malformed int                `json:"malformed"`
	Scenarios []testScenarioJSON `json:"scenarios"`
}

// testScenarioJSON is one scenario file in the output of test --json. A
// malformed file has problems and no failures; it has not been run.
type testScenarioJSON struct {
	File     string        `json:"file"`
	Name     string        `json:"name"` // "" for a file that did not parse
	Passed   bool          `json:"passed"`
	Failures []failureJSON `json:"failures"`
	Problems []problemJSON `json:"problems"`
	Steps    []stepJSON    `json:"steps,omitempty"` // with -v: what each step's trigger did
}

// failureJSON is one failed expectation in the output of test --json.
type failureJSON struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Case     string   `json:"case"`  // "" for a load check
	Check    string   `json:"check"` // expect, state, due, not_due, overdue or load
	Expected string   `json:"expected"`
	Got      string   `json:"got"`       // in the language asked for
	Rules    []string `json:"rules"`     // the rules a denied or warned expectation names
	DeniedBy []string `json:"denied_by"` // the rules that refused the trigger
	WarnedBy []string `json:"warned_by"` // the warnings of a trigger that succeeded
}

// scenarioResult is the outcome of one scenario file: a report, or the
// problems that kept it from running.
type scenarioResult struct {
	file     string
	report   *scenario.Report
	problems rules.Errors
	elapsed  time.Duration
}

func (r scenarioResult) malformed() bool { return len(r.problems) > 0 }

// runTest runs scenario files and reports failed expectations and
// malformed files. Exit status: 0 every scenario passed, 1 one failed, 2 a
// file is malformed (or the command line is wrong).
func runTest(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	format := fs.String("format", "text", inv.tr("wynik w formacie `FORMAT`: text, json, junit (JUnit XML) albo github (adnotacje GitHub Actions)",
		"print `FORMAT`: text, json, junit (JUnit XML) or github (GitHub Actions annotations)"))
	asJSON := fs.Bool("json", false, inv.tr("to samo co --format json", "the same as --format json"))
	verbose := fs.Bool("v", false, inv.tr(
		"dla każdego kroku reguły z wynikami, odczytane parametry (wartość, źródło) oraz otwarte i zamknięte obowiązki (text, json)",
		"for each step, the rules consulted with their results, the parameters read (value, source) and the obligations opened and closed (text, json)"))
	root := fs.String("root", "", inv.tr(
		"pliki config scenariuszy wolno czytać w całym folderze `FOLDER` (domyślnie: tylko w folderze każdego scenariusza)",
		"scenarios may read config files anywhere inside `DIR` (default: only inside each scenario's own folder)"))
	paths, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if *asJSON {
		*format = "json"
	}
	switch *format {
	case "text", "json", "junit", "github":
	default:
		return fs.fail(rules.Text{PL: fmt.Sprintf("nieznany format %q; dozwolone: text, json, junit, github", *format),
			EN: fmt.Sprintf("unknown format %q; allowed: text, json, junit, github", *format)})
	}
	if len(paths) == 0 {
		return fs.fail(rules.Text{PL: "podaj co najmniej jedną ŚCIEŻKĘ (plik scenariusza lub folder)",
			EN: "give at least one PATH (a scenario file or a folder)"})
	}
	var results []scenarioResult
	for _, p := range paths {
		rs, ok := inv.runPath(p, *root, *verbose)
		if !ok {
			return exitUsage
		}
		results = append(results, rs...)
	}
	switch *format {
	case "json":
		return inv.writeTestJSON(results)
	case "junit":
		return inv.writeJUnit(results)
	case "github":
		inv.printGitHub(inv.stdout, results)
		return testStatus(results)
	}
	if *verbose {
		inv.printTrace(inv.stdout, results)
	}
	inv.printTest(inv.stdout, results)
	return testStatus(results)
}

// runPath runs the scenario files a path names: the file itself, or every
// *.yaml file of a folder. A path that does not exist is a malformed file;
// a folder without scenarios is a usage error (ok false).
func (inv *invocation) runPath(path, root string, trace bool) ([]scenarioResult, bool) {
	files, err := scenario.Files(path)
	if err != nil {
		return []scenarioResult{{file: path, problems: rules.Errors{rules.IOProblem(path, err)}}}, true
	}
	if len(files) == 0 {
		inv.errorf("brak plików scenariuszy (*.yaml) w %s", "no scenario files (*.yaml) in %s", rules.SafePath(path))
		return nil, false
	}
	out := make([]scenarioResult, len(files))
	for i, f := range files {
		start := inv.now()
		out[i] = runScenarioFile(f, root, trace)
		out[i].elapsed = inv.now().Sub(start)
	}
	return out, true
}

// runScenarioFile parses and plays one file; its config files must lie
// inside root ("": the file's own folder). trace records what each step
// did.
func runScenarioFile(file, root string, trace bool) scenarioResult {
	var opts []scenario.Option
	if root != "" {
		opts = append(opts, scenario.WithRoot(root))
	}
	if trace {
		opts = append(opts, scenario.WithTrace())
	}
	rep, err := scenario.RunFile(context.Background(), file, opts...)
	if err == nil {
		return scenarioResult{file: file, report: rep}
	}
	problems := rules.AsErrors(err)
	if len(problems) == 0 {
		// The world the file declares could not be set up.
		problems = rules.Errors{{File: file, Code: "setup", Err: err, Msg: rules.Text{
			PL: "nie można przygotować zadeklarowanego świata: " + workflow.Localize(err, rules.Polish),
			EN: "cannot set up the declared world: " + workflow.Localize(err, rules.English)}}}
	}
	return scenarioResult{file: file, problems: problems}
}

// testCounts counts passed and failed scenarios and malformed files.
func testCounts(results []scenarioResult) (passed, failed, malformed int) {
	for _, r := range results {
		switch {
		case r.malformed():
			malformed++
		case r.report.Passed():
			passed++
		default:
			failed++
		}
	}
	return passed, failed, malformed
}

// testStatus is the exit status: a malformed file outweighs a failure.
func testStatus(results []scenarioResult) int {
	_, failed, malformed := testCounts(results)
	switch {
	case malformed > 0:
		return exitUsage
	case failed > 0:
		return exitProblem
	}
	return exitOK
}

// printTest prints every failed expectation and every problem of a
// malformed file, a line for each scenario that did not pass, and the
// summary; the last line is "N passed, N failed", or, when every file is
// malformed, a line saying that no scenario ran.
func (inv *invocation) printTest(w io.Writer, results []scenarioResult) {
	for _, r := range results {
		if r.malformed() {
			inv.printMalformed(w, r)
			continue
		}
		if r.report.Passed() {
			continue
		}
		for _, f := range r.report.Failures {
			fmt.Fprintln(w, f.Localize(inv.lang))
		}
		n := len(r.report.Failures)
		fmt.Fprintf(w, "%s %s: %s (%s)\n", inv.tr("NIEZALICZONY", "FAIL"), rules.SafePath(r.file), r.report.Name,
			inv.count(n, "niespełnione oczekiwanie", "niespełnione oczekiwania", "niespełnionych oczekiwań",
				"failed expectation", "failed expectations"))
	}
	inv.printTestSummary(w, results)
}

// printTestSummary prints the counts of passed and failed scenarios and
// malformed files; the last line is "N passed, N failed", or, when every
// file is malformed, a line saying that no scenario ran.
func (inv *invocation) printTestSummary(w io.Writer, results []scenarioResult) {
	passed, failed, malformed := testCounts(results)
	if passed+failed == 0 {
		// Every file is malformed: nothing ran, and "0 passed, 0 failed"
		// would read as success.
		fmt.Fprintln(w, inv.tr(
			fmt.Sprintf("Nie uruchomiono żadnego scenariusza: %s", inv.count(malformed, "błędny plik", "błędne pliki", "błędnych plików", "", "")),
			fmt.Sprintf("No scenario ran: %s", inv.count(malformed, "", "", "", "malformed file", "malformed files"))))
		return
	}
	if inv.lang == rules.Polish {
		line := fmt.Sprintf("Scenariusze zaliczone: %d, niezaliczone: %d", passed, failed)
		if malformed > 0 {
			line += fmt.Sprintf(", błędne pliki: %d (nieuruchomione i niewliczone do żadnej z grup)", malformed)
		}
		fmt.Fprintln(w, line)
	} else if malformed > 0 {
		fmt.Fprintf(w, "%s not run, counted neither as passed nor failed\n",
			inv.count(malformed, "", "", "", "malformed file", "malformed files"))
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
}

// printMalformed prints a malformed file's problems as FILE:LINE:COL: ID:
// message [CODE], each snippet indented under its problem, and a line
// saying the file was not run.
func (inv *invocation) printMalformed(w io.Writer, r scenarioResult) {
	for _, e := range r.problems {
		head := *e
		head.Snippet = ""
		fmt.Fprintln(w, head.Localize(inv.lang))
		if e.Snippet != "" {
			for _, line := range strings.Split(e.Snippet, "\n") {
				fmt.Fprintln(w, "    "+line)
			}
		}
	}
	n := len(r.problems)
	if inv.lang == rules.Polish {
		fmt.Fprintf(w, "BŁĘDNY PLIK %s: %s; nie uruchomiono (nie liczy się ani do zaliczonych, ani do niezaliczonych)\n",
			rules.SafePath(r.file), inv.count(n, "problem", "problemy", "problemów", "", ""))
		return
	}
	fmt.Fprintf(w, "MALFORMED %s: %s; not run (counted neither as passed nor failed)\n",
		rules.SafePath(r.file), inv.count(n, "", "", "", "problem", "problems"))
}

// writeTestJSON prints the results as a JSON object and returns the exit
// status.
func (inv *invocation) writeTestJSON(results []scenarioResult) int {
	out := testJSON{Scenarios: make([]testScenarioJSON, len(results))}
	out.Passed, out.Failed, out.Malformed = testCounts(results)
	for i, r := range results {
		s := testScenarioJSON{File: r.file, Failures: []failureJSON{}, Problems: []problemJSON{}}
		for _, e := range r.problems {
			s.Problems = append(s.Problems, problemJSON{File: e.File, Line: e.Line, Col: e.Col, ID: e.ID,
				Code: string(e.Code), Message: e.Msg.In(inv.lang)})
		}
		if r.report != nil {
			s.Name, s.Passed = r.report.Name, r.report.Passed()
			for _, f := range r.report.Failures {
				s.Failures = append(s.Failures, failureJSON{File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
					Case: f.Case, Check: f.Check, Expected: f.Expected.In(inv.lang), Got: f.Got.In(inv.lang),
					Rules: emptyIfNil(f.Rules), DeniedBy: emptyIfNil(f.DeniedBy), WarnedBy: emptyIfNil(f.WarnedBy)})
			}
			s.Steps = inv.stepsJSON(r.report.Trace)
		}
		out.Scenarios[i] = s
	}
	if err := writeJSON(inv.stdout, out); err != nil {
		inv.errorf("nie można zapisać wyniku: %v", "cannot write the output: %v", err)
		return exitProblem
	}
	return testStatus(results)
}
