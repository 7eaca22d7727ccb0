package workflow

import (
	"fmt"
	"slices"

	"github.com/asysta/asysta/rules"
)

// The obligations (docs/workflow.md, "Obligations"). Each
// trigger's record lists the obligations it opens, renews and closes.
const (
	OblInterview              = "interview"
	OblFamilyAssessment       = "family_assessment"
	OblChildReview            = "child_review"
	OblCourtReport            = "court_report"
	OblLegalStatusMotion      = "legal_status_motion"
	OblEmergencyStayEnd       = "emergency_stay_end"
	OblFosterFamilyAssessment = "foster_family_assessment"
	OblMonitoringEnd          = "monitoring_end"
	// OblPlanAction is one open action of a family's work plan; its Ref is
	// the action's ID, its due date the plan's.
	OblPlanAction       = "plan_action"
	OblPlanCoordination = "plan_coordination"
	// Court work and the institution kinds (docs/workflow.md,
	// "Obligations").
	OblCourtOpinion        = "court_opinion"
	OblCourtNotification   = "court_notification"
	OblInterventionStayEnd = "intervention_stay_end"
	OblPlacementEndMotion  = "placement_end_motion"
)

// Obligations lists every obligation ID.
var Obligations = slices.Clone(obligationIDs[:])

var obligationIDs = [...]string{OblInterview, OblFamilyAssessment, OblChildReview, OblCourtReport, OblLegalStatusMotion,
	OblEmergencyStayEnd, OblFosterFamilyAssessment, OblMonitoringEnd, OblPlanAction, OblPlanCoordination,
	OblCourtOpinion, OblCourtNotification, OblInterventionStayEnd, OblPlacementEndMotion}

// final reports whether s ends a case: a case in it has no open
// obligations.
func final(s State) bool {
	return s == Closed || s == Declined || s == Returned || s == Adopted || s == LeftCare || s == Dissolved
}

// applyDuties opens, renews and closes the case's obligations as the
// record's duties say, after the state and the facts have changed. Due
// dates are computed by the due rules in force on the date, reading the
// case after the transition. A case in a final state closes them all.
func applyDuties(r *record, f *firing) error {
	c := f.c
	if final(c.State) {
		c.Obligations = nil
		return nil
	}
	var env rules.Env // built on the first due rule
	for _, du := range r.duties {
		if du.when != nil && !du.when(f) {
			continue
		}
		if du.hold || du.restore {
			holdOrRestore(c, du)
			continue
		}
		if du.plan {
			syncPlanActions(c)
			continue
		}
		c.Obligations = slices.DeleteFunc(c.Obligations, func(o Obligation) bool { return o.ID == du.obligation })
		if du.rule == "" {
			continue
		}
		if env == nil {
			env = dueEnv(f)
		}
		due, err := f.rs.Due(du.rule, f.on, env)
		if err != nil {
			return fmt.Errorf("workflow: %s: due date of %s: %w", c.ID, du.obligation, err)
		}
		if !due.Writable() {
			return &ArgumentError{Case: c.ID, Trigger: r.name, Arg: "on", Problem: rules.Text{
				PL: "termin " + du.obligation + " (" + du.rule + ") wypadłby " + due.String() + ", poza latami 1000–9999, których sprawa nie zapisze",
				EN: "the due date of " + du.obligation + " (" + du.rule + ") would be " + due.String() + ", outside the years 1000–9999 a case can record"}}
		}
		c.Obligations = append(c.Obligations, Obligation{ID: du.obligation, Opened: f.on, Due: due, Rule: du.rule})
	}
	slices.SortStableFunc(c.Obligations, func(x, y Obligation) int { return x.Due.Compare(y.Due) })
	if len(c.Obligations) == 0 {
		c.Obligations = nil // none open: the same on every store, whatever the encoding
	}
	return nil
}

// holdOrRestore sets a child's open obligation aside (hold) or brings the
// one set aside back (restore).
func holdOrRestore(c *Case, du duty) {
	ch := c.Child
	if du.hold {
		ch.HeldMotion = nil
		if o, ok := c.Obligation(du.obligation); ok {
			ch.HeldMotion = &o
			c.Obligations = slices.DeleteFunc(c.Obligations, func(o Obligation) bool { return o.ID == du.obligation })
		}
		return
	}
	if ch.HeldMotion != nil {
		c.Obligations = append(slices.DeleteFunc(c.Obligations, func(o Obligation) bool { return o.ID == du.obligation }), *ch.HeldMotion)
		ch.HeldMotion = nil
	}
}

// dueEnv is the environment due rules see: the case after the transition
// and the trigger's arguments.
func dueEnv(f *firing) rules.Env {
	switch f.c.Lifecycle {
	case rules.LifecycleChild:
		return ChildEnvOf(f.c, f.args, f.actor)
	case rules.LifecycleFosterFamily:
		return FosterFamilyEnvOf(f.c, f.args, f.actor)
	}
	return FamilyEnvOf(f.c, f.args, f.actor)
}
