package rules

import (
	"errors"
	"strings"

	"github.com/expr-lang/expr/file"
)

// Failure is the kind of a rule's failure while running, as decisions and
// [*EvalError] report it. The set is fixed, and a failure carries no value:
// the expression engine's message, which quotes the values it failed on (a
// date of birth turned into text, an index, a count of days), is never kept
// nor shown (docs/rules.md, "Errors at run time").
type Failure string

// The kinds of failure while running.
const (
	FailConversion Failure = "conversion" // text that is not a number, date or duration: int("x")
	FailType       Failure = "type"       // a value of the wrong type, such as a missing one compared with a number
	FailArithmetic Failure = "arithmetic" // an integer division or remainder by zero
	FailLookup     Failure = "lookup"     // an index out of range, a missing element or field
	FailDateRange  Failure = "date_range" // a date shifted by more than the date functions allow
	FailMemory     Failure = "memory"     // the evaluation's memory budget exceeded
	FailOther      Failure = "other"      // any other failure
)

var failureTexts = map[Failure]Text{
	FailConversion: {"konwersja typu", "type conversion"},
	FailType:       {"wartość niewłaściwego typu", "a value of the wrong type"},
	FailArithmetic: {"dzielenie przez zero", "division by zero"},
	FailLookup:     {"odczyt spoza zakresu lub brakującej wartości", "a lookup out of range or of a missing value"},
	FailDateRange:  {"przesunięcie daty poza dopuszczalny zakres", "a date shifted out of range"},
	FailMemory:     {"przekroczony limit pamięci", "the memory budget exceeded"},
}

// Text describes the failure in Polish and English, with what to do.
func (f Failure) Text() Text {
	t := Text{"wyrażenie nie powiodło się w czasie wykonania", "the expression failed at run time"}
	if k, ok := failureTexts[f]; ok {
		t.PL += ": " + k.PL
		t.EN += ": " + k.EN
	}
	t.PL += "; popraw regułę, zob. docs/rules.md"
	t.EN += "; correct the rule, see docs/rules.md"
	return t
}

// errShift is what the date functions return for a shift beyond maxShift.
var errShift = errors.New("date shift out of range")

// failureOf classifies an error of the VM by the engine's message, which
// is read here and dropped.
func failureOf(err error) Failure {
	if errors.Is(err, errShift) {
		return FailDateRange
	}
	msg := err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		msg = fe.Message // without the expression's text, which could match below
	}
	for _, k := range []struct {
		f     Failure
		parts []string
	}{
		{FailMemory, []string{"memory budget exceeded"}},
		{FailArithmetic, []string{"divide by zero"}},
		{FailLookup, []string{"index out of range", "cannot fetch", "cannot get", "cannot take", "cannot slice", "<nil>"}},
		{FailConversion, []string{"invalid operation: int(", "invalid operation: float(", "invalid argument for", "invalid date",
			"parsing time", "time: ", "strconv."}},
		{FailType, []string{"invalid operation", "want "}},
	} {
		for _, p := range k.parts {
			if strings.Contains(msg, p) {
				return k.f
			}
		}
	}
	return FailOther
}
