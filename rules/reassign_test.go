package rules_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNew_localRuleGuardsReassignment: a municipality's rule on
// assign_assistant guards every assignment, handing a family over to
// another assistant included; statutory rules keep the triggers they name.
func TestNew_localRuleGuardsReassignment(t *testing.T) {
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(`
rules:
  - id: local.part_time
    on: assign_assistant
    expr: worker.families + 1 <= param("assistant.max_families") * worker.fte
    message: {pl: "Za dużo rodzin na etat.", en: "Too many families for the post."}
`))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	env := &rules.FamilyEnv{}
	env.Family.Basis = "consent"
	env.Worker.FTE, env.Worker.Families = 0.5, 8
	d, err := rs.Decide(rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "reassign_assistant"}, rules.MustParseDate("2025-03-03"), env)
	require.NoError(t, err)
	assert.False(t, d.Allowed)
	assert.Equal(t, "local.part_time", d.Unmet()[0].Rule, "8 + 1 > 15 × 0.5")

	p, ok := rs.Program("assistant.basis_required")
	require.True(t, ok)
	assert.Equal(t, []rules.Trigger{{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"}}, p.Triggers(),
		"a statutory rule keeps its own triggers")
}
