package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// client drives the API through httptest.
type client struct {
	t   *testing.T
	srv *httptest.Server
}

func (c client) do(method, path, lang string, body any) (int, map[string]any, string) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Accept-Language", lang)
	res, err := c.srv.Client().Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out, string(raw)
}

func fire(trigger, actor, role, on string, args map[string]any) map[string]any {
	return map[string]any{"trigger": trigger, "actor": map[string]string{"id": actor, "role": role}, "on": on, "args": args}
}

// TestAPI walks a family through the API and checks how each kind of
// refusal maps to an HTTP status, and that the OPS record number never
// leaves the service.
func TestAPI(t *testing.T) {
	s, err := newServer(demoStaff())
	require.NoError(t, err)
	srv := httptest.NewServer(s.routes())
	defer srv.Close()
	c := client{t: t, srv: srv}

	code, body, _ := c.do("POST", "/families", "en", map[string]any{"record": "OPS/2025/117", "difficulty": 1.5})
	require.Equal(t, http.StatusCreated, code)
	id := body["id"].(string)
	base := "/cases/" + id + "/fire"

	code, _, raw := c.do("POST", base, "en", fire("refer", "SW1", "social_worker", "2025-03-03", map[string]any{"urgent": true}))
	require.Equal(t, http.StatusOK, code, raw)
	assert.NotContains(t, raw, "OPS/2025/117", "the OPS record number stays in the OPS system")

	code, _, _ = c.do("POST", base, "en", fire("complete_interview", "H1", "ops_head", "2025-03-04", nil))
	assert.Equal(t, http.StatusForbidden, code)
	code, _, _ = c.do("POST", base, "en", fire("assign_assistant", "H1", "ops_head", "2025-03-04", map[string]any{"assistant": "A1"}))
	assert.Equal(t, http.StatusConflict, code, "not permitted before the interview")

	for _, trig := range []string{"complete_interview", "request_assistant"} {
		code, _, raw = c.do("POST", base, "en", fire(trig, "SW1", "social_worker", "2025-03-04", nil))
		require.Equal(t, http.StatusOK, code, raw)
	}
	code, body, _ = c.do("POST", base, "pl", fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A1"}))
	require.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Equal(t, []any{"assistant.basis_required"}, body["rules"])
	assert.Contains(t, body["message"], "zgodą rodziny", "the message follows Accept-Language")

	code, body, _ = c.do("POST", base, "en", fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "nobody"}))
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "bad_argument", body["code"])

	code, _, raw = c.do("POST", base, "en", fire("give_consent", "SW1", "social_worker", "2025-03-05", nil))
	require.Equal(t, http.StatusOK, code, raw)
	code, _, raw = c.do("POST", base, "en", fire("assign_assistant", "H1", "ops_head", "2025-03-06", map[string]any{"assistant": "A1"}))
	require.Equal(t, http.StatusOK, code, raw)

	code, _, raw = c.do("GET", "/cases/"+id+"/obligations?on=2025-09-07", "en", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, raw, `"id":"family_assessment","opened":"2025-03-06","due":"2025-09-06"`)
	assert.Contains(t, raw, `"overdue":true`)

	code, _, raw = c.do("GET", "/calendar?on=2025-08-30&worker=A1&lead=14", "en", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 1, strings.Count(raw, `"obligation":"family_assessment"`), raw)

	code, _, _ = c.do("GET", "/cases/C-unknown", "en", nil)
	assert.Equal(t, http.StatusNotFound, code)
	code, _, _ = c.do("GET", "/calendar?on=yesterday", "en", nil)
	assert.Equal(t, http.StatusBadRequest, code)
}
