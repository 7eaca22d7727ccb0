package examples_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var shBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

// TestReadme_commands runs, as written, every asysta command of the
// README's shell blocks with the command built as go install would build
// it, in a folder holding the README's gmina.yaml and cap.yaml: each must
// succeed. The walk-through uses the installed command, never go run.
func TestReadme_commands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	assert.NotContains(t, string(readme), "go run ./cmd/asysta", "the README uses the installed asysta")

	dir := t.TempDir()
	bin := filepath.Join(t.TempDir(), "asysta")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/asysta").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	blocks := yamlBlock.FindAllStringSubmatch(string(readme), -1)
	require.GreaterOrEqual(t, len(blocks), 2, "the README shows a municipal file and a scenario")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gmina.yaml"), []byte(blocks[0][1]), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cap.yaml"), []byte(blocks[1][1]), 0o644))

	var ran []string
	for _, block := range shBlock.FindAllStringSubmatch(string(readme), -1) {
		for _, line := range strings.Split(block[1], "\n") {
			line, _, _ = strings.Cut(line, "#")
			args := strings.Fields(line)
			if len(args) == 0 || args[0] != "asysta" {
				continue
			}
			cmd := exec.Command(bin, args[1:]...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "LC_ALL=en_US.UTF-8")
			out, err := cmd.CombinedOutput()
			assert.NoError(t, err, "%s: %s", line, out)
			ran = append(ran, args[1])
		}
	}
	assert.Subset(t, ran, []string{"version", "check", "params", "test"}, "the README's install line and walk-through")
}
