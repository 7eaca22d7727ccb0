package nearest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"refer", "refr", 1}, {"ź", "z", 1},
		{"assign_assistant", "assing_assistant", 2}, {"kitten", "sitting", 3},
	} {
		assert.Equal(t, tc.want, Distance(tc.a, tc.b), "%q %q", tc.a, tc.b)
		assert.Equal(t, tc.want, Distance(tc.b, tc.a), "symmetric")
	}
}

func TestNames(t *testing.T) {
	names := []string{"assign_assistant", "reassign_assistant", "assess", "refer", "reopen"}
	for _, tc := range []struct {
		name string
		most int
		want []string
	}{
		{"assing_assistant", 3, []string{"assign_assistant"}},
		{"asses", 3, []string{"assess"}},
		{"refr", 3, []string{"refer"}},
		{"reope", 3, []string{"reopen"}},
		{"zupełnie coś innego", 3, []string{}},
	} {
		assert.Equal(t, tc.want, Names(tc.name, names, tc.most), "%q", tc.name)
	}
	assert.Equal(t, []string{"aa", "ab"}, Names("a", []string{"aa", "ab", "ac"}, 2), "at most most, in the order given")
}
