package rules_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// mkDate is shorthand for MustParseDate in tables.
func mkDate(s string) rules.Date { return rules.MustParseDate(s) }

// stdMonthLen returns the length of a month using the standard library, independently of the package.
func stdMonthLen(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func TestNewDate_NormalisesLikeTimeDate(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		day  int
		want string
	}{
		{2024, time.February, 30, "2024-03-01"},
		{2023, time.February, 30, "2023-03-02"},
		{2024, time.December, 32, "2025-01-01"},
		{2024, 13, 1, "2025-01-01"},
		{2024, 0, 1, "2023-12-01"},
		{2024, time.March, 0, "2024-02-29"},
		{2024, time.January, -1, "2023-12-30"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, rules.NewDate(tt.y, tt.m, tt.day).String())
	}
	for y := 1899; y <= 2101; y += 7 {
		for m := time.Month(-13); m <= 25; m += 5 {
			for day := -40; day <= 70; day += 3 {
				want := rules.DateFromTime(time.Date(y, m, day, 0, 0, 0, 0, time.UTC))
				require.Equal(t, want, rules.NewDate(y, m, day), "%d %d %d", y, m, day)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	got, err := rules.ParseDate("2024-02-29")
	require.NoError(t, err)
	assert.Equal(t, rules.Date{Year: 2024, Month: time.February, Day: 29}, got)

	for _, s := range []string{"1000-01-01", "9999-12-31", "2000-02-29"} {
		got, err := rules.ParseDate(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, got.String())
	}
}

func TestParseDate_Errors(t *testing.T) {
	bad := []string{
		"2024-2-3", "24-02-03", "2024-02-30", "", "2024-13-01", " 2024-01-01",
		"2024-01-01T00:00:00Z", "2023-02-29", "1900-02-29", "0999-12-31",
		"2024-00-10", "2024-01-00", "2024/01/01", "2024-01-1a", "+024-01-01",
		"2024-01-01 ", "２０２４-01-01",
	}
	for _, s := range bad {
		_, err := rules.ParseDate(s)
		var de *rules.DateError
		require.ErrorAs(t, err, &de, "%q", s)
		assert.Equal(t, s, de.Input)
	}
	_, err := rules.ParseDate("2024-02-30")
	assert.EqualError(t, err, "bad date: want YYYY-MM-DD / błędna data: oczekiwano RRRR-MM-DD",
		"the message leaves the input out: it may be a date of birth")
}

func TestMustParseDate_Panics(t *testing.T) {
	assert.Panics(t, func() { rules.MustParseDate("nope") })
	assert.NotPanics(t, func() { rules.MustParseDate("2024-01-01") })
}

func TestDate_ZeroValue(t *testing.T) {
	var z rules.Date
	assert.True(t, z.IsZero())
	assert.False(t, mkDate("2024-01-01").IsZero())
	assert.Equal(t, "", z.String())
	assert.True(t, z.Time().IsZero())
	assert.Equal(t, z, rules.DateFromTime(time.Time{}))
	assert.Equal(t, z, rules.DateOf(time.Time{}))
	assert.Equal(t, z, z.AddDays(3))
	assert.Equal(t, z, z.AddMonths(3))
	assert.Equal(t, z, z.AddWorkingDays(3))
	assert.False(t, rules.IsWorkingDay(z))
	assert.False(t, rules.IsHoliday(z))
}

func TestDate_TimeRoundTrip(t *testing.T) {
	date := mkDate("2026-03-29")
	tm := date.Time()
	assert.Equal(t, time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), tm)
	assert.Equal(t, date, rules.DateFromTime(tm))

	// DateFromTime takes the fields as they are, without zone conversion.
	loc := time.FixedZone("X", -10*3600)
	assert.Equal(t, mkDate("2026-01-01"), rules.DateFromTime(time.Date(2026, 1, 1, 23, 0, 0, 0, loc)))
}

func TestDateOf(t *testing.T) {
	tests := []struct {
		instant string
		want    string
	}{
		{"2026-03-29T00:30:00Z", "2026-03-29"}, // 01:30 CET, just before DST starts
		{"2026-06-30T22:30:00Z", "2026-07-01"}, // 00:30 CEST next day
		{"2026-06-30T21:59:59Z", "2026-06-30"}, // 23:59:59 CEST
		{"2026-12-31T23:30:00Z", "2027-01-01"}, // 00:30 CET
		{"2026-12-31T22:59:59Z", "2026-12-31"},
		{"2026-10-25T00:30:00Z", "2026-10-25"}, // 02:30 CEST, DST ends at 01:00Z
	}
	for _, tt := range tests {
		instant, err := time.Parse(time.RFC3339, tt.instant)
		require.NoError(t, err)
		assert.Equal(t, tt.want, rules.DateOf(instant).String(), tt.instant)
	}
}

// TestDate_Compare_asWritten: Compare orders dates as their days do,
// whether they are written normalized or not (month 13, day 31 of April,
// day 0, the zero Date).
func TestDate_Compare_asWritten(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		a := rules.Date{Year: 1990 + r.IntN(60), Month: time.Month(r.IntN(14)), Day: r.IntN(33)}
		b := rules.Date{Year: a.Year + r.IntN(3) - 1, Month: time.Month(r.IntN(14)), Day: r.IntN(33)}
		if r.IntN(50) == 0 {
			b = rules.Date{}
		}
		want := a.Time().Compare(b.Time()) // from the day numbers
		require.Equal(t, want, a.Compare(b), "%#v vs %#v", a, b)
		require.Equal(t, -want, b.Compare(a), "%#v vs %#v", b, a)
	}
}

func TestDate_Compare(t *testing.T) {
	a, b := mkDate("2024-05-09"), mkDate("2024-05-10")
	assert.Equal(t, -1, a.Compare(b))
	assert.Equal(t, 1, b.Compare(a))
	assert.Equal(t, 0, a.Compare(a))
	assert.True(t, a.Before(b))
	assert.False(t, b.Before(a))
	assert.True(t, b.After(a))
	assert.False(t, a.After(a))
	assert.True(t, mkDate("1999-12-31").Before(mkDate("2000-01-01")))
	assert.True(t, mkDate("2024-12-01").After(mkDate("2024-01-31")))
}

func TestDate_AddDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-28", 1, "2024-02-29"},
		{"2023-02-28", 1, "2023-03-01"},
		{"2024-12-31", 1, "2025-01-01"},
		{"2025-01-01", -1, "2024-12-31"},
		{"2024-03-01", -1, "2024-02-29"},
		{"2024-01-01", 366, "2025-01-01"},
		{"2024-01-01", 0, "2024-01-01"},
		{"1900-02-28", 1, "1900-03-01"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mkDate(tt.from).AddDays(tt.n).String(), "%s%+d", tt.from, tt.n)
	}
}

func TestDate_AddMonths(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-08-31", 6, "2025-02-28"},
		{"2023-08-31", 6, "2024-02-29"},
		{"2023-11-30", 3, "2024-02-29"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2023-01-31", 1, "2023-02-28"},
		{"2000-01-31", 1, "2000-02-29"}, // 2000 is a leap year
		{"1900-01-31", 1, "1900-02-28"}, // 1900 is not
		{"2100-01-31", 1, "2100-02-28"}, // 2100 is not
		{"2024-03-31", 1, "2024-04-30"},
		{"2024-01-15", 1, "2024-02-15"},
		{"2024-12-15", 1, "2025-01-15"}, // Dec -> Jan rolls the year
		{"2024-11-30", 2, "2025-01-30"},
		{"2024-12-31", 14, "2026-02-28"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-01-15", -1, "2024-12-15"},
		{"2025-01-31", -13, "2023-12-31"},
		{"2024-05-31", -3, "2024-02-29"},
		{"2024-02-29", 0, "2024-02-29"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mkDate(tt.from).AddMonths(tt.n).String(), "%s%+d", tt.from, tt.n)
	}
}

func TestDate_AddYears(t *testing.T) {
	assert.Equal(t, mkDate("2021-02-28"), mkDate("2020-02-29").AddYears(1))
	assert.Equal(t, mkDate("2024-02-29"), mkDate("2020-02-29").AddYears(4))
	assert.Equal(t, mkDate("2019-02-28"), mkDate("2020-02-29").AddYears(-1))
	assert.Equal(t, mkDate("2100-02-28"), mkDate("2000-02-29").AddYears(100))
	assert.Equal(t, mkDate("2034-06-15"), mkDate("2024-06-15").AddYears(10))
}

func TestDate_DaysUntil(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"2026-03-28", "2026-03-30", 2}, // DST starts in Warsaw on 2026-03-29
		{"2026-10-24", "2026-10-26", 2}, // DST ends in Warsaw on 2026-10-25
		{"2026-03-30", "2026-03-28", -2},
		{"2023-12-31", "2024-12-31", 366},
		{"2024-12-31", "2025-12-31", 365},
		{"1999-12-31", "2000-03-01", 61},    // 31 + 29 + 1
		{"1900-01-01", "2000-01-01", 36524}, // 24 leap years: 1900 is not one
		{"2000-01-01", "2100-01-01", 36525}, // 25 leap years: 2000 is one
		{"2024-05-10", "2024-05-10", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mkDate(tt.from).DaysUntil(mkDate(tt.to)), "%s..%s", tt.from, tt.to)
	}
}

func TestDate_Weekday(t *testing.T) {
	for z := -800000; z <= 200000; z += 997 {
		tm := time.Unix(int64(z)*86400, 0).UTC()
		date := rules.DateFromTime(tm)
		require.Equal(t, tm.Weekday(), date.Weekday(), date.String())
		require.Equal(t, z, mkDate("1970-01-01").DaysUntil(date), date.String())
	}
	assert.Equal(t, time.Tuesday, mkDate("2024-12-24").Weekday())
	assert.Equal(t, time.Saturday, mkDate("2000-01-01").Weekday())
}

func TestDate_Text(t *testing.T) {
	type rec struct {
		Born rules.Date `json:"born"`
		Died rules.Date `json:"died"`
	}
	b, err := json.Marshal(rec{Born: mkDate("1950-03-07")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"born":"1950-03-07","died":""}`, string(b))

	var r rec
	require.NoError(t, json.Unmarshal(b, &r))
	assert.Equal(t, mkDate("1950-03-07"), r.Born)
	assert.True(t, r.Died.IsZero())

	err = json.Unmarshal([]byte(`{"born":"1950-3-7"}`), &r)
	var de *rules.DateError
	assert.ErrorAs(t, err, &de)
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		born, on string
		want     int
	}{
		{"2021-05-10", "2024-05-10", 3}, // birthday
		{"2021-05-10", "2024-05-09", 2}, // day before birthday
		{"2021-05-10", "2024-05-11", 3},
		{"2021-05-10", "2021-05-10", 0}, // day of birth
		{"2021-05-10", "2021-05-09", 0}, // on < born
		{"2021-05-10", "1990-01-01", 0},
		{"2020-02-29", "2021-02-27", 0},
		{"2020-02-29", "2021-02-28", 1}, // Feb 29 births age on Feb 28
		{"2020-02-29", "2021-03-01", 1},
		{"2020-02-29", "2024-02-28", 3},
		{"2020-02-29", "2024-02-29", 4},
		{"2006-12-31", "2024-12-30", 17},
		{"2006-12-31", "2024-12-31", 18},
		{"1950-01-01", "2024-12-31", 74},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, rules.AgeOn(mkDate(tt.born), mkDate(tt.on)), "%s on %s", tt.born, tt.on)
	}
	assert.Equal(t, 0, rules.AgeOn(rules.Date{}, mkDate("2024-01-01")))
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2024-02-30", "", "9999-12-31", "0000-00-00", "2024-1-01", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := rules.ParseDate(s)
		if err != nil {
			var de *rules.DateError
			require.ErrorAs(t, err, &de)
			require.Equal(t, s, de.Input)
			return
		}
		require.False(t, got.IsZero())
		require.Equal(t, s, got.String())
		require.Equal(t, got, rules.DateFromTime(got.Time()))
	})
}

func FuzzAddMonths(f *testing.F) {
	f.Add(uint16(124), uint8(7), uint8(30), int16(6))
	f.Add(uint16(100), uint8(0), uint8(30), int16(-1))
	f.Fuzz(func(t *testing.T, yy uint16, mm, dd uint8, n int16) {
		y, m := 1900+int(yy%300), time.Month(mm%12+1)
		date := rules.NewDate(y, m, int(dd)%stdMonthLen(y, m)+1)
		got := date.AddMonths(int(n))
		require.GreaterOrEqual(t, got.Day, 1)
		require.LessOrEqual(t, got.Day, stdMonthLen(got.Year, got.Month))
		require.Equal(t, min(date.Day, stdMonthLen(got.Year, got.Month)), got.Day)
		diff := (got.Year-date.Year)*12 + int(got.Month) - int(date.Month)
		require.Equal(t, int(n), diff)
	})
}

func TestDate_Writable(t *testing.T) {
	for _, tc := range []struct {
		d    rules.Date
		want bool
	}{
		{mkDate("2024-02-29"), true},
		{mkDate("1000-01-01"), true},
		{mkDate("9999-12-31"), true},
		{rules.Date{Year: 999, Month: 12, Day: 31}, false},
		{rules.Date{Year: 10000, Month: 1, Day: 1}, false},
		{rules.Date{Year: 2023, Month: 2, Day: 29}, false},
		{rules.Date{Year: 2024, Month: 13, Day: 1}, false},
		{rules.Date{}, false},
	} {
		assert.Equal(t, tc.want, tc.d.Writable(), "%#v", tc.d)
		if tc.want {
			back, err := rules.ParseDate(tc.d.String())
			assert.NoError(t, err)
			assert.Equal(t, tc.d, back)
		}
	}
}
