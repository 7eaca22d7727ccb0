package scenario

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"gopkg.in/yaml.v3"
)

// ParseFile reads and parses a scenario file. Configuration files it names
// are read relative to its folder.
func ParseFile(path string) (*Scenario, *rules.RuleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, rules.Errors{{File: path, Code: rules.CodeIO, Err: err,
			Msg: rules.Text{PL: "nie można odczytać pliku: " + err.Error(), EN: "cannot read the file: " + err.Error()}}}
	}
	return Parse(path, data)
}

// Parse decodes a scenario, loads the configuration files it names and
// checks every reference in it: unknown keys, unknown IDs, bad dates, steps
// out of date order, expectations naming unknown rules (or rules that do
// not govern the step's trigger), states or obligations. It returns every problem at once as [rules.Errors], each with
// file, line and column; a malformed scenario never runs.
func Parse(name string, data []byte) (*Scenario, *rules.RuleSet, error) {
	d := &decoder{file: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		d.syntax(err)
		return nil, nil, d.errs
	}
	s := &Scenario{File: name}
	if len(doc.Content) == 0 {
		d.failAt(Pos{File: name, Line: 1, Col: 1}, "", rules.CodeMissing, "pusty plik: brak klucza name i kroków", "an empty file: no name and no steps")
		return nil, nil, d.errs
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
	for _, item := range d.list(f["steps"], "steps") {
		s.Steps = append(s.Steps, d.step(item))
	}
}

func (d *decoder) declarations(f map[string]*yaml.Node, s *Scenario) {
	each := func(key string, fn func(map[string]*yaml.Node, *yaml.Node)) {
		if f[key] == nil {
			return
		}
		for _, item := range d.list(f[key], key) {
			if m := d.declMapping(item, key); m != nil {
				fn(m, item)
			}
		}
	}
	each("workers", func(m map[string]*yaml.Node, n *yaml.Node) {
		w := workflow.Worker{ID: d.str(m["id"], "id"), Role: workflow.Role(d.str(m["role"], "role")), Area: d.str(m["area"], "area"),
			Employer: d.str(m["employer"], "employer"), From: d.date(m["from"], "from"), To: d.date(m["to"], "to")}
		if m["fte"] != nil {
			w.FTE = d.number(m["fte"], "fte")
		}
		if !w.Role.Valid() && m["role"] != nil {
			d.fail(m["role"], w.ID, rules.CodeBadValue, "nieznana rola %q", "unknown role %q", w.Role)
		}
		s.Workers, s.workerPos = append(s.Workers, w), append(s.workerPos, d.pos(n))
	})
	each("families", func(m map[string]*yaml.Node, n *yaml.Node) {
		fam := Family{Pos: d.pos(n), ID: d.str(m["id"], "id"), Difficulty: 1, Area: d.str(m["area"], "area")}
		if m["difficulty"] != nil {
			before := len(d.errs)
			fam.Difficulty = d.number(m["difficulty"], "difficulty")
			if len(d.errs) == before && (fam.Difficulty <= 0 || fam.Difficulty > 100) {
				d.fail(m["difficulty"], fam.ID, rules.CodeOutOfRange, "trudność musi być większa od 0 i nie większa niż 100",
					"difficulty must be above 0 and at most 100")
			}
		}
		s.Families = append(s.Families, fam)
	})
	each("children", func(m map[string]*yaml.Node, n *yaml.Node) {
		s.Children = append(s.Children, Child{Pos: d.pos(n), ID: d.str(m["id"], "id"), Family: d.str(m["family"], "family"),
			Born: d.date(m["born"], "born")})
	})
	each("foster_families", func(m map[string]*yaml.Node, n *yaml.Node) {
		ff := FosterFamily{Pos: d.pos(n), ID: d.str(m["id"], "id"), Form: d.str(m["form"], "form")}
		if m["form"] != nil && ff.Form != "" && !slices.Contains(fosterForms, ff.Form) {
			d.fail(m["form"], ff.ID, rules.CodeBadValue, "nieznana forma %q; dozwolone: %s", "unknown form %q; allowed: %s",
				ff.Form, strings.Join(fosterForms, ", "))
		}
		if m["candidate"] != nil {
			ff.Candidate = d.boolean(m["candidate"], "candidate")
		}
		s.FosterFamilies = append(s.FosterFamilies, ff)
	})
	each("institutions", func(m map[string]*yaml.Node, n *yaml.Node) {
		s.Institutions, s.institutionPos = append(s.Institutions, d.str(m["id"], "id")), append(s.institutionPos, d.pos(n))
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
	"institutions":    {{"id"}, {"id"}},
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
