package main

import (
	"context"
	"fmt"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
)

// world is a scenario played to its end: the caseload it left and the date
// of its last step.
type world struct {
	cl   *caseload.Caseload
	rs   *rules.RuleSet // the scenario's rule set
	last rules.Date
}

// playWorld parses and plays a scenario file for the verbs that ask
// questions of the state it leaves (calendar, staffing). A malformed file
// gives exit 2 with its problems on stderr; failed expectations are
// reported on stderr and give exit 1 once the verb has printed its answer.
func (inv *invocation) playWorld(verb, path string) (*world, int, bool) {
	s, rs, err := scenario.ParseFile(path)
	if err != nil {
		inv.reportLoadError(inv.stderr, err)
		return nil, exitUsage, false
	}
	reg, err := registry(s)
	var rep *scenario.Report
	var e *workflow.Engine
	if err == nil {
		rep, e, err = s.Play(context.Background(), rs, reg)
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta %s: %s: %s\n", verb, rules.SafePath(path), inv.localize(err))
		return nil, exitProblem, false
	}
	status := exitOK
	for _, f := range rep.Failures {
		fmt.Fprintln(inv.stderr, f.Localize(inv.lang))
		status = exitProblem
	}
	w := &world{cl: caseload.New(e, reg), rs: rs}
	for _, st := range s.Steps {
		if st.At.After(w.last) {
			w.last = st.At
		}
	}
	return w, status, true
}

// registry returns the scenario's staff and institutions in a caseload
// registry, which checks the law's separation of roles.
func registry(s *scenario.Scenario) (*caseload.Registry, error) {
	reg := caseload.NewRegistry()
	for _, w := range s.Workers {
		if err := reg.Add(w); err != nil {
			return nil, err
		}
	}
	for _, id := range s.Institutions {
		if err := reg.AddInstitution(s.Institution(id)); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// day returns the date --on names, or def when it is empty.
func (inv *invocation) day(fs *verbFlags, on string, def rules.Date) (rules.Date, int, bool) {
	if on == "" {
		return def, exitOK, true
	}
	d, err := rules.ParseDate(on)
	if err != nil {
		return d, fs.fail(rules.Text{PL: fmt.Sprintf("błędna data %q w --on; oczekiwano RRRR-MM-DD", on),
			EN: fmt.Sprintf("bad date %q for --on; want YYYY-MM-DD", on)}), false
	}
	return d, exitOK, true
}

// localize returns err's message in the invocation's language when the
// error carries both (a [workflow.Localizer]), else its own text.
func (inv *invocation) localize(err error) string { return workflow.Localize(err, inv.lang) }
