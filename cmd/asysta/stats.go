package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
)

// init registers the stats verb.
func init() {
	register(&command{
		name: "stats",
		synopsis: rules.Text{
			PL: "[--unit ID] [--from DATA] [--to DATA] [--explain WSKAŹNIK] [--json] [--lang pl|en] SCENARIUSZ",
			EN: "[--unit ID] [--from DATE] [--to DATE] [--explain FIGURE] [--json] [--lang pl|en] SCENARIO",
		},
		summary: rules.Text{
			PL: "dane półroczne OPS lub PCPR z historii spraw, każda z identyfikatorami spraw",
			EN: "the half-yearly figures of an OPS or PCPR from the cases' histories, each with its cases",
		},
		run: runStats,
	})
}

// runStats plays a scenario and prints the figures of a unit for a period
// (default: the half-year of the scenario's last step).
func runStats(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	unit := fs.String("unit", "", inv.tr("jednostka `ID` (pole employer pracowników; domyślnie: wszystkie)",
		"the unit `ID` (the workers' employer; default: every unit)"))
	from := fs.String("from", "", inv.tr("początek okresu `RRRR-MM-DD` (domyślnie: półrocze ostatniego kroku)",
		"the period's first day `YYYY-MM-DD` (default: the half-year of the last step)"))
	to := fs.String("to", "", inv.tr("koniec okresu `RRRR-MM-DD` (włącznie)", "the period's last day `YYYY-MM-DD` (included)"))
	explain := fs.String("explain", "", inv.tr("pokaż sprawy za wskaźnikiem `WSKAŹNIK` (albo grupą: family, child.left, …)",
		"show the cases behind `FIGURE` (or a group: family, child.left, …)"))
	asJSON := fs.jsonFlag()
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) != 1 {
		return fs.fail(rules.Text{PL: "podaj jeden plik scenariusza", EN: "give one scenario file"})
	}
	if *explain != "" && !knownFigure(*explain) {
		return fs.fail(rules.Text{PL: fmt.Sprintf("nieznany wskaźnik w --explain; dozwolone identyfikatory (i ich przedrostki): %s", strings.Join(caseload.FigureIDs(), ", ")),
			EN: fmt.Sprintf("unknown figure for --explain; want one of the IDs (or a prefix): %s", strings.Join(caseload.FigureIDs(), ", "))})
	}
	w, status, ok := inv.playWorld(cmd.name, positional[0])
	if !ok {
		return status
	}
	q := caseload.StatsQuery{Unit: *unit}
	q.From, q.To = caseload.HalfYear(w.last)
	for _, f := range []struct {
		name, value string
		d           *rules.Date
	}{{"from", *from, &q.From}, {"to", *to, &q.To}} {
		if f.value == "" {
			continue
		}
		day, err := rules.ParseDate(f.value)
		if err != nil {
			return fs.fail(rules.Text{PL: fmt.Sprintf("błędna data w --%s; oczekiwano RRRR-MM-DD", f.name),
				EN: fmt.Sprintf("bad date for --%s; want YYYY-MM-DD", f.name)})
		}
		*f.d = day
	}
	if q.To.Before(q.From) {
		return fs.fail(rules.Text{PL: "--to jest przed --from", EN: "--to comes before --from"})
	}
	st, err := w.cl.Statistics(context.Background(), q)
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta stats: %s\n", inv.localize(err))
		return exitProblem
	}
	if *asJSON {
		if *explain != "" {
			st.Figures = slices.DeleteFunc(st.Figures, func(f caseload.Figure) bool { return !underFigure(f.ID, *explain) })
		}
		if err := writeJSON(inv.stdout, st); err != nil {
			return inv.jsonFailed(err)
		}
		return status
	}
	fmt.Fprint(inv.stdout, caseload.FormatStatistics(st, inv.lang, *explain))
	return status
}

// knownFigure reports whether id is a figure's ID or a prefix of IDs
// ending at a dot.
func knownFigure(id string) bool {
	return slices.ContainsFunc(caseload.FigureIDs(), func(f string) bool { return underFigure(f, id) })
}

// underFigure reports whether figure f is id or one of its parts.
func underFigure(f, id string) bool { return f == id || strings.HasPrefix(f, id+".") }
