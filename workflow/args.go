package workflow

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/asysta/asysta/rules"
)

// argKind is the type of a trigger argument.
type argKind int

const (
	argBool   argKind = iota
	argInt            // a whole number within min..max
	argString         // an ID or reference (court_ref, plan refs)
	argEnum           // one of a fixed set of codes
)

// argSpec declares one argument of a trigger.
type argSpec struct {
	name     string
	kind     argKind
	required bool
	enum     []string
	min, max int
	// court: a string that must have the form of a court case signature
	// (courtRefPattern).
	court bool
}

// MaxIDLength is the longest ID, code or reference, in bytes, that the
// engine accepts and every store keeps: case, worker and institution IDs,
// string arguments, a court's case signature (docs/workflow.md,
// "Arguments").
const MaxIDLength = 64

// ValidID reports whether s can serve as an ID or a reference: not empty,
// at most [MaxIDLength] bytes, and [PlainText].
func ValidID(s string) bool { return s != "" && len(s) <= MaxIDLength && plainText(s) }

// courtRefPattern is the form of a Polish court case signature (sygnatura
// akt): the department in Roman numerals, the repertory symbol (letters,
// with an optional hyphenated part such as "Nsm-upr"), the case number and
// the year's last two digits, e.g. "III Nsm 100/24" or "VI RC 1234/23".
var courtRefPattern = regexp.MustCompile(`^[IVXLC]{1,7} [A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż]{1,6}(-[A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż]{1,6})? [1-9][0-9]{0,5}/[0-9]{2}$`)

func boolArg(name string) argSpec { return argSpec{name: name, kind: argBool} }
func refArg(name string, required bool) argSpec {
	return argSpec{name: name, kind: argString, required: required}
}
func courtRefArg(required bool) argSpec {
	return argSpec{name: "court_ref", kind: argString, required: required, court: true}
}
func enumArg(name string, required bool, values ...string) argSpec {
	return argSpec{name: name, kind: argEnum, required: required, enum: values}
}
func intArg(name string, required bool, lo, hi int) argSpec {
	return argSpec{name: name, kind: argInt, required: required, min: lo, max: hi}
}

// Args are a trigger's arguments as given: bools, whole numbers and strings
// (IDs and codes), as decoded from Go, YAML or JSON.
type Args map[string]any

// parseArgs checks given against the trigger's specs and returns them
// normalised: bools, ints and strings only, unknown names refused.
func parseArgs(caseID, trigger string, specs []argSpec, given Args) (Args, error) {
	if len(given) == 0 {
		for _, s := range specs {
			if s.required {
				return nil, &ArgumentError{Case: caseID, Trigger: trigger, Arg: s.name, Problem: rules.Text{PL: "brak wymaganego argumentu", EN: "the required argument is missing"}}
			}
		}
		return nil, nil
	}
	bad := func(name string, pl, en string, a ...any) error {
		return &ArgumentError{Case: caseID, Trigger: trigger, Arg: name, Problem: rules.Text{PL: fmt.Sprintf(pl, a...), EN: fmt.Sprintf(en, a...)}}
	}
	known := 0
	for _, s := range specs {
		if _, ok := given[s.name]; ok {
			known++
		}
	}
	if known != len(given) {
		// An unknown name is named by its place among the names given, in
		// alphabetical order, never echoed: it may be anything, a name
		// typed into the wrong field included.
		for i, name := range sortedKeys(given) {
			if slices.ContainsFunc(specs, func(s argSpec) bool { return s.name == name }) {
				continue
			}
			pos := fmt.Sprintf("#%d", i+1)
			if len(specs) == 0 {
				return nil, bad(pos, "nieznany argument (%d. z podanych, alfabetycznie); %s nie przyjmuje argumentów",
					"unknown argument (the %d. given, alphabetically); %s takes none", i+1, trigger)
			}
			return nil, bad(pos, "nieznany argument (%d. z podanych, alfabetycznie); %s przyjmuje: %s",
				"unknown argument (the %d. given, alphabetically); %s takes: %s", i+1, trigger, specNames(specs))
		}
	}
	changed := false // whether the normalised arguments differ from given
	for _, s := range specs {
		v, ok := given[s.name]
		if !ok || v == nil {
			if s.required {
				return nil, bad(s.name, "brak wymaganego argumentu", "the required argument is missing")
			}
			changed = changed || ok // a nil value is dropped
			continue
		}
		_, problem := s.normalize(v)
		if !problem.IsZero() {
			return nil, &ArgumentError{Case: caseID, Trigger: trigger, Arg: s.name, Problem: problem}
		}
		if s.kind == argInt {
			_, isInt := v.(int)
			changed = changed || !isInt // converted to int
		}
	}
	if !changed {
		// Every value is already normal: given itself, which the engine
		// only reads (the store copies what it keeps).
		return given, nil
	}
	out := make(Args, len(given))
	for _, s := range specs {
		if v, ok := given[s.name]; ok && v != nil {
			out[s.name], _ = s.normalize(v)
		}
	}
	return out, nil
}

// normalize converts one value to the spec's type, or explains in both
// languages why it cannot.
func (s argSpec) normalize(v any) (any, rules.Text) {
	// A problem names what kind of value was given, never the value: a
	// value typed into the wrong field may be anything, a name included.
	switch s.kind {
	case argBool:
		if _, ok := v.(bool); ok {
			return v, rules.Text{}
		}
		k := kindOf(v)
		return nil, rules.Text{PL: "oczekiwano true albo false, podano " + k.PL, EN: "want true or false, got " + k.EN}
	case argInt:
		n, ok := wholeNumber(v)
		if !ok || n < s.min || n > s.max {
			k := kindOf(v)
			return nil, rules.Text{PL: fmt.Sprintf("oczekiwano liczby całkowitej od %d do %d, podano %s", s.min, s.max, k.PL),
				EN: fmt.Sprintf("want a whole number from %d to %d, got %s", s.min, s.max, k.EN)}
		}
		if _, isInt := v.(int); isInt {
			return v, rules.Text{}
		}
		return n, rules.Text{}
	}
	str, ok := v.(string)
	if !ok || strings.TrimSpace(str) == "" {
		k := kindOf(v)
		return nil, rules.Text{PL: "oczekiwano niepustego tekstu, podano " + k.PL, EN: "want a non-empty text, got " + k.EN}
	}
	if !plainText(str) {
		return nil, rules.Text{PL: "tekst zawiera znak sterujący albo błędny znak (spoza UTF-8); popraw go",
			EN: "the text contains a control character or an invalid character (not UTF-8); correct it"}
	}
	if len(str) > MaxIDLength {
		return nil, rules.Text{PL: fmt.Sprintf("tekst jest dłuższy niż %d bajtów: podaj identyfikator albo sygnaturę, nie opis", MaxIDLength),
			EN: fmt.Sprintf("the text is longer than %d bytes: give an ID or a signature, not a description", MaxIDLength)}
	}
	if s.court && !courtRefPattern.MatchString(str) {
		return nil, rules.Text{PL: "oczekiwano sygnatury akt sądu, np. „III Nsm 100/24” (wydział cyframi rzymskimi, repertorium, numer/rok)",
			EN: "want a court case signature such as 'III Nsm 100/24' (department in Roman numerals, repertory, number/year)"}
	}
	if s.kind == argEnum && !slices.Contains(s.enum, str) {
		return nil, rules.Text{PL: "podana wartość nie jest żadną z: " + strings.Join(s.enum, ", "),
			EN: "the value given is not one of: " + strings.Join(s.enum, ", ")}
	}
	return v, rules.Text{} // already a string: no new boxing
}

// PlainText reports whether s can serve as an ID, a code or a reference:
// valid UTF-8 without control characters, one line of text every store can
// keep as it is. The engine refuses other text in IDs and arguments.
func PlainText(s string) bool { return plainText(s) }

func plainText(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r >= 0x7f && r < 0xa0 {
			return false // RuneError: invalid UTF-8 (or U+FFFD itself, no better in an ID)
		}
	}
	return true
}

// kindOf names the kind of an argument's value, in Polish (in the
// accusative, after "podano") and English.
func kindOf(v any) rules.Text {
	switch x := v.(type) {
	case nil:
		return rules.Text{PL: "nic", EN: "nothing"}
	case string:
		if strings.TrimSpace(x) == "" {
			return rules.Text{PL: "pusty tekst", EN: "an empty text"}
		}
		return rules.Text{PL: "tekst", EN: "a text"}
	case bool:
		return rules.Text{PL: "wartość logiczną", EN: "a boolean"}
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return rules.Text{PL: "liczbę całkowitą spoza zakresu", EN: "a whole number out of range"}
	case float32, float64:
		if _, whole := wholeNumber(v); whole {
			return rules.Text{PL: "liczbę całkowitą spoza zakresu", EN: "a whole number out of range"}
		}
		return rules.Text{PL: "liczbę niecałkowitą", EN: "a number that is not whole"}
	}
	return rules.Text{PL: "wartość innego rodzaju", EN: "a value of another kind"}
}

// wholeNumber accepts the integer types and integral floats (JSON numbers).
func wholeNumber(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), x >= math.MinInt32 && x <= math.MaxInt32
	case uint64:
		return int(x), x <= math.MaxInt32
	case float64:
		return int(x), x == math.Trunc(x) && math.Abs(x) < math.MaxInt32
	}
	return 0, false
}

func specNames(specs []argSpec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m Args) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Bool returns the named bool argument, false when absent.
func (a Args) Bool(name string) bool { b, _ := a[name].(bool); return b }

// Int returns the named int argument, 0 when absent.
func (a Args) Int(name string) int { n, _ := a[name].(int); return n }

// String returns the named string argument, "" when absent.
func (a Args) String(name string) string { s, _ := a[name].(string); return s }
