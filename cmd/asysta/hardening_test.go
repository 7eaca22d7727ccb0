package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheck_forgedFileName reproduces a file name with a line break that
// forged a second OK line: every path is printed quoted when it holds a
// control character.
func TestCheck_forgedFileName(t *testing.T) {
	dir := t.TempDir()
	forged := filepath.Join(dir, "a.yaml\r\nevil.yaml: OK (Gmina, gmina, 0 parameters, 0 rules)\n")
	require.NoError(t, os.WriteFile(forged, []byte("name: Gmina\n"), 0o600))
	res := runArgs("check", forged)
	require.Equal(t, exitOK, res.code, res.stderr)
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	require.Len(t, lines, 2, "one OK line and the revision: %q", res.stdout)
	assert.True(t, strings.HasPrefix(lines[0], `"`), "the name is quoted: %q", lines[0])
	assert.Contains(t, lines[0], `\r\n`)

	bad := filepath.Join(dir, "b\x1b[2J.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("name: [x\n"), 0o600))
	res = runArgs("check", bad)
	assert.Equal(t, exitProblem, res.code)
	assert.NotContains(t, res.stdout, "\x1b")
	assert.Contains(t, res.stdout, `"`+strings.ReplaceAll(bad, "\x1b", `\x1b`)+`":2:1: `)
}

// TestTest_root lets scenarios read configuration files of a suite's
// folder with --root; without it, a config out of the scenario's folder is
// refused at the entry naming it, and the file name of a malformed
// scenario is printed quoted.
func TestTest_root(t *testing.T) {
	suite := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(suite, "shared"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(suite, "scenarios"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(suite, "shared", "gmina.yaml"), []byte("name: Gmina\n"), 0o600))
	scen := filepath.Join(suite, "scenarios", "s\r\nOK.yaml")
	require.NoError(t, os.WriteFile(scen, []byte("name: s\nconfig: [../shared/gmina.yaml]\n"+
		"workers: [{id: SW1, role: social_worker}]\nfamilies: [{id: F01}]\nsteps:\n  - {at: 2016-03-01, case: F01, do: refer, by: SW1}\n"), 0o600))

	res := runArgs("test", scen)
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stdout, ":2:10: config ")
	assert.Contains(t, res.stdout, "[outside_root]")
	assert.Contains(t, res.stdout, `MALFORMED "`)
	assert.NotContains(t, res.stdout, "\r")

	res = runArgs("test", "--root", suite, scen)
	assert.Equal(t, exitOK, res.code, res.stdout)
	assert.Contains(t, res.stdout, "1 passed, 0 failed")
}
