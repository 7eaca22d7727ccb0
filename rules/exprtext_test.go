package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExplainExpr checks the Polish and English of the compiler's
// complaints, with the types named in the rule language.
func TestExplainExpr(t *testing.T) {
	for _, tc := range []struct{ msg, pl, en string }{
		{"invalid operation: + (mismatched types int and string)", "niezgodne typy w działaniu +: liczba i tekst", "mismatched types in the operation +: a number and text"},
		{"invalid operation: > (mismatched types time.Time and int)", "niezgodne typy w działaniu >: data i liczba", "mismatched types in the operation >: a date and a number"},
		{"expected bool, but got float64", "strażnik musi dawać wartość logiczną (true przepuszcza wyzwalacz), a daje: liczba", "a guard must yield true or false (true lets the trigger through); this one yields a number"},
		{"invalid operation: ! (mismatched type float64)", "działanie ! nie przyjmuje typu: liczba", "the operation ! does not take a number"},
		{"non-bool expression (type float64) used as condition", "warunek przed ? musi być wartością logiczną, a jest: liczba", "the condition before ? must be true or false; this one is a number"},
		{"cannot use string as argument (type int) to call addDays ", "funkcja addDays przyjmuje tu: liczba, a dostaje: tekst", "the function addDays takes a number here, not text"},
		{"unknown name child", "nieznana nazwa child; zmienne wyzwalaczy cyklu życia family: on, actor, family, worker, args; funkcje: zob. docs/rules.md", "unknown name child; the variables of family triggers: on, actor, family, worker, args; functions: see docs/rules.md"},
		{"type time.Time has no field x", "data nie ma pól; użyj funkcji dat: addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay", "a date has no fields; use the date functions: addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay"},
		{`unexpected token Operator(">")`, `nieoczekiwany element ">" w tym miejscu`, `an unexpected ">" here`},
		{"something the table does not know", exprOther.PL, exprOther.EN},
	} {
		got := explainExpr(tc.msg, LifecycleFamily)
		assert.Equal(t, Text{tc.pl, tc.en}, got, tc.msg)
	}
	for _, c := range exprComplaints {
		for _, w := range []string{"mismatched", "expected", "invalid", "unexpected", "the "} {
			assert.NotContains(t, c.pl, w, "%s: English in the Polish text", c.re)
		}
	}
}
