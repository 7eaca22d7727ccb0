package yamltext

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
