package scenario

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/asysta/asysta/internal/yamltext"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"go.yaml.in/yaml/v3"
)

// ParseFile reads and parses a scenario file. Configuration files it names
// are read relative to its folder, and only inside the root (see
// [WithRoot]). Only a regular file of at most [rules.MaxFileSize] bytes is
// read (see [rules.ReadFile]).
func ParseFile(path string, opts ...Option) (*Scenario, *rules.RuleSet, error) {
	data, err := rules.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return Parse(path, data, opts...)
}

// Option changes how a scenario is loaded.
type Option func(*options)

type options struct {
	root  string // "" for the scenario file's folder
	trace bool
}

// WithTrace makes the scenario record, when it runs, what each step's
// trigger did: [Report.Trace] (what asysta test -v prints).
func WithTrace() Option { return func(o *options) { o.trace = true } }

// WithRoot lets the files a scenario names in config lie anywhere inside
// the folder dir (a test suite's folder of shared configurations, say).
// Without it, they must lie inside the scenario file's own folder. A path
// leading outside, by "..", as an absolute path or through a symbolic
// link, is refused at the config entry naming it (code outside_root) and
// never read (docs/security.md).
func WithRoot(dir string) Option { return func(o *options) { o.root = dir } }

// tooLarge is the problem of a file of more than yamltext.MaxNodes nodes
// (or of more structural marks than they could take).
var tooLarge = rules.Text{
	PL: "plik zawiera więcej niż %d węzłów YAML (po rozwinięciu aliasów *nazwa); zapisz kroki wprost albo podziel plik",
	EN: "the file holds more than %d YAML nodes (once its aliases *name are expanded); write the steps out or split the file"}

// MaxSteps is the largest number of steps a scenario file may hold:
// 10,000 (docs/security.md, "Limits").
const MaxSteps = 10_000

// Parse decodes a scenario, loads the configuration files it names and
// checks every reference in it: unknown keys, unknown IDs, bad dates, steps
// out of date order, expectations naming unknown rules (or rules that do
// not govern the step's trigger), states or obligations. It returns every
// problem at once as [rules.Errors], each with file, line and column; a
// malformed scenario never runs. A file holds one YAML document: a second
// one (after ---) is a problem, not ignored. Configuration files are read
// only inside the scenario's folder, or the root given with [WithRoot].
func Parse(name string, data []byte, opts ...Option) (*Scenario, *rules.RuleSet, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.root == "" {
		o.root = filepath.Dir(name)
	}
	d := &decoder{file: name}
	if line, col, over := yamltext.TooManyMarks(data); over {
		d.failAt(Pos{File: name, Line: line, Col: col}, "", rules.CodeLimit, tooLarge.PL, tooLarge.EN, yamltext.MaxNodes)
		return nil, nil, d.errs
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		d.syntax(err, data)
		return nil, nil, d.errs
	}
	if at, over := yamltext.TooManyNodes(&doc); over {
		d.failAt(d.pos(at), "", rules.CodeLimit, tooLarge.PL, tooLarge.EN, yamltext.MaxNodes)
		return nil, nil, d.errs
	}
	s := &Scenario{File: name, at: map[string]field{}, origin: Pos{File: name, Line: 1, Col: 1}, trace: o.trace}
	if len(doc.Content) == 0 {
		d.failAt(s.origin, "", rules.CodeMissing, "pusty plik: brak klucza name i kroków", "an empty file: no name and no steps")
		return nil, nil, d.errs
	}
	if !d.isScenario(doc.Content[0]) {
		return nil, nil, d.errs
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		d.syntax(err, data)
	default:
		d.failAt(Pos{File: name, Line: next.Line, Col: next.Column}, "", rules.CodeSyntax,
			"drugi dokument YAML (po ---); plik scenariusza zawiera jeden scenariusz: przenieś go do osobnego pliku",
			"a second YAML document (after ---); a scenario file holds one scenario: move it to a file of its own")
	}
	d.scenario(doc.Content[0], s)
	rs, err := loadConfig(s, o.root)
	if err != nil {
		d.errs = append(d.errs, d.configErrors(err)...)
	}
	d.errs = append(d.errs, Validate(s, rs)...)
	if len(d.errs) > 0 {
		return nil, nil, d.errs.Limit()
	}
	return s, rs, nil
}

// loadConfig loads the scenario's configuration files, each inside root.
func loadConfig(s *Scenario, root string) (*rules.RuleSet, error) {
	if len(s.Config) == 0 {
		return rules.Statute(), nil
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, rules.Errors{rules.IOProblem(root, err)}
	}
	defer r.Close()
	return rules.LoadFilesIn(r, s.Config...)
}

func (d *decoder) scenario(n *yaml.Node, s *Scenario) {
	f, _ := d.mapping(n, "scenario", "name", "config", "workers", "families", "children", "foster_families", "institutions", "steps")
	if f == nil {
		return
	}
	switch s.Name = d.text(f["name"], "name"); {
	case f["name"] == nil:
		d.fail(n, "", rules.CodeMissing, "brak wymaganego klucza name", "the required key name is missing")
	case s.Name == "" && f["name"].Kind == yaml.ScalarNode && f["name"].Tag != "!!null" && yamltext.Control(f["name"].Value) < 0:
		d.fail(f["name"], "", rules.CodeMissing, "pusta nazwa scenariusza (name)", "the scenario's name is empty")
	}
	if f["config"] != nil {
		d.configAt = map[string]Pos{}
		for _, c := range d.list(f["config"], "config") {
			path := d.text(c, "config")
			if path == "" {
				continue
			}
			if !filepath.IsAbs(path) {
				path = filepath.Join(filepath.Dir(d.file), path)
			}
			s.Config, d.configAt[path] = append(s.Config, path), d.pos(c)
		}
	}
	d.declarations(f, s)
	if f["steps"] == nil {
		d.fail(n, "", rules.CodeMissing, "brak kroków (steps)", "no steps")
		return
	}
	s.at["steps"] = field{pos: d.pos(f["steps"])}
	steps := d.list(f["steps"], "steps")
	if len(steps) > MaxSteps {
		d.fail(f["steps"], "", rules.CodeLimit, "plik zawiera %d kroków, najwyżej %d; podziel scenariusz na kilka plików",
			"the file holds %d steps, at most %d; split the scenario into several files", len(steps), MaxSteps)
		return
	}
	for i, item := range steps {
		before := len(d.errs)
		st, m := d.step(item)
		s.Steps = append(s.Steps, st)
		d.note(s, "steps", i, m, before)
	}
}

// note records where each key of the i-th item of a list is written, and
// whether a problem has been reported at its value since the problem
// numbered before, so that [Validate] checks the value at its own position
// and does not report it twice.
func (d *decoder) note(s *Scenario, list string, i int, m map[string]*yaml.Node, before int) {
	for key, n := range m {
		p := d.pos(n)
		bad := slices.ContainsFunc(d.errs[before:], func(e *rules.Error) bool {
			return e.File == p.File && e.Line == p.Line && e.Col == p.Col
		})
		s.at[fieldKey(list, i, key)] = field{pos: p, bad: bad}
	}
}

// declarations decodes the lists of workers, families, children, foster
// families and institutions. The values' substance (empty IDs, roles,
// ranges, forms) is checked by [Validate], at the positions noted here.
func (d *decoder) declarations(f map[string]*yaml.Node, s *Scenario) {
	each := func(key string, fn func(map[string]*yaml.Node, *yaml.Node)) {
		if f[key] == nil {
			return
		}
		for i, item := range d.list(f[key], key) {
			before := len(d.errs)
			if m := d.declMapping(item, key); m != nil {
				fn(m, item)
				d.note(s, key, i, m, before)
			} else {
				fn(map[string]*yaml.Node{}, item) // keep the indexes parallel to the file
			}
		}
	}
	each("workers", func(m map[string]*yaml.Node, n *yaml.Node) {
		w := workflow.Worker{ID: d.str(m["id"], "id"), Role: workflow.Role(d.str(m["role"], "role")), Area: d.str(m["area"], "area"),
			Employer: d.str(m["employer"], "employer"), From: d.date(m["from"], "from"), To: d.date(m["to"], "to")}
		if m["fte"] != nil {
			w.FTE = d.number(m["fte"], "fte")
		}
		s.Workers, s.workerPos = append(s.Workers, w), append(s.workerPos, d.pos(n))
	})
	each("families", func(m map[string]*yaml.Node, n *yaml.Node) {
		fam := Family{Pos: d.pos(n), ID: d.str(m["id"], "id"), Difficulty: 1, Area: d.str(m["area"], "area")}
		if m["difficulty"] != nil {
			fam.Difficulty = d.number(m["difficulty"], "difficulty")
		}
		s.Families = append(s.Families, fam)
	})
	each("children", func(m map[string]*yaml.Node, n *yaml.Node) {
		s.Children = append(s.Children, Child{Pos: d.pos(n), ID: d.str(m["id"], "id"), Family: d.str(m["family"], "family"),
			Born: d.date(m["born"], "born")})
	})
	each("foster_families", func(m map[string]*yaml.Node, n *yaml.Node) {
		ff := FosterFamily{Pos: d.pos(n), ID: d.str(m["id"], "id"), Form: d.str(m["form"], "form")}
		if m["candidate"] != nil {
			ff.Candidate = d.boolean(m["candidate"], "candidate")
		}
		s.FosterFamilies = append(s.FosterFamilies, ff)
	})
	each("institutions", func(m map[string]*yaml.Node, n *yaml.Node) {
		id := d.str(m["id"], "id")
		s.Institutions, s.institutionPos = append(s.Institutions, id), append(s.institutionPos, d.pos(n))
		if m["kind"] != nil {
			if s.InstitutionKinds == nil {
				s.InstitutionKinds = map[string]string{}
			}
			s.InstitutionKinds[id] = d.str(m["kind"], "kind")
		}
	})
}

// fosterForms are the forms a foster family may be declared with.
var fosterForms = []string{workflow.FormKinship, workflow.FormNonProfessional, workflow.FormProfessional,
	workflow.FormEmergency, workflow.FormFamilyChildrensHome}

// declKeys lists the keys each declaration takes and which are required.
var declKeys = map[string][2][]string{
	"workers":         {{"id", "role", "fte", "employer", "area", "from", "to"}, {"id", "role"}},
	"families":        {{"id", "difficulty", "area"}, {"id"}},
	"children":        {{"id", "family", "born"}, {"id", "family", "born"}},
	"foster_families": {{"id", "form", "candidate"}, {"id", "form"}},
	"institutions":    {{"id", "kind"}, {"id"}},
}

func (d *decoder) declMapping(n *yaml.Node, key string) map[string]*yaml.Node {
	spec := declKeys[key]
	m, _ := d.mapping(n, key, spec[0]...)
	if m == nil {
		return nil
	}
	for _, req := range spec[1] {
		if m[req] == nil {
			d.fail(n, "", rules.CodeMissing, "%s: brak wymaganego klucza %s", "%s: the required key %s is missing", key, req)
		}
	}
	return m
}

// configErrors returns a configuration's problems as positioned errors: a
// problem inside a file at its own file:line:col, a file that cannot be
// read at the scenario's config entry naming it.
func (d *decoder) configErrors(err error) rules.Errors {
	errs := rules.AsErrors(err)
	if errs == nil {
		errs = rules.Errors{{File: d.file, Code: rules.CodeIO, Err: err, Msg: rules.Text{PL: err.Error(), EN: err.Error()}}}
	}
	for i, e := range errs {
		if p, ok := d.configAt[e.File]; ok && (e.Code == rules.CodeIO || e.Code == rules.CodeOutsideRoot) && e.Line == 0 {
			moved := *e
			moved.File, moved.Line, moved.Col = p.File, p.Line, p.Col
			name := rules.SafePath(e.File)
			moved.Msg = rules.Text{PL: "config " + name + ": " + e.Msg.PL, EN: "config " + name + ": " + e.Msg.EN}
			errs[i] = &moved
		}
	}
	return errs
}

// isScenario reports whether the document's top level is a scenario's
// (see [Classify]). A configuration file, or a mapping with no key of
// either format, is one problem at its first line, code not_scenario,
// instead of a problem for every key.
func (d *decoder) isScenario(top *yaml.Node) bool {
	var doc yaml.Node
	doc.Kind, doc.Content = yaml.DocumentNode, []*yaml.Node{top}
	switch classifyDoc(&doc) {
	case FileConfig:
		d.fail(top, "", CodeNotScenario,
			"to plik konfiguracyjny, nie scenariusz (nie ma klucza steps): sprawdź go poleceniem asysta check albo wskaż go w kluczu config scenariusza",
			"a configuration file, not a scenario (it has no steps): check it with asysta check, or name it in a scenario's config")
		return false
	case FileOther:
		if top.Kind == yaml.MappingNode && !hasKey(top, "name") {
			d.fail(top, "", CodeNotScenario,
				"ani scenariusz (brak klucza steps), ani plik konfiguracyjny (brak kluczy parameters, rules, level); nie uruchomiono",
				"neither a scenario (no steps) nor a configuration file (no parameters, rules or level); not run")
			return false
		}
	}
	return true
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}
