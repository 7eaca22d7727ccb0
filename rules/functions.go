package rules

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr"
)

// The domain functions rules may call. Dates in expressions are time.Time
// values at midnight UTC; `on` is the as-of date. expr's now() is disabled:
// a rule never reads the clock.
//
//	addDays(date, n)        date plus n calendar days
//	addMonths(date, n)      date plus n months, civil-code end-of-month rule
//	addYears(date, n)       date plus n years, same rule (29 Feb + 1 year = 28 Feb)
//	addWorkingDays(date, n) the n-th working day after date (Polish public holidays)
//	age(born, on)           whole years of age on a date
//	daysBetween(a, b)       days from a to b (negative if b is earlier)
//	isWorkingDay(date)      Monday to Friday and not a public holiday
//	param("id")             the parameter in force on `on` (int or bool)
var functionOptions = []expr.Option{
	dateFunc("addDays", Date.AddDays),
	dateFunc("addMonths", Date.AddMonths),
	dateFunc("addYears", Date.AddYears),
	dateFunc("addWorkingDays", Date.AddWorkingDays),
	expr.Function("age", func(args ...any) (any, error) {
		born, on, err := twoDates("age", args)
		return AgeOn(born, on), err
	}, new(func(time.Time, time.Time) int)),
	expr.Function("daysBetween", func(args ...any) (any, error) {
		a, b, err := twoDates("daysBetween", args)
		return a.DaysUntil(b), err
	}, new(func(time.Time, time.Time) int)),
	expr.Function("isWorkingDay", func(args ...any) (any, error) {
		t, ok := args[0].(time.Time)
		if !ok {
			return nil, fmt.Errorf("isWorkingDay: want a date, got %T", args[0])
		}
		return IsWorkingDay(DateFromTime(t)), nil
	}, new(func(time.Time) bool)),
}

// maxShift bounds the n of the add* functions so that a rule cannot run for
// long or overflow: a century either way.
const maxShift = 36500

// dateFunc wraps a Date method taking a count as a typed expr function on
// time.Time.
func dateFunc(name string, fn func(Date, int) Date) expr.Option {
	return expr.Function(name, func(args ...any) (any, error) {
		t, ok1 := args[0].(time.Time)
		n, ok2 := args[1].(int)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: want (date, int), got (%T, %T)", name, args[0], args[1])
		}
		if n > maxShift || n < -maxShift {
			return nil, errShift
		}
		return fn(DateFromTime(t), n).Time(), nil
	}, new(func(time.Time, int) time.Time))
}

func twoDates(name string, args []any) (Date, Date, error) {
	a, ok1 := args[0].(time.Time)
	b, ok2 := args[1].(time.Time)
	if !ok1 || !ok2 {
		return Date{}, Date{}, fmt.Errorf("%s: want (date, date), got (%T, %T)", name, args[0], args[1])
	}
	return DateFromTime(a), DateFromTime(b), nil
}
