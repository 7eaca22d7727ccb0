package rules_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigSchema_docs keeps docs/config.schema.json equal to the schema
// generated from the catalogue (go test ./rules -update rewrites it).
func TestConfigSchema_docs(t *testing.T) {
	got := rules.ConfigSchema()
	path := filepath.Join("..", "docs", "config.schema.json")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "docs/config.schema.json is stale: run go test ./rules -update")
}

// TestConfigSchema_catalogue checks the schema names every parameter with
// its range and the local rule ID pattern.
func TestConfigSchema_catalogue(t *testing.T) {
	var schema struct {
		ID         string `json:"$id"`
		Properties struct {
			Parameters struct {
				Properties map[string]struct {
					OneOf []map[string]any `json:"oneOf"`
				} `json:"properties"`
			} `json:"parameters"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(rules.ConfigSchema(), &schema))
	assert.Equal(t, rules.SchemaURL, schema.ID, "the schema's $id is its stable address")
	params := schema.Properties.Parameters.Properties
	for _, p := range rules.Statute().Parameters() {
		s, ok := params[p.ID]
		require.True(t, ok, p.ID)
		require.Len(t, s.OneOf, 3, p.ID)
		if p.Type == rules.TypeInt {
			assert.EqualValues(t, p.Max, s.OneOf[0]["maximum"], p.ID)
		}
	}
	assert.EqualValues(t, 20, params["assistant.max_families"].OneOf[0]["maximum"], "a ceiling's maximum is its highest historic value")
}
