package scenario

import (
	"bytes"
	"io"
	"path/filepath"
	"slices"
	"sort"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"gopkg.in/yaml.v3"
)

// ParseFile reads and parses a scenario file. Configuration files it names
// are read relative to its folder. Only a regular file of at most
// [rules.MaxFileSize] bytes is read (see [rules.ReadFile]).
func ParseFile(path string) (*Scenario, *rules.RuleSet, error) {
	data, err := rules.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return Parse(path, data)
}

// Parse decodes a scenario, loads the configuration files it names and
// checks every reference in it: unknown keys, unknown IDs, bad dates, steps
// out of date order, expectations naming unknown rules (or rules that do
// not govern the step's trigger), states or obligations. It returns every
// problem at once as [rules.Errors], each with file, line and column; a
// malformed scenario never runs. A file holds one YAML document: a second
// one (after ---) is a problem, not ignored.
func Parse(name string, data []byte) (*Scenario, *rules.RuleSet, error) {
	d := &decoder{file: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		d.syntax(err, data)
		return nil, nil, d.errs
	}
	s := &Scenario{File: name, at: map[string]field{}, origin: Pos{File: name, Line: 1, Col: 1}}
	if len(doc.Content) == 0 {
		d.failAt(s.origin, "", rules.CodeMissing, "pusty plik: brak klucza name i kroków", "an empty file: no name and no steps")
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
	rs, err := loadConfig(s)
	if err != nil {
		d.errs = append(d.errs, d.configErrors(err)...)
	}
	d.errs = append(d.errs, Validate(s, rs)...)
	if len(d.errs) > 0 {
		sortErrors(d.errs)
		return nil, nil, d.errs
	}
	return s, rs, nil
}

func loadConfig(s *Scenario) (*rules.RuleSet, error) {
	if len(s.Config) == 0 {
		return rules.Statute(), nil
	}
	return rules.LoadFiles(s.Config...)
}

func (d *decoder) scenario(n *yaml.Node, s *Scenario) {
	f, _ := d.mapping(n, "scenario", "name", "config", "workers", "families", "children", "foster_families", "institutions", "steps")
	if f == nil {
		return
	}
	switch s.Name = d.str(f["name"], "name"); {
	case f["name"] == nil:
		d.fail(n, "", rules.CodeMissing, "brak wymaganego klucza name", "the required key name is missing")
	case s.Name == "" && f["name"].Kind == yaml.ScalarNode && f["name"].Tag != "!!null":
		d.fail(f["name"], "", rules.CodeMissing, "pusta nazwa scenariusza (name)", "the scenario's name is empty")
	}
	if f["config"] != nil {
		d.configAt = map[string]Pos{}
		for _, c := range d.list(f["config"], "config") {
			path := d.str(c, "config")
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
	for i, item := range d.list(f["steps"], "steps") {
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
		if p, ok := d.configAt[e.File]; ok && e.Code == rules.CodeIO && e.Line == 0 {
			moved := *e
			moved.File, moved.Line, moved.Col = p.File, p.Line, p.Col
			moved.Msg = rules.Text{PL: "config " + e.File + ": " + e.Msg.PL, EN: "config " + e.File + ": " + e.Msg.EN}
			errs[i] = &moved
		}
	}
	return errs
}

// sortErrors orders problems by file, line and column.
func sortErrors(es rules.Errors) {
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
}
