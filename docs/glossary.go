// Package docs holds asysta's reference pages. It embeds the glossary
// (glossary.md) so that the command can quote what each identifier means:
// asysta explain reads its tables.
package docs

import (
	_ "embed"
	"regexp"
	"strings"
)

//go:embed glossary.md
var glossary string

// Entry is one row of a glossary table: the identifier, the table's
// headings (the ## and ### titles above it) and its columns by header.
type Entry struct {
	ID       string
	Section  string   // e.g. "Parameters — parametry"
	Sub      string   // e.g. "family"; "" when the table has no ### title
	Headers  []string // the table's header row, e.g. "parameter", "Polish", "unit", …
	Cells    []string // the row's cells, markdown emphasis removed, parallel to Headers
	Addition bool     // marked **+**: an addition beyond the public contract
}

// Glossary returns every row of the glossary's tables whose first cell is
// an identifier in backticks, in page order.
func Glossary() []Entry {
	var out []Entry
	var section, sub string
	var headers []string
	for _, line := range strings.Split(glossary, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			section, sub, headers = plain(strings.TrimPrefix(line, "## ")), "", nil
		case strings.HasPrefix(line, "### "):
			sub, headers = plain(strings.TrimPrefix(line, "### ")), nil
		case !strings.HasPrefix(line, "|"):
			headers = nil
		case headers == nil:
			headers = cells(line)
		case strings.HasPrefix(line, "|---"):
		default:
			raw := cells(line)
			first := raw[0]
			id, ok := strings.CutPrefix(first, "`")
			if !ok {
				continue
			}
			id, rest, _ := strings.Cut(id, "`")
			e := Entry{ID: id, Section: section, Sub: sub, Headers: headers, Addition: strings.Contains(rest, "**+**")}
			for _, c := range raw {
				e.Cells = append(e.Cells, plain(c))
			}
			out = append(out, e)
		}
	}
	return out
}

// cells splits a markdown table row into its trimmed cells.
func cells(line string) []string {
	parts := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// italic matches *text* opened after a space, a parenthesis or the start,
// so that the * of `assistant_work.*` stays.
var italic = regexp.MustCompile(`(^|[\s(/])\*([^*\s]|[^*\s][^*]*?[^*\s])\*`)

// plain removes markdown emphasis and code marks from a cell, and writes
// the **+** mark as +.
func plain(s string) string {
	s = strings.ReplaceAll(s, "**+**", "+")
	s = strings.ReplaceAll(s, "**", "")
	s = italic.ReplaceAllString(s, "$1$2")
	return strings.ReplaceAll(s, "`", "")
}
