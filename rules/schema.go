package rules

import (
	"encoding/json"
	"sort"
)

// SchemaURL is the stable address of the configuration schema: the raw
// docs/config.schema.json of the main branch. It is the schema's $id, and a
// configuration file anywhere can name it on its first line:
//
//	# yaml-language-server: $schema=https://raw.githubusercontent.com/asysta/asysta/main/docs/config.schema.json
const SchemaURL = "https://raw.githubusercontent.com/asysta/asysta/main/docs/config.schema.json"

// ConfigSchema returns a JSON Schema (draft 2020-12) of configuration
// files, generated from the catalogue: every parameter with its type, unit,
// legal basis and allowed range, and the shape of local rules. Editors that
// understand JSON Schema (VS Code with the YAML extension, JetBrains IDEs)
// validate and complete municipal files with it; docs/config.schema.json is
// this output, and so is `asysta schema`.
func ConfigSchema() []byte {
	rs := Statute()
	params := map[string]any{}
	for _, p := range rs.catalogue {
		params[p.ID] = paramSchema(p)
	}
	var triggers []string
	for _, t := range Triggers() {
		triggers = append(triggers, t.Name, t.String())
	}
	sort.Strings(triggers)
	triggers = compactStrings(triggers)
	schema := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  SchemaURL,
		"title":                "asysta: municipal, county or voivodeship configuration",
		"description":          "Konfiguracja gminy, powiatu lub województwa: obniżone limity, polityka lokalna i reguły local.* / A file that tightens and extends the statute.",
		"type":                 "object",
		"additionalProperties": false,
		"properties": map[string]any{
			"$schema":    map[string]any{"type": "string"},
			"name":       map[string]any{"type": "string", "description": "Nazwa jednostki / name of the unit"},
			"level":      map[string]any{"enum": levelNames, "default": "municipality"},
			"parameters": map[string]any{"type": "object", "additionalProperties": false, "properties": params},
			"rules":      map[string]any{"type": "array", "maxItems": MaxRules, "items": ruleSchema(triggers)},
		},
		"$defs": map[string]any{"date": map[string]any{"type": "string", "pattern": datePattern,
			"description": "RRRR-MM-DD, a real calendar day from year 1000 / YYYY-MM-DD, a real calendar day from year 1000"}},
	}
	out, _ := json.MarshalIndent(schema, "", "  ")
	return append(out, '\n')
}

// datePattern matches the dates [ParseDate] reads: YYYY-MM-DD, a real
// calendar day (2024-02-29 but not 2023-02-29 or 2024-02-30) of a year from
// 1000 to 9999.
const datePattern = `^(?:[1-9]\d{3}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))` +
	`|(?:[1-9]\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)-02-29)$`

// nonBlank is the pattern of a text that must say something.
const nonBlank = `\S`

func paramSchema(p *Parameter) map[string]any {
	value := map[string]any{"type": "boolean"}
	if p.Type == TypeInt {
		value = map[string]any{"type": "integer", "minimum": p.Min, "maximum": p.Max}
	}
	basis := p.Basis
	if p.Note.PL != "" {
		basis += " (" + p.Note.PL + " / " + p.Note.EN + ")"
	}
	desc := p.Description.PL + " / " + p.Description.EN + " (" + basis + "; " + string(p.Unit) + "; " + p.Direction.String() + ")"
	dated := map[string]any{
		"type": "object", "additionalProperties": false, "required": []string{"value"},
		"properties": map[string]any{"value": value, "from": ref("date"), "to": ref("date")},
	}
	return map[string]any{
		"description": desc,
		"oneOf":       []any{value, dated, map[string]any{"type": "array", "minItems": 1, "items": dated}},
	}
}

func ruleSchema(triggers []string) map[string]any {
	trigger := map[string]any{"enum": triggers}
	text := map[string]any{"type": "string", "pattern": nonBlank}
	return map[string]any{
		"type": "object", "additionalProperties": false, "required": []string{"id", "on", "expr"},
		// A guard (the default kind) must explain a refusal.
		"if":   map[string]any{"properties": map[string]any{"kind": map[string]any{"const": "guard"}}},
		"then": map[string]any{"required": []string{"message"}},
		"properties": map[string]any{
			"id": map[string]any{"type": "string", "pattern": LocalRuleID.String(), "maxLength": MaxRuleIDLength,
				"description": "local. i nazwa: małe litery a–z, cyfry, _ i ., od litery / local. and a name: lowercase a–z, digits, _ and ., starting with a letter"},
			"on":       map[string]any{"oneOf": []any{trigger, map[string]any{"type": "array", "minItems": 1, "items": trigger}}},
			"kind":     map[string]any{"enum": []string{"guard", "limit", "due"}, "default": "guard"},
			"expr":     map[string]any{"type": "string", "description": "expr-lang expression; see docs/rules.md"},
			"from":     ref("date"),
			"to":       ref("date"),
			"severity": map[string]any{"enum": []string{"block", "warn"}, "default": "block"},
			"basis":    map[string]any{"type": "string"},
			"message": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"pl", "en"},
				"properties": map[string]any{"pl": text, "en": text}},
		},
	}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/$defs/" + name} }

func compactStrings(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
