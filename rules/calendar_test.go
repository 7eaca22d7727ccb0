package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// easterGauss is Gauss's Easter algorithm in its corrected form, with the
// two exceptions (26 April -> 19 April, 25 April -> 18 April). It is written
// independently of the package's Meeus/Jones/Butcher implementation.
func easterGauss(y int) rules.Date {
	a, b, c := y%19, y%4, y%7
	k := y / 100
	p := (13 + 8*k) / 25
	q := k / 4
	M := (15 - p + k - q) % 30
	N := (4 + k - q) % 7
	d := (19*a + M) % 30
	e := (2*b + 4*c + 6*d + N) % 7
	if d == 29 && e == 6 {
		return rules.Date{Year: y, Month: time.April, Day: 19}
	}
	if d == 28 && e == 6 && (11*M+11)%30 < 19 {
		return rules.Date{Year: y, Month: time.April, Day: 18}
	}
	if 22+d+e <= 31 {
		return rules.Date{Year: y, Month: time.March, Day: 22 + d + e}
	}
	return rules.Date{Year: y, Month: time.April, Day: d + e - 9}
}

// easterKnuth is the Lilius/Clavius epact algorithm as given by Knuth, The
// Art of Computer Programming, vol. 1, section 1.3.2, exercise 14.
func easterKnuth(y int) rules.Date {
	g := y%19 + 1                 // golden number
	c := y/100 + 1                // century
	x := 3*c/4 - 12               // corrections: dropped leap years
	z := (8*c+5)/25 - 5           // and synchronisation with the Moon
	dd := 5*y/4 - x - 10          // March ((-dd) mod 7) is a Sunday
	e := (11*g + 20 + z - x) % 30 // epact
	if e < 0 {
		e += 30
	}
	if (e == 25 && g > 11) || e == 24 {
		e++
	}
	n := 44 - e // full moon: March n
	if n < 21 {
		n += 30
	}
	n += 7 - (dd+n)%7 // advance to Sunday
	if n > 31 {
		return rules.Date{Year: y, Month: time.April, Day: n - 31}
	}
	return rules.Date{Year: y, Month: time.March, Day: n}
}

func TestEaster_IndependentAlgorithms(t *testing.T) {
	for y := 1900; y <= 2200; y++ {
		got := rules.Easter(y)
		require.Equal(t, easterGauss(y), got, "Gauss %d", y)
		require.Equal(t, easterKnuth(y), got, "Knuth %d", y)
		require.Equal(t, time.Sunday, got.Weekday(), "%d", y)
	}
}

func TestEaster_KnownDates(t *testing.T) {
	for _, s := range []string{
		"1943-04-25", "1954-04-18", "1981-04-19", "2000-04-23", "2008-03-23",
		"2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05",
		"2038-04-25",
	} {
		want := mkDate(s)
		assert.Equal(t, want, rules.Easter(want.Year), s)
	}
}

func TestHolidays_MovableFeasts(t *testing.T) {
	tests := []struct{ year, pentecost, corpusChristi string }{
		{"2024", "2024-05-19", "2024-05-30"},
		{"2025", "2025-06-08", "2025-06-19"},
		{"2026", "2026-05-24", "2026-06-04"},
		{"2000", "2000-06-11", "2000-06-22"},
	}
	for _, tt := range tests {
		pent, cc := mkDate(tt.pentecost), mkDate(tt.corpusChristi)
		assert.True(t, rules.IsHoliday(pent), tt.pentecost)
		assert.True(t, rules.IsHoliday(cc), tt.corpusChristi)
		assert.Equal(t, time.Sunday, pent.Weekday())
		assert.Equal(t, time.Thursday, cc.Weekday())
		assert.False(t, rules.IsWorkingDay(cc))
		assert.Equal(t, holidayName(t, pent), "Zielone Świątki")
		assert.Equal(t, holidayName(t, cc), "Boże Ciało")
		assert.True(t, rules.IsWorkingDay(cc.AddDays(1)), "Friday after Corpus Christi")
	}
}

// holidayName returns the Polish name of the holiday on d, or "".
func holidayName(t *testing.T, d rules.Date) string {
	t.Helper()
	for _, h := range rules.Holidays(d.Year) {
		if h.Date == d {
			return h.NamePL
		}
	}
	return ""
}

func TestIsHoliday_ChangesInLaw(t *testing.T) {
	tests := []struct {
		date    string
		holiday bool
		working bool
	}{
		{"2024-12-24", false, true}, // Tuesday, before Wigilia became a day off
		{"2025-12-24", true, false},
		{"2026-12-24", true, false},
		{"2010-01-06", false, true}, // Wednesday, before Epiphany returned
		{"2011-01-06", true, false},
		{"2026-01-06", true, false},
		{"2026-04-06", true, false}, // Easter Monday
		{"2026-04-07", false, true},
		{"2026-05-01", true, false},
		{"2026-05-02", false, false}, // Saturday
		{"2025-05-02", false, true},  // Friday between 1 and 3 May
		{"2026-08-15", true, false},
		{"2026-11-11", true, false},
		{"2026-12-27", false, false}, // Sunday
	}
	for _, tt := range tests {
		assert.Equal(t, tt.holiday, rules.IsHoliday(mkDate(tt.date)), "IsHoliday %s", tt.date)
		assert.Equal(t, tt.working, rules.IsWorkingDay(mkDate(tt.date)), "IsWorkingDay %s", tt.date)
	}
}

func TestHolidays(t *testing.T) {
	assert.Len(t, rules.Holidays(2010), 12)
	assert.Len(t, rules.Holidays(2024), 13)
	assert.Len(t, rules.Holidays(2025), 14)
	for y := 1990; y <= 2100; y++ {
		hs := rules.Holidays(y)
		for i, h := range hs {
			require.Equal(t, y, h.Date.Year)
			require.True(t, rules.IsHoliday(h.Date), h.Date.String())
			require.NotEmpty(t, h.NamePL)
			require.NotEmpty(t, h.NameEN)
			if i > 0 {
				require.True(t, hs[i-1].Date.Before(h.Date), "sorted %d", y)
			}
		}
		// IsHoliday agrees with Holidays on every day of the year.
		n := 0
		for day := mkDate("2000-01-01").AddYears(y - 2000); day.Year == y; day = day.AddDays(1) {
			if rules.IsHoliday(day) {
				n++
			}
		}
		require.Equal(t, len(hs), n, "%d", y)
	}
}

func TestDate_AddWorkingDays(t *testing.T) {
	tests := []struct {
		name, from string
		n          int
		want       string
	}{
		// Mon 15.12.2025: 16-19 (4), 22-23 (6), 24-26 Wigilia+Christmas off,
		// 29-31 (9), Thu 1.01 off, Fri 2.01 (10), Mon 5.01 (11), Tue 6.01 off,
		// 7-9.01 (14) -> Fri 9.01.2026.
		{"Christmas 2025", "2025-12-15", 14, "2026-01-09"},
		{"Christmas 2025 back", "2026-01-09", -14, "2025-12-15"},
		// Mon 30.03.2026: 31.03-3.04 (4), Easter Sun 5.04, Mon 6.04 off,
		// 7-10.04 (8), 13-17.04 (13), Mon 20.04 (14).
		{"Easter 2026", "2026-03-30", 14, "2026-04-20"},
		{"Easter 2026 back", "2026-04-20", -14, "2026-03-30"},
		// Fri 24.04.2026: 27-30.04 (4), Fri 1.05 off, 3.05 is Sunday,
		// 4-8.05 (9), 11-14.05 (13), Fri 15.05 (14).
		{"1-3 May 2026 from a Friday", "2026-04-24", 14, "2026-05-15"},
		// Mon 29.04.2024: Tue 30.04 (1), Wed 1.05 off, Thu 2.05 (2), Fri 3.05
		// off, 6-10.05 (7), 13-17.05 (12), 20-21.05 (14) -> Tue 21.05.2024.
		{"1-3 May 2024", "2024-04-29", 14, "2024-05-21"},
		// Sat 3.01.2026: Mon 5.01 (1), Tue 6.01 off, 7-9.01 (4),
		// 12-16.01 (9), 19-23.01 (14) -> Fri 23.01.2026.
		{"from a Saturday", "2026-01-03", 14, "2026-01-23"},
		// Thu 25.12.2025 (holiday): Fri 26.12 off, 29-31.12 (3), 1.01 off,
		// Fri 2.01 (4), Mon 5.01 (5), 6.01 off, 7-9.01 (8), 12-16.01 (13),
		// Mon 19.01 (14).
		{"from a holiday", "2025-12-25", 14, "2026-01-19"},
		// Fri 6.03.2026: Mon 9.03 (1), Tue 10.03 (2).
		{"2 from a Friday", "2026-03-06", 2, "2026-03-10"},
		// Fri 3.04.2026: Easter Monday 6.04 off, Tue 7.04 (1), Wed 8.04 (2).
		{"2 from Good Friday", "2026-04-03", 2, "2026-04-08"},
		// Mon 1.06.2026: Tue 2.06 (1), Wed 3.06 (2), Thu 4.06 Corpus Christi
		// off, Fri 5.06 (3).
		{"Corpus Christi 2026", "2026-06-01", 3, "2026-06-05"},
		// Mon 22.12.2025 back 1: Fri 19.12.
		{"one back over a weekend", "2025-12-22", -1, "2025-12-19"},
		{"zero", "2026-03-06", 0, "2026-03-06"},
		{"zero on a Saturday", "2026-01-03", 0, "2026-01-03"},
		{"one from a Saturday", "2026-01-03", 1, "2026-01-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mkDate(tt.from).AddWorkingDays(tt.n).String())
		})
	}
}

func FuzzAddWorkingDays(f *testing.F) {
	f.Add(uint16(125), uint16(348), uint8(14))
	f.Add(uint16(126), uint16(80), uint8(60))
	f.Add(uint16(126), uint16(2), uint8(0))
	f.Fuzz(func(t *testing.T, yy, doy uint16, nn uint8) {
		start := mkDate("1900-01-01").AddYears(int(yy % 300)).AddDays(int(doy % 366))
		n := int(nn % 61)
		got := start.AddWorkingDays(n)
		if n == 0 {
			require.Equal(t, start, got)
			return
		}
		require.True(t, got.After(start))
		require.True(t, rules.IsWorkingDay(got), got.String())
		count := 0
		for day := start.AddDays(1); !day.After(got); day = day.AddDays(1) {
			if rules.IsWorkingDay(day) {
				count++
			}
		}
		require.Equal(t, n, count)
		require.Equal(t, start.AddWorkingDays(n-1).Compare(got), -1)
	})
}

var sinkDate rules.Date

func BenchmarkAddWorkingDays(b *testing.B) {
	start := mkDate("2025-12-15")
	b.ReportAllocs()
	for b.Loop() {
		sinkDate = start.AddWorkingDays(14)
	}
}
