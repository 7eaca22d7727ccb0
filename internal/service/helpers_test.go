package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The OpenAPI document, loaded once for every test's validating client.
var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

func spec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		specDoc, specErr = loader.LoadFromData(OpenAPI)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(loader.Context); specErr != nil {
			return
		}
		specDoc.Servers = nil // match the test servers' random ports
		specRouter, specErr = legacy.NewRouter(specDoc)
	})
	require.NoError(t, specErr, "the OpenAPI document")
	return specDoc, specRouter
}

// validating is a RoundTripper that checks every response against the
// OpenAPI document: its status is documented for the operation, and its
// body matches the schema of that status and content type. Every client
// of the tests goes through it, so no response escapes the document.
type validating struct {
	t    testing.TB
	next http.RoundTripper
}

func (v validating) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := v.next.RoundTrip(req)
	if err != nil {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	doc, router := spec(v.t)
	route, params, ferr := router.FindRoute(req)
	if ferr != nil {
		// A path the document does not describe: the service's answer
		// must still be a problem (401 under /v1/ without a client's
		// token).
		unauthorized := res.StatusCode == http.StatusUnauthorized && strings.HasPrefix(req.URL.Path, "/v1/")
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed && !unauthorized {
			v.t.Errorf("openapi: %s %s: no route in the document, and status %d", req.Method, req.URL.Path, res.StatusCode)
		}
		var p any
		if err := json.Unmarshal(body, &p); err != nil {
			v.t.Errorf("openapi: %s %s: not JSON: %v", req.Method, req.URL.Path, err)
		} else if err := doc.Components.Schemas["Problem"].Value.VisitJSON(p, openapi3.EnableJSONSchema2020()); err != nil {
			v.t.Errorf("openapi: %s %s: not a problem: %v", req.Method, req.URL.Path, err)
		}
		return res, nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020()}},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		v.t.Errorf("openapi: %s %s → %d does not match the document: %v\nbody: %.2000s", req.Method, req.URL.Path, res.StatusCode, err, body)
	}
	return res, nil
}

// logBuffer collects the service's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a running service and its clients' tokens.
type env struct {
	t      testing.TB
	srv    *Server
	http   *httptest.Server
	base   string
	client *http.Client
	logs   *logBuffer
	dir    string
	// responses collects every body the clients received, for the test
	// that no personal data leaves the service.
	mu        sync.Mutex
	responses []string
}

// options of a test service.
type options struct {
	db      string            // "" memory
	configs map[string]string // file name → content, for the single unit
	units   map[string]map[string]string
	clients map[string]string // client → unit ("" single unit)
}

// token is the bearer token of a test client.
func token(client string) string { return "token-of-" + client }

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// tokensFile renders the tokens file of clients.
func tokensFile(clients map[string]string) string {
	var b strings.Builder
	for c, u := range clients {
		fmt.Fprintf(&b, "- {client: %s, token_sha256: %s", c, sha(token(c)))
		if u != "" {
			fmt.Fprintf(&b, ", unit: %s", u)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// start runs a service on o, with its handler behind an httptest server.
func start(t testing.TB, o options) *env {
	t.Helper()
	dir := t.TempDir()
	if o.clients == nil {
		o.clients = map[string]string{"ops": ""}
	}
	cfg := Config{DB: o.db, Tokens: filepath.Join(dir, "tokens.yaml"),
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }}
	writeFile(t, cfg.Tokens, tokensFile(o.clients))
	for name, content := range o.configs {
		writeFile(t, filepath.Join(dir, name), content)
		cfg.Configs = append(cfg.Configs, filepath.Join(dir, name))
	}
	if o.units != nil {
		var b strings.Builder
		for id, files := range o.units {
			var names []string
			for name, content := range files {
				writeFile(t, filepath.Join(dir, id, name), content)
				names = append(names, filepath.Join(id, name))
			}
			fmt.Fprintf(&b, "%s: [%s]\n", id, strings.Join(names, ", "))
		}
		cfg.Units = filepath.Join(dir, "units.yaml")
		writeFile(t, cfg.Units, b.String())
	}
	logs := &logBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	srv, err := New(context.Background(), cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	e := &env{t: t, srv: srv, http: hs, base: hs.URL, logs: logs, dir: dir}
	e.client = &http.Client{Transport: validating{t: t, next: http.DefaultTransport}, Timeout: 30 * time.Second}
	return e
}

// memoryAndPostgres runs fn on a service over the memory store and on one
// over a fresh PostgreSQL schema.
func memoryAndPostgres(t *testing.T, o options, fn func(t *testing.T, e *env)) {
	t.Run("memory", func(t *testing.T) { fn(t, start(t, o)) })
	t.Run("postgres", func(t *testing.T) {
		o := o
		o.db = pgtest.Schema(t)
		fn(t, start(t, o))
	})
}

// res is a response as the tests read it.
type res struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
	list   []any
}

// do sends a request as client (no client: no token), with body encoded
// as JSON unless it is a string, and the headers given as pairs.
func (e *env) do(client, method, path string, body any, headers ...string) res {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	require.NoError(e.t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if client != "" {
		req.Header.Set("Authorization", "Bearer "+token(client))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	out := res{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	_ = json.Unmarshal(raw, &out.list)
	if path != "/metrics" && path != "/openapi.json" { // the service's data, not its own texts
		e.mu.Lock()
		e.responses = append(e.responses, string(raw))
		e.mu.Unlock()
	}
	return out
}

// fire is the body of a firing.
func fire(trigger, actor, role, on string, args map[string]any) map[string]any {
	b := map[string]any{"trigger": trigger, "actor": map[string]string{"id": actor, "role": role}, "on": on}
	if args != nil {
		b["args"] = args
	}
	return b
}

// must checks a response's status, showing its body when it differs.
func must(t testing.TB, want int, r res) res {
	t.Helper()
	require.Equal(t, want, r.status, r.raw)
	return r
}
