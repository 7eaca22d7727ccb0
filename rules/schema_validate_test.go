package rules_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/asysta/asysta/rules"
)

// semanticCodes are the problems only asysta check sees: they depend on
// dates, on the statute in force, on other values of the file or on what
// an expression means, which a JSON Schema cannot express
// (docs/configuration.md, "Editor support: the JSON Schema"). Every other
// code is structural: the schema must refuse the file exactly when check
// reports one.
var semanticCodes = []rules.Code{
	rules.CodeCeilingRaised, rules.CodeFloorLowered, rules.CodeNotInForce, // the statute in force on a date
	rules.CodeDuplicate,   // a key given twice (gone once parsed), periods that overlap
	rules.CodeExprSyntax,  // expressions are opaque text to the schema
	rules.CodeExprType,    //
	rules.CodeUnfilledVar, //
	rules.CodeMessagePlaceholder,
	rules.CodeControlChar, // text the schema takes as any string
	rules.CodeLimit,       // nodes once aliases are expanded
	rules.CodeTooMany,
}

// configFiles are the configuration files of the repository, valid and
// invalid.
var configFiles = []string{
	"testdata/errors/*.yaml", "testdata/errors/*.json", "testdata/valid/*", "testdata/examples/*",
	"../cmd/asysta/testdata/*.yaml", "../examples/municipality/gmina.yaml", "../examples/scenarios/config/*.yaml",
	"../workflow/scenario/testdata/malformed/config/*.yaml",
}

// TestConfigSchema_agreesWithCheck validates every configuration file of
// the repository with a JSON Schema validator and the generated schema,
// and checks that it refuses a file exactly when the loader reports a
// structural problem in it (see semanticCodes).
func TestConfigSchema_agreesWithCheck(t *testing.T) {
	schema := compileSchema(t)
	var files []string
	for _, g := range configFiles {
		m, err := filepath.Glob(g)
		require.NoError(t, err)
		require.NotEmpty(t, m, g)
		files = append(files, m...)
	}
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			_, err := rules.LoadFiles(path)
			var structural []string
			for _, e := range rules.AsErrors(err) {
				if !slices.Contains(semanticCodes, e.Code) {
					structural = append(structural, e.Error())
				}
			}
			schemaErr := validate(t, schema, path)
			if len(structural) > 0 {
				assert.Error(t, schemaErr, "check reports structural problems the schema lets through:\n%s", strings.Join(structural, "\n"))
			} else {
				assert.NoError(t, schemaErr, "the schema refuses what check accepts (or finds only semantic problems in): %v", err)
			}
		})
	}
}

// TestConfigSchema_cases checks the decisions on rule IDs, messages and
// dates in both the schema and check, on small files.
func TestConfigSchema_cases(t *testing.T) {
	schema := compileSchema(t)
	rule := func(id, extra string) string {
		return "rules:\n  - id: " + id + "\n    on: assign_assistant\n    expr: worker.families < 10\n" + extra
	}
	msg := "    message: {pl: \"Za dużo.\", en: \"Too many.\"}\n"
	for _, tc := range []struct {
		name, file string
		valid      bool
	}{
		{"a plain ID", rule("local.weighted_caseload", msg), true},
		{"an ID with parts", rule("local.caseload.part_time2", msg), true},
		{"Polish letters", rule("local.obciążenie_asystenta", msg), false},
		{"capitals and a hyphen", rule("local.Weighted-Caseload", msg), false},
		{"a digit first", rule("local.2cap", msg), false},
		{"an empty part", rule("local.cap..x", msg), false},
		{"a trailing dot", rule("local.cap.", msg), false},
		{"64 bytes", rule("local."+strings.Repeat("a", 58), msg), true},
		{"65 bytes", rule("local."+strings.Repeat("a", 59), msg), false},
		{"a guard without a message", rule("local.cap", ""), false},
		{"an explicit guard without a message", rule("local.cap", "    kind: guard\n"), false},
		{"a limit without a message", "rules:\n  - {id: local.cap, on: assign_assistant, kind: limit, expr: 12 * worker.fte}\n", true},
		{"a blank message", rule("local.cap", "    message: {pl: \" \", en: \"Too many.\"}\n"), false},
		{"a leap day", "parameters:\n  family.post_closure_monitoring: [{value: 6, from: 2024-02-29}]\n", true},
		{"no leap day", "parameters:\n  family.post_closure_monitoring: [{value: 6, from: 2023-02-29}]\n", false},
		{"February 30", "parameters:\n  family.post_closure_monitoring: [{value: 6, from: 2024-02-30}]\n", false},
		{"April 31", "parameters:\n  family.post_closure_monitoring: [{value: 6, from: \"2024-04-31\"}]\n", false},
		{"year 2400 is leap", "parameters:\n  family.post_closure_monitoring: [{value: 6, from: 2400-02-29}]\n", true},
		{"year 2100 is not", "parameters:\n  family.post_closure_monitoring: [{value: 6, from: 2100-02-29}]\n", false},
		{"an empty list of values", "parameters:\n  family.post_closure_monitoring: []\n", false},
		{"an empty on", "rules:\n  - {id: local.cap, on: [], expr: 'true', message: {pl: a, en: b}}\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := rules.ParseConfig("gmina.yaml", []byte(tc.file))
			if err == nil {
				_, err = rules.New(cfg)
			}
			schemaErr := validateData(t, schema, []byte(tc.file))
			if tc.valid {
				assert.NoError(t, err, "check")
				assert.NoError(t, schemaErr, "schema")
			} else {
				assert.Error(t, err, "check")
				assert.Error(t, schemaErr, "schema")
			}
		})
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(rules.ConfigSchema()))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(rules.SchemaURL, doc))
	s, err := c.Compile(rules.SchemaURL)
	require.NoError(t, err)
	return s
}

// validate validates the file at path with the schema; a file that is not
// YAML or JSON fails, as it does in an editor.
func validate(t *testing.T, s *jsonschema.Schema, path string) error {
	t.Helper()
	data, err := rules.ReadFile(path)
	require.NoError(t, err)
	return validateData(t, s, data)
}

func validateData(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	var doc yaml.Node
	switch err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); {
	case errors.Is(err, io.EOF):
		return nil // an empty file changes nothing
	case err != nil:
		return err
	}
	v, err := jsonValue(&doc)
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// jsonValue converts a YAML tree into the value a YAML-aware editor
// validates: dates stay text, as in YAML 1.2.
func jsonValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		return jsonValue(n.Content[0])
	case yaml.AliasNode:
		return jsonValue(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := jsonValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			v, err := jsonValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	switch n.Tag {
	case "!!int":
		var i int64
		err := n.Decode(&i)
		return i, err
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("not a JSON number")
		}
		return f, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!null":
		return nil, nil
	}
	return n.Value, nil
}

// TestRuleID_suggestion checks that a refused local rule ID comes with a
// valid one to use instead.
func TestRuleID_suggestion(t *testing.T) {
	for id, want := range map[string]string{
		"local.obciążenie_asystenta": "local.obciazenie_asystenta",
		"local.Weighted-Caseload":    "local.weighted_caseload",
		"local.2cap":                 "local.rule_2cap",
		"weighted_caseload":          "local.weighted_caseload",
	} {
		_, err := rules.New(&rules.Config{File: "gmina.yaml", Rules: []rules.Rule{{ID: id, On: []string{"refer"}, Expr: "true",
			Message: rules.Text{PL: "a", EN: "b"}}}})
		list := rules.AsErrors(err)
		require.Len(t, list, 1, id)
		assert.Equal(t, rules.CodeRuleID, list[0].Code, id)
		assert.True(t, strings.HasSuffix(list[0].Msg.EN, "e.g. "+want), "%s: %s", id, list[0].Msg.EN)
		assert.True(t, rules.LocalRuleID.MatchString(want), want)
	}
}
