package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// TestGraph checks that the verb prints exactly what the workflow package
// draws, in both formats, with dot the default.
func TestGraph(t *testing.T) {
	for _, l := range graphLifecycles {
		dot, err := workflow.DOT(l)
		require.NoError(t, err)
		mermaid, err := workflow.Mermaid(l)
		require.NoError(t, err)
		tests := []struct {
			args []string
			want string
		}{
			{[]string{"graph", string(l)}, dot},
			{[]string{"graph", string(l), "--format", "dot"}, dot},
			{[]string{"graph", "--format=mermaid", string(l)}, mermaid},
		}
		for _, tt := range tests {
			res := runArgs(tt.args...)
			assert.Equal(t, exitOK, res.code, "%q: %s", tt.args, res.stderr)
			assert.Empty(t, res.stderr, "%q", tt.args)
			assert.Equal(t, tt.want, res.stdout, "%q", tt.args)
		}
	}
	assert.Contains(t, runArgs("graph", "family").stdout, "digraph family {")
	// In Polish the diagram's own words are Polish; IDs stay as they are.
	for _, l := range graphLifecycles {
		for _, format := range []string{"dot", "mermaid"} {
			res := runArgs("graph", string(l), "--format", format, "--lang", "pl")
			assert.Equal(t, exitOK, res.code, res.stderr)
			assertGolden(t, "graph_"+string(l)+"_"+format+"_pl.txt", res.stdout)
			en := runArgs("graph", string(l), "--format", format).stdout
			assert.NotEqual(t, en, res.stdout, "%s %s: the Polish diagram has Polish words", l, format)
		}
	}
	pl := runArgs("graph", "family", "--lang", "pl").stdout
	assert.Contains(t, pl, "przypisany asystent family_assistant")
	assert.NotContains(t, pl, "(engine")
	assert.Contains(t, runArgs("graph", "child", "--format", "mermaid").stdout, "stateDiagram-v2\n")
}

// TestGraphUsage covers wrong command lines: each is a usage error (2)
// with a message in the language asked for and the verb's usage.
func TestGraphUsage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{name: "no lifecycle", args: []string{"graph"}, want: "asysta graph: give a lifecycle: family, child or foster_family"},
		{name: "no lifecycle pl", args: []string{"graph", "--lang", "pl"}, want: "asysta graph: podaj cykl życia"},
		{name: "unknown lifecycle", args: []string{"graph", "household"},
			want: `asysta graph: unknown lifecycle "household"; allowed: family, child, foster_family`},
		{name: "unknown lifecycle pl", args: []string{"graph", "household", "--lang=pl"},
			want: `asysta graph: nieznany cykl życia "household"; dozwolone: family, child, foster_family`},
		{name: "unknown lifecycle pl from LANG", env: map[string]string{"LANG": "pl_PL.UTF-8"}, args: []string{"graph", "rodzina"},
			want: `nieznany cykl życia "rodzina"`},
		{name: "a superstate is no lifecycle", args: []string{"graph", "placed"}, want: `unknown lifecycle "placed"`},
		{name: "unknown format", args: []string{"graph", "family", "--format", "svg"},
			want: `asysta graph: unknown format "svg"; allowed: dot, mermaid`},
		{name: "unknown format pl", args: []string{"graph", "child", "--format", "png", "--lang", "pl"},
			want: `asysta graph: nieznany format "png"; dozwolone: dot, mermaid`},
		{name: "two lifecycles", args: []string{"graph", "family", "child"}, want: "unexpected argument child"},
		{name: "--format without a value", args: []string{"graph", "family", "--format"}, want: "flag -format needs a value"},
		{name: "unknown flag", args: []string{"graph", "family", "--json"}, want: "unknown flag -json"},
		{name: "bad language", args: []string{"graph", "family", "--lang", "de"}, want: `unknown language "de"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(tt.env, tt.args...)
			assert.Equal(t, exitUsage, res.code)
			assert.Empty(t, res.stdout)
			assert.Contains(t, res.stderr, tt.want)
			assert.Contains(t, res.stderr, "asysta graph family|child|foster_family [--format dot|mermaid]")
		})
	}
}

// TestGraphHelp checks the verb's usage in both languages.
func TestGraphHelp(t *testing.T) {
	res := runArgs("graph", "-h")
	require.Equal(t, exitOK, res.code)
	assertGolden(t, "usage_graph_en.txt", res.stdout)
	res = runArgs("help", "graph", "--lang", "pl")
	require.Equal(t, exitOK, res.code)
	assertGolden(t, "usage_graph_pl.txt", res.stdout)
	assert.Contains(t, res.stdout, "(domyślnie: dot)")
}

// TestGraphLifecycles checks that the verb knows every lifecycle the rules
// do.
func TestGraphLifecycles(t *testing.T) {
	assert.Equal(t, []rules.Lifecycle{"family", "child", "foster_family"}, graphLifecycles)
}
