package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// TestRuleSetReads: a guard in force reads what its expression names, a
// whole variable included; a rule not yet in force, or of another
// trigger, reads nothing.
func TestRuleSetReads(t *testing.T) {
	cfg, err := rules.ParseConfig("reads.yaml", []byte(`
rules:
  - id: local.children_on_assess
    on: family.assess
    from: 2024-01-01
    basis: "Zarządzenie 1/2024"
    expr: family.children < 10
    message: {pl: "Za dużo dzieci.", en: "Too many children."}
  - id: local.no_children_in_care
    on: family.end_work
    basis: "Zarządzenie 2/2024"
    expr: family.placed_children == 0
    message: {pl: "Dzieci w pieczy.", en: "Children in care."}
`))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	assess := rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assess"}
	closing := rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "end_work"}
	assign := rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"}
	on, before := rules.MustParseDate("2024-06-01"), rules.MustParseDate("2023-06-01")
	tests := []struct {
		name  string
		t     rules.Trigger
		on    rules.Date
		paths []string
		want  bool
	}{
		{"a guard reading the path", assess, on, []string{"family.children"}, true},
		{"a path no guard reads", assess, on, []string{"family.placed_children"}, false},
		{"a whole variable asked for", assess, on, []string{"family"}, true},
		{"a guard not yet in force", assess, before, []string{"family.children"}, false},
		{"another trigger's guard", closing, on, []string{"family.placed_children"}, true},
		{"the statutory cap reads the load", assign, on, []string{"worker.families"}, true},
		{"the statutory cap reads no children", assign, on, []string{"family.children", "family.placed_children"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, rs.Reads(tt.t, tt.on, tt.paths...))
		})
	}
}
