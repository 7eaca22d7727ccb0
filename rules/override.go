package rules

import (
	"github.com/asysta/asysta/internal/nearest"
	"sort"
)

// applyOverrides checks one file's parameter values against the catalogue
// and records them as a layer.
func (rs *RuleSet) applyOverrides(cfg *Config) Errors {
	var errs Errors
	for _, o := range cfg.Parameters {
		p := rs.paramByID[o.ID]
		if p == nil {
			errs = append(errs, &Error{File: o.Source.File, Line: o.Source.Line, Col: o.Source.Col, ID: o.ID, Code: CodeUnknownParam,
				Msg: Text{"nieznany parametr" + rs.suggest(o.ID, Polish) + "; zob. asysta params",
					"unknown parameter" + rs.suggest(o.ID, English) + "; see asysta params"}})
			continue
		}
		values := make([]Value, 0, len(o.Values))
		for _, v := range o.Values {
			if v.From.IsZero() {
				v.From = StatuteStart
			}
			e := rs.checkValue(p, v)
			errs = append(errs, e...)
			if len(e) == 0 && v.Value != nil { // nil: reported by the parser
				values = append(values, v)
			}
		}
		errs = append(errs, overlaps(p.ID, values)...)
		rs.overrides[p.ID] = append(rs.overrides[p.ID], values)
	}
	return errs
}

// checkValue checks one dated value's type, range and direction against the
// statute over the whole of its period.
func (rs *RuleSet) checkValue(p *Parameter, v Value) Errors {
	fail := func(code Code, msg Text) Errors {
		return Errors{{File: v.Source.File, Line: v.Source.Line, Col: v.Source.Col, ID: p.ID, Code: code, Msg: msg}}
	}
	if v.Value == nil {
		return nil // reported by the parser
	}
	if v.From.Before(StatuteStart) {
		return fail(CodeNotInForce, textf("wartość od %s: katalog obejmuje okres od %s", "value from %s: the catalogue starts on %s",
			v.From, StatuteStart))
	}
	if p.Type == TypeBool {
		if _, ok := v.Value.(bool); !ok {
			return fail(CodeWrongType, Text{"parametr przyjmuje true albo false", "the parameter takes true or false"})
		}
		return nil
	}
	n, ok := v.Value.(int)
	if !ok {
		return fail(CodeWrongType, Text{"parametr przyjmuje liczbę całkowitą", "the parameter takes a whole number"})
	}
	if e := rangeProblem(p, n); !e.IsZero() {
		return fail(CodeOutOfRange, e)
	}
	var errs Errors
	for _, s := range p.History {
		if !periodsOverlap(v, s) {
			continue
		}
		statutory := s.Value.(int)
		switch {
		case p.Direction == Ceiling && n > statutory:
			errs = append(errs, fail(CodeCeilingRaised, textf(
				"%d przekracza ustawowe maksimum %d obowiązujące od %s (%s); wolno je tylko obniżyć",
				"%d raises the statutory maximum of %d in force from %s (%s); it may only be lowered",
				n, statutory, s.From, p.Basis))...)
		case p.Direction == Floor && n < statutory:
			errs = append(errs, fail(CodeFloorLowered, textf(
				"%d jest poniżej ustawowego minimum %d obowiązującego od %s (%s); wolno je tylko podwyższyć",
				"%d lowers the statutory minimum of %d in force from %s (%s); it may only be raised",
				n, statutory, s.From, p.Basis))...)
		}
	}
	return errs
}

// periodsOverlap reports whether two values' periods share a day.
func periodsOverlap(a, b Value) bool {
	aEndsBefore := !a.To.IsZero() && a.To.Before(b.From)
	bEndsBefore := !b.To.IsZero() && b.To.Before(a.From)
	return !aEndsBefore && !bEndsBefore
}

// overlaps reports dated values of one file that claim the same day.
func overlaps(id string, values []Value) Errors {
	sorted := append([]Value(nil), values...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].From.Before(sorted[j].From) })
	var errs Errors
	for i := 1; i < len(sorted); i++ {
		if prev, cur := sorted[i-1], sorted[i]; periodsOverlap(prev, cur) {
			errs = append(errs, &Error{File: cur.Source.File, Line: cur.Source.Line, Col: cur.Source.Col, ID: id, Code: CodeDuplicate,
				Msg: textf("okres od %s nakłada się na wartość z wiersza %d; podaj to: przy wcześniejszej wartości",
					"the period from %s overlaps the value at line %d; give the earlier value a to: date",
					cur.From, prev.Source.Line)})
		}
	}
	return errs
}

// suggest names the catalogue's closest parameter ID, if any is close.
func (rs *RuleSet) suggest(id string, lang Lang) string {
	best, dist := "", 4
	for _, p := range rs.catalogue {
		if d := nearest.Distance(id, p.ID); d < dist {
			best, dist = p.ID, d
		}
	}
	if best == "" {
		return ""
	}
	if lang == Polish {
		return "; czy chodziło o " + best + "?"
	}
	return "; did you mean " + best + "?"
}

// rangeProblem explains a value outside the parameter's range. A ceiling's
// upper bound and a floor's lower bound are the statute's own, checked
// date by date as a raised ceiling or a lowered floor; here only the other
// bound counts.
func rangeProblem(p *Parameter, n int) Text {
	unit := p.Unit.Text()
	switch {
	case p.Direction != Floor && n < p.Min:
		return textf("wartość %d jest mniejsza niż %d ("+unit.PL+")", "value %d is below %d ("+unit.EN+")", n, p.Min)
	case p.Direction != Ceiling && n > p.Max:
		return textf("wartość %d jest większa niż %d ("+unit.PL+")", "value %d is above %d ("+unit.EN+")", n, p.Max)
	}
	return Text{}
}
