package service

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/internal/pgtest"
)

var update = flag.Bool("update", false, "copy the OpenAPI document to docs/openapi.json")

// capOne lowers the assistant's cap to one family, so that a second
// assignment is denied.
const capOne = "name: Gmina Testowa\nparameters:\n  assistant.max_families: 1\n"

// born is a child's date of birth: personal data that no response and no
// log line may hold.
const born = "2019-04-17"

// staffUp registers the workers of the flow.
func staffUp(t *testing.T, e *env, client string) {
	for id, role := range map[string]string{"SW1": "social_worker", "H1": "ops_head", "A1": "family_assistant", "A2": "family_assistant"} {
		must(t, http.StatusOK, e.do(client, "PUT", "/v1/workers/"+id, map[string]any{"role": role, "employer": "OPS1", "from": "2020-01-01"}))
	}
}

// toRequested takes a declared family to assistant_requested with consent.
func toRequested(t *testing.T, e *env, client, id string) {
	must(t, http.StatusCreated, e.do(client, "PUT", "/v1/families/"+id, map[string]any{"difficulty": 1.5}))
	for _, trig := range []string{"refer", "complete_interview", "request_assistant", "give_consent"} {
		must(t, http.StatusOK, e.do(client, "POST", "/v1/cases/"+id+"/fire", fire(trig, "SW1", "social_worker", "2025-03-03", nil)))
	}
}

func TestFlow(t *testing.T) {
	memoryAndPostgres(t, options{configs: map[string]string{"gmina.yaml": capOne}}, func(t *testing.T, e *env) {
		staffUp(t, e, "ops")
		toRequested(t, e, "ops", "F1")
		must(t, http.StatusOK, e.do("ops", "PUT", "/v1/families/F1", map[string]any{"difficulty": 1.5})) // same again
		r := must(t, http.StatusConflict, e.do("ops", "PUT", "/v1/families/F1", map[string]any{"difficulty": 2}))
		assert.Equal(t, "conflict", r.body["code"])

		// refusals, each with its status and code
		assign := fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A1"})
		r = must(t, http.StatusForbidden, e.do("ops", "POST", "/v1/cases/F1/fire", fire("assign_assistant", "SW1", "social_worker", "2025-03-05", map[string]any{"assistant": "A1"})))
		assert.Equal(t, "forbidden", r.body["code"])
		r = must(t, http.StatusConflict, e.do("ops", "POST", "/v1/cases/F1/fire", fire("complete_interview", "SW1", "social_worker", "2025-03-05", nil)))
		assert.Equal(t, "invalid_transition", r.body["code"])
		r = must(t, http.StatusBadRequest, e.do("ops", "POST", "/v1/cases/F1/fire", fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": true})))
		assert.Equal(t, "argument", r.body["code"])
		r = must(t, http.StatusNotFound, e.do("ops", "POST", "/v1/cases/NOPE/fire", assign))
		assert.Equal(t, "not_found", r.body["code"])
		stale := fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A1"})
		stale["version"] = 1
		r = must(t, http.StatusConflict, e.do("ops", "POST", "/v1/cases/F1/fire", stale))
		assert.Equal(t, "conflict", r.body["code"])

		// check writes nothing
		r = must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/F1/check", assign))
		assert.Equal(t, true, r.body["allowed"])
		r = must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/F1/check", fire("assign_assistant", "SW1", "social_worker", "2025-03-05", map[string]any{"assistant": "A1"})))
		assert.Equal(t, false, r.body["allowed"])
		assert.Equal(t, "forbidden", r.body["problem"].(map[string]any)["code"])

		r = must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/F1/fire", assign))
		assert.Equal(t, "assistant_work.planning", r.body["case"].(map[string]any)["state"])
		assert.NotNil(t, r.body["event"])
		assert.NotNil(t, r.body["decision"])

		// the cap of one: F2 to A1 is denied, in the caller's language
		toRequested(t, e, "ops", "F2")
		r = must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/F2/check", assign))
		assert.Equal(t, false, r.body["allowed"])
		r = must(t, http.StatusUnprocessableEntity, e.do("ops", "POST", "/v1/cases/F2/fire", assign, "Accept-Language", "pl-PL, en;q=0.5"))
		assert.Equal(t, "denied", r.body["code"])
		require.NotEmpty(t, r.body["rules"])
		assert.Equal(t, "assistant.max_families", r.body["rules"].([]any)[0].(map[string]any)["id"])
		assert.Equal(t, "odmowa według przepisów", r.body["title"])

		// an Idempotency-Key: the retry gets the first answer, another body is 422
		toA2 := fire("assign_assistant", "H1", "ops_head", "2025-03-06", map[string]any{"assistant": "A2"})
		first := must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/F2/fire", toA2, "Idempotency-Key", "k-1"))
		again := must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/F2/fire", toA2, "Idempotency-Key", "k-1"))
		assert.Equal(t, first.raw, again.raw)
		assert.Equal(t, "true", again.header.Get("Idempotency-Replayed"))
		assert.Empty(t, first.header.Get("Idempotency-Replayed"))
		r = must(t, http.StatusUnprocessableEntity, e.do("ops", "POST", "/v1/cases/F2/fire", assign, "Idempotency-Key", "k-1"))
		assert.Equal(t, "bad_request", r.body["code"])
		// a refusal is kept too: its retry is the same refusal, not a new try
		denied := must(t, http.StatusConflict, e.do("ops", "POST", "/v1/cases/F2/fire", toA2, "Idempotency-Key", "k-2"))
		assert.Equal(t, denied.raw, must(t, http.StatusConflict, e.do("ops", "POST", "/v1/cases/F2/fire", toA2, "Idempotency-Key", "k-2")).raw)

		// reads
		r = must(t, http.StatusOK, e.do("ops", "GET", "/v1/cases/F1?on=2025-09-07", nil))
		assert.Equal(t, float64(3+3), r.body["version"]) // declare, 4 steps, assign
		assert.Contains(t, r.raw, `"id":"family_assessment","opened":"2025-03-05","due":"2025-09-05"`)
		assert.Contains(t, r.raw, `"overdue":true`)
		r = must(t, http.StatusOK, e.do("ops", "GET", "/v1/cases/F1/events", nil))
		require.Len(t, r.list, 6)
		assert.Equal(t, "declare", r.list[0].(map[string]any)["trigger"])
		r = must(t, http.StatusOK, e.do("ops", "GET", "/v1/workers/A1/load?on=2025-04-01", nil))
		assert.Equal(t, []any{"F1"}, r.body["cases"])
		assert.Equal(t, float64(1), r.body["cap"])
		r = must(t, http.StatusOK, e.do("ops", "GET", "/v1/calendar?on=2025-09-07&until=2025-12-31&worker=A1", nil))
		require.Len(t, r.list, 1, r.raw)
		assert.Equal(t, true, r.list[0].(map[string]any)["overdue"])
		r = must(t, http.StatusOK, e.do("ops", "GET", "/v1/calendar?on=2025-03-04&until=2025-03-31", nil))
		assert.Empty(t, r.list, "the interviews were completed")
		r = must(t, http.StatusOK, e.do("ops", "GET", "/v1/params?on=2025-06-01", nil))
		assert.Contains(t, r.raw, `{"id":"assistant.max_families","value":1,`)
		must(t, http.StatusNotFound, e.do("ops", "GET", "/v1/workers/NOBODY/load", nil))
		must(t, http.StatusNotFound, e.do("ops", "GET", "/v1/cases/NOPE", nil))
		must(t, http.StatusNotFound, e.do("ops", "GET", "/v1/cases/NOPE/events", nil))

		// the child's date of birth goes in, and never comes out
		must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/children/C1", map[string]any{"family": "F1", "born": born}))
		must(t, http.StatusOK, e.do("ops", "PUT", "/v1/children/C1", map[string]any{"family": "F1", "born": born}))
		must(t, http.StatusConflict, e.do("ops", "PUT", "/v1/children/C1", map[string]any{"family": "F1", "born": "2019-04-18"}))
		must(t, http.StatusOK, e.do("ops", "GET", "/v1/cases/C1", nil))
		must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/foster-families/R1", map[string]any{"form": "professional_foster_family"}))
		must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/institutions/P1", map[string]any{}))
		must(t, http.StatusOK, e.do("ops", "PUT", "/v1/institutions/P1", map[string]any{}))
		must(t, http.StatusOK, e.do("ops", "PUT", "/v1/workers/O1", map[string]any{"role": "foster_care_organizer", "employer": "PCPR1"}))
		r = must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/C1/fire", fire("place", "O1", "foster_care_organizer", "2025-04-01",
			map[string]any{"form": "professional_foster_family", "carer": "R1", "court_ref": "III Nsm 100/24"})))
		linked := r.body["linked"].([]any)
		require.Len(t, linked, 2, "the foster family is activated and the child recorded on its family's open case")
		assert.Equal(t, "R1", linked[0].(map[string]any)["id"])
		assert.Equal(t, "F1", linked[1].(map[string]any)["id"])
		// a bad date of birth is refused without repeating it
		r = must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/children/C2", map[string]any{"family": "F1", "born": "1850-02-03"}))
		assert.NotContains(t, r.raw, "1850")
		r = must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/children/C2", `{"family": "F1", "born": "2019-02-31"}`))
		assert.NotContains(t, r.raw, "2019-02-31")

		noPersonalData(t, e)
	})
}

// TestRequests: authentication, the body limit and strict JSON.
func TestRequests(t *testing.T) {
	e := start(t, options{})
	r := must(t, http.StatusUnauthorized, e.do("", "GET", "/v1/params", nil))
	assert.Equal(t, "unauthorized", r.body["code"])
	assert.Equal(t, "application/problem+json", r.header.Get("Content-Type"))
	r = must(t, http.StatusUnauthorized, e.do("", "GET", "/v1/params", nil, "Authorization", "Bearer "+token("ops")+"x"))
	r = must(t, http.StatusUnauthorized, e.do("", "GET", "/v1/params", nil, "Authorization", token("ops")))
	must(t, http.StatusOK, e.do("ops", "GET", "/v1/params", nil))

	big := `{"difficulty": 1, "pad": "` + strings.Repeat("x", MaxBody) + `"}`
	r = must(t, http.StatusRequestEntityTooLarge, e.do("ops", "PUT", "/v1/families/F1", big))
	assert.Equal(t, "payload_too_large", r.body["code"])
	r = must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/families/F1", `{"difficulty": 1, "name": "Kowalscy"}`))
	assert.Equal(t, "bad_request", r.body["code"])
	assert.NotContains(t, r.raw, "Kowalscy")
	assert.NotContains(t, r.raw, "name")
	r = must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/families/F1", `{"difficulty": "hard"}`))
	assert.Contains(t, r.body["detail"], "difficulty")
	must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/families/F1", `{"difficulty": 1} {}`))
	must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/families/F1", `{"difficulty": 1`))
	must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/families/F1", ``))
	must(t, http.StatusBadRequest, e.do("ops", "POST", "/v1/cases/F1/fire", map[string]any{"trigger": "refer"}))
	must(t, http.StatusBadRequest, e.do("ops", "GET", "/v1/calendar?on=2025-01-01", nil))
	must(t, http.StatusBadRequest, e.do("ops", "GET", "/v1/calendar?on=yesterday&until=2025-01-01", nil))
	must(t, http.StatusBadRequest, e.do("ops", "POST", "/v1/cases/F1/fire", fire("refer", "SW1", "social_worker", "2025-03-03", nil), "Idempotency-Key", "zażółć"))
	r = must(t, http.StatusNotFound, e.do("ops", "GET", "/v1/nothing", nil))
	assert.Equal(t, "not_found", r.body["code"])
	must(t, http.StatusOK, e.do("", "GET", "/healthz", nil))
	must(t, http.StatusOK, e.do("", "GET", "/readyz", nil))
	r = must(t, http.StatusOK, e.do("", "GET", "/openapi.json", nil))
	assert.Equal(t, string(OpenAPI), r.raw)
	r = must(t, http.StatusOK, e.do("", "GET", "/metrics", nil))
	for _, m := range []string{"asysta_http_requests_total", "asysta_http_request_duration_seconds", "asysta_conflicts_total",
		"asysta_reloads_total", "asysta_reload_failures_total"} {
		assert.Contains(t, r.raw, m)
	}
	e.srv.Drain()
	r = must(t, http.StatusServiceUnavailable, e.do("", "GET", "/readyz", nil))
	assert.Equal(t, false, r.body["ready"])
	noPersonalData(t, e)
}

// noPersonalData checks every response and log line of the service: no
// date of birth, no SQL, no Go type name, and request lines with only the
// fields the docs list.
func noPersonalData(t *testing.T, e *env) {
	t.Helper()
	e.mu.Lock()
	all := strings.Join(e.responses, "\n")
	e.mu.Unlock()
	logs := e.logs.String()
	for _, bad := range []string{born, "1850-02-03", "2019-02-31", "Kowalscy", "SELECT", "INSERT", "UPDATE ", "SQLSTATE 2", "pgx", "pgconn",
		"*workflow.", "*rules.", "*service.", "rules.Date", "Go struct", "goroutine", "panic"} {
		assert.NotContains(t, all, bad, "a response holds %q", bad)
		assert.NotContains(t, logs, bad, "a log line holds %q", bad)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if strings.Contains(line, `"msg":"request"`) {
			assert.Regexp(t, `^\{"time":"[^"]+","level":"INFO","msg":"request","method":"[A-Z]+","route":"[^"]+","status":\d+,"duration_ms":[0-9.e-]+,"client":"[^"]*","case":"[^"]*"\}$`, line)
		}
	}
}

// TestOpenAPIDocument: the document served is the one in docs/, and a
// valid OpenAPI 3.1 document. Run with -update to copy it to docs/.
func TestOpenAPIDocument(t *testing.T) {
	spec(t)
	path := filepath.Join("..", "..", "docs", "openapi.json")
	if *update {
		require.NoError(t, os.WriteFile(path, OpenAPI, 0o644))
	}
	docs, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(OpenAPI, docs), "docs/openapi.json differs from internal/service/openapi.json: run go test ./internal/service -run TestOpenAPIDocument -update")
	assert.Contains(t, string(OpenAPI), `"openapi": "3.1.0"`)
}

// TestUnits: a unit sees and changes only its own cases, workers and
// calendar; a token of one unit gets 404 for another's case.
func TestUnits(t *testing.T) {
	units := map[string]map[string]string{"gmina_a": {"a.yaml": capOne}, "gmina_b": {}}
	clients := map[string]string{"a": "gmina_a", "b": "gmina_b"}
	memoryAndPostgres(t, options{units: units, clients: clients}, func(t *testing.T, e *env) {
		staffUp(t, e, "a")
		toRequested(t, e, "a", "F1")
		must(t, http.StatusOK, e.do("a", "POST", "/v1/cases/F1/fire", fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A1"})))
		must(t, http.StatusNotFound, e.do("b", "GET", "/v1/cases/F1", nil))
		must(t, http.StatusNotFound, e.do("b", "GET", "/v1/cases/F1/events", nil))
		must(t, http.StatusNotFound, e.do("b", "POST", "/v1/cases/F1/fire", fire("assess", "A1", "family_assistant", "2025-04-01", map[string]any{"result": "positive"})))
		must(t, http.StatusNotFound, e.do("b", "GET", "/v1/workers/A1/load", nil))
		r := must(t, http.StatusOK, e.do("b", "GET", "/v1/calendar?on=2025-09-07&until=2026-12-31", nil))
		assert.Empty(t, r.list)
		r = must(t, http.StatusOK, e.do("a", "GET", "/v1/calendar?on=2025-09-07&until=2026-12-31", nil))
		assert.Len(t, r.list, 1)
		// each unit its own rules: the cap of one is gmina_a's
		r = must(t, http.StatusOK, e.do("b", "GET", "/v1/params?on=2025-06-01", nil))
		assert.Contains(t, r.raw, `{"id":"assistant.max_families","value":15,`)
		// the same IDs in unit b are b's own
		staffUp(t, e, "b")
		toRequested(t, e, "b", "F1")
		must(t, http.StatusOK, e.do("b", "GET", "/v1/cases/F1", nil))
		r = must(t, http.StatusOK, e.do("b", "GET", "/v1/workers/A1/load", nil))
		assert.Equal(t, []any{}, r.body["cases"])
	})
}

// TestReload: a reload with a bad file is refused whole, logged and
// counted; the previous revision keeps serving. A good one swaps in the
// new rules and tokens.
func TestReload(t *testing.T) {
	e := start(t, options{configs: map[string]string{"gmina.yaml": capOne}})
	rev := e.srv.units[""].rt.Load().rs.Revision()
	writeFile(t, filepath.Join(e.dir, "gmina.yaml"), "name: x\nparameters:\n  assistant.max_families: 99\n") // above the statute
	require.Error(t, e.srv.Reload())
	assert.Equal(t, rev, e.srv.units[""].rt.Load().rs.Revision())
	assert.Contains(t, e.logs.String(), "reload refused")
	r := must(t, http.StatusOK, e.do("", "GET", "/metrics", nil))
	assert.Contains(t, r.raw, "asysta_reload_failures_total 1")
	// a bad tokens file is refused too, even with good rules
	writeFile(t, filepath.Join(e.dir, "gmina.yaml"), "name: x\nparameters:\n  assistant.max_families: 2\n")
	writeFile(t, filepath.Join(e.dir, "tokens.yaml"), "- {client: ops, token_sha256: nothex}\n")
	require.Error(t, e.srv.Reload())
	assert.Equal(t, rev, e.srv.units[""].rt.Load().rs.Revision())
	must(t, http.StatusOK, e.do("ops", "GET", "/v1/params", nil))

	writeFile(t, filepath.Join(e.dir, "tokens.yaml"), tokensFile(map[string]string{"ops2": ""}))
	require.NoError(t, e.srv.Reload())
	assert.NotEqual(t, rev, e.srv.units[""].rt.Load().rs.Revision())
	must(t, http.StatusUnauthorized, e.do("ops", "GET", "/v1/params", nil))
	r = must(t, http.StatusOK, e.do("ops2", "GET", "/v1/params?on=2025-06-01", nil))
	assert.Contains(t, r.raw, `{"id":"assistant.max_families","value":2,`)
	r = must(t, http.StatusOK, e.do("", "GET", "/metrics", nil))
	assert.Contains(t, r.raw, "asysta_reloads_total 1")
}

// TestConcurrentAssignments: many clients assigning families to one
// assistant at once over one database through two services with their own
// pools end with exactly the cap.
func TestConcurrentAssignments(t *testing.T) {
	o := options{configs: map[string]string{"gmina.yaml": "name: G\nparameters:\n  assistant.max_families: 3\n"}}
	o.db = pgtest.Schema(t)
	one, two := start(t, o), start(t, o)
	staffUp(t, one, "ops")
	const families = 8
	for i := range families {
		toRequested(t, []*env{one, two}[i%2], "ops", "F"+string(rune('a'+i)))
	}
	var wg sync.WaitGroup
	statuses := make([]int, families)
	for i := range families {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := []*env{one, two}[i%2]
			// a client retries a conflict, as the problem's detail says
			for range 50 {
				r := e.do("ops", "POST", "/v1/cases/F"+string(rune('a'+i))+"/fire",
					fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A1"}))
				statuses[i] = r.status
				if r.body["code"] != "conflict" {
					return
				}
			}
		}()
	}
	wg.Wait()
	r := must(t, http.StatusOK, two.do("ops", "GET", "/v1/workers/A1/load?on=2025-03-05", nil))
	assert.Len(t, r.body["cases"], 3, "statuses %v", statuses)
	ok := 0
	for _, s := range statuses {
		assert.Contains(t, []int{200, 422}, s)
		if s == 200 {
			ok++
		}
	}
	assert.Equal(t, 3, ok)

	// an Idempotency-Key is one across instances: the retry reaching the
	// other one gets the first answer
	toRequested(t, one, "ops", "Fz")
	must(t, http.StatusOK, one.do("ops", "PUT", "/v1/workers/A9", map[string]any{"role": "family_assistant"}))
	body := fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A9"})
	first := must(t, http.StatusOK, one.do("ops", "POST", "/v1/cases/Fz/fire", body, "Idempotency-Key", "across"))
	again := must(t, http.StatusOK, two.do("ops", "POST", "/v1/cases/Fz/fire", body, "Idempotency-Key", "across"))
	assert.Equal(t, first.raw, again.raw)
	assert.Equal(t, "true", again.header.Get("Idempotency-Replayed"))
}
