package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

var revision = regexp.MustCompile(`[0-9a-f]{12}\)`)

// TestRun plays the story in both languages and compares the timeline with
// the golden files (the rule-set revision masked).
func TestRun(t *testing.T) {
	for _, lang := range []rules.Lang{rules.English, rules.Polish} {
		t.Run(string(lang), func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(context.Background(), &out, lang))
			got := revision.ReplaceAllString(out.String(), "<revision>")
			path := filepath.Join("testdata", "timeline_"+string(lang)+".txt")
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./examples/quickstart -update")
			assert.Equal(t, string(want), got)
			assert.Contains(t, got, "assistant.basis_required", "the denial is shown with its rule")
			assert.Contains(t, got, "2025-11-22", "the overdue court report is in the calendar")
		})
	}
}
