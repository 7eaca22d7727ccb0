package rules

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // DateOf must work on hosts without system zoneinfo.
)

// Date is a calendar date (year, month, day) with no time of day and no zone
// (data kalendarzowa). Dates in asysta are calendar dates in Europe/Warsaw.
// The zero Date is "no date" (brak daty): String returns "", Time returns the
// zero time.Time, and the arithmetic methods return the zero Date unchanged.
//
// Dates are compared with Compare, Before and After; == also works for
// normalised dates (those produced by NewDate, ParseDate and the arithmetic
// methods).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date year-month-day, normalising out-of-range values
// the way time.Date does: 2023-02-30 becomes 2023-03-02, month 13 becomes
// January of the next year, day 0 is the last day of the previous month.
func NewDate(year int, month time.Month, day int) Date {
	return civilFromDays(daysFromCivil(year, month, day))
}

// DateError reports a string that is not a valid date in the strict
// "YYYY-MM-DD" form (błędna data). Use errors.As to detect it.
type DateError struct {
	// Input is the rejected text, verbatim.
	Input string
}

// Error returns the message in English and Polish. It leaves the input
// out: a date may be a date of birth, which must not reach logs or error
// reports. Callers that know the date is not personal read Input.
func (e *DateError) Error() string {
	return "bad date: want YYYY-MM-DD / błędna data: oczekiwano RRRR-MM-DD"
}

// ParseDate parses a date in the strict form "YYYY-MM-DD" (RRRR-MM-DD) with
// a year from 1000 to 9999 and a day that exists in that month. Anything
// else, including surrounding spaces, a time part or missing leading zeros,
// is rejected with a *DateError. ParseDate never panics.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, &DateError{Input: s}
	}
	y, ok1 := atoiDigits(s[0:4])
	m, ok2 := atoiDigits(s[5:7])
	d, ok3 := atoiDigits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1000 || m < 1 || m > 12 ||
		d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, &DateError{Input: s}
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// Writable reports whether d is a date ParseDate reads back from its
// String: a real day of a year from 1000 to 9999. A case, its events and
// files hold only such dates; a store may refuse any other.
func (d Date) Writable() bool {
	return d.Year >= 1000 && d.Year <= 9999 && d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// atoiDigits parses s, which must consist of ASCII digits only.
func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// MustParseDate is like ParseDate but panics on error. It is meant only for
// tests and package-level variables initialised from constants; never use it
// on user input.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// warsaw returns the Europe/Warsaw zone, loaded once from the embedded tzdata.
var warsaw = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic("rules: cannot load Europe/Warsaw: " + err.Error())
	}
	return loc
})

// DateOf returns the calendar date of the instant t in Europe/Warsaw (the
// Polish civil date of that moment). The zero time.Time gives the zero Date.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	return DateFromTime(t.In(warsaw()))
}

// DateFromTime returns the year, month and day fields of t as they are, in
// t's own location, without any zone conversion. It is the inverse of
// Date.Time. The zero time.Time gives the zero Date.
func DateFromTime(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero Date ("no date", brak daty).
func (d Date) IsZero() bool {
	return d == Date{}
}

// String formats d as "2006-01-02" (RRRR-MM-DD). The zero Date gives "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight UTC at the start of d; this is how dates enter
// expressions. The zero Date gives the zero time.Time.
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	// The same instant as time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0,
	// time.UTC), computed from the day number: rules convert the as-of
	// date on every evaluation, and this is several times cheaper.
	return time.Unix(int64(d.days())*secondsPerDay, 0).UTC()
}

const secondsPerDay = 24 * 60 * 60

// Compare returns -1 if d is before o, 0 if they are the same day and +1 if
// d is after o.
func (d Date) Compare(o Date) int {
	if d.normal() && o.normal() {
		// Dates as written compare field by field, with no day numbers.
		switch {
		case d.Year != o.Year:
			return cmpInt(d.Year, o.Year)
		case d.Month != o.Month:
			return cmpInt(int(d.Month), int(o.Month))
		}
		return cmpInt(d.Day, o.Day)
	}
	return cmpInt(d.days(), o.days())
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// AddDays returns the date n calendar days (dni kalendarzowe) after d; n may
// be negative.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	return civilFromDays(d.days() + n)
}

// AddMonths returns the date n months after d (n may be negative) following
// the civil-code end-of-month rule (art. 112 Kodeksu cywilnego): the same day
// number in the target month, or that month's last day when it has no such
// day. So 2024-01-31 plus one month is 2024-02-29 and 2024-08-31 plus six
// months is 2025-02-28.
func (d Date) AddMonths(n int) Date {
	if d.IsZero() {
		return d
	}
	d = d.normalized()
	total := d.Year*12 + int(d.Month) - 1 + n
	y := floorDiv(total, 12)
	m := time.Month(total - y*12 + 1)
	return Date{Year: y, Month: m, Day: min(d.Day, daysIn(y, m))}
}

// AddYears returns d.AddMonths(12*n): 2020-02-29 plus one year is
// 2021-02-28.
func (d Date) AddYears(n int) Date {
	return d.AddMonths(12 * n)
}

// DaysUntil returns the number of calendar days from d to o: positive when o
// is later, negative when it is earlier. It counts civil days, so DST changes
// do not affect it.
func (d Date) DaysUntil(o Date) int {
	return o.days() - d.days()
}

// Weekday returns the day of the week (dzień tygodnia) of d.
func (d Date) Weekday() time.Weekday {
	return weekdayOf(d.days())
}

// MarshalText implements encoding.TextMarshaler; it returns d.String(), so
// the zero Date is encoded as an empty string.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using ParseDate; empty
// text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// AgeOn returns the age in whole years (wiek w pełnych latach) on the date
// on of a person born on born: the largest k >= 0 with born.AddYears(k) not
// after on. A person born on 29 February turns one on 28 February of the
// next year. If on is before born, or either date is zero, AgeOn returns 0.
func AgeOn(born, on Date) int {
	if born.IsZero() || on.IsZero() || on.Before(born) {
		return 0
	}
	born, on = born.normalized(), on.normalized()
	k := on.Year - born.Year
	if born.AddYears(k).After(on) {
		k--
	}
	return max(k, 0)
}

// normalized returns d with month and day brought into range, as NewDate.
// normal reports whether d is written as normalized would write it: a
// month of the year and a day of that month (the zero Date is not).
func (d Date) normal() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && (d.Day <= 28 || d.Day <= daysIn(d.Year, d.Month))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return +1
	}
	return 0
}

func (d Date) normalized() Date {
	if d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= 28 {
		return d
	}
	return NewDate(d.Year, d.Month, d.Day)
}

// days returns the number of days from 1970-01-01 to d (proleptic
// Gregorian calendar); out-of-range months and days are normalised.
func (d Date) days() int {
	return daysFromCivil(d.Year, d.Month, d.Day)
}

// daysFromCivil is Howard Hinnant's days_from_civil, extended to accept any
// month number (folded into the year) and any day number (linear).
func daysFromCivil(y int, m time.Month, d int) int {
	mi := int(m) - 1
	y += floorDiv(mi, 12)
	mi -= floorDiv(mi, 12) * 12 // 0 = January
	if mi < 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (mi + 10) % 12 // 0 = March
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is Howard Hinnant's civil_from_days, the inverse of
// daysFromCivil for in-range dates.
func civilFromDays(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

// weekdayOf returns the weekday of the day number z (1970-01-01 = Thursday).
func weekdayOf(z int) time.Weekday {
	return time.Weekday(z + 4 - floorDiv(z+4, 7)*7)
}

// isLeap reports whether y is a Gregorian leap year.
func isLeap(y int) bool {
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

// daysIn returns the number of days in month m (1-12) of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// floorDiv returns a/b rounded towards negative infinity (b > 0).
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
