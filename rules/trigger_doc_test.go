package rules

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// variablesBlock matches the generated block of docs/rules.md that lists
// what each trigger fills.
var variablesBlock = regexp.MustCompile("(?s)(<!-- generated: go test ./rules -run TestTriggerVariablesDoc -update -->\n)(.*?)(<!-- end of generated block -->\n)")

// TestTriggerVariablesDoc keeps the table of docs/rules.md ("Triggers and
// their variables") equal to the trigger table the load-time check reads
// (go test ./rules -run TestTriggerVariablesDoc -update rewrites it).
func TestTriggerVariablesDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "rules.md")
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	m := variablesBlock.FindSubmatch(doc)
	require.NotNil(t, m, "%s has no generated block of trigger variables", path)
	got := triggerVariablesMarkdown()
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		updated := variablesBlock.ReplaceAllLiteral(doc, []byte(string(m[1])+got+string(m[3])))
		require.NoError(t, os.WriteFile(path, updated, 0o644))
		return
	}
	assert.Equal(t, got, string(m[2]), "%s: the trigger variables are stale; run go test ./rules -run TestTriggerVariablesDoc -update", path)
}

// triggerVariablesMarkdown renders what each trigger fills, as Markdown.
func triggerVariablesMarkdown() string {
	code := func(list []string) string {
		if len(list) == 0 {
			return "—"
		}
		return "`" + strings.Join(list, "`, `") + "`"
	}
	var b strings.Builder
	b.WriteString("| lifecycle | trigger | `args.*` it fills | guards and limits also see |\n|---|---|---|---|\n")
	for _, tr := range Triggers() {
		also := code(tr.spec().reads)
		if tr.Engine() {
			also = "fired by the engine, not by a user: due rules only"
		}
		var args []string
		for _, a := range tr.Args() {
			args = append(args, "args."+a)
		}
		b.WriteString("| " + string(tr.Lifecycle) + " | `" + tr.Name + "` | " + code(args) + " | " + also + " |\n")
	}
	b.WriteString("\nEvery trigger also fills `on`, `actor.*`, `param()` and the case's own variables; a due rule sees them\n" +
		"without the counts read from the store:\n\n| lifecycle | the case's variables | a due rule does not see |\n|---|---|---|\n")
	for _, l := range Lifecycles {
		var hidden []string
		for _, s := range storeRead[l] {
			if strings.HasSuffix(s, ".") {
				s += "*"
			}
			hidden = append(hidden, s)
		}
		b.WriteString("| " + string(l) + " | " + code(strings.Split(caseVariables(l, KindGuard).EN, ", ")) + " | " + code(hidden) + " |\n")
	}
	return b.String()
}
