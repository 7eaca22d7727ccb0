package rules_test

import (
	"fmt"

	"github.com/asysta/asysta/rules"
)

func ExampleDate_AddMonths() {
	// Art. 112 KC: no 31 February, so the period ends on the month's last day.
	fmt.Println(rules.MustParseDate("2024-08-31").AddMonths(6))
	fmt.Println(rules.MustParseDate("2024-01-31").AddMonths(1))
	fmt.Println(rules.MustParseDate("2024-03-31").AddMonths(-1))
	// Output:
	// 2025-02-28
	// 2024-02-29
	// 2024-02-29
}

func ExampleDate_AddWorkingDays() {
	// A 14-working-day deadline starting on Monday 15 December 2025 skips
	// Christmas Eve, Christmas, New Year's Day and Epiphany.
	decision := rules.MustParseDate("2025-12-15")
	deadline := decision.AddWorkingDays(14)
	fmt.Println(deadline, deadline.Weekday())
	// Output:
	// 2026-01-09 Friday
}

func ExampleAgeOn() {
	born := rules.MustParseDate("2021-05-10")
	fmt.Println(rules.AgeOn(born, rules.MustParseDate("2024-05-09")))
	fmt.Println(rules.AgeOn(born, rules.MustParseDate("2024-05-10")))
	leapling := rules.MustParseDate("2020-02-29")
	fmt.Println(rules.AgeOn(leapling, rules.MustParseDate("2021-02-28")))
	// Output:
	// 2
	// 3
	// 1
}

func ExampleParseDate_error() {
	_, err := rules.ParseDate("2024-02-30")
	fmt.Println(err)
	// Output:
	// bad date: want YYYY-MM-DD / błędna data: oczekiwano RRRR-MM-DD
}

func ExampleHolidays() {
	for _, h := range rules.Holidays(2025) {
		fmt.Printf("%s %-3.3s %s / %s\n", h.Date, h.Date.Weekday(), h.NamePL, h.NameEN)
	}
	// Output:
	// 2025-01-01 Wed Nowy Rok / New Year's Day
	// 2025-01-06 Mon Święto Trzech Króli / Epiphany
	// 2025-04-20 Sun Wielkanoc / Easter Sunday
	// 2025-04-21 Mon Poniedziałek Wielkanocny / Easter Monday
	// 2025-05-01 Thu Święto Państwowe / Labour Day
	// 2025-05-03 Sat Święto Narodowe Trzeciego Maja / Constitution Day
	// 2025-06-08 Sun Zielone Świątki / Pentecost
	// 2025-06-19 Thu Boże Ciało / Corpus Christi
	// 2025-08-15 Fri Wniebowzięcie Najświętszej Maryi Panny / Assumption of Mary
	// 2025-11-01 Sat Wszystkich Świętych / All Saints' Day
	// 2025-11-11 Tue Narodowe Święto Niepodległości / Independence Day
	// 2025-12-24 Wed Wigilia Bożego Narodzenia / Christmas Eve
	// 2025-12-25 Thu pierwszy dzień Bożego Narodzenia / Christmas Day
	// 2025-12-26 Fri drugi dzień Bożego Narodzenia / Second Day of Christmas
}
