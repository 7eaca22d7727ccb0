package rules

import (
	"fmt"
	"github.com/asysta/asysta/internal/nearest"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// RuleSet is the statute with zero or more configuration files applied and
// every rule compiled: the effective configuration, identified by its
// [RuleSet.Revision]. A RuleSet is immutable and safe for concurrent use;
// build it once and share it. Reloading a file builds a new RuleSet (see
// [Live]).
type RuleSet struct {
	catalogue []*Parameter
	paramByID map[string]*Parameter
	layers    []*Config // applied in order, lowest level first
	overrides map[string][][]Value
	epochs    []epoch
	programs  []*Program
	programBy map[string]*Program
	byTrigger map[Trigger][]*Program
	revision  string
}

// Statute returns the rule set of the built-in statute alone. It is built
// once and shared.
func Statute() *RuleSet { return statute() }

var statute = sync.OnceValue(func() *RuleSet {
	rs, err := New()
	if err != nil {
		panic("rules: the built-in statute does not compile: " + err.Error())
	}
	return rs
})

// LoadFiles reads, parses and applies configuration files to the statute.
// It returns every problem in every file at once, as [Errors].
func LoadFiles(paths ...string) (*RuleSet, error) { return loadFiles(ReadConfig, paths) }

// LoadFilesIn is [LoadFiles] for files that must lie inside the folder
// root: a path leading outside it, directly, through ".." or a symbolic
// link, is refused with code [CodeOutsideRoot] and not read (see
// [ReadFileIn]). Scenarios load their configuration this way.
func LoadFilesIn(root *os.Root, paths ...string) (*RuleSet, error) {
	return loadFiles(func(p string) (*Config, error) { return ReadConfigIn(root, p) }, paths)
}

func loadFiles(read func(string) (*Config, error), paths []string) (*RuleSet, error) {
	var configs []*Config
	var errs Errors
	for _, p := range paths {
		cfg, err := read(p)
		errs = append(errs, AsErrors(err)...)
		if cfg != nil {
			configs = append(configs, cfg)
		}
	}
	if len(errs) > 0 {
		// Still check the substance of the files that parsed, so that the
		// user sees every problem at once.
		if _, err := New(configs...); err != nil {
			errs = append(errs, AsErrors(err)...)
		}
		return nil, errs.Limit()
	}
	return New(configs...)
}

// New applies configurations to the statute and compiles every rule. Files
// are layered by [Level] (voivodeship, county, municipality), and in the
// order given within a level. It returns every problem at once as [Errors].
func New(configs ...*Config) (*RuleSet, error) {
	rs := &RuleSet{paramByID: map[string]*Parameter{}, programBy: map[string]*Program{},
		byTrigger: map[Trigger][]*Program{}, overrides: map[string][][]Value{}}
	for _, p := range statuteParameters() {
		p := p
		rs.catalogue = append(rs.catalogue, &p)
		rs.paramByID[p.ID] = &p
	}
	// The rule set keeps copies: a caller changing its configs afterwards
	// changes nothing here (a rule set is immutable and shared).
	for _, c := range configs {
		if c != nil {
			rs.layers = append(rs.layers, c.clone())
		}
	}
	sort.SliceStable(rs.layers, func(i, j int) bool { return rs.layers[i].Level < rs.layers[j].Level })

	var errs Errors
	for _, cfg := range rs.layers {
		errs = append(errs, rs.applyOverrides(cfg)...)
	}
	rs.buildEpochs()
	errs = append(errs, rs.addRules(statuteRules(), true, nil)...)
	for _, cfg := range rs.layers {
		errs = append(errs, rs.addRules(cfg.Rules, false, cfg.ruleAt)...)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	rs.revision = rs.hash()
	return rs, nil
}

// Revision returns the content hash of the effective configuration: the
// statute's parameters and rules and every file's values and rules, but not
// their layout or comments. Decisions record it.
func (rs *RuleSet) Revision() string { return rs.revision }

// Configs returns the configuration files applied, in layering order, as
// copies of the caller's own.
func (rs *RuleSet) Configs() []*Config {
	out := make([]*Config, len(rs.layers))
	for i, c := range rs.layers {
		out[i] = c.clone()
	}
	return out
}

// Parameters returns the catalogue of parameters, in the contract's order.
func (rs *RuleSet) Parameters() []*Parameter { return slices.Clone(rs.catalogue) }

// Programs returns every compiled rule, statutory first, in definition
// order.
func (rs *RuleSet) Programs() []*Program { return slices.Clone(rs.programs) }

// Program returns the compiled rule with the ID.
func (rs *RuleSet) Program(id string) (*Program, bool) {
	p, ok := rs.programBy[id]
	return p, ok
}

// ProgramsOn returns the rules attached to a trigger, in force or not, in
// definition order.
func (rs *RuleSet) ProgramsOn(t Trigger) []*Program { return slices.Clone(rs.byTrigger[t]) }

// Guarded reports whether a guard rule is attached to the trigger, in
// force on some date or not. Without one, [RuleSet.Decide] evaluates
// nothing: its decision allows the trigger whatever the environment holds
// (Decide still fills the environment's [Base]).
func (rs *RuleSet) Guarded(t Trigger) bool {
	for _, p := range rs.byTrigger[t] {
		if p.rule.Kind == KindGuard {
			return true
		}
	}
	return false
}

// Reads reports whether a guard on t in force on date on reads any of
// paths, variables such as "family.children". A guard that reads a whole
// variable (family, get(family, name)) reads every path under it, and a
// path naming a whole variable is read by a guard reading any path under
// it. The engine reads from the store only what a guard reads.
func (rs *RuleSet) Reads(t Trigger, on Date, paths ...string) bool {
	for _, p := range rs.byTrigger[t] {
		c := p.compiledFor(t.Lifecycle)
		if p.rule.Kind != KindGuard || !p.rule.InForce(on) || c == nil {
			continue
		}
		for _, r := range c.reads {
			for _, path := range paths {
				if r == path || strings.HasPrefix(path, r+".") || strings.HasPrefix(r, path+".") {
					return true
				}
			}
		}
	}
	return false
}

// addRules validates and compiles rules, statutory or from a file; at
// locates the parts of a parsed file's rules by the rule's Source.
func (rs *RuleSet) addRules(list []Rule, statutory bool, at map[Source]*rulePos) Errors {
	var errs Errors
	for i := range list {
		r := list[i]
		pos := at[r.Source]
		bad := rs.checkRule(&r, pos, statutory)
		errs = append(errs, bad...)
		if pos != nil && pos.noExpr {
			continue // the parser reported the missing expr
		}
		triggers := resolveAll(r.On)
		if !statutory {
			triggers = withReassignment(triggers)
		}
		// The expression is checked even when the rule has other problems,
		// so that one run of asysta check reports them all.
		compiled, e := compileRule(&r, pos, triggers, rs.paramByID)
		if len(e) > 0 || len(bad) > 0 || r.ID == "" {
			errs = append(errs, e...)
			continue
		}
		p := &Program{rule: r, triggers: triggers, compiled: compiled, rs: rs, placeholders: placeholders(r.Message), source: r.Source.String()}
		rs.programs = append(rs.programs, p)
		rs.programBy[r.ID] = p
		for _, t := range triggers {
			rs.byTrigger[t] = append(rs.byTrigger[t], p)
		}
	}
	return errs
}

var placeholderRE = regexp.MustCompile(`\{([a-z0-9_]+(?:\.[a-z0-9_]+)+)\}`)

// placeholders lists the parameter IDs a message names, in order.
func placeholders(t Text) []string {
	var out []string
	for _, s := range []string{t.PL, t.EN} {
		for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
			if !containsString(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// checkRule checks a rule's ID, triggers, dates and message placeholders.
// at, when not nil, points each problem at its token in the file.
func (rs *RuleSet) checkRule(r *Rule, at *rulePos, statutory bool) Errors {
	var errs Errors
	failAt := func(s Source, code Code, msg Text) {
		if s.Line == 0 {
			s = r.Source
		}
		errs = append(errs, &Error{File: r.Source.File, Line: s.Line, Col: s.Col, ID: r.ID, Code: code, Msg: msg})
	}
	fail := func(code Code, msg Text) { failAt(r.Source, code, msg) }
	if at == nil {
		at = &rulePos{}
	}
	switch {
	case r.ID == "":
		return nil // reported by the parser
	case rs.programBy[r.ID] != nil && !rs.programBy[r.ID].Rule().Source.IsStatute():
		fail(CodeDuplicate, textf("reguła %s jest już zdefiniowana w %s", "rule %s is already defined at %s",
			r.ID, rs.programBy[r.ID].rule.Source))
	case !statutory && rs.programBy[r.ID] != nil:
		fail(CodeStatutoryRule, Text{"reguł ustawowych nie można zmieniać ani usuwać; dodaj własną regułę local.*",
			"statutory rules cannot be changed or removed; add a rule of your own named local.*"})
	case !statutory && !strings.HasPrefix(r.ID, "local.") || len(r.ID) <= len("local."):
		fail(CodeRuleID, textf("identyfikator reguły lokalnej musi zaczynać się od \"local.\", np. local.%s",
			"a local rule's ID must start with \"local.\", e.g. local.%s", suggestID(lastPart(r.ID))))
	case !statutory && (!LocalRuleID.MatchString(r.ID) || len(r.ID) > MaxRuleIDLength):
		fail(CodeRuleID, textf("identyfikator reguły lokalnej to local. i nazwa z małych liter a–z, cyfr, _ i . (od litery, razem najwyżej %d bajty), np. local.%s",
			"a local rule's ID is local. and a name of lowercase letters a–z, digits, _ and . (starting with a letter, at most %d bytes in all), e.g. local.%s",
			MaxRuleIDLength, suggestID(strings.TrimPrefix(r.ID, "local."))))
	}
	for i, on := range r.On {
		ts := ResolveTrigger(on)
		switch {
		case len(ts) == 0:
			near := nearestTriggers(on)
			failAt(at.onAt(i), CodeUnknownTrigger, Text{
				fmt.Sprintf("nieznany wyzwalacz %q; najbliższe: %s; zob. docs/rules.md", on, near),
				fmt.Sprintf("unknown trigger %q; the nearest: %s; see docs/rules.md", on, near)})
		case !statutory && r.Kind == KindGuard && slices.ContainsFunc(ts, Trigger.Engine):
			failAt(at.onAt(i), CodeUnknownTrigger, textf(
				"%s wykonuje silnik razem z umieszczeniem dziecka, bez reguł; podepnij regułę pod child.place",
				"%s is fired by the engine with a child's placement, without rules; attach the rule to child.place", on))
		}
	}
	if !r.From.IsZero() && !r.To.IsZero() && r.To.Before(r.From) {
		failAt(at.to, CodeBadDate, textf("to (%s) jest przed from (%s)", "to (%s) is before from (%s)", r.To, r.From))
	}
	for _, id := range placeholders(r.Message) {
		if rs.paramByID[id] == nil {
			failAt(at.message, CodeMessagePlaceholder, textf("komunikat odwołuje się do nieznanego parametru {%s}", "the message names an unknown parameter {%s}", id))
		}
	}
	return errs
}

// MaxRuleIDLength is the longest rule ID: 64 bytes, as every ID the engine
// stores (docs/security.md, "Limits").
const MaxRuleIDLength = 64

// LocalRuleID is what a local rule's ID must match: "local." and a name of
// lowercase ASCII letters, digits, "_" and "." that starts with a letter,
// has no empty part; the ID is at most MaxRuleIDLength bytes besides. The
// configuration schema's pattern and maxLength are the same (docs/configuration.md,
// "Local rules").
var LocalRuleID = regexp.MustCompile(`^local\.[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)

// suggestID turns name into a valid local rule name, for a hint: Polish
// letters without their marks, lowercase, "-" and spaces as "_".
func suggestID(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if p := strings.IndexRune("ąćęłńóśźż", r); p >= 0 {
			r = []rune("acelnoszz")[len([]rune("ąćęłńóśźż"[:p]))]
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '.':
			b.WriteRune(r)
		case r == '-' || r == ' ':
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "._")
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "rule_" + out
	}
	return out[:min(len(out), MaxRuleIDLength-len("local."))]
}

// nearestTriggers names the triggers nearest to name, a typo: those at the
// least edit distance, as lifecycle.name.
func nearestTriggers(name string) string {
	var out []string
	best := -1
	for _, t := range Triggers() {
		d := min(nearest.Distance(name, t.Name), nearest.Distance(name, t.String()))
		switch {
		case best < 0 || d < best:
			best, out = d, []string{t.String()}
		case d == best:
			out = append(out, t.String())
		}
	}
	return strings.Join(out, ", ")
}

func lastPart(id string) string {
	if i := strings.LastIndexByte(id, '.'); i >= 0 {
		return id[i+1:]
	}
	if id == "" {
		return "my_rule"
	}
	return id
}

func resolveAll(names []string) []Trigger {
	var out []Trigger
	for _, n := range names {
		for _, t := range ResolveTrigger(n) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// String describes the rule set for logs: its revision and files.
func (rs *RuleSet) String() string {
	names := make([]string, len(rs.layers))
	for i, c := range rs.layers {
		names[i] = c.File
	}
	return fmt.Sprintf("rules.RuleSet{revision: %.12s, files: [%s]}", rs.revision, strings.Join(names, ", "))
}

// withReassignment adds family.reassign_assistant to a local rule on
// family.assign_assistant: a municipality that guards the assignment of an
// assistant (a weighted caseload, a part-time cap) means every assignment,
// including handing a family over to another assistant.
func withReassignment(ts []Trigger) []Trigger {
	assign := Trigger{LifecycleFamily, "assign_assistant"}
	reassign := Trigger{LifecycleFamily, "reassign_assistant"}
	if slices.Contains(ts, assign) && !slices.Contains(ts, reassign) {
		return append(ts, reassign)
	}
	return ts
}
