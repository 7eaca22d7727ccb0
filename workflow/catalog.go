package workflow

import (
	"slices"

	"github.com/asysta/asysta/rules"
)

// States returns every state of a lifecycle, superstates included, in the
// contract's order. For the family lifecycle the first is "", the declared
// family with no case yet.
func States(l rules.Lifecycle) []State {
	defs, err := definitions()
	if err != nil || defs[l] == nil {
		return nil
	}
	return slices.Clone(defs[l].states)
}

// Triggers returns the triggers a user may fire in a lifecycle, in the
// contract's order (the engine's own activate is left out).
func Triggers(l rules.Lifecycle) []string {
	defs, err := definitions()
	if err != nil || defs[l] == nil {
		return nil
	}
	var out []string
	for _, r := range defs[l].records {
		if !r.internal {
			out = append(out, r.name)
		}
	}
	return out
}

// RolesFor returns the roles that may fire a trigger of a lifecycle.
func RolesFor(l rules.Lifecycle, trigger string) []Role {
	defs, err := definitions()
	if err != nil || defs[l] == nil {
		return nil
	}
	if r := defs[l].record(trigger); r != nil {
		return slices.Clone(r.roles)
	}
	return nil
}

// obligationLabels names the obligations for people.
var obligationLabels = map[string]rules.Text{
	OblInterview:              {PL: "rodzinny wywiad środowiskowy", EN: "family community interview"},
	OblFamilyAssessment:       {PL: "okresowa ocena sytuacji rodziny", EN: "periodic assessment of the family"},
	OblChildReview:            {PL: "okresowa ocena sytuacji dziecka", EN: "periodic review of the child's situation"},
	OblCourtReport:            {PL: "informacja dla sądu", EN: "report to the court"},
	OblLegalStatusMotion:      {PL: "wniosek o uregulowanie sytuacji prawnej dziecka", EN: "motion to settle the child's legal status"},
	OblEmergencyStayEnd:       {PL: "koniec pobytu w pogotowiu rodzinnym", EN: "end of the stay in an emergency family home"},
	OblFosterFamilyAssessment: {PL: "ocena rodziny zastępczej", EN: "assessment of the foster family"},
	OblMonitoringEnd:          {PL: "koniec monitorowania rodziny", EN: "end of the family's monitoring"},
	OblPlanAction:             {PL: "działanie planu pracy z rodziną", EN: "action of the family's work plan"},
	OblPlanCoordination:       {PL: "skoordynowanie planu pracy z planem pomocy dziecku", EN: "coordination of the work plan with the child's help plan"},
	OblCourtOpinion:           {PL: "opinia o rodzinie dla sądu", EN: "opinion on the family for the court"},
	OblCourtNotification:      {PL: "zawiadomienie sądu o przyjęciu dziecka", EN: "notice to the court of the child's admission"},
	OblInterventionStayEnd:    {PL: "koniec pobytu w placówce interwencyjnej", EN: "end of the stay in an intervention institution"},
	OblPlacementEndMotion:     {PL: "wniosek o rozwiązanie rodziny zastępczej", EN: "motion to end the foster placement"},
}

// ObligationLabel returns an obligation's name in Polish and English, or
// the ID itself for an unknown one.
func ObligationLabel(id string) rules.Text {
	if t, ok := obligationLabels[id]; ok {
		return t
	}
	return rules.Text{PL: id, EN: id}
}
