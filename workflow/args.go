package workflow

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/asysta/asysta/rules"
)

// argKind is the type of a trigger argument.
type argKind int

const (
	argBool    argKind = iota
	argInt             // a whole number within min..max
	argString          // an ID or reference (court_ref, plan refs)
	argEnum            // one of a fixed set of codes
	argDate            // a calendar date, "YYYY-MM-DD"
	argIDs             // a list of IDs (child IDs, plan action IDs)
	argActions         // a list of plan actions: {id, due, effect}
)

// MaxListLength is the most items a list argument (plan actions, IDs)
// takes.
const MaxListLength = 50

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
	// engine: recorded by the engine in the event (the kind of an
	// institution), never given by a user; replay reads it.
	engine bool
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
func dateArg(name string, required bool) argSpec {
	return argSpec{name: name, kind: argDate, required: required}
}
func idsArg(name string) argSpec     { return argSpec{name: name, kind: argIDs} }
func actionsArg(name string) argSpec { return argSpec{name: name, kind: argActions} }
func intArg(name string, required bool, lo, hi int) argSpec {
	return argSpec{name: name, kind: argInt, required: required, min: lo, max: hi}
}

// Args are a trigger's arguments as given: bools, whole numbers and strings
// (IDs and codes), as decoded from Go, YAML or JSON.
type Args map[string]any

// parseArgs checks given against the trigger's specs and returns them
// normalised: bools, ints and strings only, unknown names refused. The
// arguments the engine records itself are known only to a replay.
func parseArgs(caseID, trigger string, specs []argSpec, given Args, replay bool) (Args, error) {
	if !replay {
		specs = slices.DeleteFunc(slices.Clone(specs), func(s argSpec) bool { return s.engine })
	}
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
		switch s.kind {
		case argInt:
			_, isInt := v.(int)
			changed = changed || !isInt // converted to int
		case argDate, argIDs, argActions:
			changed = true // normalised to strings and lists of them
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
	case argDate:
		day, ok := dateValue(v)
		if !ok {
			return nil, rules.Text{PL: "oczekiwano daty RRRR-MM-DD, podano " + kindOf(v).PL, EN: "want a date YYYY-MM-DD, got " + kindOf(v).EN}
		}
		return day.String(), rules.Text{}
	case argIDs:
		return normalizeIDs(v)
	case argActions:
		return normalizeActions(v)
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

// dateValue reads a date given as "YYYY-MM-DD", a rules.Date or a
// time.Time (a YAML or Go caller's date).
func dateValue(v any) (rules.Date, bool) {
	switch x := v.(type) {
	case string:
		d, err := rules.ParseDate(x)
		return d, err == nil && d.Writable()
	case rules.Date:
		return x, x.Writable()
	case time.Time:
		d := rules.DateOf(x)
		return d, d.Writable()
	}
	return rules.Date{}, false
}

// listOf returns the items of a list argument: []any, []string or
// []map[string]any.
func listOf(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

// normalizeIDs checks a list of distinct IDs and returns it as []any of
// strings.
func normalizeIDs(v any) (any, rules.Text) {
	items, ok := listOf(v)
	if !ok || len(items) == 0 || len(items) > MaxListLength {
		return nil, rules.Text{PL: fmt.Sprintf("oczekiwano listy od 1 do %d identyfikatorów, podano %s", MaxListLength, kindOf(v).PL),
			EN: fmt.Sprintf("want a list of 1 to %d IDs, got %s", MaxListLength, kindOf(v).EN)}
	}
	out := make([]any, len(items))
	seen := map[string]bool{}
	for i, it := range items {
		id, ok := it.(string)
		if !ok || !ValidID(id) || seen[id] {
			return nil, rules.Text{PL: fmt.Sprintf("pozycja %d: oczekiwano identyfikatora (do %d bajtów, bez powtórzeń)", i+1, MaxIDLength),
				EN: fmt.Sprintf("item %d: want an ID (at most %d bytes, no repeats)", i+1, MaxIDLength)}
		}
		seen[id], out[i] = true, id
	}
	return out, rules.Text{}
}

// actionKeys are the keys of a plan action given as an argument.
var actionKeys = []string{"id", "due", "effect"}

// normalizeActions checks a list of plan actions, each {id, due, effect}
// with a distinct ID, a date and an effect code or reference, and returns
// it as []any of map[string]any of strings.
func normalizeActions(v any) (any, rules.Text) {
	items, ok := listOf(v)
	if !ok || len(items) == 0 || len(items) > MaxListLength {
		return nil, rules.Text{PL: fmt.Sprintf("oczekiwano listy od 1 do %d działań {id, due, effect}, podano %s", MaxListLength, kindOf(v).PL),
			EN: fmt.Sprintf("want a list of 1 to %d actions {id, due, effect}, got %s", MaxListLength, kindOf(v).EN)}
	}
	out := make([]any, len(items))
	seen := map[string]bool{}
	for i, it := range items {
		bad := func(pl, en string) (any, rules.Text) {
			return nil, rules.Text{PL: fmt.Sprintf("działanie %d: ", i+1) + pl, EN: fmt.Sprintf("action %d: ", i+1) + en}
		}
		m, ok := it.(map[string]any)
		if !ok {
			return bad("oczekiwano {id, due, effect}", "want {id, due, effect}")
		}
		for k := range m {
			if !slices.Contains(actionKeys, k) {
				return bad("nieznany klucz; działanie ma klucze id, due, effect", "unknown key; an action has the keys id, due, effect")
			}
		}
		id, _ := m["id"].(string)
		effect, _ := m["effect"].(string)
		due, dueOK := dateValue(m["due"])
		switch {
		case !ValidID(id) || seen[id]:
			return bad(fmt.Sprintf("id: oczekiwano identyfikatora działania (do %d bajtów, bez powtórzeń)", MaxIDLength),
				fmt.Sprintf("id: want an action ID (at most %d bytes, no repeats)", MaxIDLength))
		case !dueOK:
			return bad("due: oczekiwano daty RRRR-MM-DD", "due: want a date YYYY-MM-DD")
		case !ValidID(effect):
			return bad(fmt.Sprintf("effect: oczekiwano kodu albo odnośnika oczekiwanego efektu (do %d bajtów), nie opisu", MaxIDLength),
				fmt.Sprintf("effect: want a code or reference of the expected effect (at most %d bytes), not a description", MaxIDLength))
		}
		seen[id] = true
		out[i] = map[string]any{"id": id, "due": due.String(), "effect": effect}
	}
	return out, rules.Text{}
}

// Date returns the named date argument, the zero date when absent.
func (a Args) Date(name string) rules.Date {
	d, _ := dateValue(a[name])
	return d
}

// IDs returns the named list of IDs, nil when absent.
func (a Args) IDs(name string) []string {
	items, _ := listOf(a[name])
	var out []string
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Actions returns the named list of plan actions (ID, due date, effect),
// nil when absent.
func (a Args) Actions(name string) []PlanAction {
	items, _ := listOf(a[name])
	var out []PlanAction
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			id, _ := m["id"].(string)
			effect, _ := m["effect"].(string)
			due, _ := dateValue(m["due"])
			out = append(out, PlanAction{ID: id, Due: due, Effect: effect})
		}
	}
	return out
}

// Bool returns the named bool argument, false when absent.
func (a Args) Bool(name string) bool { b, _ := a[name].(bool); return b }

// Int returns the named int argument, 0 when absent.
func (a Args) Int(name string) int { n, _ := a[name].(int); return n }

// String returns the named string argument, "" when absent.
func (a Args) String(name string) string { s, _ := a[name].(string); return s }
