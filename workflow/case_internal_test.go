package workflow

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
)

// TestCaseClone: a clone equals the case and shares no memory with it:
// changing the clone's facts, former assistants or obligations leaves the
// original as it was.
func TestCaseClone(t *testing.T) {
	due := rules.MustParseDate("2025-01-01")
	tests := []struct {
		name   string
		c      func() *Case // the same case each time, built afresh
		change func(*Case)
	}{
		{"family", func() *Case {
			return &Case{ID: "F1", Lifecycle: rules.LifecycleFamily, State: AssistantPlanning,
				Family:      &FamilyFacts{Assistant: "A1", FormerAssistants: []string{"A0"}},
				Obligations: []Obligation{{ID: OblFamilyAssessment, Due: due}}}
		},
			func(c *Case) {
				c.Family.Assistant, c.Family.FormerAssistants[0] = "A9", "A9"
				c.Family.FormerAssistants = append(c.Family.FormerAssistants, "A8")
				c.Obligations[0].ID = "changed"
			}},
		{"child", func() *Case {
			return &Case{ID: "C1", Lifecycle: rules.LifecycleChild, State: InFamily, Child: &ChildFacts{Family: "F1", Carer: "R1"}}
		},
			func(c *Case) { c.Child.Carer = "R9" }},
		{"foster family", func() *Case {
			return &Case{ID: "R1", Lifecycle: rules.LifecycleFosterFamily, State: Qualified,
				FosterFamily: &FosterFamilyFacts{Form: FormProfessional, Coordinator: "K1"}, Obligations: []Obligation{}}
		},
			func(c *Case) {
				c.FosterFamily.Coordinator = "K9"
				c.Obligations = append(c.Obligations, Obligation{ID: "x"})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c()
			cp := c.Clone()
			assert.Equal(t, tt.c(), cp)
			tt.change(cp)
			assert.Equal(t, tt.c(), c, "changing the clone changed the case")
			assert.NotEqual(t, c, cp)
		})
	}
}
