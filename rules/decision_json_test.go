package rules_test

import (
	"encoding/json"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecision_jsonRoundTrip: a decision stored as JSON (an audit log, a
// database) reads back as it was.
func TestDecision_jsonRoundTrip(t *testing.T) {
	env := &rules.FamilyEnv{}
	env.Worker.Families = 15
	d, err := rules.Statute().Decide(rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"},
		rules.MustParseDate("2016-03-20"), env)
	require.NoError(t, err)
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back rules.Decision
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d.Trigger, back.Trigger)
	assert.Equal(t, d.Rules, back.Rules)
	assert.Equal(t, d.Unmet(), back.Unmet())
	var bad rules.Trigger
	assert.Error(t, bad.UnmarshalText([]byte("family.fly")))
}
