package docs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGlossary reads rows of each kind of table.
func TestGlossary(t *testing.T) {
	byKey := map[string]Entry{}
	for _, e := range Glossary() {
		byKey[e.Section+"/"+e.Sub+"/"+e.ID] = e
	}
	p, ok := byKey["Parameters — parametry//assistant.max_families"]
	require.True(t, ok)
	assert.Equal(t, []string{"parameter", "Polish", "unit", "statutory value and history", "direction", "legal basis"}, p.Headers)
	assert.Equal(t, "maksymalna liczba rodzin asystenta", p.Cells[1])
	tr, ok := byKey["Triggers — wyzwalacze/family/reassign_assistant"]
	require.True(t, ok)
	assert.True(t, tr.Addition)
	assert.Equal(t, "assistant_work.* → itself", tr.Cells[2])
	_, ok = byKey["Lifecycles and states — cykle życia i stany/child — umieszczenie dziecka w pieczy zastępczej (county)/placed.institution"]
	assert.True(t, ok)
	for _, e := range Glossary() {
		assert.Len(t, e.Cells, len(e.Headers), "%s: a row has as many cells as its header", e.ID)
	}
}
