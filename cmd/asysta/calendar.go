package main

import (
	"context"
	"fmt"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
)

// init registers the calendar verb.
func init() {
	register(&command{
		name: "calendar",
		synopsis: rules.Text{
			PL: "[--on DATA] [--worker ID] [--lead DNI] [--json] [--lang pl|en] SCENARIUSZ",
			EN: "[--on DATE] [--worker ID] [--lead DAYS] [--json] [--lang pl|en] SCENARIO",
		},
		summary: rules.Text{
			PL: "kalendarz otwartych i zaległych obowiązków w stanie, w jakim zostawia go scenariusz",
			EN: "the calendar of open and overdue obligations in the state a scenario leaves",
		},
		run: runCalendar,
	})
}

// runCalendar plays a scenario and prints the review calendar on a date
// (default: the date of its last step).
func runCalendar(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	on := fs.String("on", "", inv.tr("kalendarz w dniu `RRRR-MM-DD` (domyślnie: data ostatniego kroku)",
		"the calendar on `YYYY-MM-DD` (default: the date of the last step)"))
	worker := fs.String("worker", "", inv.tr("tylko sprawy pracownika `ID`", "only the cases of worker `ID`"))
	lead := fs.Int("lead", -1, inv.tr("pokaż obowiązek na `DNI` dni przed terminem (-1: wszystkie otwarte)",
		"show an obligation `DAYS` days before it is due (-1: every open one)"))
	asJSON := fs.jsonFlag()
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) != 1 {
		return fs.fail(rules.Text{PL: "podaj jeden plik scenariusza", EN: "give one scenario file"})
	}
	w, status, ok := inv.playWorld(cmd.name, positional[0])
	if !ok {
		return status
	}
	day, st, ok := inv.day(fs, *on, w.last)
	if !ok {
		return st
	}
	entries, err := w.cl.Calendar(context.Background(), caseload.CalendarQuery{On: day, LeadDays: *lead, Worker: *worker})
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta calendar: %s\n", inv.localize(err))
		return exitProblem
	}
	if *asJSON {
		if entries == nil {
			entries = []caseload.Entry{}
		}
		if err := writeJSON(inv.stdout, entries); err != nil {
			return inv.jsonFailed(err)
		}
		return status
	}
	fmt.Fprintf(inv.stdout, inv.tr("Kalendarz obowiązków w dniu %s\n", "Calendar of obligations on %s\n"), day)
	fmt.Fprint(inv.stdout, caseload.FormatCalendar(entries, inv.lang))
	fmt.Fprintln(inv.stdout, inv.count(len(entries), "obowiązek", "obowiązki", "obowiązków", "obligation", "obligations"))
	return status
}
