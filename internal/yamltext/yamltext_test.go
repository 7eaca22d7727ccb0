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
	assert.Equal(t, "did not find expected key", Polish("did not find expected key"), "other messages as they are")
}
