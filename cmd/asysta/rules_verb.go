package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/asysta/asysta/rules"
)

// init registers the rules verb.
func init() {
	register(&command{
		name: "rules",
		synopsis: rules.Text{
			PL: "[--on DATA] [--config PLIK]... [--json] [--lang pl|en]",
			EN: "[--on DATE] [--config FILE]... [--json] [--lang pl|en]",
		},
		summary: rules.Text{
			PL: "reguły obowiązujące w dniu DATA: wyzwalacze, rodzaj, waga, źródło, podstawa prawna, wyrażenie",
			EN: "the rules in force on DATE: triggers, kind, severity, source, legal basis, expression",
		},
		exits: rules.Text{PL: "0 sukces, 1 błędny plik konfiguracyjny, 2 błędne wywołanie",
			EN: "0 success, 1 a configuration file has problems, 2 a wrong command line"},
		run: runRules,
	})
}

// ruleJSON is one rule in the output of rules --json.
type ruleJSON struct {
	ID       string     `json:"id"`
	Triggers []string   `json:"triggers"`
	Kind     string     `json:"kind"`
	Severity string     `json:"severity"`
	Source   string     `json:"source"` // "statute" or FILE:LINE
	Basis    string     `json:"basis"`
	Expr     string     `json:"expr"`
	From     rules.Date `json:"from,omitzero"`
	To       rules.Date `json:"to,omitzero"`
	Message  rules.Text `json:"message,omitzero"`
}

// runRules lists every rule in force on a day under the statute and the
// configuration files given.
func runRules(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	on, configs := inv.dayAndConfigFlags(fs)
	asJSON := fs.jsonFlag()
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) > 0 {
		return fs.fail(rules.Text{PL: "nieoczekiwany argument " + positional[0], EN: "unexpected argument " + positional[0]})
	}
	rs, day, status, ok := inv.ruleSetOn(fs, *on, *configs)
	if !ok {
		return status
	}
	var inForce []rules.Rule
	var triggers [][]string
	for _, p := range rs.Programs() {
		if r := p.Rule(); r.InForce(day) {
			inForce = append(inForce, r)
			triggers = append(triggers, triggerNames(p.Triggers()))
		}
	}
	if *asJSON {
		out := make([]ruleJSON, len(inForce))
		for i, r := range inForce {
			out[i] = ruleJSON{ID: r.ID, Triggers: triggers[i], Kind: r.Kind.String(), Severity: r.Severity.String(),
				Source: r.Source.String(), Basis: r.Basis, Expr: oneLine(r.Expr), From: r.From, To: r.To, Message: r.Message}
		}
		if err := writeJSON(inv.stdout, out); err != nil {
			return inv.jsonFailed(err)
		}
		return exitOK
	}
	w := inv.stdout
	fmt.Fprintf(w, inv.tr("Reguły obowiązujące w dniu %s (wersja reguł %s)\n", "Rules in force on %s (rule-set revision %s)\n"),
		day, shortRevision(rs.Revision()))
	for i, r := range inForce {
		fmt.Fprintln(w)
		inv.printRuleHead(w, r, triggers[i])
	}
	return exitOK
}

// dayAndConfigFlags adds the --on and --config flags params, rules and
// explain share.
func (inv *invocation) dayAndConfigFlags(fs *verbFlags) (on *string, configs *[]string) {
	on = fs.String("on", "", inv.tr("stan w dniu `RRRR-MM-DD` (domyślnie: dziś)", "as in force on `YYYY-MM-DD` (default: today)"))
	var list stringList
	fs.Var(&list, "config", inv.tr("stosuje plik konfiguracyjny `PLIK`; można podać wiele razy",
		"apply the configuration `FILE`; may be repeated"))
	return on, (*[]string)(&list)
}

// ruleSetOn returns the day --on names and the rule set of the statute and
// the files, or the exit status: 2 for a bad date, 1 for a day before the
// statute or a file with problems (printed as by check).
func (inv *invocation) ruleSetOn(fs *verbFlags, on string, configs []string) (*rules.RuleSet, rules.Date, int, bool) {
	day, status, ok := inv.paramsDay(fs, on)
	if !ok {
		return nil, day, status, false
	}
	rs, err := rules.LoadFiles(configs...)
	if err != nil {
		inv.reportLoadError(inv.stderr, err)
		return nil, day, exitProblem, false
	}
	return rs, day, exitOK, true
}

// printRuleHead prints a rule's ID, kind, severity, source and basis, its
// triggers and its expression.
func (inv *invocation) printRuleHead(w io.Writer, r rules.Rule, triggers []string) {
	fmt.Fprintf(w, "%s  %s  (%s; %s)\n", r.ID, inv.kindText(r), inv.sourceName(r.Source), inv.basisText(r.Basis))
	fmt.Fprintf(w, "  %-6s %s\n", inv.tr("na:", "on:"), strings.Join(triggers, ", "))
	fmt.Fprintf(w, "  %-6s %s\n", "expr:", oneLine(r.Expr))
}

// kindText is a rule's kind, with its severity for a guard (a due or
// limit rule computes a value and refuses nothing).
func (inv *invocation) kindText(r rules.Rule) string {
	if r.Kind == rules.KindGuard {
		return inv.kindName(r.Kind) + ", " + inv.severityName(r.Severity)
	}
	return inv.kindName(r.Kind)
}

// kindName names a rule's kind in the invocation's language.
func (inv *invocation) kindName(k rules.Kind) string {
	switch k {
	case rules.KindLimit:
		return inv.tr("limit", "limit")
	case rules.KindDue:
		return inv.tr("termin (due)", "due")
	}
	return inv.tr("warunek (guard)", "guard")
}

// severityName names a severity in the invocation's language.
func (inv *invocation) severityName(s rules.Severity) string {
	if s == rules.Warn {
		return inv.tr("ostrzega (warn)", "warn")
	}
	return inv.tr("blokuje (block)", "block")
}

// triggerNames writes triggers as lifecycle.name.
func triggerNames(ts []rules.Trigger) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

// oneLine writes an expression on one line, its whitespace runs as one
// space.
func oneLine(expr string) string { return strings.Join(strings.Fields(expr), " ") }

// basisText is a legal basis, or a dash for a local rule that gives none.
func (inv *invocation) basisText(basis string) string {
	if basis == "" {
		return inv.tr("— (nie podano)", "— (none given)")
	}
	return basis
}
