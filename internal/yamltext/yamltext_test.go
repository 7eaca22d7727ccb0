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

func TestPolish(t *testing.T) {
	assert.Equal(t, "niedozwolony znak sterujący; usuń go", Polish("control characters are not allowed"))
	assert.Contains(t, Polish("invalid leading UTF-8 octet"), "UTF-8")
	assert.Equal(t, "nie znaleziono oczekiwanego klucza; sprawdź wcięcia", Polish("did not find expected key"))
	assert.Equal(t, "błąd składni (something new)", Polish("something new"), "others kept, after a Polish lead")
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
