package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/asysta/asysta/rules"
)

// init registers the check verb.
func init() {
	register(&command{
		name:     "check",
		synopsis: rules.Text{PL: "[--json] [--lang pl|en] PLIK...", EN: "[--json] [--lang pl|en] FILE..."},
		summary: rules.Text{
			PL: "sprawdza pliki konfiguracyjne gminy lub powiatu i wypisuje każdy problem",
			EN: "validate municipal and county configuration files, printing every problem",
		},
		run: runCheck,
	})
}

// checkJSON is the output of check --json.
type checkJSON struct {
	Valid    bool          `json:"valid"`
	Revision string        `json:"revision"` // "" when the files have problems
	Problems []problemJSON `json:"problems"`
}

// problemJSON is one problem in the output of check --json.
type problemJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	ID      string `json:"id"`
	Code    string `json:"code"`
	Message string `json:"message"` // in the language asked for
}

// runCheck validates configuration files against the statute, all
// together as they would be layered, and reports every problem.
func runCheck(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	asJSON := fs.jsonFlag()
	files, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(files) == 0 {
		return fs.fail(rules.Text{PL: "podaj co najmniej jeden PLIK", EN: "give at least one FILE"})
	}
	rs, err := rules.LoadFiles(files...)
	problems := rules.AsErrors(err)
	if err != nil && len(problems) == 0 {
		inv.errorf("%v", "%v", err)
		return exitProblem
	}
	if *asJSON {
		return inv.writeCheckJSON(rs, problems)
	}
	if len(problems) > 0 {
		inv.printProblems(inv.stdout, problems)
		return exitProblem
	}
	inv.printValid(rs, files)
	return exitOK
}

// writeCheckJSON prints the result of check as a JSON object.
func (inv *invocation) writeCheckJSON(rs *rules.RuleSet, problems rules.Errors) int {
	out := checkJSON{Valid: len(problems) == 0, Problems: []problemJSON{}}
	if rs != nil && out.Valid {
		out.Revision = rs.Revision()
	}
	for _, e := range problems {
		out.Problems = append(out.Problems, problemJSON{File: e.File, Line: e.Line, Col: e.Col, ID: e.ID,
			Code: string(e.Code), Message: e.Msg.In(inv.lang)})
	}
	if err := writeJSON(inv.stdout, out); err != nil {
		inv.errorf("nie można zapisać wyniku: %v", "cannot write the output: %v", err)
		return exitProblem
	}
	if !out.Valid {
		return exitProblem
	}
	return exitOK
}

// reportLoadError prints the problems of a failed load to w as check does,
// or the error itself when it holds no problems.
func (inv *invocation) reportLoadError(w io.Writer, err error) {
	if problems := rules.AsErrors(err); len(problems) > 0 {
		inv.printProblems(w, problems)
		return
	}
	fmt.Fprintf(w, "asysta: %v\n", err)
}

// printProblems prints every problem as FILE:LINE:COL: ID: message [CODE],
// the expression snippet, if any, indented under it, and a summary line.
func (inv *invocation) printProblems(w io.Writer, problems rules.Errors) {
	files := map[string]bool{}
	for _, e := range problems {
		files[e.File] = true
		head := *e
		head.Snippet = ""
		fmt.Fprintln(w, head.Localize(inv.lang))
		if e.Snippet != "" {
			for _, line := range strings.Split(e.Snippet, "\n") {
				fmt.Fprintln(w, "    "+line)
			}
		}
	}
	fmt.Fprintln(w, inv.problemSummary(len(problems), len(files)))
}

// problemSummary returns e.g. "2 problems in 1 file" or "5 problemów w 2
// plikach".
func (inv *invocation) problemSummary(problems, files int) string {
	n := inv.count(problems, "problem", "problemy", "problemów", "problem", "problems")
	if inv.lang == rules.Polish {
		return fmt.Sprintf("%s w %d %s", n, files, pluralPL(files, "pliku", "plikach", "plikach"))
	}
	return fmt.Sprintf("%s in %s", n, inv.count(files, "", "", "", "file", "files"))
}

// levelsPL names the levels of government in Polish.
var levelsPL = map[rules.Level]string{
	rules.LevelVoivodeship:  "województwo",
	rules.LevelCounty:       "powiat",
	rules.LevelMunicipality: "gmina",
}

// printValid prints one OK line for each file, in the order given, and the
// revision of the rule set they make.
func (inv *invocation) printValid(rs *rules.RuleSet, files []string) {
	for _, cfg := range configsInOrder(rs, files) {
		name := cfg.Name
		if name == "" {
			name = inv.tr("bez nazwy", "unnamed")
		}
		level := cfg.Level.String()
		if inv.lang == rules.Polish {
			level = levelsPL[cfg.Level]
		}
		fmt.Fprintf(inv.stdout, "%s: OK (%s, %s, %s, %s)\n", rules.SafePath(cfg.File), name, level,
			inv.count(len(cfg.Parameters), "parametr", "parametry", "parametrów", "parameter", "parameters"),
			inv.count(len(cfg.Rules), "reguła", "reguły", "reguł", "rule", "rules"))
	}
	fmt.Fprintf(inv.stdout, "%s %s\n", inv.tr("wersja reguł:", "rule-set revision:"), shortRevision(rs.Revision()))
}

// configsInOrder returns the rule set's files in the order they were given
// on the command line rather than in layering order.
func configsInOrder(rs *rules.RuleSet, files []string) []*rules.Config {
	left := rs.Configs()
	out := make([]*rules.Config, 0, len(files))
	for _, f := range files {
		for i, c := range left {
			if c.File == f {
				out = append(out, c)
				left = slices.Delete(left, i, i+1)
				break
			}
		}
	}
	return out
}
