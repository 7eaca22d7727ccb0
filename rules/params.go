package rules

import (
	"slices"
)

// ParamValue is a parameter's value in force on a date, with where it comes
// from. It is what `asysta params` lists.
type ParamValue struct {
	ID     string `json:"id"`
	Value  any    `json:"value"` // int or bool
	Unit   Unit   `json:"unit"`
	Source Source `json:"source"` // "statute" or FILE:LINE
	Basis  string `json:"basis"`
	// Note qualifies the basis (see [Parameter]); zero for most.
	Note Text `json:"note,omitzero"`
	// From and To bound the period this value holds (To zero: until
	// further notice).
	From Date `json:"from"`
	To   Date `json:"to,omitzero"`
}

// Int returns the value as an int (0 for a bool parameter).
func (v ParamValue) Int() int { i, _ := v.Value.(int); return i }

// Bool returns the value as a bool (false for an int parameter).
func (v ParamValue) Bool() bool { b, _ := v.Value.(bool); return b }

// epoch is a period over which no parameter changes: the values in force
// from start until the next epoch's start.
type epoch struct {
	day    int // start as a day number, for a cheap search
	start  Date
	ints   map[string]int
	bools  map[string]bool
	values map[string]ParamValue
	uses   map[string]ParamUse // each parameter as a decision shows it
}

// Param returns the value of a parameter in force on d. It reports false for
// an unknown ID or a date before [StatuteStart].
func (rs *RuleSet) Param(id string, d Date) (ParamValue, bool) {
	ep := rs.epochAt(d)
	if ep == nil {
		return ParamValue{}, false
	}
	v, ok := ep.values[id]
	return v, ok
}

// Params returns every parameter in force on d, in the catalogue's order,
// or nil before [StatuteStart].
func (rs *RuleSet) Params(d Date) []ParamValue {
	ep := rs.epochAt(d)
	if ep == nil {
		return nil
	}
	out := make([]ParamValue, 0, len(rs.catalogue))
	for _, p := range rs.catalogue {
		out = append(out, ep.values[p.ID])
	}
	return out
}

// epochAt returns the epoch containing d, or nil before the statute.
func (rs *RuleSet) epochAt(d Date) *epoch {
	if i := rs.epochIndex(d); i >= 0 {
		return &rs.epochs[i]
	}
	return nil
}

// epochIndex returns the index of the epoch containing d, or -1 before the
// statute.
func (rs *RuleSet) epochIndex(d Date) int {
	day := d.days()
	lo, hi := 0, len(rs.epochs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if day < rs.epochs[mid].day {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}

// buildEpochs precomputes the parameters in force over every period in
// which none changes, so that evaluation reads them without allocating.
func (rs *RuleSet) buildEpochs() {
	starts := []Date{StatuteStart}
	add := func(v Value) {
		starts = append(starts, v.From)
		if !v.To.IsZero() {
			starts = append(starts, v.To.AddDays(1))
		}
	}
	for _, p := range rs.catalogue {
		for _, v := range p.History {
			add(v)
		}
		for _, layer := range rs.overrides[p.ID] {
			for _, v := range layer {
				add(v)
			}
		}
	}
	slices.SortFunc(starts, Date.Compare)
	starts = slices.Compact(starts)
	for _, s := range starts {
		if s.Before(StatuteStart) {
			continue
		}
		rs.epochs = append(rs.epochs, rs.epochFrom(s))
	}
}

// epochFrom resolves every parameter on the first day of an epoch. The
// epoch's end is the day before the next change of any parameter; each
// value's own To is kept for listings.
func (rs *RuleSet) epochFrom(start Date) epoch {
	ep := epoch{day: start.days(), start: start, ints: map[string]int{}, bools: map[string]bool{}, values: map[string]ParamValue{},
		uses: map[string]ParamUse{}}
	for _, p := range rs.catalogue {
		v := rs.resolve(p, start)
		pv := ParamValue{ID: p.ID, Value: v.Value, Unit: p.Unit, Source: v.Source, Basis: p.Basis, Note: p.Note, From: v.From, To: v.To}
		ep.values[p.ID] = pv
		ep.uses[p.ID] = ParamUse{ID: p.ID, Value: pv.Value, Source: pv.Source.String(), Basis: pv.Basis}
		if b, ok := v.Value.(bool); ok {
			ep.bools[p.ID] = b
		} else {
			ep.ints[p.ID] = pv.Int()
		}
	}
	return ep
}

// resolve finds the value of p on d: the highest layer's override covering
// d, else the statute's. A file's value is clipped to the statutory period
// it was checked against, so From and To say how long it holds.
func (rs *RuleSet) resolve(p *Parameter, d Date) Value {
	layers := rs.overrides[p.ID]
	for i := len(layers) - 1; i >= 0; i-- {
		for _, v := range layers[i] {
			if v.Covers(d) {
				return v
			}
		}
	}
	for _, v := range p.History {
		if v.Covers(d) {
			return v
		}
	}
	return Value{} // unreachable: histories cover every day from StatuteStart
}
