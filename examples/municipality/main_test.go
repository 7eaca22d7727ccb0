package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRun applies gmina.yaml and compares the output with golden files.
func TestRun(t *testing.T) {
	for _, lang := range []rules.Lang{rules.English, rules.Polish} {
		t.Run(string(lang), func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(context.Background(), &out, lang, configPath()))
			path := filepath.Join("testdata", "out_"+string(lang)+".txt")
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./examples/municipality -update")
			assert.Equal(t, string(want), out.String())
		})
	}
}

// TestRun_facts checks the story's point independently of the wording.
func TestRun_facts(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, rules.English, configPath()))
	s := out.String()
	assert.Contains(t, s, "F12 (difficulty 2.0) → A1: DENIED local.weighted_caseload")
	assert.Contains(t, s, "F13 (difficulty 1.0) → A1: assigned")
	assert.Contains(t, s, "F14 (difficulty 0.5) → A1: DENIED assistant.max_families")
	assert.Contains(t, s, "local.part_time_notice")
	assert.Contains(t, s, "monitoring until 2025-10-30")
}

// TestRun_badFile shows a broken file's problems instead of running.
func TestRun_badFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("parameters:\n  assistant.max_families: 16\n"), 0o644))
	err := run(context.Background(), &bytes.Buffer{}, rules.English, bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.yaml:2:27: assistant.max_families:")
	assert.Contains(t, err.Error(), "[ceiling_raised]")
}
