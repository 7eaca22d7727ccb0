package service

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/asysta/asysta/internal/yamltext"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// client is one API client of the tokens file: its name, the unit it
// belongs to ("" when the service serves one unit) and the SHA-256 of its
// token. The token itself is never kept.
type client struct {
	name, unit string
	sum        [sha256.Size]byte
}

// clients is a loaded tokens file.
type clients []client

// find returns the client whose token is token. It hashes the token and
// compares the hash with every client's in constant time, visiting them
// all, so that the time taken tells nothing of which hash came close.
func (cs clients) find(token string) (client, bool) {
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range cs {
		if subtle.ConstantTimeCompare(sum[:], cs[i].sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return client{}, false
	}
	return cs[found], true
}

// fileError is a problem in the tokens or units file, at a line and
// column, in Polish and English. It never quotes a value of the file.
type fileError struct {
	path      string
	line, col int
	msg       rules.Text
}

func (e *fileError) Error() string { return e.Localize(rules.English) }

// Localize returns the problem in lang, as FILE:LINE:COL: message.
func (e *fileError) Localize(lang rules.Lang) string {
	return fmt.Sprintf("%s:%d:%d: %s", rules.SafePath(e.path), e.line, e.col, e.msg.In(lang))
}

func nodeError(path string, n *yaml.Node, pl, en string) error {
	return &fileError{path: path, line: n.Line, col: n.Column, msg: rules.Text{PL: pl, EN: en}}
}

// readYAML reads a small YAML file (at most rules.MaxFileSize, a regular
// file) into its document node.
func readYAML(path string) (*yaml.Node, error) {
	data, err := rules.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if line, col, over := yamltext.TooManyMarks(data); over {
		return nil, &fileError{path: path, line: line, col: col, msg: rules.Text{PL: "plik jest za duży", EN: "the file is too large"}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, col, text := yamltext.Syntax(strings.TrimPrefix(err.Error(), "yaml: "), data)
		pl, en := yamltext.Describe(text, data, line)
		return nil, &fileError{path: path, line: line, col: col, msg: rules.Text{PL: pl, EN: en}}
	}
	if len(doc.Content) == 0 {
		return nil, &fileError{path: path, line: 1, col: 1, msg: rules.Text{PL: "plik jest pusty", EN: "the file is empty"}}
	}
	if n, over := yamltext.TooManyNodes(&doc); over {
		return nil, nodeError(path, n, "plik ma za dużo węzłów", "the file has too many nodes")
	}
	return doc.Content[0], nil
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// loadTokens reads the tokens file: a list of {client: NAME, token_sha256:
// HEX} with unit: ID when the service serves several units (units lists
// their IDs; nil: one unit, and no client may name one).
func loadTokens(path string, units map[string]bool) (clients, error) {
	root, err := readYAML(path)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.SequenceNode {
		return nil, nodeError(path, root, "oczekiwano listy klientów: - {client: NAZWA, token_sha256: HEX}",
			"want a list of clients: - {client: NAME, token_sha256: HEX}")
	}
	var out clients
	names, sums := map[string]bool{}, map[[sha256.Size]byte]bool{}
	for _, item := range root.Content {
		if item.Kind != yaml.MappingNode {
			return nil, nodeError(path, item, "oczekiwano {client: NAZWA, token_sha256: HEX}", "want {client: NAME, token_sha256: HEX}")
		}
		var c client
		var hasSum bool
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, nodeError(path, v, "oczekiwano tekstu", "want a text")
			}
			switch k.Value {
			case "client":
				if !workflow.ValidID(v.Value) {
					return nil, nodeError(path, v, "nazwa klienta: jeden wiersz tekstu, najwyżej 64 bajty", "the client's name: one line of text, at most 64 bytes")
				}
				if names[v.Value] {
					return nil, nodeError(path, v, "klient o tej nazwie jest już na liście", "a client of this name is already listed")
				}
				c.name, names[v.Value] = v.Value, true
			case "token_sha256":
				if !hexSHA256.MatchString(v.Value) {
					return nil, nodeError(path, v, "token_sha256: oczekiwano 64 cyfr szesnastkowych (małe litery), skrótu SHA-256 tokenu",
						"token_sha256: want 64 lowercase hexadecimal digits, the SHA-256 of the token")
				}
				_, _ = hex.Decode(c.sum[:], []byte(v.Value))
				if sums[c.sum] {
					return nil, nodeError(path, v, "ten sam token ma już inny klient", "another client already has the same token")
				}
				sums[c.sum], hasSum = true, true
			case "unit":
				switch {
				case units == nil:
					return nil, nodeError(path, v, "unit: usługa obsługuje jedną jednostkę (bez --units); usuń ten klucz",
						"unit: the service serves one unit (no --units); remove this key")
				case !units[v.Value]:
					return nil, nodeError(path, v, "nieznana jednostka: nie ma jej w pliku --units", "unknown unit: the --units file does not list it")
				}
				c.unit = v.Value
			default:
				return nil, nodeError(path, k, "nieznany klucz; dozwolone: client, token_sha256, unit", "unknown key; want client, token_sha256, unit")
			}
		}
		switch {
		case c.name == "" || !hasSum:
			return nil, nodeError(path, item, "klient potrzebuje client i token_sha256", "a client needs client and token_sha256")
		case units != nil && c.unit == "":
			return nil, nodeError(path, item, "usługa obsługuje kilka jednostek (--units): podaj unit klienta",
				"the service serves several units (--units): give the client's unit")
		}
		out = append(out, c)
	}
	return out, nil
}

// unitID is the form of a unit's ID: it names the unit's PostgreSQL schema
// (asysta_ID), so it is kept to what a schema name may hold unquoted.
var unitID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// unitFiles is one unit of the --units file and its configuration files.
type unitFiles struct {
	id    string
	files []string
}

// loadUnits reads the --units file: a mapping of unit ID to the list of its
// configuration files, relative to the units file's folder.
//
//	gmina_przykladowa: [gmina.yaml]
//	pcpr_powiat: [powiat.yaml, pcpr-local.yaml]
func loadUnits(path string) ([]unitFiles, error) {
	root, err := readYAML(path)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode || len(root.Content) == 0 {
		return nil, nodeError(path, root, "oczekiwano jednostek: ID: [PLIK, ...]", "want units: ID: [FILE, ...]")
	}
	dir := filepath.Dir(path)
	var out []unitFiles
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if !unitID.MatchString(k.Value) {
			return nil, nodeError(path, k, "identyfikator jednostki: mała litera, potem małe litery, cyfry lub _, najwyżej 40 znaków",
				"a unit's ID: a lowercase letter, then lowercase letters, digits or _, at most 40 characters")
		}
		if seen[k.Value] {
			return nil, nodeError(path, k, "jednostka jest już na liście", "the unit is already listed")
		}
		seen[k.Value] = true
		if v.Kind != yaml.SequenceNode {
			return nil, nodeError(path, v, "oczekiwano listy plików konfiguracyjnych ([] dla samej ustawy)",
				"want a list of configuration files ([] for the statute alone)")
		}
		u := unitFiles{id: k.Value, files: []string{}}
		for _, f := range v.Content {
			if f.Kind != yaml.ScalarNode || f.Value == "" || strings.ContainsRune(f.Value, 0) {
				return nil, nodeError(path, f, "oczekiwano ścieżki pliku", "want a file's path")
			}
			p := f.Value
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			u.files = append(u.files, p)
		}
		out = append(out, u)
	}
	return out, nil
}

// errUnitsChanged is a reload whose units file adds or removes a unit:
// each unit has its own store, opened at start.
var errUnitsChanged = errors.New("service: the units file adds or removes a unit; restart the service for that " +
	"(plik jednostek dodaje lub usuwa jednostkę; to wymaga ponownego uruchomienia usługi)")
