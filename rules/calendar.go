package rules

import (
	"slices"
	"time"
)

// Holiday is a Polish public holiday (dzień wolny od pracy) on a given date.
type Holiday struct {
	// Date is the day of the holiday.
	Date Date
	// NamePL is the Polish name, e.g. "Boże Ciało".
	NamePL string
	// NameEN is the English name, e.g. "Corpus Christi".
	NameEN string
}

// fixedHoliday is a holiday on the same day every year, in force from year
// from on (0 = always).
type fixedHoliday struct {
	month          time.Month
	day            int
	from           int
	namePL, nameEN string
}

// movableHoliday is a holiday offset days after Easter Sunday.
type movableHoliday struct {
	offset         int
	namePL, nameEN string
}

// fixedHolidays lists the fixed-date days off under the act of 18 January
// 1951 on days off work (ustawa o dniach wolnych od pracy), as amended.
var fixedHolidays = [...]fixedHoliday{
	{time.January, 1, 0, "Nowy Rok", "New Year's Day"},
	// Re-established by the act of 24 November 2010, first observed in 2011.
	{time.January, 6, 2011, "Święto Trzech Króli", "Epiphany"},
	{time.May, 1, 0, "Święto Państwowe", "Labour Day"},
	{time.May, 3, 0, "Święto Narodowe Trzeciego Maja", "Constitution Day"},
	{time.August, 15, 0, "Wniebowzięcie Najświętszej Maryi Panny", "Assumption of Mary"},
	{time.November, 1, 0, "Wszystkich Świętych", "All Saints' Day"},
	{time.November, 11, 0, "Narodowe Święto Niepodległości", "Independence Day"},
	// Added by the act of 6 December 2024, first observed in 2025.
	{time.December, 24, 2025, "Wigilia Bożego Narodzenia", "Christmas Eve"},
	{time.December, 25, 0, "pierwszy dzień Bożego Narodzenia", "Christmas Day"},
	{time.December, 26, 0, "drugi dzień Bożego Narodzenia", "Second Day of Christmas"},
}

// movableHolidays lists the days off that depend on the date of Easter.
var movableHolidays = [...]movableHoliday{
	{0, "Wielkanoc", "Easter Sunday"},
	{1, "Poniedziałek Wielkanocny", "Easter Monday"},
	{49, "Zielone Świątki", "Pentecost"},
	{60, "Boże Ciało", "Corpus Christi"},
}

// Easter returns Easter Sunday (Wielkanoc) of the given year in the
// Gregorian calendar, computed with the anonymous Gregorian
// (Meeus/Jones/Butcher) algorithm. It is meaningful for years from 1583 on.
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return NewDate(year, time.Month(month), day)
}

// Holidays returns the Polish public holidays (dni wolne od pracy under the
// act of 18 January 1951) of the given year, sorted by date. Sundays that
// are holidays (Easter Sunday, Pentecost) are listed too. Holidays of the
// communist era that were later abolished are not modelled: the current
// list is applied to every year, except that Epiphany counts only from 2011
// and Christmas Eve only from 2025.
func Holidays(year int) []Holiday {
	out := make([]Holiday, 0, len(fixedHolidays)+len(movableHolidays))
	for _, f := range fixedHolidays {
		if year >= f.from {
			out = append(out, Holiday{NewDate(year, f.month, f.day), f.namePL, f.nameEN})
		}
	}
	easter := Easter(year)
	for _, m := range movableHolidays {
		out = append(out, Holiday{easter.AddDays(m.offset), m.namePL, m.nameEN})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return out
}

// IsHoliday reports whether d is a Polish public holiday (dzień ustawowo
// wolny od pracy), as listed by Holidays. It does not allocate.
func IsHoliday(d Date) bool {
	if d.IsZero() {
		return false
	}
	return isHolidayDays(d.days())
}

// IsWorkingDay reports whether d is a working day (dzień roboczy): Monday to
// Friday and not a public holiday. Saturdays are never working days here.
func IsWorkingDay(d Date) bool {
	if d.IsZero() {
		return false
	}
	return isWorkingDays(d.days())
}

// AddWorkingDays returns the n-th working day (dzień roboczy, see
// IsWorkingDay) after d, counting from the day after d, so the result is
// always a working day when n > 0 even if d is not. For n < 0 it counts
// backwards the same way; n == 0 returns d unchanged. It does not allocate.
func (d Date) AddWorkingDays(n int) Date {
	if n == 0 || d.IsZero() {
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	z := d.days()
	for n > 0 {
		z += step
		if isWorkingDays(z) {
			n--
		}
	}
	return civilFromDays(z)
}

// isWorkingDays is IsWorkingDay for the day number z.
func isWorkingDays(z int) bool {
	switch weekdayOf(z) {
	case time.Saturday, time.Sunday:
		return false
	}
	return !isHolidayDays(z)
}

// isHolidayDays is IsHoliday for the day number z; it computes Easter only
// for dates in March to June, where the movable holidays fall.
func isHolidayDays(z int) bool {
	d := civilFromDays(z)
	for _, f := range fixedHolidays {
		if d.Month == f.month && d.Day == f.day && d.Year >= f.from {
			return true
		}
	}
	if d.Month < time.March || d.Month > time.June {
		return false
	}
	off := z - Easter(d.Year).days()
	for _, m := range movableHolidays {
		if off == m.offset {
			return true
		}
	}
	return false
}
