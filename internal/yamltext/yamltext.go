// Package yamltext locates and explains what the YAML parser refuses
// without saying where (control characters, invalid UTF-8, an unknown
// anchor, an error on the first line) and says the parser's usual
// complaints in Polish. The rules and scenario loaders use it so that every
// syntax problem is reported at its line, in Polish and English.
package yamltext

import (
	"strings"
	"unicode/utf8"
)

// Polish says the parser's message msg in Polish: its usual complaints
// are translated; another is kept as it is, after a Polish lead.
func Polish(msg string) string {
	for _, t := range polish {
		if strings.Contains(msg, t.en) {
			return t.pl
		}
	}
	return "błąd składni (" + msg + ")"
}

var polish = []struct{ en, pl string }{
	{"control characters", "niedozwolony znak sterujący; usuń go"},
	{"UTF-8", "błędny znak (plik musi być w UTF-8); popraw kodowanie"},
	{"Unicode", "błędny znak (plik musi być w UTF-8); popraw kodowanie"},
	{"mapping values are not allowed", "niedozwolony dwukropek w wartości; ujmij tekst w cudzysłów"},
	{"did not find expected key", "nie znaleziono oczekiwanego klucza; sprawdź wcięcia"},
	{"could not find expected ':'", "brak dwukropka po kluczu"},
	{"found character that cannot start any token", "znak, od którego nic nie może się zaczynać (np. tabulator we wcięciu); usuń go"},
	{"did not find expected node content", "brak oczekiwanej wartości"},
	{"did not find expected ',' or ']'", "brak przecinka albo ] w liście"},
	{"did not find expected ',' or '}'", "brak przecinka albo } w mapie"},
	{"found unexpected end of stream", "plik kończy się w pół wyrażenia; domknij cudzysłów lub nawias"},
	{"unknown anchor", "odwołanie do nieznanej kotwicy; zdefiniuj ją (&nazwa) przed użyciem (*nazwa)"},
	{"exceeded max depth", "za głębokie zagnieżdżenie"},
	{"block sequence entries are not allowed", "element listy (-) w niedozwolonym miejscu; sprawdź wcięcia"},
}

// Locate returns the 1-based line and column of the problem the parser
// reported as msg without a line: the first character YAML does not
// allow, or the use of an unknown anchor; else line 1 (the parser leaves
// the line out of its messages about the first line), column 0.
func Locate(msg string, data []byte) (line, col int) {
	if line, col = BadChar(data); line > 0 {
		return line, col
	}
	if _, rest, ok := strings.Cut(msg, "unknown anchor '"); ok {
		if name, _, ok := strings.Cut(rest, "'"); ok {
			if i := strings.Index(string(data), "*"+name); i >= 0 {
				return position(data[:i])
			}
		}
	}
	return 1, 0
}

// position returns the line and column just after before.
func position(before []byte) (line, col int) {
	line, col = 1, 1
	for _, r := range string(before) {
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return line, col
}

// BadChar returns the 1-based line and column (in characters) of the first
// byte sequence of data that is not valid UTF-8 or is a character YAML does
// not allow (a control character other than tab, line feed and carriage
// return), or 0, 0 when there is none.
func BadChar(data []byte) (line, col int) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || !yamlPrintable(r) {
			return line, col
		}
		i += size
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return 0, 0
}

// yamlPrintable reports whether YAML allows r in a stream (the YAML 1.2
// c-printable set, plus the byte-order mark).
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r == 0x85, r == 0xFEFF:
		return true
	case r >= 0x20 && r <= 0x7E, r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}
