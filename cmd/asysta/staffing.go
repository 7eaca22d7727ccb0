package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
)

// init registers the staffing verb.
func init() {
	register(&command{
		name: "staffing",
		synopsis: rules.Text{
			PL: "--unit ID --inhabitants N [--families N] [--on DATA] [--json] [--lang pl|en] SCENARIUSZ",
			EN: "--unit ID --inhabitants N [--families N] [--on DATE] [--json] [--lang pl|en] SCENARIO",
		},
		summary: rules.Text{
			PL: "normy zatrudnienia ośrodka (art. 110 ust. 11–12 UPS) i obciążenie asystentów i koordynatorów",
			EN: "a centre's staffing norms (art. 110 ust. 11–12 UPS) and its assistants' and coordinators' loads",
		},
		exits: rules.Text{
			PL: "0 normy spełnione, 1 norma naruszona albo scenariusz niezaliczony, 2 błędny plik albo błędne wywołanie",
			EN: "0 the norms are met, 1 a norm is breached or the scenario failed, 2 a malformed file or a wrong command line",
		},
		run: runStaffing,
	})
}

// runStaffing plays a scenario and prints the staffing report of one unit
// (the workers' employer) on a date.
func runStaffing(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	unit := fs.String("unit", "", inv.tr("ośrodek `ID` (pole employer pracowników)", "the centre `ID` (the workers' employer)"))
	inh := fs.Int("inhabitants", 0, inv.tr("liczba `N` mieszkańców gminy", "the gmina's `N` inhabitants"))
	fam := fs.Int("families", 0, inv.tr("liczba `N` rodzin objętych pracą socjalną (0: nieznana)",
		"`N` families in social work (0: not known)"))
	on := fs.String("on", "", inv.tr("raport w dniu `RRRR-MM-DD` (domyślnie: data ostatniego kroku)",
		"the report on `YYYY-MM-DD` (default: the date of the last step)"))
	asJSON := fs.jsonFlag()
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) != 1 || *unit == "" || *inh <= 0 {
		return fs.fail(rules.Text{PL: "podaj --unit, --inhabitants i jeden plik scenariusza",
			EN: "give --unit, --inhabitants and one scenario file"})
	}
	w, status, ok := inv.playWorld(cmd.name, positional[0])
	if !ok {
		return status
	}
	day, st, ok := inv.day(fs, *on, w.last)
	if !ok {
		return st
	}
	rep, err := w.cl.Staffing(context.Background(), caseload.StaffingInput{Unit: *unit, Inhabitants: *inh, SocialWorkFamilies: *fam}, day)
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta staffing: %s\n", inv.localize(err))
		return exitProblem
	}
	if len(rep.Violations) > 0 {
		status = exitProblem // a breached norm, as check reports a problem
	}
	if *asJSON {
		// Lists are [] when empty, never null.
		rep.SocialWorkerLoads = emptyIfNil(rep.SocialWorkerLoads)
		rep.Assistants = emptyIfNil(rep.Assistants)
		rep.Coordinators = emptyIfNil(rep.Coordinators)
		rep.Violations = emptyIfNil(rep.Violations)
		if err := writeJSON(inv.stdout, rep); err != nil {
			return inv.jsonFailed(err)
		}
		return status
	}
	inv.printStaffing(rep)
	return status
}

// printStaffing prints the report for a council: the norm, the loads, the
// breaches.
func (inv *invocation) printStaffing(rep caseload.StaffingReport) {
	out := inv.stdout
	n := rep.SocialWorkers
	fmt.Fprintf(out, inv.tr("Normy zatrudnienia: %s w dniu %s (wersja reguł %s)\n\n", "Staffing norms: %s on %s (rule-set revision %s)\n\n"),
		rep.Unit, rep.On, shortRevision(rep.Revision))
	fmt.Fprintf(out, inv.tr("Pracownicy socjalni (%s): %s etatu; wymagane %d (wg mieszkańców %d, wg rodzin %d, minimum %d)\n",
		"Social workers (%s): %s FTE; required %d (by inhabitants %d, by families %d, minimum %d)\n"),
		n.Basis, inv.decimal(n.FTE), n.Required, n.ByInhabitants, n.ByFamilies, n.Minimum)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, inv.tr("\nPRACOWNIK\tROLA\tSPRAWY\tLIMIT\tWYKORZYSTANIE", "\nWORKER\tROLE\tCASES\tCAP\tUTILISATION"))
	for _, l := range append(append([]caseload.Load{}, rep.Assistants...), rep.Coordinators...) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f%%\n", l.Worker, l.Role, l.Count(), l.Cap, 100*l.Utilisation())
	}
	for _, l := range rep.SocialWorkerLoads { // no cap per social worker
		fmt.Fprintf(tw, "%s\t%s\t%d\t—\t—\n", l.Worker, l.Role, l.Count())
	}
	tw.Flush()
	fmt.Fprintln(out)
	if len(rep.Violations) == 0 {
		fmt.Fprintln(out, inv.tr("Bez naruszeń.", "No breaches."))
	}
	for _, v := range rep.Violations {
		fmt.Fprintf(out, "%s: %s\n", v.Rule, v.Msg.In(inv.lang))
	}
}

// decimal prints x with two decimals: 0.50 in English, 0,50 in Polish,
// which writes a decimal comma.
func (inv *invocation) decimal(x float64) string {
	s := fmt.Sprintf("%.2f", x)
	if inv.lang == rules.Polish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
