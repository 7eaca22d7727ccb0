package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/asysta/asysta/internal/service"
	"github.com/asysta/asysta/rules"
)

// init registers the params verb.
func init() {
	register(&command{
		name: "params",
		synopsis: rules.Text{
			PL: "[--on DATA] [--config PLIK]... [--json] [--lang pl|en]",
			EN: "[--on DATE] [--config FILE]... [--json] [--lang pl|en]",
		},
		summary: rules.Text{
			PL: "parametry obowiązujące w dniu DATA (domyślnie dziś) według ustawy i podanych plików",
			EN: "the parameters in force on DATE (default today) under the statute and the given files",
		},
		run: runParams,
	})
}

// stringList is a flag that may be given many times.
type stringList []string

// String returns the values given so far, comma-separated.
func (l *stringList) String() string { return strings.Join(*l, ", ") }

// Set adds one value.
func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// runParams lists the parameters in force on a day under the statute and
// the configuration files given.
func runParams(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	on := fs.String("on", "", inv.tr("parametry obowiązujące w dniu `RRRR-MM-DD` (domyślnie: dziś)",
		"the parameters in force on `YYYY-MM-DD` (default: today)"))
	var configs stringList
	fs.Var(&configs, "config", inv.tr("stosuje plik konfiguracyjny `PLIK`; można podać wiele razy",
		"apply the configuration `FILE`; may be repeated"))
	asJSON := fs.jsonFlag()
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) > 0 {
		return fs.fail(rules.Text{PL: "nieoczekiwany argument " + positional[0], EN: "unexpected argument " + positional[0]})
	}
	day, status, ok := inv.paramsDay(fs, *on)
	if !ok {
		return status
	}
	rs, err := rules.LoadFiles(configs...)
	if err != nil {
		inv.reportLoadError(inv.stderr, err)
		return exitProblem
	}
	values := rs.Params(day)
	if *asJSON {
		return inv.writeParamsJSON(values)
	}
	inv.printParams(inv.stdout, rs.Revision(), day, values)
	return exitOK
}

// paramsDay returns the day --on names, today in Poland when it is empty.
// A malformed date is a usage error (2); a day before the statute is a
// problem (1).
func (inv *invocation) paramsDay(fs *verbFlags, on string) (rules.Date, int, bool) {
	day := rules.DateOf(inv.now())
	if on != "" {
		var err error
		if day, err = rules.ParseDate(on); err != nil {
			return day, fs.fail(rules.Text{PL: fmt.Sprintf("błędna data %q w --on; oczekiwano RRRR-MM-DD", on),
				EN: fmt.Sprintf("bad date %q for --on; want YYYY-MM-DD", on)}), false
		}
	}
	if day.Before(rules.StatuteStart) {
		fmt.Fprintf(inv.stderr, "asysta params: %s\n", inv.tr(
			fmt.Sprintf("dzień %s jest wcześniejszy niż %s, pierwszy dzień objęty katalogiem ustawowym", day, rules.StatuteStart),
			fmt.Sprintf("%s is before %s, the first day the statutory catalogue covers", day, rules.StatuteStart)))
		return day, exitProblem, false
	}
	return day, exitOK, true
}

// writeParamsJSON prints the parameters as a JSON array.
func (inv *invocation) writeParamsJSON(values []rules.ParamValue) int {
	if err := writeJSON(inv.stdout, service.Params(values, inv.lang)); err != nil {
		inv.errorf("nie można zapisać wyniku: %v", "cannot write the output: %v", err)
		return exitProblem
	}
	return exitOK
}

// printParams prints a heading with the day and revision, then the
// parameters as an aligned table.
func (inv *invocation) printParams(w io.Writer, revision string, day rules.Date, values []rules.ParamValue) {
	fmt.Fprintf(w, inv.tr("Parametry obowiązujące w dniu %s (wersja reguł %s)\n\n", "Parameters in force on %s (rule-set revision %s)\n\n"),
		day, shortRevision(revision))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, inv.tr("ID\tWARTOŚĆ\tJEDNOSTKA\tŹRÓDŁO\tPODSTAWA PRAWNA\tOD", "ID\tVALUE\tUNIT\tSOURCE\tBASIS\tFROM"))
	for _, v := range values {
		basis := v.Basis
		if note := v.Note.In(inv.lang); note != "" {
			basis += " (" + note + ")"
		}
		fmt.Fprintf(tw, "%s\t%v\t%s\t%s\t%s\t%s\n", v.ID, v.Value, inv.unitName(v.Unit), inv.sourceName(v.Source), basis, v.From)
	}
	tw.Flush()
}

// shortRevision returns the first 12 hex digits of a revision.
func shortRevision(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// unitsPL names the units in Polish for tables.
var unitsPL = map[rules.Unit]string{
	rules.UnitCount:       "liczba",
	rules.UnitMonths:      "miesiące",
	rules.UnitWorkingDays: "dni robocze",
	rules.UnitYears:       "lata",
	rules.UnitFTE:         "etaty",
	rules.UnitBool:        "tak/nie",
}

// unitName returns a unit as a table shows it: its ID in English, its
// Polish name in Polish.
func (inv *invocation) unitName(u rules.Unit) string {
	if name, ok := unitsPL[u]; ok && inv.lang == rules.Polish {
		return name
	}
	return string(u)
}

// sourceName returns a source as a table shows it: "statute" ("ustawa")
// or FILE:LINE.
func (inv *invocation) sourceName(s rules.Source) string {
	if s.IsStatute() {
		return inv.tr("ustawa", "statute")
	}
	return s.String()
}
