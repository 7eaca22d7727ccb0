package rules

import (
	"fmt"
	"strconv"
)

// Type is the type of a parameter's value.
type Type int

// The types of parameter values.
const (
	TypeInt  Type = iota // a whole number (Go int)
	TypeBool             // true or false
)

// String returns "int" or "bool".
func (t Type) String() string {
	if t == TypeBool {
		return "bool"
	}
	return "int"
}

// Unit is the unit of a parameter's value.
type Unit string

// The units of parameters.
const (
	UnitCount       Unit = "count"        // families, children, inhabitants
	UnitMonths      Unit = "months"       // calendar months, civil-code rule
	UnitWorkingDays Unit = "working_days" // Monday to Friday less public holidays
	UnitYears       Unit = "years"        // whole years of age
	UnitFTE         Unit = "fte"          // full-time equivalents (etaty)
	UnitBool        Unit = "bool"         // a yes/no policy switch
)

var unitTexts = map[Unit]Text{
	UnitCount:       {PL: "liczba", EN: "count"},
	UnitMonths:      {PL: "miesiące", EN: "months"},
	UnitWorkingDays: {PL: "dni robocze", EN: "working days"},
	UnitYears:       {PL: "lata", EN: "years"},
	UnitFTE:         {PL: "etaty", EN: "full-time equivalents"},
	UnitBool:        {PL: "tak/nie", EN: "yes/no"},
}

// Text names the unit for people, in Polish and English.
func (u Unit) Text() Text {
	if t, ok := unitTexts[u]; ok {
		return t
	}
	return Text{PL: string(u), EN: string(u)}
}

// Direction says how a municipality or county may change a parameter.
type Direction int

// The override directions.
const (
	// Ceiling is a statutory maximum: a file may only lower it.
	Ceiling Direction = iota
	// Floor is a statutory minimum: a file may only raise it.
	Floor
	// Policy is local policy: a file sets it freely within its range.
	Policy
)

// String returns "ceiling", "floor" or "policy".
func (d Direction) String() string {
	switch d {
	case Floor:
		return "floor"
	case Policy:
		return "policy"
	}
	return "ceiling"
}

// Parameter is one entry of the statutory catalogue: a value the law (or
// local policy) fixes, with its legal basis and its history. Parameters are
// immutable once in a RuleSet.
type Parameter struct {
	ID    string
	Type  Type
	Unit  Unit
	Basis string // legal basis, e.g. "art. 15 ust. 4 UWR"
	// Note qualifies the basis where the statute leaves the value open,
	// e.g. "the statute is silent"; zero for most parameters.
	Note        Text
	Direction   Direction // how files may change it
	Min, Max    int       // the range a file's value must lie in (int parameters)
	Description Text
	History     []Value // statutory values, in date order, without gaps
}

// Value is a parameter's value over a period: from From to To inclusive; a
// zero To means "until further notice". Value holds an int or a bool.
type Value struct {
	Value  any
	From   Date
	To     Date
	Source Source
}

// Covers reports whether the period of v includes d.
func (v Value) Covers(d Date) bool {
	return !d.Before(v.From) && (v.To.IsZero() || !d.After(v.To))
}

// Source tells where a value or rule comes from: the built-in statute (the
// zero Source) or a position in a configuration file.
type Source struct {
	File string
	Line int
	Col  int
}

// IsStatute reports whether s is the built-in statute.
func (s Source) IsStatute() bool { return s.File == "" }

// MarshalText returns String(), so that JSON shows "statute" or FILE:LINE.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// String returns "statute" or FILE:LINE.
func (s Source) String() string {
	if s.IsStatute() {
		return "statute"
	}
	if s.Line == 0 {
		return s.File
	}
	return s.File + ":" + strconv.Itoa(s.Line)
}

// formatValue renders a parameter value for messages and listings.
func formatValue(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}
