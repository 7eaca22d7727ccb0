package workflow

import (
	"github.com/asysta/asysta/rules"
)

// applyFacts records what a transition changes in a case's facts. It is a
// pure function of the case, the trigger, its arguments and the date, so
// that replay repeats it exactly.
func applyFacts(c *Case, trigger string, a Args, actor Actor, on rules.Date, from State) {
	switch {
	case c.Family != nil:
		familyFacts(c.Family, c.State, trigger, a, on, from)
		if (trigger == "refer" || trigger == "apply_za_zyciem") && actor.Role == SocialWorker {
			c.Family.SocialWorker = actor.ID
		}
	case c.Child != nil:
		childFacts(c.Child, trigger, a, on, from)
	case c.FosterFamily != nil:
		fosterFacts(c.FosterFamily, trigger, a, on)
	}
}

// familyFacts applies a transition to f, the facts of a family case now in
// state.
func familyFacts(f *FamilyFacts, state State, trigger string, a Args, on rules.Date, from State) {
	switch trigger {
	case "refer":
		f.Opened, f.Urgent = on, a.Bool("urgent")
	case "apply_za_zyciem":
		f.Opened, f.ZaZyciemKind, f.Basis = on, a.String("kind"), BasisZaZyciem
	case "request_assistant":
		if f.Mandatory = a.Bool("mandatory"); f.Mandatory && f.Basis != BasisCourt {
			f.Basis = BasisMandatory
		}
	case "give_consent":
		if f.Basis != BasisCourt {
			f.Basis = BasisConsent
		}
	case "refuse_consent":
		f.Basis = BasisNone
	case "court_obligation":
		f.Basis, f.CourtRef, f.ReportEveryMonths = BasisCourt, a.String("court_ref"), a.Int("report_every_months")
	case "assign_assistant":
		f.Assistant = a.String("assistant")
	case "reassign_assistant":
		f.FormerAssistants = append(f.FormerAssistants, f.Assistant)
		f.Assistant = a.String("assistant")
	case "approve_plan":
		if ref := a.String("plan_ref"); ref != "" {
			f.WorkPlanRef = ref
		}
	case "assess":
		f.LastAssessment = a.String("result")
	case "withdraw_consent":
		if state == Closed {
			f.EndReason = "consent_withdrawn"
		} else {
			f.NonCooperation++
		}
	case "end_work":
		f.EndReason = a.String("reason")
	case "reopen":
		if f.Assistant != "" {
			f.FormerAssistants = append(f.FormerAssistants, f.Assistant)
		}
		f.Assistant, f.Basis, f.CourtRef, f.ReportEveryMonths = "", BasisNone, "", 0
		f.EndReason, f.NonCooperation, f.Mandatory, f.LastAssessment, f.WorkPlanRef = "", 0, false, "", ""
	}
}

func childFacts(ch *ChildFacts, trigger string, a Args, on rules.Date, from State) {
	switch trigger {
	case "place", "move":
		ch.Form, ch.Carer, ch.PlacedOn, ch.StayExtended = a.String("form"), a.String("carer"), on, false
		ch.Exception = a.String("exception")
		if ref := a.String("court_ref"); ref != "" {
			ch.CourtRef = ref
		}
		if trigger == "place" && ch.FirstPlaced.IsZero() {
			ch.FirstPlaced = on
		}
		if trigger == "place" {
			if ref := a.String("help_plan_ref"); ref != "" {
				ch.HelpPlanRef = ref
			}
		}
	case "review":
		if ref := a.String("help_plan_ref"); ref != "" {
			ch.HelpPlanRef = ref
		}
	case "extend_stay":
		ch.StayExtended = true
	case "propose_return":
		ch.ReturnTo = from
	case "return_refused":
		ch.ReturnTo = ""
	case "return_home", "adopt":
		ch.CourtRef = a.String("court_ref")
		ch.ReturnTo = ""
	case "settle_legal_status":
		ch.LegalStatusSettled = true
	}
}

func fosterFacts(ff *FosterFamilyFacts, trigger string, a Args, on rules.Date) {
	switch trigger {
	case "assign_coordinator":
		ff.Coordinator = a.String("coordinator")
	case TriggerActivate:
		if ff.ActiveSince.IsZero() {
			ff.ActiveSince = on
		}
	case "assess":
		ff.Assessments++
		ff.LastResult = a.String("result")
	}
}
