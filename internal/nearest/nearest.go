// Package nearest finds the names nearest to a mistyped one, for the "did
// you mean" of an error: an unknown trigger, parameter, rule or ID.
package nearest

// Distance is the Levenshtein distance between a and b, in runes: the
// fewest insertions, deletions and substitutions that turn one into the
// other.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Names returns the names at the least edit distance from name, in the
// order given, when that distance is at most a third of name's length (two
// for short names); at most most of them. It returns an empty list when
// none is near.
func Names(name string, names []string, most int) []string {
	out := []string{}
	best := max(2, len([]rune(name))/3)
	for _, n := range names {
		switch d := Distance(name, n); {
		case d < best:
			best, out = d, append(out[:0], n)
		case d == best:
			out = append(out, n)
		}
	}
	if len(out) > most {
		out = out[:most]
	}
	return out
}
