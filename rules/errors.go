package rules

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/asysta/asysta/internal/yamltext"
)

// Code is the stable identifier of a kind of configuration problem. Tools
// match on codes, never on message text.
type Code string

// The codes of configuration problems.
const (
	CodeSyntax             Code = "syntax"              // the file is not valid YAML or JSON
	CodeUnknownKey         Code = "unknown_key"         // a key the format does not have
	CodeMissing            Code = "missing"             // a required key is absent
	CodeDuplicate          Code = "duplicate"           // an ID or key given twice
	CodeWrongType          Code = "wrong_type"          // a value of the wrong type
	CodeBadDate            Code = "bad_date"            // a date that is not YYYY-MM-DD, or to before from
	CodeUnknownParam       Code = "unknown_parameter"   // a parameter ID the catalogue does not have
	CodeCeilingRaised      Code = "ceiling_raised"      // a statutory maximum raised locally
	CodeFloorLowered       Code = "floor_lowered"       // a statutory minimum lowered locally
	CodeOutOfRange         Code = "out_of_range"        // a value outside the parameter's range
	CodeNotInForce         Code = "not_in_force"        // a value dated before the statute applies
	CodeStatutoryRule      Code = "statutory_rule"      // a file tries to change or remove a statutory rule
	CodeRuleID             Code = "rule_id"             // a local rule ID that does not start with "local."
	CodeUnknownTrigger     Code = "unknown_trigger"     // a rule on a trigger that does not exist
	CodeBadValue           Code = "bad_value"           // a value outside its allowed set (kind, severity, level)
	CodeExprSyntax         Code = "expr_syntax"         // an expression that does not parse
	CodeExprType           Code = "expr_type"           // an expression that does not type-check
	CodeUnfilledVar        Code = "unfilled_variable"   // an expression reading a variable its trigger does not fill
	CodeMessagePlaceholder Code = "message_placeholder" // a message naming an unknown parameter
	CodeIO                 Code = "io"                  // a file that cannot be read
	CodeOutsideRoot        Code = "outside_root"        // a file named by a scenario outside the folder it may read
	CodeNotConfig          Code = "not_config"          // a file that is not a configuration (its top level)
	CodeControlChar        Code = "control_char"        // a control character in a name, ID, message or path
	CodeLimit              Code = "limit"               // a file beyond a limit: nodes after aliases, rules, steps
	CodeTooMany            Code = "too_many"            // the count of problems left out after the first MaxErrors
)

// Error is one problem in a configuration file or rule: where it is, which
// parameter or rule it concerns, its stable code and a message in Polish and
// English. Errors never contain personal data.
type Error struct {
	File    string // file name as given to the loader; "" for the built-in statute
	Line    int    // 1-based; 0 when unknown
	Col     int    // 1-based; 0 when unknown
	ID      string // parameter or rule ID, when the problem concerns one
	Code    Code
	Msg     Text
	Snippet string // for expression errors: the expression line and a caret under the spot
	Err     error  // the underlying error, if any

	more int // for CodeTooMany: the number of problems it stands for
}

// Error returns the problem in English as FILE:LINE:COL: ID: message [CODE].
func (e *Error) Error() string { return e.Localize(English) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Localize returns the problem as FILE:LINE:COL: ID: message [CODE] in lang,
// followed by the snippet, if any, on the next lines.
func (e *Error) Localize(lang Lang) string {
	var b strings.Builder
	b.WriteString(e.Position())
	b.WriteString(": ")
	if e.ID != "" {
		b.WriteString(e.ID)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg.In(lang))
	fmt.Fprintf(&b, " [%s]", e.Code)
	if e.Snippet != "" {
		b.WriteString("\n")
		b.WriteString(e.Snippet)
	}
	return b.String()
}

// Position returns FILE:LINE:COL, leaving out what is unknown. A file
// name holding a control character is quoted (see [SafePath]).
func (e *Error) Position() string {
	file := SafePath(e.File)
	if file == "" {
		file = "statute"
	}
	switch {
	case e.Line == 0:
		return file
	case e.Col == 0:
		return fmt.Sprintf("%s:%d", file, e.Line)
	}
	return fmt.Sprintf("%s:%d:%d", file, e.Line, e.Col)
}

// Errors is every problem found in one load, sorted by file and position.
// It is an error; callers get at the items with errors.As or by ranging over
// it.
type Errors []*Error

// Error returns the problems in English, one a line.
func (es Errors) Error() string { return es.Localize(English) }

// Localize returns the problems in lang, one a line.
func (es Errors) Localize(lang Lang) string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Localize(lang)
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as a list of errors.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Has reports whether any problem has the code.
func (es Errors) Has(code Code) bool {
	for _, e := range es {
		if e.Code == code {
			return true
		}
	}
	return false
}

// sorted returns es ordered by file, line and column, keeping the order of
// problems at the same place.
func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return es
}

// err returns es as an error, or nil when it is empty.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es.Limit()
}

// MaxErrors is the largest number of problems a load reports: 100. The
// rest are counted in one last problem with code [CodeTooMany].
const MaxErrors = 100

// Limit returns es sorted by position, keeping the first [MaxErrors]
// problems and counting the others in a last problem with code
// [CodeTooMany] ("and N more problems"). A list that was limited before
// (a load merging the problems of several steps) is limited again with the
// counts added up.
func (es Errors) Limit() Errors {
	var kept Errors
	more := 0
	for _, e := range es {
		if e.Code == CodeTooMany && e.more > 0 {
			more += e.more
			continue
		}
		kept = append(kept, e)
	}
	kept = kept.sorted()
	if len(kept) > MaxErrors {
		more += len(kept) - MaxErrors
		kept = kept[:MaxErrors:MaxErrors]
	}
	if more == 0 {
		return kept
	}
	file := ""
	if len(kept) > 0 {
		file = kept[len(kept)-1].File
	}
	return append(kept, &Error{File: file, Code: CodeTooMany, more: more, Msg: textf(
		"i %d innych problemów (pokazano pierwsze %d); popraw te i sprawdź ponownie",
		"and %d more problems (the first %d are shown); correct these and check again", more, MaxErrors)})
}

// SafePath returns path as it is when it is plain text, else quoted as a
// Go string ("a\r\nb"), so that a file name printed in a message or a
// report never holds a control character a terminal would obey (a line
// break forging a line, an escape sequence).
func SafePath(path string) string {
	if yamltext.Control(path) < 0 {
		return path
	}
	return strconv.Quote(path)
}

// AsErrors returns the problems in err: the items of an Errors, or a single
// *Error, or nil when err holds neither.
func AsErrors(err error) Errors {
	var list Errors
	if errors.As(err, &list) {
		return list
	}
	var one *Error
	if errors.As(err, &one) {
		return Errors{one}
	}
	return nil
}
