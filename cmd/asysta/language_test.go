package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// languageRuns are command lines whose every user-facing text is checked
// for words of the other language, in Polish and in English. Together they
// print every verb's usage, reports, refusals and problems.
var languageRuns = [][]string{
	{}, {"help"}, {"help", "check"}, {"help", "params"}, {"help", "graph"}, {"help", "test"}, {"help", "staffing"}, {"help", "calendar"},
	{"nonsense"},
	{"check", "testdata/gmina.yaml"}, {"check", "testdata/bad.yaml"}, {"check", "testdata/missing.yaml"}, {"check"},
	{"check", "../../rules/testdata/errors/many.yaml", "../../rules/testdata/errors/unfilled_variable.yaml",
		"../../rules/testdata/errors/all_at_once.yaml", "../../rules/testdata/errors/expr_type.yaml",
		"../../rules/testdata/errors/yaml_colon.yaml", "../../rules/testdata/errors/yaml_indentation.yaml",
		"../../rules/testdata/errors/guard_not_bool.yaml", "../../rules/testdata/errors/due_not_date.yaml"},
	{"params", "--on", "2024-06-01", "--config", "testdata/gmina.yaml"}, {"params", "--on", "2024-13-01"},
	{"params", "--config", "testdata/bad.yaml"},
	{"graph", "family"}, {"graph", "child", "--format", "mermaid"}, {"graph", "foster_family"}, {"graph", "household"},
	{"test", "testdata/scenarios/consent.yaml"}, {"test", "testdata/scenarios/failing.yaml"}, {"test", "testdata/scenarios/malformed.yaml"},
	{"staffing", "--unit", "OPS-1", "--inhabitants", "9000", "--families", "120", "testdata/world/office.yaml"},
	{"calendar", "testdata/world/office.yaml"}, {"calendar", "--on", "2025-08-20", "--lead", "14", "testdata/world/office.yaml"},
	{"calendar", "--on", "1.1.2025", "testdata/world/office.yaml"},
}

// englishMarkers betray English in Polish output; polishMarkers Polish in
// English output. Data (names in the files, legal citations) is cut out
// first: see languageData.
var (
	englishMarkers = []string{"the ", " must ", "want ", " is not ", " not ", "expected", "cannot ", " found", "invalid", "mismatched", "engine", "assigned",
		" and ", " of ", " or ", "field", "unknown", "token", "operation", "yields"}
	polishMarkers = []string{"ą", "ć", "ę", "ł", "ń", "ś", "ź", "ż", " nie ", " lub ", " oraz ", "reguł", " się", " jest", " w ", " z ", " i "}
)

// languageData is text that comes from the files and the statute as it
// is, in whatever language it was written: names, legal citations,
// messages of rules written by the municipality.
var languageData = []string{"Gmina Przykładowa", "Gmina Błędna", "Gmina Wszystkiego Naraz", "Gmina Zmiennych", "Gmina Typów",
	"Gmina Dwukropków", "Gmina Wcięć", "local.Obciążenie", "local.obciazenie", "Za dużo", "Too many", "ustawa milczy",
	"(the statute is silent)", "'Za życiem'", "„Za życiem”", "scenariusz z dwoma błędnymi oczekiwaniami", "one OPS with two assistants"}

// idWords are IDs and codes (unknown_key, assistant.max_families,
// testdata/bad.yaml): the same in both languages.
var idWords = regexp.MustCompile(`[\w/.-]*[_./][\w/.-]*`)

// TestOutputsInOneLanguage runs the command lines of languageRuns in
// Polish and in English and looks for words of the other language.
func TestOutputsInOneLanguage(t *testing.T) {
	for _, args := range languageRuns {
		for _, lang := range []string{"pl", "en"} {
			res := runArgs(append(append([]string{}, args...), "--lang", lang)...)
			out := res.stdout + res.stderr
			for _, d := range languageData {
				out = strings.ReplaceAll(out, d, "")
			}
			markers := englishMarkers
			if lang == "en" {
				markers = polishMarkers
			}
			for _, line := range strings.Split(out, "\n") {
				lower := strings.ToLower(idWords.ReplaceAllString(line, ""))
				for _, m := range markers {
					assert.NotContains(t, lower, m, "asysta %s --lang %s: %q holds %q", strings.Join(args, " "), lang, line, m)
				}
			}
		}
	}
}
