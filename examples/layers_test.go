package examples_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/asysta/asysta"

// layers are the packages from the bottom up: a package may import those
// of its own layer and below, never one above it. Packages elsewhere
// (internal/, examples/) are not ranked.
var layers = []string{"rules", "workflow", "caseload", "cmd"}

// layer returns the rank of the package in directory dir (slash-separated,
// relative to the repository), or -1.
func layer(dir string) int {
	for i, l := range layers {
		if dir == l || strings.HasPrefix(dir, l+"/") {
			return i
		}
	}
	return -1
}

// goFiles returns the Go files of the repository, tests included, relative
// to its root and slash-separated; inModule tells whether each belongs to
// the root module (not to a nested one such as rules/internal/bench).
func goFiles(t *testing.T) (files []string, inModule map[string]bool) {
	t.Helper()
	inModule = map[string]bool{}
	nested := map[string]bool{}
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, ".."+string(filepath.Separator)))
		if d.IsDir() {
			if name := d.Name(); p != ".." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil && p != ".." {
				nested[rel] = true
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") {
			files = append(files, rel)
			inModule[rel] = true
			for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
				if nested[dir] {
					inModule[rel] = false
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files, inModule
}

// TestLayers_importsPointDown fails when a package, or its tests, imports
// a package of a layer above its own: rules imports neither workflow,
// caseload nor cmd; nothing under workflow/ imports caseload or cmd;
// caseload does not import cmd.
func TestLayers_importsPointDown(t *testing.T) {
	files, inModule := goFiles(t)
	seen := make([]int, len(layers))
	fset := token.NewFileSet()
	for _, rel := range files {
		own := layer(path.Dir(rel))
		if own < 0 || !inModule[rel] {
			continue
		}
		seen[own]++
		f, err := parser.ParseFile(fset, filepath.Join("..", rel), nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, im := range f.Imports {
			p, err := strconv.Unquote(im.Path.Value)
			require.NoError(t, err)
			target, ok := strings.CutPrefix(p, module+"/")
			if !ok {
				continue
			}
			if l := layer(target); l > own {
				t.Errorf("%s: imports %s, a layer above %s (from the bottom: %s)",
					fset.Position(im.Pos()), p, layers[own], strings.Join(layers, ", "))
			}
		}
	}
	for i, n := range seen {
		assert.NotZero(t, n, "no Go file found in layer %s", layers[i])
	}
}

// TestLayers_serviceOnlyForTheCommand fails when a package other than
// cmd/asysta (or internal/service itself) imports internal/service, the
// HTTP service: its dependencies (net/http, Prometheus) stay out of every
// library's build.
func TestLayers_serviceOnlyForTheCommand(t *testing.T) {
	files, inModule := goFiles(t)
	fset := token.NewFileSet()
	importers := 0
	for _, rel := range files {
		dir := path.Dir(rel)
		if !inModule[rel] {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join("..", rel), nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p != module+"/internal/service" {
				continue
			}
			if dir != "cmd/asysta" && dir != "internal/service" {
				t.Errorf("%s: imports internal/service; only cmd/asysta may", fset.Position(im.Pos()))
			}
			importers++
		}
	}
	assert.NotZero(t, importers, "cmd/asysta imports internal/service")
}

// outsideDocs matches a citation of a file that is not in the repository.
var outsideDocs = regexp.MustCompile(`\b(contract|domain)\.md\b`)

// TestComments_citeRepositoryDocs fails when a Go comment cites a
// document that is not in the repository: comments cite docs/ pages.
func TestComments_citeRepositoryDocs(t *testing.T) {
	files, _ := goFiles(t)
	fset := token.NewFileSet()
	for _, rel := range files {
		f, err := parser.ParseFile(fset, filepath.Join("..", rel), nil, parser.ParseComments)
		require.NoError(t, err)
		for _, g := range f.Comments {
			for _, c := range g.List {
				if m := outsideDocs.FindString(c.Text); m != "" {
					t.Errorf("%s: a comment cites %s, which is not in the repository; cite the docs/ page and section instead",
						fset.Position(c.Pos()), m)
				}
			}
		}
	}
}
