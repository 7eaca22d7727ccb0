package workflow_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// The -update flag rewrites the golden files, docs/lifecycles/* and the
// Mermaid blocks of docs/lifecycles.md. It is registered here unless
// another test file of the package already has it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files and generated docs")
	}
}

func graphUpdating() bool { return flag.Lookup("update").Value.String() == "true" }

var graphLifecycles = []rules.Lifecycle{rules.LifecycleFamily, rules.LifecycleChild, rules.LifecycleFosterFamily}

// graphFormats renders a lifecycle in each format, by file extension.
var graphFormats = map[string]func(rules.Lifecycle) (string, error){".dot": workflow.DOT, ".mmd": workflow.Mermaid}

// contractStates and contractTriggers are the lifecycles of
// docs/glossary.md ("Lifecycles and states", "Triggers"), with the
// superstates the dotted IDs imply and the triggers added there (+).
var contractStates = map[rules.Lifecycle][]string{
	rules.LifecycleFamily: {"referred", "analysis", "assistant_requested", "assistant_work", "assistant_work.planning",
		"assistant_work.implementing", "declined", "monitoring", "closed"},
	rules.LifecycleChild: {"in_family", "placed", "placed.kinship_foster_family", "placed.non_professional_foster_family",
		"placed.professional_foster_family", "placed.emergency_family_home", "placed.family_childrens_home",
		"placed.institution", "reunification", "returned", "adoption_referred", "adopted", "left_care"},
	rules.LifecycleFosterFamily: {"candidate", "qualified", "active", "suspended", "dissolved"},
}

var contractTriggers = map[rules.Lifecycle][]string{
	rules.LifecycleFamily: {"refer", "complete_interview", "request_assistant", "apply_za_zyciem", "give_consent",
		"refuse_consent", "court_obligation", "report_to_court", "assign_assistant", "approve_plan", "assess",
		"withdraw_consent", "end_work", "end_monitoring", "reopen"},
	rules.LifecycleChild: {"place", "move", "review", "report_to_court", "extend_stay", "propose_return", "return_home",
		"return_refused", "settle_legal_status", "refer_for_adoption", "adopt", "leave_care"},
	rules.LifecycleFosterFamily: {"assign_coordinator", "assess", "suspend", "resume", "dissolve", "qualify", "activate"},
}

// render returns a lifecycle's diagram in the format of ext.
func render(t *testing.T, l rules.Lifecycle, ext string) string {
	t.Helper()
	out, err := graphFormats[ext](l)
	require.NoError(t, err)
	return out
}

// assertFile compares got with the file at path, or rewrites it under
// -update.
func assertFile(t *testing.T, path, got string) {
	t.Helper()
	if graphUpdating() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./workflow -run Graph -update")
	assert.Equal(t, string(want), got, "%s is out of date; run go test ./workflow -run Graph -update", path)
}

// TestGraphGolden compares each diagram with its golden file, and the
// copies in docs/lifecycles with the generated output.
func TestGraphGolden(t *testing.T) {
	for _, l := range graphLifecycles {
		for ext := range graphFormats {
			t.Run(string(l)+ext, func(t *testing.T) {
				got := render(t, l, ext)
				again := render(t, l, ext)
				assert.Equal(t, got, again, "output must be deterministic")
				assertFile(t, filepath.Join("testdata", "golden", string(l)+ext), got)
				assertFile(t, filepath.Join("..", "docs", "lifecycles", string(l)+ext), got)
			})
		}
	}
}

// mermaidBlock matches a generated block of docs/lifecycles.md: the
// lifecycle name in the marker, then the fenced Mermaid diagram.
var mermaidBlock = regexp.MustCompile("(?s)<!-- generated: asysta graph ([a-z_]+) --format mermaid -->\n```mermaid\n(.*?)```\n")

// TestGraphDocsMarkdown checks that every lifecycle has its Mermaid block
// in docs/lifecycles.md, equal to the generated diagram.
func TestGraphDocsMarkdown(t *testing.T) {
	path := filepath.Join("..", "docs", "lifecycles.md")
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	seen := map[string]bool{}
	var failed []string
	updated := mermaidBlock.ReplaceAllStringFunc(string(doc), func(block string) string {
		m := mermaidBlock.FindStringSubmatch(block)
		seen[m[1]] = true
		got, err := workflow.Mermaid(rules.Lifecycle(m[1]))
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", m[1], err))
			return block
		}
		if got != m[2] {
			failed = append(failed, m[1])
		}
		return strings.Replace(block, "```mermaid\n"+m[2], "```mermaid\n"+got, 1)
	})
	for _, l := range graphLifecycles {
		assert.True(t, seen[string(l)], "%s has no generated Mermaid block for %s", path, l)
	}
	if graphUpdating() {
		require.NoError(t, os.WriteFile(path, []byte(updated), 0o644))
		return
	}
	assert.Empty(t, failed, "Mermaid blocks of %s out of date; run go test ./workflow -run Graph -update", path)
}

// mermaidID is how a state is named in Mermaid output.
func mermaidID(s string) string { return strings.ReplaceAll(s, ".", "__") }

// edgeLabels returns the label text of every edge of a diagram: the DOT
// edges and notes (a cluster's self-loops), or the Mermaid transitions.
func edgeLabels(t *testing.T, l rules.Lifecycle, ext string) []string {
	var out []string
	for _, line := range strings.Split(render(t, l, ext), "\n") {
		switch {
		case ext == ".dot" && strings.Contains(line, "style=invis"): // lays a cluster's leaves out in rows
		case ext == ".dot" && (strings.Contains(line, " -> ") || strings.Contains(line, "shape=note")):
			out = append(out, strings.NewReplacer(`\n`, "\n", `\l`, "\n").Replace(line[strings.Index(line, "label="):]))
		case ext == ".mmd" && strings.Contains(line, " --> "):
			_, label, ok := strings.Cut(line, " : ")
			require.True(t, ok, "unlabelled transition %q", line)
			out = append(out, label)
		}
	}
	return out
}

// TestGraphStructure asserts facts about the diagrams that the golden files
// would only show: every state and trigger is drawn, braces balance, and
// the labels are valid in both syntaxes.
func TestGraphStructure(t *testing.T) {
	for _, l := range graphLifecycles {
		dot, mmd := render(t, l, ".dot"), render(t, l, ".mmd")
		for _, s := range contractStates[l] {
			assert.True(t, strings.Contains(dot, `"`+s+`"`) || strings.Contains(dot, "subgraph cluster_"+mermaidID(s)+" {"),
				"%s: state %s missing from DOT", l, s)
			assert.Regexp(t, `(?m)(^\s+|state "[a-z_]+" as |state )`+regexp.QuoteMeta(mermaidID(s))+`( \{)?$`, mmd,
				"%s: state %s missing from Mermaid", l, s)
		}
		triggers := append(workflow.Triggers(l), contractTriggers[l]...)
		require.NotEmpty(t, workflow.Triggers(l))
		for ext := range graphFormats {
			labels := strings.Join(edgeLabels(t, l, ext), "\n")
			for _, trig := range triggers {
				onEdge := regexp.MustCompile(`(^|[^a-z_])` + trig + `($|[^a-z_])`).MatchString(labels)
				assert.True(t, onEdge, "%s%s: trigger %s on no edge", l, ext, trig)
			}
		}
		assertBalanced(t, string(l)+".dot", dot)
		assertBalanced(t, string(l)+".mmd", mmd)
		for _, label := range edgeLabels(t, l, ".mmd") {
			assert.NotContains(t, label, ":", "%s: a Mermaid label holds a colon: %s", l, label)
			assert.NotContains(t, label, `"`, "%s: a Mermaid label holds a quote: %s", l, label)
		}
	}
}

// assertBalanced checks that the braces outside quoted strings balance and
// never close more than they opened.
func assertBalanced(t *testing.T, name, src string) {
	t.Helper()
	depth, quoted := 0, false
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '{' && !quoted:
			depth++
		case c == '}' && !quoted:
			depth--
			require.GreaterOrEqual(t, depth, 0, "%s: unbalanced '}' at byte %d", name, i)
		}
	}
	assert.False(t, quoted, "%s: unterminated string", name)
	assert.Zero(t, depth, "%s: unbalanced braces", name)
}

// TestGraphChoices checks how the conditions and choices of the tables
// are drawn.
func TestGraphChoices(t *testing.T) {
	family := render(t, rules.LifecycleFamily, ".mmd")
	for _, line := range []string{
		"[*] --> referred : refer<br>(social_worker)",
		"[*] --> assistant_requested : apply_za_zyciem<br>(social_worker)",
		"assistant_work --> monitoring : end_work [reason = goals_achieved]<br>",
		"assistant_work --> closed : withdraw_consent [basis ≠ court_order]<br>",
		"assistant_requested --> declined : refuse_consent [basis ≠ court_order]<br>(social_worker)",
		"    state assistant_work {\n",
	} {
		assert.Contains(t, family, line)
	}
	assert.Regexp(t, `assistant_work --> closed : [^\n]*end_work \[other reason\]`, family)
	assert.Regexp(t, `assistant_work --> assistant_work : [^\n]*withdraw_consent \[basis = court_order\]`, family)
	assert.Regexp(t, `assistant_work --> assistant_work : [^\n]*report_to_court \[basis = court_order\]`, family)

	child := render(t, rules.LifecycleChild, ".mmd")
	for _, from := range []string{"in_family", "returned"} {
		// One edge to the composite state, not one per form: the labels
		// of six parallel edges overlapped.
		assert.Contains(t, child, from+" --> placed : place [to placed.‹form›]<br>(foster_care_organizer)\n")
	}
	for _, form := range []string{workflow.FormKinship, workflow.FormNonProfessional, workflow.FormProfessional,
		workflow.FormEmergency, workflow.FormFamilyChildrensHome, workflow.FormInstitution} {
		assert.Contains(t, child, `state "`+form+`" as placed__`+form+"\n")
		assert.NotContains(t, child, "--> placed__"+form+" : place")
	}
	assert.Contains(t, child, "reunification --> placed : return_refused [back to the previous placement]")

	dot := render(t, rules.LifecycleFosterFamily, ".dot")
	assert.Contains(t, dot, `"qualified" -> "active" [label="activate\n(engine, on first placed child)", style=dashed];`)
	assert.Contains(t, dot, `"candidate" -> "qualified" [label="qualify\n(foster_care_organizer)"];`)
	assert.Contains(t, render(t, rules.LifecycleFamily, ".dot"), "subgraph cluster_assistant_work {")
}

// TestGraphUnknownLifecycle checks the error for a lifecycle that does not
// exist.
func TestGraphUnknownLifecycle(t *testing.T) {
	for ext, f := range graphFormats {
		out, err := f("household")
		assert.Error(t, err, ext)
		assert.Empty(t, out, ext)
	}
}

// TestGraphDOTRenders runs Graphviz on the DOT output: it must render
// without errors or warnings. Without Graphviz the test is skipped, or
// under CI (CI set and not "false"; .ci/run installs graphviz) fails.
func TestGraphDOTRenders(t *testing.T) {
	dotTool, err := exec.LookPath("dot")
	if err != nil {
		msg := "graphviz (dot) is not installed: apt-get install graphviz"
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatal(msg + "; CI is set: failing rather than skipping")
		}
		t.Skip(msg)
	}
	for _, l := range graphLifecycles {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(dotTool, "-Tsvg")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(render(t, l, ".dot")), &stdout, &stderr
		require.NoError(t, cmd.Run(), "%s: %s", l, stderr.String())
		assert.Empty(t, stderr.String(), l)
		assert.Contains(t, stdout.String(), "<svg", l)
	}
}
