package yamltext

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

func TestBadChar(t *testing.T) {
	for _, tc := range []struct {
		data      string
		line, col int
	}{
		{"name: ok\n", 0, 0},
		{"a: \x01\n", 1, 4},
		{"a: b\nżółć: \x7f\n", 2, 7}, // columns count characters, not bytes
		{"a: b\n\tc: \xff\n", 2, 5},
		{"\ufeffa: b\r\n", 0, 0},
		{"a: \u2028", 0, 0}, // printable outside ASCII
	} {
		line, col := BadChar([]byte(tc.data))
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{line, col}, "%q", tc.data)
	}
}

// TestExplain checks the kind each of the parser's complaints is given,
// on the files that make the parser say it, and that the texts are
// complete in their language.
func TestExplain(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range []struct{ data, kind string }{
		{"name: x\nrules:\n  - id: local.x\n    expr: a: b\n", "colon_in_value"},
		{"name: x\nrules:\n  - id: local.x\n     on: refer\n", "indentation"},
		{"name: x\n  level: county\n", "indentation"},
		{"name: x\nrules:\n  - id: local.x\n   on: refer\n", "list_indentation"},
		{"name: x\nparameters:\n\tassistant.max_families: 3\n", "tab"},
		{"name: x\n@foo: 1\n", "reserved_char"},
		{"key: `x`\n", "reserved_char"},
		{"name: \"x\n", "unexpected_end"},
		{"name: [x\n", "open_list"},
		{"name: {x\n", "open_mapping"},
		{"name: x\n- a\n", "expected_key"},
		{"name: 'a'b\n", "expected_key"},
		{"name: \"\\q\"\n", "escape"},
		{"name: x\nlevel\nrules: []\n", "missing_colon"},
		{"name: *a\n", "unknown_anchor"},
		{"name: !<x\n", "tag"},
		{"%FOO\n---\nname: x\n", "directive"},
		{"name: >0\n  x\n", "block_indicator"},
		{"a: \x01\n", "control_char"},
		{"a: \xff\n", "encoding"},
		{"a: [1, , 2]\n", "missing_value"},
		{"key: - x\n", "misplaced_list"},
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tc.data), &n)
		require.Error(t, err, "%q", tc.data)
		line, _, msg := Syntax(strings.TrimPrefix(err.Error(), "yaml: "), []byte(tc.data))
		c := Explain(msg, []byte(tc.data), line)
		assert.Equal(t, tc.kind, c.Kind, "%q: %s", tc.data, msg)
		seen[c.Kind] = true
	}
	other := Explain("something new", []byte("a: b\n"), 1)
	assert.Equal(t, "other", other.Kind)
	assert.NotContains(t, other.PL, "something new", "an unknown complaint gets a whole Polish sentence")
	for _, k := range complaints {
		for _, word := range []string{"the ", " not ", "found", "expected", "allowed", "character"} {
			assert.NotContains(t, k.pl, word, "%s: the Polish text holds English", k.kind)
		}
		for _, word := range []string{"ą", "ę", "ł", "ś", "ż", " nie "} {
			assert.NotContains(t, k.en, word, "%s: the English text holds Polish", k.kind)
		}
	}
	assert.Len(t, Kinds(), len(complaints)+1)
	pl, en := Describe("did not find expected key", []byte("a: 1\n- b\n"), 2)
	assert.Contains(t, pl, "pierwszym błędzie składni", "the parser stops at its first error: said in Polish")
	assert.Contains(t, en, "(YAML parser: did not find expected key)")
	assert.Contains(t, en, "stops at the first syntax error")
}

func TestLocate(t *testing.T) {
	for _, tc := range []struct {
		msg, data string
		line, col int
	}{
		{"control characters are not allowed", "a: b\nc: \x01\n", 2, 4},
		{"unknown anchor 'nope' referenced", "a: 1\nparameters:\n  x: *nope\n", 3, 6},
		{"mapping values are not allowed in this context", "name: a: b\n", 1, 1},
	} {
		line, col := Locate(tc.msg, []byte(tc.data))
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{line, col}, tc.msg)
	}
}

func TestSyntax(t *testing.T) {
	for _, tc := range []struct {
		msg, data string
		line, col int
		text      string
	}{
		{"line 2: mapping values are not allowed in this context", "a: 1\n  b: 2\n", 2, 3, "mapping values are not allowed in this context"},
		{"line 2: found a tab character that violates indentation", "a: 1\n  \tb: 2\n", 2, 3, "found a tab character that violates indentation"},
		// A parser error: the parser numbers the line from 0.
		{"line 1: did not find expected key", "a: 1\n- b\n", 2, 1, "did not find expected key"},
		// The end of a file without a final line break.
		{"line 1: did not find expected ',' or ']'", "name: [żółw", 1, 12, "did not find expected ',' or ']'"},
		// The name of an unknown anchor is not quoted.
		{"unknown anchor 'hunter2' referenced", "a: 1\nb: *hunter2\n", 2, 4, "unknown anchor referenced"},
		{"control characters are not allowed", "a: 1\nb: \x01\n", 2, 4, "control characters are not allowed"},
	} {
		line, col, text := Syntax(tc.msg, []byte(tc.data))
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{line, col}, tc.msg)
		assert.Equal(t, tc.text, text)
	}
}

func TestControl(t *testing.T) {
	for _, tc := range []struct {
		s  string
		at int
	}{
		{"Gmina Łódź", -1},
		{"a\x00b", 1},
		{"żó\x1b[31m", 2},
		{"a\r\nOK", 1},
		{"x\u0085", 1},
		{"ab\u202e", 2},
		{"\u2066", 0},
		{"a\xffb", 1},
		{"a\tb", 1},
	} {
		assert.Equal(t, tc.at, Control(tc.s), "%q", tc.s)
	}
}

func TestTooManyNodes(t *testing.T) {
	parse := func(src string) *yaml.Node {
		var n yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(src), &n))
		return &n
	}
	bomb := "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f"} {
		bomb += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 10), ",") + "]\n"
		prev = name
	}
	at, over := TooManyNodes(parse(bomb))
	require.True(t, over)
	assert.Equal(t, yaml.AliasNode, at.Kind, "stopped at the alias passing the limit")
	_, over = TooManyNodes(parse("a: &a [*a]\n"))
	assert.True(t, over, "an alias inside its own anchor expands without end")
	_, over = TooManyNodes(parse("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"))
	assert.False(t, over)
	_, over = TooManyNodes(parse("a: [" + strings.Repeat("1,", MaxNodes) + "1]\n"))
	assert.True(t, over, "no alias, too many nodes")
}

func TestTooManyMarks(t *testing.T) {
	_, _, over := TooManyMarks([]byte(strings.Repeat("- a\n", MaxMarks/2)))
	assert.False(t, over)
	line, col, over := TooManyMarks([]byte(strings.Repeat("- *s\n", MaxMarks/2+1)))
	assert.True(t, over)
	assert.Equal(t, [2]int{MaxMarks/2 + 1, 1}, [2]int{line, col})
}
