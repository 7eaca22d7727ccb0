package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"go.yaml.in/yaml/v3"

	"github.com/asysta/asysta/internal/yamltext"
)

// Level is the tier of government a configuration file belongs to. Files
// are layered statute ← voivodeship ← county ← municipality: a later layer
// overrides an earlier one, and every layer is checked against the statute.
type Level int

// The levels, in layering order.
const (
	LevelVoivodeship  Level = iota // województwo
	LevelCounty                    // powiat (PCPR)
	LevelMunicipality              // gmina (OPS)
)

var levelNames = []string{"voivodeship", "county", "municipality"}

// String returns "voivodeship", "county" or "municipality".
func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return "municipality"
	}
	return levelNames[l]
}

// Config is one municipal, county or voivodeship configuration file,
// decoded into plain data (docs/configuration.md, "File format"). It is
// produced by [ParseConfig] and compiled, with the statute, by [New].
type Config struct {
	File       string // the name the file was given by
	Name       string // e.g. "Gmina Przykładowa"
	Level      Level  // default LevelMunicipality
	Parameters []Override
	Rules      []Rule

	// ruleAt locates the parts of each parsed rule, by the rule's Source,
	// so that errors found by New point at the offending token.
	ruleAt map[Source]*rulePos
}

// rulePos locates the parts of a parsed rule in its file.
type rulePos struct {
	on          []Source // each trigger named, in order
	to, message Source
	noExpr      bool     // the expr key is missing: the parser reported it
	expr        []Source // each rune of the expression, and its end
}

// onAt returns where the i-th trigger is named, or the zero Source.
func (p *rulePos) onAt(i int) Source {
	if i < len(p.on) {
		return p.on[i]
	}
	return Source{}
}

// Override is a file's values for one parameter.
type Override struct {
	ID     string
	Values []Value // a plain value is one Value with a zero From and To
	Source Source  // where the parameter's key is
}

// clone returns a copy of c that shares nothing a caller could change.
func (c *Config) clone() *Config {
	cp := *c
	cp.Parameters = slices.Clone(c.Parameters)
	for i := range cp.Parameters {
		cp.Parameters[i].Values = slices.Clone(c.Parameters[i].Values)
	}
	cp.Rules = slices.Clone(c.Rules)
	for i := range cp.Rules {
		cp.Rules[i].On = slices.Clone(c.Rules[i].On)
	}
	return &cp // ruleAt is the parser's and never changed
}

// ReadConfig reads and parses the file at path. The path is used as the
// file name in errors and sources. It reads only a regular file of at most
// [MaxFileSize] bytes (see [ReadFile]).
func ReadConfig(path string) (*Config, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data)
}

// ReadConfigIn is [ReadConfig] for a file that must lie inside the folder
// root (see [ReadFileIn]).
func ReadConfigIn(root *os.Root, path string) (*Config, error) {
	data, err := ReadFileIn(root, path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data)
}

// MaxFileSize is the largest configuration or scenario file asysta reads:
// 10 MiB. Real files are a few kilobytes; the limit keeps a path naming a
// huge file (or a device such as /dev/zero) from exhausting memory.
const MaxFileSize = 10 << 20

// ReadFile reads the file at path for a loader: only a regular file (not a
// folder, device, pipe or socket, which could block or never end) and at
// most [MaxFileSize] bytes. A problem is returned as [Errors] with code
// [CodeIO] and a message in Polish and English (see [IOProblem]).
func ReadFile(path string) ([]byte, error) {
	return readFile(path, func() (fs.FileInfo, error) { return os.Stat(path) }, func() (*os.File, error) { return os.Open(path) })
}

// ReadFileIn is [ReadFile] for a file that must lie inside the folder
// root: path (as given, relative to the working folder or absolute) is
// refused with code [CodeOutsideRoot] when it leads outside root, by ".."
// or by a symbolic link anywhere along it (the file is opened through
// [os.Root], which resolves links without leaving the folder). The path is
// used as the file name in errors.
func ReadFileIn(root *os.Root, path string) ([]byte, error) {
	name, ok := inside(root.Name(), path)
	if !ok {
		return nil, Errors{outsideRoot(path)}
	}
	data, err := readFile(path, func() (fs.FileInfo, error) { return root.Stat(name) }, func() (*os.File, error) { return root.Open(name) })
	if e := AsErrors(err); len(e) == 1 && e[0].Err != nil && escapes(e[0].Err) {
		return nil, Errors{outsideRoot(path)}
	}
	return data, err
}

// inside returns path relative to the folder root, and whether it stays
// inside root as written (a symbolic link is checked on opening).
func inside(root, path string) (string, bool) {
	absRoot, err1 := filepath.Abs(root)
	abs, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(absRoot, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// escapes reports whether err is os.Root's refusal of a path leading out
// of its folder (through a symbolic link).
func escapes(err error) bool {
	return strings.Contains(err.Error(), "path escapes from parent")
}

func outsideRoot(path string) *Error {
	return &Error{File: path, Code: CodeOutsideRoot, Msg: Text{
		PL: "plik leży poza folderem, z którego wolno czytać (folder scenariusza albo podany katalog główny), wprost, przez .. albo dowiązanie symboliczne; przenieś plik do tego folderu",
		EN: "the file lies outside the folder files may be read from (the scenario's folder or the root given), directly, through .. or through a symbolic link; move the file into that folder"}}
}

// readFile reads a file for a loader, stat and open giving the file.
func readFile(path string, stat func() (fs.FileInfo, error), open func() (*os.File, error)) ([]byte, error) {
	info, err := stat()
	if err != nil {
		return nil, Errors{IOProblem(path, err)}
	}
	if err := regular(path, info); err != nil {
		return nil, Errors{err}
	}
	f, err := open()
	if err != nil {
		return nil, Errors{IOProblem(path, err)}
	}
	defer f.Close()
	// The file may have been replaced since the Stat: check what was opened.
	if info, err = f.Stat(); err != nil {
		return nil, Errors{IOProblem(path, err)}
	}
	if err := regular(path, info); err != nil {
		return nil, Errors{err}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, Errors{IOProblem(path, err)}
	}
	if len(data) > MaxFileSize {
		return nil, Errors{tooLarge(path)}
	}
	return data, nil
}

// regular returns a problem when info is not a regular file of at most
// MaxFileSize bytes, or nil.
func regular(path string, info fs.FileInfo) *Error {
	switch {
	case info.IsDir():
		return &Error{File: path, Code: CodeIO, Msg: Text{
			PL: "nie można odczytać pliku: to folder; podaj ścieżkę do pliku",
			EN: "cannot read the file: it is a folder; give the path of a file"}}
	case !info.Mode().IsRegular():
		return &Error{File: path, Code: CodeIO, Msg: Text{
			PL: "nie można odczytać pliku: to nie jest zwykły plik (urządzenie, potok lub gniazdo); podaj ścieżkę do pliku",
			EN: "cannot read the file: it is not a regular file (a device, pipe or socket); give the path of a file"}}
	case info.Size() > MaxFileSize:
		return tooLarge(path)
	}
	return nil
}

func tooLarge(path string) *Error {
	return &Error{File: path, Code: CodeIO, Msg: textf(
		"nie można odczytać pliku: jest większy niż %d MiB; podaj właściwy plik",
		"cannot read the file: it is larger than %d MiB; give the right file", MaxFileSize>>20)}
}

// IOProblem returns a file-system error met reading the file at path as a
// problem with code [CodeIO]: the usual causes (the file does not exist,
// no permission) are described in both languages; the English text keeps
// the system's own detail. The problem wraps err.
func IOProblem(path string, err error) *Error {
	var pl, en string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		pl, en = "plik nie istnieje; sprawdź ścieżkę", "the file does not exist; check the path"
	case errors.Is(err, fs.ErrPermission):
		pl, en = "brak uprawnień do odczytu pliku; sprawdź uprawnienia", "no permission to read the file; check its permissions"
	case errors.Is(err, syscall.ENOTDIR):
		pl, en = "część ścieżki nie jest folderem; sprawdź ścieżkę", "part of the path is not a folder; check the path"
	case errors.Is(err, syscall.ENAMETOOLONG):
		pl, en = "ścieżka jest za długa", "the path is too long"
	case errors.Is(err, syscall.ELOOP):
		pl, en = "za dużo dowiązań symbolicznych w ścieżce", "too many symbolic links in the path"
	case errors.Is(err, syscall.EISDIR):
		pl, en = "to folder; podaj ścieżkę do pliku", "it is a folder; give the path of a file"
	default:
		pl, en = "błąd systemu plików", "a file-system error"
	}
	if cause := rootCause(err); !strings.Contains(en, cause) {
		en += " (" + cause + ")"
	}
	return &Error{File: path, Code: CodeIO, Err: err,
		Msg: Text{PL: "nie można odczytać pliku: " + pl, EN: "cannot read the file: " + en}}
}

// ParseConfig decodes a configuration file in YAML or JSON. It reports every
// problem of form it finds (unknown keys, wrong types, bad dates) at once as
// [Errors]; problems of substance (a raised ceiling, an expression that does
// not type-check) are found by [New].
func ParseConfig(name string, data []byte) (*Config, error) {
	if line, col, over := yamltext.TooManyMarks(data); over {
		return nil, Errors{tooManyNodes(name, line, col)}
	}
	d := &decoder{file: name, lines: strings.Split(string(data), "\n")}
	cfg := &Config{File: name, Level: LevelMunicipality}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return cfg, nil // an empty file changes nothing
	case err != nil:
		return nil, Errors{d.syntaxError(err, data)}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		// yaml.Unmarshal would read the first document and drop the rest
		// without a word: a municipality's tightening lost.
		d.errs = append(d.errs, &Error{File: name, Line: next.Line, Col: next.Column, Code: CodeSyntax, Msg: Text{
			PL: "plik zawiera drugi dokument YAML (po ---); zapisz wszystko w jednym dokumencie",
			EN: "the file holds a second YAML document (after ---); write everything in one document"}})
	case !errors.Is(err, io.EOF):
		d.errs = append(d.errs, d.syntaxError(err, data))
	}
	if len(doc.Content) == 0 {
		return cfg, d.errs.err()
	}
	if at, over := yamltext.TooManyNodes(&doc); over {
		return nil, Errors{tooManyNodes(name, at.Line, at.Column)}
	}
	d.config(doc.Content[0], cfg)
	cfg.ruleAt = d.ruleAt
	return cfg, d.errs.err()
}

// decoder walks a YAML tree, collecting every problem.
type decoder struct {
	file   string
	lines  []string // the file's text, for locating expressions
	errs   Errors
	ruleAt map[Source]*rulePos
}

// syntaxError reports a YAML or JSON syntax error in data at its line and
// column (see [yamltext.Syntax]), without quoting the file.
func (d *decoder) syntaxError(err error, data []byte) *Error {
	line, col, msg := yamltext.Syntax(strings.TrimPrefix(err.Error(), "yaml: "), data)
	pl, en := yamltext.Describe(msg, data, line)
	return &Error{File: d.file, Line: line, Col: col, Code: CodeSyntax, Err: err,
		Msg: Text{PL: "plik nie jest poprawnym YAML ani JSON: " + pl, EN: "the file is not valid YAML or JSON: " + en}}
}

// MaxRules is the largest number of rules one configuration file may hold:
// 1,000. The statute has a few dozen; a municipality adds a handful.
const MaxRules = 1000

// tooManyNodes is the problem of a file that holds more than
// yamltext.MaxNodes nodes once its aliases are expanded (or more
// structural marks than they could take, yamltext.MaxMarks).
func tooManyNodes(file string, line, col int) *Error {
	return &Error{File: file, Line: line, Col: col, Code: CodeLimit, Msg: textf(
		"plik zawiera więcej niż %d węzłów YAML (po rozwinięciu aliasów *nazwa); zapisz wartości wprost albo podziel plik",
		"the file holds more than %d YAML nodes (once its aliases *name are expanded); write the values out or split the file",
		yamltext.MaxNodes)}
}

// control reports a control character in s, the text of node n, at the
// character's position when it can be found, else at the node; it returns
// whether there was one. Expressions may span lines and hold tabs; every
// other text is one line.
func (d *decoder) control(n *yaml.Node, s, id, what string) bool {
	check := s
	if what == "expr" {
		check = strings.NewReplacer("\n", " ", "\t", " ", "\r", " ").Replace(s)
	}
	i := yamltext.Control(check)
	if i < 0 {
		return false
	}
	at := d.source(n)
	if pos := d.scalarPositions(n, s); i < len(pos) {
		at = pos[i]
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: at.Line, Col: at.Col, ID: id, Code: CodeControlChar, Msg: textf(
		"%s: znak sterujący (np. NUL, ESC) albo błędny znak; usuń go",
		"%s: a control character (such as NUL or ESC) or an invalid character; remove it", what)})
	return true
}

func (d *decoder) fail(n *yaml.Node, id string, code Code, msg Text) {
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Col: n.Column, ID: id, Code: code, Msg: msg})
}

func (d *decoder) source(n *yaml.Node) Source {
	return Source{File: d.file, Line: n.Line, Col: n.Column}
}

// fields checks that n is a mapping with only the allowed keys, no key
// twice, and returns the values by key.
func (d *decoder) fields(n *yaml.Node, id string, what Text, allowed ...string) map[string]*yaml.Node {
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, id, CodeWrongType, Text{what.PL + ": oczekiwano mapy klucz: wartość", what.EN + ": want a mapping of key: value"})
		return nil
	}
	out := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !containsString(allowed, k.Value):
			d.fail(k, id, CodeUnknownKey, Text{
				fmt.Sprintf("nieznany klucz %q (%s); dozwolone: %s", k.Value, what.PL, strings.Join(allowed, ", ")),
				fmt.Sprintf("unknown key %q (%s); allowed: %s", k.Value, what.EN, strings.Join(allowed, ", "))})
		case out[k.Value] != nil:
			d.fail(k, id, CodeDuplicate, textf("klucz %q podano dwa razy", "key %q is given twice", k.Value))
		default:
			out[k.Value] = resolveAlias(v)
		}
	}
	return out
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// configKeys are the keys of a configuration file's top level.
var configKeys = []string{"$schema", "name", "level", "parameters", "rules"}

func (d *decoder) config(n *yaml.Node, cfg *Config) {
	f := d.top(n)
	if f == nil {
		return
	}
	if v := f["name"]; v != nil {
		cfg.Name, _ = d.str(v, "", "name")
	}
	if v := f["level"]; v != nil {
		cfg.Level = d.level(v)
	}
	if v := f["parameters"]; v != nil {
		cfg.Parameters = d.parameters(v)
	}
	if v := f["rules"]; v != nil {
		cfg.Rules = d.rules(v)
	}
}

// top returns the values of the top of a file, n, by key, when it is a
// mapping with at least one key of a configuration file; else it reports
// the file as not a configuration, returns nil and nothing of the file is
// read further. An unknown key at the
// top is reported at its place without its text. Nothing of a file that
// is not a configuration is quoted: it may be any file a path named by
// mistake, or on purpose (a scenario's config: [/etc/passwd]).
func (d *decoder) top(n *yaml.Node) map[string]*yaml.Node {
	n = resolveAlias(n)
	known := false
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			known = known || slices.Contains(configKeys, n.Content[i].Value)
		}
	}
	if !known && (n.Kind != yaml.MappingNode || len(n.Content) > 0) {
		d.fail(n, "", CodeNotConfig, textf(
			"to nie jest plik konfiguracji: oczekiwano mapy z kluczami %s; sprawdź ścieżkę",
			"this is not a configuration file: want a mapping of the keys %s; check the path", strings.Join(configKeys, ", ")))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i]; {
		case !slices.Contains(configKeys, k.Value):
			d.fail(k, "", CodeUnknownKey, textf("nieznany klucz pliku; dozwolone: %s; sprawdź pisownię",
				"an unknown key of the file; allowed: %s; check the spelling", strings.Join(configKeys, ", ")))
		case out[k.Value] != nil:
			d.fail(k, "", CodeDuplicate, textf("klucz %q podano dwa razy", "key %q is given twice", k.Value))
		default:
			out[k.Value] = resolveAlias(n.Content[i+1])
		}
	}
	return out
}

func (d *decoder) level(n *yaml.Node) Level {
	s, ok := d.str(n, "", "level")
	for i, name := range levelNames {
		if s == name {
			return Level(i)
		}
	}
	if ok {
		d.fail(n, "", CodeBadValue, textf("nieznany poziom %q; dozwolone: %s", "unknown level %q; allowed: %s",
			s, strings.Join(levelNames, ", ")))
	}
	return LevelMunicipality
}

// str returns the text of n, refusing any other kind of value and a
// control character (see control).
func (d *decoder) str(n *yaml.Node, id, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" && n.Tag != "!!timestamp" {
		d.fail(n, id, CodeWrongType, textf("%s: oczekiwano tekstu", "%s: want a string", what))
		return "", false
	}
	if d.control(n, n.Value, id, what) {
		return "", false
	}
	return n.Value, true
}

func (d *decoder) date(n *yaml.Node, id, what string) Date {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, id, CodeBadDate, textf("%s: oczekiwano daty RRRR-MM-DD", "%s: want a date YYYY-MM-DD", what))
		return Date{}
	}
	date, err := ParseDate(n.Value)
	if err != nil {
		d.fail(n, id, CodeBadDate, textf("%s: błędna data %q, oczekiwano RRRR-MM-DD", "%s: bad date %q, want YYYY-MM-DD", what, n.Value))
	}
	return date
}

// sequence returns the items of a sequence, or n itself when a single item
// is given where a list is allowed.
func sequence(n *yaml.Node) []*yaml.Node {
	if n.Kind == yaml.SequenceNode {
		out := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			out[i] = resolveAlias(c)
		}
		return out
	}
	return []*yaml.Node{n}
}

func (d *decoder) parameters(n *yaml.Node) []Override {
	if n.Kind != yaml.MappingNode {
		d.fail(n, "", CodeWrongType, Text{"parameters: oczekiwano mapy identyfikator: wartość", "parameters: want a mapping of id: value"})
		return nil
	}
	var out []Override
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if d.control(k, k.Value, "", "parameters") {
			continue // the ID would carry the character into every message
		}
		if seen[k.Value] {
			d.fail(k, k.Value, CodeDuplicate, Text{"parametr podano dwa razy", "the parameter is given twice"})
			continue
		}
		seen[k.Value] = true
		o := Override{ID: k.Value, Source: d.source(k)}
		if v.Kind == yaml.ScalarNode {
			o.Values = []Value{{Value: d.scalar(v, k.Value), Source: d.source(v)}}
		} else {
			for _, item := range sequence(v) {
				o.Values = append(o.Values, d.datedValue(item, k.Value))
			}
			if len(o.Values) == 0 {
				d.fail(v, k.Value, CodeMissing, Text{"pusta lista wartości: podaj wartość albo usuń parametr",
					"an empty list of values: give a value or remove the parameter"})
			}
		}
		out = append(out, o)
	}
	return out
}

func (d *decoder) datedValue(n *yaml.Node, id string) Value {
	f := d.fields(n, id, Text{"wartość z datami", "a dated value"}, "value", "from", "to")
	v := Value{Source: d.source(n)}
	if f == nil {
		return v
	}
	if x := f["value"]; x != nil {
		v.Value, v.Source = d.scalar(x, id), d.source(x)
	} else {
		d.fail(n, id, CodeMissing, Text{"brak klucza value", "the key value is missing"})
	}
	reported := len(d.errs)
	if x := f["from"]; x != nil {
		v.From = d.date(x, id, "from")
	}
	if x := f["to"]; x != nil {
		v.To = d.date(x, id, "to")
	}
	switch {
	case !v.From.IsZero() && !v.To.IsZero() && v.To.Before(v.From):
		d.fail(f["to"], id, CodeBadDate, textf("to (%s) jest przed from (%s)", "to (%s) is before from (%s)", v.To, v.From))
	case !v.To.IsZero() && v.To.Before(StatuteStart):
		// Without from, the period starts with the statute: it would be
		// empty, and the value would never apply.
		d.fail(f["to"], id, CodeBadDate, textf("to (%s) jest przed wejściem ustawy w życie (%s): wartość nigdy by nie obowiązywała",
			"to (%s) is before the statute took effect (%s): the value would never apply", v.To, StatuteStart))
	}
	if len(d.errs) > reported {
		// The period is unknown: leave the value out of New's checks (a
		// bad from would read as the statute's start and overlap the rest).
		v.Value = nil
	}
	return v
}

// scalar decodes a parameter value: an int or a bool. Its type is checked
// against the catalogue by New.
func (d *decoder) scalar(n *yaml.Node, id string) any {
	if n.Kind == yaml.ScalarNode {
		switch n.Tag {
		case "!!int":
			var i int
			if err := n.Decode(&i); err == nil {
				return i
			}
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err == nil {
				return b
			}
		}
	}
	d.fail(n, id, CodeWrongType, textf("wartość %q nie jest liczbą całkowitą ani wartością logiczną", "value %q is neither a whole number nor true/false", n.Value))
	return nil
}

func (d *decoder) rules(n *yaml.Node) []Rule {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, "", CodeWrongType, Text{"rules: oczekiwano listy reguł", "rules: want a list of rules"})
		return nil
	}
	if len(n.Content) > MaxRules {
		d.fail(n, "", CodeLimit, textf("plik zawiera %d reguł, najwyżej %d; podziel go na kilka plików",
			"the file holds %d rules, at most %d; split it into several files", len(n.Content), MaxRules))
		return nil
	}
	var out []Rule
	for _, item := range n.Content {
		if r, ok := d.rule(resolveAlias(item)); ok {
			out = append(out, r)
		}
	}
	return out
}

func (d *decoder) rule(n *yaml.Node) (Rule, bool) {
	f := d.fields(n, "", Text{"reguła", "a rule"}, "id", "on", "kind", "expr", "from", "to", "severity", "message", "basis")
	if f == nil {
		return Rule{}, false
	}
	r := Rule{Source: d.source(n)}
	if v := f["id"]; v != nil {
		var ok bool
		if r.ID, ok = d.str(v, "", "id"); !ok && yamltext.Control(v.Value) >= 0 {
			return Rule{}, false // reported; the rule cannot be named
		}
		r.Source = d.source(v)
	} else {
		d.fail(n, "", CodeMissing, Text{"reguła bez klucza id", "a rule without an id"})
	}
	at := &rulePos{}
	d.ruleBody(f, n, &r, at)
	if d.ruleAt == nil {
		d.ruleAt = map[Source]*rulePos{}
	}
	d.ruleAt[r.Source] = at
	return r, true
}

func (d *decoder) ruleBody(f map[string]*yaml.Node, n *yaml.Node, r *Rule, at *rulePos) {
	if v := f["on"]; v != nil {
		items := sequence(v)
		for _, item := range items {
			if s, ok := d.str(item, r.ID, "on"); ok {
				r.On = append(r.On, s)
				at.on = append(at.on, d.source(item))
			}
		}
		if len(items) == 0 {
			d.fail(v, r.ID, CodeMissing, Text{"pusta lista on: podaj wyzwalacz, do którego należy reguła",
				"an empty list on: give the trigger the rule belongs to"})
		}
	} else {
		d.fail(n, r.ID, CodeMissing, Text{"brak klucza on (wyzwalacz reguły)", "the key on (the rule's trigger) is missing"})
	}
	if v := f["kind"]; v != nil {
		r.Kind = Kind(d.choice(v, r.ID, "kind", "guard", "limit", "due"))
	}
	if v := f["severity"]; v != nil {
		r.Severity = Severity(d.choice(v, r.ID, "severity", "block", "warn"))
	}
	if v := f["expr"]; v != nil {
		r.Expr, _ = d.str(v, r.ID, "expr")
		r.exprAt = exprPos{line: v.Line, col: v.Column, block: v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0,
			quoted: v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0}
		if r.exprAt.block {
			r.exprAt.col = n.Column + 2 // block text is indented below its key
		}
		at.expr = d.scalarPositions(v, r.Expr)
	} else {
		at.noExpr = true
		d.fail(n, r.ID, CodeMissing, Text{"brak klucza expr (wyrażenie reguły)", "the key expr (the rule's expression) is missing"})
	}
	if v := f["from"]; v != nil {
		r.From = d.date(v, r.ID, "from")
	}
	if v := f["to"]; v != nil {
		r.To = d.date(v, r.ID, "to")
		at.to = d.source(v)
	}
	if v := f["basis"]; v != nil {
		r.Basis, _ = d.str(v, r.ID, "basis")
	}
	if v := f["message"]; v != nil {
		r.Message = d.message(v, r.ID)
		at.message = d.source(v)
	} else if r.Kind == KindGuard {
		d.fail(n, r.ID, CodeMissing, Text{"brak klucza message {pl, en}: reguła musi wyjaśniać odmowę", "the key message {pl, en} is missing: a rule must explain a refusal"})
	}
}

func (d *decoder) choice(n *yaml.Node, id, what string, allowed ...string) int {
	s, ok := d.str(n, id, what)
	for i, a := range allowed {
		if s == a {
			return i
		}
	}
	if ok {
		d.fail(n, id, CodeBadValue, textf("%s: nieznana wartość %q; dozwolone: %s", "%s: unknown value %q; allowed: %s",
			what, s, strings.Join(allowed, ", ")))
	}
	return 0
}

func (d *decoder) message(n *yaml.Node, id string) Text {
	f := d.fields(n, id, Text{"komunikat", "message"}, "pl", "en")
	if f == nil {
		return Text{}
	}
	var t Text
	for _, lang := range []string{"pl", "en"} {
		v := f[lang]
		if v == nil {
			d.fail(n, id, CodeMissing, textf("brak tłumaczenia %s komunikatu: podaj pl i en", "the message has no %s text: give both pl and en", lang))
			continue
		}
		s, ok := d.str(v, id, "message."+lang)
		if ok && strings.TrimSpace(s) == "" {
			d.fail(v, id, CodeMissing, textf("pusty tekst %s komunikatu: odmowa musi coś wyjaśniać", "the message's %s text is empty: a refusal must explain something", lang))
		}
		if lang == "pl" {
			t.PL = s
		} else {
			t.EN = s
		}
	}
	return t
}

// rootCause strips path decorations from file-system errors so messages do
// not repeat the file name.
func rootCause(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return fmt.Sprint(err)
}

// scalarPositions maps each rune of a scalar's value, and the end of it, to
// its line and column in the file, walking the source from where the node
// starts. It follows what YAML does to the text: line breaks of a plain or
// folded scalar become spaces, a block's indentation is dropped, a quoted
// scalar has escapes. It returns nil when the source does not match, and
// the caller falls back on the node's position.
func (d *decoder) scalarPositions(n *yaml.Node, value string) []Source {
	if n.Kind != yaml.ScalarNode || n.Line < 1 || n.Line > len(d.lines) {
		return nil
	}
	s := sourceWalker{lines: d.lines, line: n.Line - 1, col: n.Column - 1}
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		s.line, s.col = s.line+1, 0
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		s.col++
	}
	double := n.Style&yaml.DoubleQuotedStyle != 0
	single := n.Style&yaml.SingleQuotedStyle != 0
	out := make([]Source, 0, len(value)+1)
	for _, e := range value {
		if e == ' ' || e == '\t' || e == '\n' || e == '\r' {
			out = append(out, s.pos(d.file))
			if c, ok := s.peek(); ok && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				s.next()
			}
			continue
		}
		s.skipSpace()
		c, ok := s.peek()
		if !ok {
			return nil
		}
		out = append(out, s.pos(d.file))
		switch {
		case double && c == '\\', single && c == '\'' && e == '\'':
			s.next() // an escape: two source runes make one
		case c != e:
			return nil
		}
		s.next()
	}
	return append(out, s.pos(d.file))
}

// sourceWalker steps through a file's text rune by rune; line and col are
// 0-based, col in runes.
type sourceWalker struct {
	lines     []string
	line, col int
	cur       []rune
	curLine   int
}

func (s *sourceWalker) runes() []rune {
	if s.cur == nil || s.curLine != s.line {
		s.cur, s.curLine = []rune(strings.TrimSuffix(s.lines[s.line], "\r")), s.line
	}
	return s.cur
}

// peek returns the rune at the position, '\n' at the end of a line, and
// false past the end of the file.
func (s *sourceWalker) peek() (rune, bool) {
	if s.line >= len(s.lines) {
		return 0, false
	}
	if r := s.runes(); s.col < len(r) {
		return r[s.col], true
	}
	return '\n', true
}

func (s *sourceWalker) next() {
	if s.line >= len(s.lines) {
		return
	}
	if s.col < len(s.runes()) {
		s.col++
		return
	}
	s.line, s.col = s.line+1, 0
}

func (s *sourceWalker) skipSpace() {
	for c, ok := s.peek(); ok && (c == ' ' || c == '\t' || c == '\n'); c, ok = s.peek() {
		s.next()
	}
}

func (s *sourceWalker) pos(file string) Source {
	return Source{File: file, Line: s.line + 1, Col: s.col + 1}
}
