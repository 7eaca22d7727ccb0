package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchema checks that the verb prints the bytes of
// docs/config.schema.json (go test ./rules -update rewrites that file).
func TestSchema(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "config.schema.json"))
	require.NoError(t, err)
	for _, args := range [][]string{{"schema"}, {"schema", "--lang", "pl"}} {
		res := runArgs(args...)
		assert.Equal(t, exitOK, res.code, "%q: %s", args, res.stderr)
		assert.Empty(t, res.stderr, "%q", args)
		assert.Equal(t, string(want), res.stdout, "%q: docs/config.schema.json is stale: run go test ./rules -update", args)
	}
}

// TestSchemaUsage checks the verb's usage and that it takes no argument.
func TestSchemaUsage(t *testing.T) {
	res := runArgs("schema", "-h")
	assert.Equal(t, exitOK, res.code)
	assertGolden(t, "usage_schema_en.txt", res.stdout)
	res = runArgs("help", "schema", "--lang", "pl")
	assert.Equal(t, exitOK, res.code)
	assertGolden(t, "usage_schema_pl.txt", res.stdout)
	res = runArgs("schema", "gmina.yaml")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "asysta schema: unexpected argument gmina.yaml")
	res = runArgs("schema", "gmina.yaml", "--lang", "pl")
	assert.Contains(t, res.stderr, "asysta schema: nieoczekiwany argument gmina.yaml")
}
