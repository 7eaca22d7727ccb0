package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
)

// hash computes the revision: SHA-256 over a canonical rendering of the
// effective configuration. Positions, comments and layout do not count, so
// reformatting a file keeps its revision.
func (rs *RuleSet) hash() string {
	h := sha256.New()
	for _, p := range rs.catalogue {
		fmt.Fprintf(h, "param %s %s %s %d %d\n", p.ID, p.Type, p.Direction, p.Min, p.Max)
		for _, v := range p.History {
			writeValue(h, "statute", v)
		}
		for i, layer := range rs.overrides[p.ID] {
			for _, v := range layer {
				writeValue(h, fmt.Sprint("layer", i), v)
			}
		}
	}
	progs := append([]*Program(nil), rs.programs...)
	sort.Slice(progs, func(i, j int) bool { return progs[i].rule.ID < progs[j].rule.ID })
	for _, p := range progs {
		r := p.rule
		fmt.Fprintf(h, "rule %q %q %s %s %q %s %s %q %q %q\n", r.ID, r.On, r.Kind, r.Severity, r.Expr,
			r.From, r.To, r.Basis, r.Message.PL, r.Message.EN)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeValue(w io.Writer, layer string, v Value) {
	fmt.Fprintf(w, "  %s %v %s %s\n", layer, v.Value, v.From, v.To)
}
