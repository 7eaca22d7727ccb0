package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// exprComplaint is one kind of the expression compiler's complaints: a
// pattern of its English message and the explanation in Polish and
// English, with the pattern's groups (types, operators, names) filled in
// as %[1]s, %[2]s, … Types are named in the rule language (see typeName).
type exprComplaint struct {
	re     *regexp.Regexp
	pl, en string
}

// exprComplaints are the compiler's complaints by kind. Every text is
// complete in its language; a complaint the table does not know gets
// exprOther.
var exprComplaints = []exprComplaint{
	{regexp.MustCompile(`^invalid operation: (\S+) \(mismatched types (.+) and (.+)\)$`),
		"niezgodne typy w działaniu %[1]s: %[2]s i %[3]s",
		"mismatched types in the operation %[1]s: %[2]s and %[3]s"},
	{regexp.MustCompile(`^invalid operation: (\S+) \(mismatched type (.+)\)$`),
		"działanie %[1]s nie przyjmuje typu: %[2]s",
		"the operation %[1]s does not take %[2]s"},
	{regexp.MustCompile(`^expected bool, but got (.+)$`),
		"strażnik musi dawać wartość logiczną (true przepuszcza wyzwalacz), a daje: %[1]s",
		"a guard must yield true or false (true lets the trigger through); this one yields %[1]s"},
	{regexp.MustCompile(`^non-bool expression \(type (.+)\) used as condition$`),
		"warunek przed ? musi być wartością logiczną, a jest: %[1]s",
		"the condition before ? must be true or false; this one is %[1]s"},
	{regexp.MustCompile(`^cannot use (.+) as argument \(type (.+)\) to call (\S+)\s*$`),
		"funkcja %[3]s przyjmuje tu: %[2]s, a dostaje: %[1]s",
		"the function %[3]s takes %[2]s here, not %[1]s"},
	{regexp.MustCompile(`^invalid argument for (\S+) \(type (.+)\)$`),
		"funkcja %[1]s nie przyjmuje typu: %[2]s",
		"the function %[1]s does not take %[2]s"},
	{regexp.MustCompile(`^not enough arguments to call (\S+)$`),
		"za mało argumentów funkcji %[1]s; zob. docs/rules.md",
		"too few arguments to the function %[1]s; see docs/rules.md"},
	{regexp.MustCompile(`^too many arguments to call (\S+)$`),
		"za dużo argumentów funkcji %[1]s; zob. docs/rules.md",
		"too many arguments to the function %[1]s; see docs/rules.md"},
	{regexp.MustCompile(`^type (.+) is undefined$`),
		"nie można odczytać elementu [ ] z wartości: %[1]s",
		"an element [ ] cannot be read from %[1]s"},
	{regexp.MustCompile(`^unexpected token EOF$`),
		"wyrażenie urywa się: brakuje jego dalszej części",
		"the expression stops short: its end is missing"},
	{regexp.MustCompile(`^unexpected token \w+\((.*)\)$`),
		"nieoczekiwany element %[1]s w tym miejscu",
		"an unexpected %[1]s here"},
	{regexp.MustCompile(`^unexpected token (.+)$`),
		"nieoczekiwany element %[1]s w tym miejscu",
		"an unexpected %[1]s here"},
	{regexp.MustCompile(`^literal not terminated$`),
		"tekst w cudzysłowie nie jest domknięty",
		"a quoted text is not closed"},
	{regexp.MustCompile(`^invalid char escape$`),
		"nieznana sekwencja z \\ w tekście",
		"an unknown \\ sequence in a text"},
	{regexp.MustCompile(`^unrecognized character: (.+)$`),
		"niedozwolony znak %[1]s",
		"the character %[1]s is not allowed"},
	{regexp.MustCompile(`^unclosed (.+)$`),
		"niedomknięty nawias %[1]s",
		"the bracket %[1]s is not closed"},
	{regexp.MustCompile(`divide by zero`),
		"dzielenie przez zero",
		"a division by zero"},
	{regexp.MustCompile(`exceeds maximum allowed nodes`),
		"wyrażenie jest za długie: najwyżej 1000 elementów; podziel regułę na kilka",
		"the expression is too long: at most 1000 elements; split the rule into several"},
	{regexp.MustCompile(`^(?:invalid|bad) .*(?:literal|number syntax)$|literal is too large`),
		"błędny zapis liczby",
		"a number written wrongly"},
}

// exprOther explains a complaint exprComplaints does not know.
var exprOther = Text{"wyrażenie jest niepoprawne w tym miejscu; zob. docs/rules.md",
	"the expression is not valid here; see docs/rules.md"}

// explainExpr says the compiler's message msg about a rule's expression
// on lifecycle l's triggers in Polish and English. Unknown names and
// fields list the names that exist.
func explainExpr(msg string, l Lifecycle) Text {
	if m := unknownName.FindStringSubmatch(msg); m != nil {
		roots := envRoots(l)
		return Text{
			PL: fmt.Sprintf("nieznana nazwa %s; zmienne wyzwalaczy cyklu życia %s: %s; funkcje: zob. docs/rules.md", m[1], l, strings.Join(roots, ", ")),
			EN: fmt.Sprintf("unknown name %s; the variables of %s triggers: %s; functions: see docs/rules.md", m[1], l, strings.Join(roots, ", ")),
		}
	}
	if m := noField.FindStringSubmatch(msg); m != nil {
		owner, field := m[1], m[2]
		if owner == "time.Time" {
			return Text{"data nie ma pól; użyj funkcji dat: addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay",
				"a date has no fields; use the date functions: addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay"}
		}
		fields := envFields(l, owner)
		if len(fields) == 0 {
			return Text{
				PL: fmt.Sprintf("wartość typu %s nie ma pola %s", typeName(owner).PL, field),
				EN: fmt.Sprintf("%s has no field %s", typeName(owner).EN, field),
			}
		}
		return Text{
			PL: fmt.Sprintf("%s nie ma pola %s; pola: %s", typeName(owner).PL, field, strings.Join(fields, ", ")),
			EN: fmt.Sprintf("%s has no field %s; its fields: %s", typeName(owner).EN, field, strings.Join(fields, ", ")),
		}
	}
	for _, c := range exprComplaints {
		m := c.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		pl, en := make([]any, len(m)-1), make([]any, len(m)-1)
		for i, g := range m[1:] {
			t := typeName(g)
			pl[i], en[i] = t.PL, t.EN
		}
		return Text{PL: fmt.Sprintf(c.pl, pl...), EN: fmt.Sprintf(c.en, en...)}
	}
	return exprOther
}

var (
	unknownName = regexp.MustCompile(`^unknown name (\S+)$`)
	noField     = regexp.MustCompile(`^type (\S+) has no field (\S+)$`)
)

// typeNames name the compiler's types in the rule language.
var typeNames = map[string]Text{
	"bool":                   {"wartość logiczna", "true/false"},
	"int":                    {"liczba", "a number"},
	"float64":                {"liczba", "a number"},
	"string":                 {"tekst", "text"},
	"time.Time":              {"data", "a date"},
	"time.Duration":          {"okres", "a duration"},
	"nil":                    {"nil", "nil"},
	"unknown":                {"nieznany typ", "an unknown type"},
	"interface {}":           {"nieznany typ", "an unknown type"},
	"rules.Worker":           {"worker", "worker"},
	"rules.Actor":            {"actor", "actor"},
	"rules.Family":           {"family", "family"},
	"rules.Child":            {"child", "child"},
	"rules.Carer":            {"carer", "carer"},
	"rules.FosterFamily":     {"foster_family", "foster_family"},
	"rules.FamilyArgs":       {"args", "args"},
	"rules.ChildArgs":        {"args", "args"},
	"rules.FosterFamilyArgs": {"args", "args"},
}

// typeName names a compiler type (or passes an operator or a name
// through) in the rule language.
func typeName(s string) Text {
	if t, ok := typeNames[s]; ok {
		return t
	}
	if strings.HasPrefix(s, "[]") || strings.HasPrefix(s, "map[") {
		return Text{"lista", "a list"}
	}
	return Text{s, s}
}

// envRoots lists the top-level variables of lifecycle l's environment.
func envRoots(l Lifecycle) []string {
	var out []string
	for _, v := range EnvVariables(l) {
		root, _, _ := strings.Cut(v, ".")
		if !slices.Contains(out, root) {
			out = append(out, root)
		}
	}
	return out
}

// envFields lists the fields of the variable whose compiler type is
// owner (e.g. rules.Worker) in lifecycle l's environment.
func envFields(l Lifecycle, owner string) []string {
	root := typeName(owner).EN
	var out []string
	for _, v := range EnvVariables(l) {
		if f, ok := strings.CutPrefix(v, root+"."); ok {
			out = append(out, f)
		}
	}
	return out
}
