// Package yamltext locates and explains what the YAML parser refuses
// without saying where (control characters, invalid UTF-8, an unknown
// anchor, an error on the first line) and says the parser's usual
// complaints in Polish. The rules and scenario loaders use it so that every
// syntax problem is reported at its line, in Polish and English.
package yamltext

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Complaint is a syntax error of the YAML parser explained: its kind, a
// stable name, and what is wrong and what to do, in Polish and English.
type Complaint struct {
	Kind   string // e.g. "indentation", "colon_in_value"; "other" for a complaint the table does not know
	PL, EN string
}

// complaint is one kind of the parser's complaints: the fragments of its
// messages, and the explanation.
type complaint struct {
	kind   string
	match  []string
	pl, en string
}

// complaints are the parser's complaints by kind, in the order they are
// tried. Every text is complete in its language: nothing of the parser's
// English is put into the Polish.
var complaints = []complaint{
	{"control_char", []string{"control characters"},
		"niedozwolony znak sterujący; usuń go",
		"a control character, which YAML does not allow; remove it"},
	{"encoding", []string{"UTF-8", "UTF-16", "Unicode"},
		"błędny znak: plik musi być zapisany w UTF-8; zapisz go w tym kodowaniu",
		"an invalid character: the file must be UTF-8; save it in that encoding"},
	{"tab", []string{"tab character"},
		"tabulator we wcięciu; wcinaj spacjami",
		"a tab in the indentation; indent with spaces"},
	{"colon_in_value", nil, // "mapping values are not allowed" with a colon in the value: see Explain
		"dwukropek ze spacją wewnątrz wartości; ujmij wartość w cudzysłów, np. expr: \"a: b\"",
		"a colon and a space inside a value; put the value in quotes, e.g. expr: \"a: b\""},
	{"indentation", []string{"mapping values are not allowed"},
		"klucz jest wcięty głębiej niż klucz przed nim; wyrównaj wcięcie (spacjami) do kluczy tego samego poziomu",
		"a key is indented deeper than the key before it; align it (with spaces) with the keys of its level"},
	{"reserved_char", []string{"cannot start any token"},
		"wartość zaczyna się od znaku zastrzeżonego w YAML (np. @ albo `); ujmij ją w cudzysłów",
		"a value starts with a character YAML reserves (such as @ or `); put it in quotes"},
	{"expected_key", []string{"did not find expected key"},
		"w tym miejscu oczekiwano klucza; sprawdź wcięcie i czy po zamykającym cudzysłowie nie ma dalszego tekstu",
		"a key was expected here; check the indentation, and that no text follows a closing quote"},
	{"list_indentation", []string{"did not find expected '-' indicator"},
		"oczekiwano kolejnego elementu listy (-); wyrównaj wcięcie klucza do pozostałych kluczy elementu",
		"the next list item (-) was expected; align the key with the other keys of the item"},
	{"missing_colon", []string{"could not find expected ':'"},
		"po kluczu brakuje dwukropka; zapisz klucz: wartość",
		"a key without a colon; write key: value"},
	{"missing_value", []string{"did not find expected node content"},
		"brakuje wartości; wpisz ją albo usuń zbędny przecinek lub myślnik",
		"a value is missing; write it, or remove the extra comma or dash"},
	{"open_list", []string{"did not find expected ',' or ']'"},
		"lista w nawiasach [ ] nie jest domknięta; dopisz ] albo przecinek między elementami",
		"a list in [ ] is not closed; add the ] or a comma between the items"},
	{"open_mapping", []string{"did not find expected ',' or '}'"},
		"mapa w nawiasach { } nie jest domknięta; dopisz } albo przecinek między parami",
		"a mapping in { } is not closed; add the } or a comma between the pairs"},
	{"unexpected_end", []string{"unexpected end of stream"},
		"plik kończy się przed domknięciem cudzysłowu lub nawiasu; domknij go",
		"the file ends before a quote or a bracket is closed; close it"},
	{"unknown_anchor", []string{"unknown anchor"},
		"odwołanie do nieznanej kotwicy; zdefiniuj ją (&nazwa) przed użyciem (*nazwa)",
		"a reference to an unknown anchor; define it (&name) before using it (*name)"},
	{"aliases", []string{"excessive aliasing", "value contains itself"},
		"za dużo odwołań do kotwic (*nazwa) albo kotwica zawiera samą siebie; zapisz wartości wprost",
		"too many references to anchors (*name), or an anchor that contains itself; write the values out"},
	{"depth", []string{"exceeded max depth"},
		"za głębokie zagnieżdżenie; spłaszcz strukturę",
		"nested too deeply; flatten the structure"},
	{"misplaced_list", []string{"block sequence entries are not allowed"},
		"element listy (-) w miejscu, gdzie lista nie może się zacząć; zacznij listę w nowym wierszu pod kluczem",
		"a list item (-) where a list cannot start; start the list on a new line below its key"},
	{"escape", []string{"escape"},
		"nieznana sekwencja z \\ w tekście w cudzysłowie; podwój \\ albo ujmij tekst w apostrofy",
		"an unknown \\ sequence in a double-quoted text; double the \\ or use single quotes"},
	{"document_marker", []string{"document indicator", "<document start>", "incompatible YAML document"},
		"znacznik dokumentu (--- albo ...) w niedozwolonym miejscu; usuń go",
		"a document marker (--- or ...) where it is not allowed; remove it"},
	{"directive", []string{"directive", "version number"},
		"błędna dyrektywa (wiersz od %); usuń ten wiersz",
		"an invalid directive (a line starting with %); remove the line"},
	{"block_indicator", []string{"indentation indicator"},
		"błędny wskaźnik bloku tekstu (| albo > z cyfrą 0); użyj | albo > bez cyfry",
		"an invalid block text indicator (| or > with the digit 0); use | or > without a digit"},
	{"tag", []string{"tag", "'!'", "'>'", "URI"},
		"błędny znacznik typu (!); usuń go albo ujmij wartość w cudzysłów",
		"an invalid type tag (!); remove it or put the value in quotes"},
}

// other is the explanation of a complaint the table does not know.
var other = complaint{kind: "other",
	pl: "błąd składni YAML w tym miejscu; sprawdź wcięcia, dwukropki, cudzysłowy i nawiasy",
	en: "a YAML syntax error here; check the indentation, colons, quotes and brackets"}

// Explain explains the parser's message msg (without its position, as
// [Syntax] returns it) about line (1-based) of data: the kind of
// complaint and what to do, in Polish and English. A colon inside a value
// and a key indented too deep give the parser the same complaint; the
// line's text tells them apart. The explanation never quotes data.
func Explain(msg string, data []byte, line int) Complaint {
	c := other
	for _, k := range complaints {
		if slices.ContainsFunc(k.match, func(m string) bool { return strings.Contains(msg, m) }) {
			c = k
			break
		}
	}
	switch {
	case c.kind == "indentation" && colonInValue(lineText(data, line)):
		c = complaints[slices.IndexFunc(complaints, func(k complaint) bool { return k.kind == "colon_in_value" })]
	case c.kind == "reserved_char" && strings.Contains(lineText(data, line), "\t"):
		c = complaints[slices.IndexFunc(complaints, func(k complaint) bool { return k.kind == "tab" })]
	}
	return Complaint{Kind: c.kind, PL: c.pl, EN: c.en}
}

// Describe returns the complete Polish and English texts of the parser's
// complaint msg about line of data (see [Explain]): what is wrong, what to
// do, in English the parser's own words, and that the parser stops at the
// first syntax error of a file, so that a file may hold more.
func Describe(msg string, data []byte, line int) (pl, en string) {
	c := Explain(msg, data, line)
	return c.PL + "; parser YAML zatrzymuje się na pierwszym błędzie składni: po poprawce sprawdź plik ponownie",
		c.EN + " (YAML parser: " + msg + "); the parser stops at the first syntax error: check the file again once it is fixed"
}

// Kinds lists the kinds of complaint [Explain] knows, and "other".
func Kinds() []string {
	out := make([]string, 0, len(complaints)+1)
	for _, k := range complaints {
		out = append(out, k.kind)
	}
	return append(out, other.kind)
}

// lineText returns line (1-based) of data, or "".
func lineText(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	return strings.TrimSuffix(lines[line-1], "\r")
}

// colonInValue reports whether a line "key: value" has a colon followed by
// a space (or ending the line) inside its value.
func colonInValue(text string) bool {
	text = strings.TrimLeft(strings.TrimSpace(text), "- ")
	_, value, ok := strings.Cut(text, ": ")
	if !ok {
		return false
	}
	value = strings.TrimSpace(value)
	return strings.Contains(value, ": ") || strings.HasSuffix(value, ":")
}

var linePrefix = regexp.MustCompile(`^line (\d+): `)

// parserErrors are the messages of the parser proper (not the scanner):
// for them the parser gives the 0-based number of the line, one less than
// the line an editor shows.
var parserErrors = []string{
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected key",
	"did not find expected '-' indicator",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
}

// Syntax returns where the parser's error message msg (without its
// "yaml: " lead) puts the problem in data, 1-based line and column, and
// the message without its position. Every syntax error gets a line and a
// column: the parser gives only a line, and often none; see [Locate] and
// [Column]. The message never quotes data: the name of an unknown anchor
// is left out (the position shows it), so that a file that is not a
// configuration is not echoed.
func Syntax(msg string, data []byte) (line, col int, text string) {
	text = msg
	if _, _, ok := strings.Cut(msg, "unknown anchor '"); ok {
		text = "unknown anchor referenced"
	}
	m := linePrefix.FindStringSubmatch(msg)
	if m == nil {
		line, col = Locate(msg, data)
		return line, col, text
	}
	text = strings.TrimPrefix(text, m[0])
	line, _ = strconv.Atoi(m[1])
	for _, p := range parserErrors {
		if strings.Contains(text, p) {
			line++
			break
		}
	}
	if bl, bc := BadChar(data); bl > 0 && bl <= line {
		return bl, bc, text // the parser stopped after the character
	}
	if lines := strings.Split(string(data), "\n"); line > len(lines) {
		// The end of a file without a final line break: just after its
		// last character.
		last := strings.TrimSuffix(lines[len(lines)-1], "\r")
		return len(lines), utf8.RuneCountInString(last) + 1, text
	}
	return line, Column(data, line, text), text
}

// Locate returns the 1-based line and column of the problem the parser
// reported as msg without a line: the first character YAML does not
// allow, or the use of an unknown anchor; else line 1 (the parser leaves
// the line out of its messages about the first line) at its first
// character that is not blank.
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
	return 1, Column(data, 1, msg)
}

// Column returns the best column (1-based, in characters) for a problem
// the parser reported on line (1-based) of data without a column: the
// first tab for a complaint about a tab or a character that cannot start
// a token, else the first character that is not blank; 1 for a blank line
// or one past the end of data.
func Column(data []byte, line int, msg string) int {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return 1
	}
	text := strings.TrimSuffix(lines[line-1], "\r")
	tab := strings.Contains(msg, "tab") || strings.Contains(msg, "cannot start any token")
	col, first := 1, 0
	for _, r := range text {
		if tab && r == '\t' {
			return col
		}
		if first == 0 && r != ' ' && r != '\t' {
			first = col
		}
		col++
	}
	return max(first, 1)
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

// Control returns the index, in characters, of the first control
// character of s (C0 including NUL, DEL and C1, where escape sequences
// start), the first byte that is not valid UTF-8, or the first mark that
// reorders text on screen (U+202A–U+202E, U+2066–U+2069); -1 when there is
// none. Names, IDs and messages are one line of plain text: a loader
// refuses such characters where the file is read, because a store may not
// keep them (PostgreSQL refuses NUL) and a terminal would obey them.
func Control(s string) int {
	i := 0
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r >= 0x7f && r < 0xa0 ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return i
		}
		i++
	}
	return -1
}

// MaxNodes is the largest number of YAML nodes a configuration or
// scenario file may hold once every alias is expanded: 200,000. A file of
// ten thousand steps holds about 150,000; a handful of anchors aliased
// into one another could otherwise stand for billions (docs/security.md,
// "Limits").
const MaxNodes = 200_000

// MaxMarks is the largest number of structural marks a file may hold
// before it is given to the YAML parser: 400,000 (see [TooManyMarks]).
const MaxMarks = 2 * MaxNodes

// TooManyMarks reports whether data holds more than [MaxMarks] of the
// characters that begin or separate YAML nodes (line breaks and
// , : - [ { ?), and if so the line and column of the mark that passes the
// limit. Every node but the first begins after one of them and at most two
// nodes begin at one place (a block mapping and its first key), so a file
// within the limit gives the parser at most about 800,000 nodes, whose tree
// takes under 200 MB: the parser's memory is bounded before it runs. A
// real file holds about one mark per node, well within the limit where
// [MaxNodes] is.
func TooManyMarks(data []byte) (line, col int, over bool) {
	n := 0
	for i, b := range data {
		switch b {
		case '\n', ',', ':', '-', '[', '{', '?':
			if n++; n > MaxMarks {
				line, col = position(data[:i])
				return line, col, true
			}
		}
	}
	return 0, 0, false
}

// TooManyNodes reports whether doc holds more than [MaxNodes] nodes with
// every alias expanded, and if so the node at which the count passes the
// limit (an alias, or the node that begins the excess). The count stops
// there, and the size of each anchored node is computed once, so the check
// takes time and memory in proportion to the file, never to the expansion.
func TooManyNodes(doc *yaml.Node) (*yaml.Node, bool) {
	c := counter{sizes: map[*yaml.Node]int{}}
	at := c.walk(doc)
	return at, at != nil
}

type counter struct {
	total int
	sizes map[*yaml.Node]int // expanded size of anchored nodes, capped past MaxNodes
}

// walk adds n's expanded size to the total and returns the node at which
// it passes MaxNodes, or nil.
func (c *counter) walk(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		c.total += c.size(n.Alias)
	} else {
		c.total++
	}
	if c.total > MaxNodes {
		return n
	}
	if n.Kind == yaml.AliasNode {
		return nil
	}
	for _, k := range n.Content {
		if at := c.walk(k); at != nil {
			return at
		}
	}
	return nil
}

// size returns n's expanded size, capped just past MaxNodes. An anchored
// node counts as too large while it is being measured, so an alias inside
// its own anchor (an endless expansion) is too large.
func (c *counter) size(n *yaml.Node) int {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return 1
	}
	if s, ok := c.sizes[n]; ok {
		return s
	}
	if n.Anchor != "" {
		c.sizes[n] = MaxNodes + 1
	}
	s := 1
	for _, k := range n.Content {
		if s += c.size(k); s > MaxNodes {
			s = MaxNodes + 1
			break
		}
	}
	if n.Anchor != "" {
		c.sizes[n] = s
	}
	return s
}
