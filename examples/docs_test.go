// Package examples_test keeps the documentation honest: the README's
// configuration file and scenario must pass, and every relative link in
// the README and docs/ must point at a file that exists.
package examples_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// TestReadme_snippets writes the README's gmina.yaml and cap.yaml to a
// folder, checks the first and runs the second.
func TestReadme_snippets(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	blocks := yamlBlock.FindAllStringSubmatch(string(readme), -1)
	require.GreaterOrEqual(t, len(blocks), 2, "the README shows a municipal file and a scenario")
	dir := t.TempDir()
	gmina := filepath.Join(dir, "gmina.yaml")
	require.NoError(t, os.WriteFile(gmina, []byte(blocks[0][1]), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cap.yaml"), []byte(blocks[1][1]), 0o644))

	rs, err := rules.LoadFiles(gmina)
	require.NoError(t, err, "the README's municipal file must be valid")
	v, ok := rs.Param("assistant.max_families", rules.MustParseDate("2025-01-01"))
	require.True(t, ok)
	assert.Equal(t, 12, v.Int())

	rep, err := scenario.RunFile(context.Background(), filepath.Join(dir, "cap.yaml"))
	require.NoError(t, err, "the README's scenario must parse")
	for _, f := range rep.Failures {
		t.Error(f.Localize(rules.English))
	}
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocs_links checks every relative link of the README and docs/*.md.
func TestDocs_links(t *testing.T) {
	files, err := filepath.Glob("../docs/*.md")
	require.NoError(t, err)
	files = append(files, "../README.md")
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target := strings.SplitN(m[1], "#", 2)[0]
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			_, err := os.Stat(filepath.Join(filepath.Dir(f), target))
			assert.NoError(t, err, "%s links to %s, which does not exist", f, m[1])
		}
	}
}
