package workflow

import (
	"fmt"
	"slices"
	"sync"

	"github.com/asysta/asysta/rules"
)

// The obligations (contract.md section 4).
const (
	OblInterview              = "interview"
	OblFamilyAssessment       = "family_assessment"
	OblChildReview            = "child_review"
	OblCourtReport            = "court_report"
	OblLegalStatusMotion      = "legal_status_motion"
	OblEmergencyStayEnd       = "emergency_stay_end"
	OblFosterFamilyAssessment = "foster_family_assessment"
	OblMonitoringEnd          = "monitoring_end"
)

// Obligations lists every obligation ID.
var Obligations = slices.Clone(obligationIDs[:])

// obligationChange is what a transition does to the open obligations.
type obligationChange struct {
	// open holds, by the obligation's index in Obligations, the due rule
	// of each obligation opened or renewed from the date; "" for the rest.
	open   [len(obligationIDs)]string
	opened int
	close  []string
}

// obligationIDs is Obligations as an array, whose length is a constant.
var obligationIDs = [...]string{OblInterview, OblFamilyAssessment, OblChildReview, OblCourtReport, OblLegalStatusMotion,
	OblEmergencyStayEnd, OblFosterFamilyAssessment, OblMonitoringEnd}

// opening is the change that opens (or renews) obligation id by rule.
func opening(id, rule string) obligationChange {
	var ch obligationChange
	ch.opens(id, rule)
	return ch
}

// applyObligations opens, renews and closes a case's obligations after a
// transition, computing due dates with the rules in force on the date and
// the case's facts after the transition.
//
// scratch, when not nil, is a family environment the caller has no more
// use for, filled here instead of one from a pool.
func applyObligations(rs *rules.RuleSet, c *Case, trigger string, a Args, actor Actor, on rules.Date, from State, scratch *rules.FamilyEnv) error {
	ch := obligationsFor(rs, c, trigger, a, on, from)
	for _, id := range ch.close {
		c.Obligations = slices.DeleteFunc(c.Obligations, func(o Obligation) bool { return o.ID == id })
	}
	if ch.opened == 0 {
		return nil
	}
	var progs [len(obligationIDs)]*rules.Program
	facts := false // whether a rule reads more than the date and the parameters
	for i, rule := range ch.open {
		if rule == "" {
			continue
		}
		p, ok := rs.Program(rule)
		if !ok {
			return fmt.Errorf("workflow: %s: due date of %s: rules: no rule %q", c.ID, obligationIDs[i], rule)
		}
		progs[i], facts = p, facts || !p.DateOnly(c.Lifecycle)
	}
	env := dueEnv(c, a, actor, facts, scratch)
	if fe, ok := env.(*rules.FamilyEnv); ok && fe != scratch {
		defer familyEnvPool.Put(fe)
	}
	left := ch.opened
	for i, id := range obligationIDs { // fixed order: deterministic
		if left == 0 {
			break
		}
		rule := ch.open[i]
		if rule == "" {
			continue
		}
		left--
		due, err := progs[i].Due(on, env)
		if err != nil {
			return fmt.Errorf("workflow: %s: due date of %s: %w", c.ID, id, err)
		}
		if !due.Writable() {
			return &ArgumentError{Case: c.ID, Trigger: trigger, Arg: "on", Problem: rules.Text{
				PL: "termin " + id + " (" + rule + ") wypadłby " + due.String() + ", poza latami 1000–9999, których sprawa nie zapisze",
				EN: "the due date of " + id + " (" + rule + ") would be " + due.String() + ", outside the years 1000–9999 a case can record"}}
		}
		c.Obligations = slices.DeleteFunc(c.Obligations, func(o Obligation) bool { return o.ID == id })
		c.Obligations = append(c.Obligations, Obligation{ID: id, Opened: on, Due: due, Rule: rule})
	}
	slices.SortStableFunc(c.Obligations, func(x, y Obligation) int { return x.Due.Compare(y.Due) })
	return nil
}

// obligationsFor is the table of contract.md section 4.
func obligationsFor(rs *rules.RuleSet, c *Case, trigger string, a Args, on rules.Date, from State) obligationChange {
	if c.State == Closed || c.State == Declined || c.State == Returned || c.State == Adopted || c.State == LeftCare || c.State == Dissolved {
		return obligationChange{close: obligationIDs[:]}
	}
	switch c.Lifecycle {
	case rules.LifecycleFamily:
		return familyObligations(rs, c, trigger, on, from)
	case rules.LifecycleChild:
		return childObligations(c, trigger, from)
	}
	switch trigger {
	case TriggerActivate, "assess":
		return opening(OblFosterFamilyAssessment, "due.foster_family_assessment")
	}
	return obligationChange{}
}

func familyObligations(rs *rules.RuleSet, c *Case, trigger string, on rules.Date, from State) obligationChange {
	switch trigger {
	case "court_obligation":
		ch := opening(OblCourtReport, "due.family_court_report")
		if from == Referred {
			// The court's order takes the case past the interview, which
			// complete_interview can no longer close.
			ch.close = []string{OblInterview}
		}
		return ch
	case "reopen":
		// Reopening from monitoring ends the monitoring period.
		return obligationChange{close: []string{OblMonitoringEnd}}
	case "refer":
		return opening(OblInterview, "due.interview")
	case "complete_interview":
		return obligationChange{close: []string{OblInterview}}
	case "assign_assistant", "assess":
		return opening(OblFamilyAssessment, "due.family_assessment")
	case "report_to_court":
		return opening(OblCourtReport, "due.family_court_report")
	case "end_work":
		ch := obligationChange{close: []string{OblFamilyAssessment, OblCourtReport}}
		if v, ok := rs.Param("family.post_closure_monitoring", on); ok && v.Int() > 0 {
			ch.opens(OblMonitoringEnd, "due.monitoring_end")
		}
		return ch
	}
	return obligationChange{}
}

func childObligations(c *Case, trigger string, from State) obligationChange {
	var ch obligationChange
	form := c.Child.Form
	switch trigger {
	case "place":
		ch.opens(OblChildReview, "due.child_review")
		if !c.Child.LegalStatusSettled {
			ch.opens(OblLegalStatusMotion, "due.legal_status_motion")
		}
		if form != FormInstitution {
			ch.opens(OblCourtReport, "due.court_report")
		}
		if form == FormEmergency {
			ch.opens(OblEmergencyStayEnd, "due.emergency_stay_end")
		}
	case "move":
		wasFamily, wasEmergency := from != PlacedInstitution, from == PlacedEmergency
		switch {
		case form == FormInstitution:
			ch.close = append(ch.close, OblCourtReport)
		case !wasFamily:
			ch.opens(OblCourtReport, "due.court_report")
		}
		switch {
		case form == FormEmergency:
			ch.opens(OblEmergencyStayEnd, "due.emergency_stay_end")
		case wasEmergency:
			ch.close = append(ch.close, OblEmergencyStayEnd)
		}
	case "review":
		ch.opens(OblChildReview, "due.child_review")
	case "report_to_court":
		// The half-yearly report is a duty of family foster care (art. 47
		// ust. 5 UWR); a report on a child in an institution renews nothing.
		if form != FormInstitution {
			ch.opens(OblCourtReport, "due.court_report")
		}
	case "extend_stay":
		ch.opens(OblEmergencyStayEnd, "due.emergency_stay_end")
	case "settle_legal_status":
		ch.close = append(ch.close, OblLegalStatusMotion)
	}
	return ch
}

// opens records that the change opens (or renews) obligation id by rule.
func (ch *obligationChange) opens(id, rule string) {
	i := slices.Index(obligationIDs[:], id)
	if ch.open[i] == "" {
		ch.opened++
	}
	ch.open[i] = rule
}

// dueEnv is the environment due rules see: the case after the transition.
func dueEnv(c *Case, a Args, actor Actor, facts bool, scratch *rules.FamilyEnv) rules.Env {
	switch c.Lifecycle {
	case rules.LifecycleChild:
		return ChildEnvOf(c, a, actor)
	case rules.LifecycleFosterFamily:
		return FosterFamilyEnvOf(c, a, actor)
	}
	env := scratch
	if env == nil {
		env = familyEnvPool.Get().(*rules.FamilyEnv)
	}
	if facts {
		fillFamilyEnv(env, c, a, actor)
	} else {
		*env = rules.FamilyEnv{} // read for nothing but the date and the parameters
	}
	return env
}

var familyEnvPool = sync.Pool{New: func() any { return new(rules.FamilyEnv) }}
