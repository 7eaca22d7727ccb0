// Package yamltext locates and explains what the YAML parser refuses
// without saying where: control characters and invalid UTF-8. The rules
// and scenario loaders use it so that such a problem, too, is reported at
// its line and column, in Polish and English.
package yamltext

import (
	"strings"
	"unicode/utf8"
)

// Polish translates the parser's messages for characters it refuses,
// which say nothing of where they are; others are kept as they are.
func Polish(msg string) string {
	switch {
	case strings.Contains(msg, "control characters"):
		return "niedozwolony znak sterujący; usuń go"
	case strings.Contains(msg, "UTF-8"), strings.Contains(msg, "Unicode"):
		return "błędny znak (plik musi być w UTF-8); popraw kodowanie"
	}
	return msg
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
