package workflow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGraphLabelEscaping checks that labels stay valid in both syntaxes
// whatever they hold.
func TestGraphLabelEscaping(t *testing.T) {
	lines := []string{`a: "b" #c; <d>`, "e"}
	assert.Equal(t, "a#58; #quot;b#quot; #35;c#59; #lt;d#gt;<br>e", mermaidLabel(lines))
	assert.Equal(t, `"a: \"b\" #c; <d>\ne \\ f"`, dotString(`a: "b" #c; <d>`+"\ne \\ f"))
}

// TestGraphDynamicWithoutChoice checks that a chosen destination the
// diagrams cannot label is an error, not a silent edge.
func TestGraphDynamicWithoutChoice(t *testing.T) {
	l := childLifecycle()
	choose := func(*firing) State { return Adopted }
	r := &record{name: "teleport"}
	p := &path{from: []State{InFamily}, choose: choose, targets: []State{Adopted}}
	_, err := transitionEdges(l, r, p)
	assert.ErrorContains(t, err, "teleport")
	r.name, p.targets = "place", nil
	_, err = transitionEdges(l, r, p)
	assert.ErrorContains(t, err, "place")
}

// TestGraphChoiceTargets checks when a chosen destination's targets are
// drawn one by one and when as their superstate.
func TestGraphChoiceTargets(t *testing.T) {
	l := childLifecycle()
	place, move, back := l.record("place"), l.record("move"), l.record("return_refused")
	assert.Equal(t, []State{Placed}, choiceTargets(l, place, &place.paths[0]), "place: one edge to the superstate, not one per form")
	assert.Equal(t, []State{Placed}, choiceTargets(l, back, &back.paths[0]), "return_refused: to the superstate")
	targets, err := drawnTargets(l, move, &move.paths[0], Placed)
	require.NoError(t, err)
	assert.Equal(t, []State{Placed}, targets, "move: a loop on placed")
	partial := back.paths[0]
	partial.targets = back.paths[0].targets[:2]
	assert.Equal(t, back.paths[0].targets[:2], choiceTargets(l, back, &partial), "a subset of the leaves stays one edge each")

	f := familyLifecycle()
	w := f.record("withdraw_consent")
	targets, err = drawnTargets(f, w, &w.paths[0], AssistantWork)
	require.NoError(t, err)
	assert.Equal(t, []State{Closed, AssistantWork}, targets)
}

// TestGraphMerge checks that parallel transitions share one edge and keep
// table order.
func TestGraphMerge(t *testing.T) {
	d, err := diagramOf("family")
	require.NoError(t, err)
	seen := map[[2]State][][]string{}
	for _, e := range d.edges {
		key := [2]State{e.from, e.to}
		assert.Nil(t, seen[key], "two edges %s -> %s", e.from, e.to)
		seen[key] = e.labels
	}
	assert.Equal(t, [][]string{{"request_assistant", "(social_worker)"}, {"court_obligation", "(social_worker, ops_head)"}},
		seen[[2]State{Analysis, AssistantRequested}])
}
