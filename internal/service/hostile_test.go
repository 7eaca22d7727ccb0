package service

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// secret marks hostile text sent to the service: it may appear in no
// response and no log line.
const secret = "Kowalska"

// TestStrictBodies: one JSON value and nothing after it, on every route
// that takes a body; a closing bracket after the value is trailing data
// too.
func TestStrictBodies(t *testing.T) {
	e := start(t, options{})
	routes := map[string]string{
		"PUT /v1/workers/W1":         `{"role": "social_worker"}`,
		"PUT /v1/families/F1":        `{"difficulty": 1}`,
		"PUT /v1/children/C1":        `{"family": "F1", "born": "2019-04-17"}`,
		"PUT /v1/foster-families/R1": `{"form": "professional_foster_family"}`,
		"PUT /v1/institutions/P1":    `{}`,
		"POST /v1/cases/F1/fire":     `{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03"}`,
		"POST /v1/cases/F1/check":    `{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03"}`,
	}
	for route, body := range routes {
		method, path, _ := strings.Cut(route, " ")
		for _, tail := range []string{"}", "]", " ]", "\n}", "{}", "x", `"` + secret + `"`} {
			r := must(t, http.StatusBadRequest, e.do("ops", method, path, body+tail))
			assert.Equal(t, "bad_request", r.body["code"], "%s with %q after the value", route, tail)
		}
		for _, nested := range []string{`{"actor": {"id": "SW1", "role": "social_worker", "name": "x"}}`, `{"` + secret + `": 1}`} {
			if method == "POST" {
				must(t, http.StatusBadRequest, e.do("ops", method, path, nested))
			}
		}
	}
	// keys: a field written twice, or with other capitals, is refused;
	// argument names are the caller's own and may take any case
	for route, body := range map[string]string{
		"PUT /v1/families/F3":     `{"Difficulty": 1}`,
		"PUT /v1/children/C3":     `{"family": "F1", "born": "2019-04-17", "family": "F2"}`,
		"POST /v1/cases/F1/fire":  `{"trigger": "refer", "trigger": "reopen", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03"}`,
		"POST /v1/cases/F1/check": `{"trigger": "refer", "actor": {"id": "SW1", "Role": "social_worker"}, "on": "2025-03-03"}`,
	} {
		method, path, _ := strings.Cut(route, " ")
		r := must(t, http.StatusBadRequest, e.do("ops", method, path, body))
		assert.Equal(t, "bad_request", r.body["code"], "%s: %s", route, body)
	}
	must(t, http.StatusOK, e.do("ops", "PUT", "/v1/workers/SW1", `{"role": "social_worker"}`))
	r := e.do("ops", "POST", "/v1/cases/F1/check", `{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03", "args": {"Urgent": true}}`)
	assert.NotEqual(t, "bad_request", r.body["code"], "args are checked by the engine, not by the key check")
	// white space after the value is no trailing data
	must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/families/F2", "{\"difficulty\": 1}\r\n\t "))
	noPersonalData(t, e)
	assert.NotContains(t, e.logs.String(), secret)
}

// TestAcceptLanguage: the language of higher quality wins; q=0 refuses
// one; a regional tag is its language.
func TestAcceptLanguage(t *testing.T) {
	for header, want := range map[string]rules.Lang{
		"":                        rules.English,
		"pl":                      rules.Polish,
		"pl-PL":                   rules.Polish,
		"PL-pl,en;q=0.5":          rules.Polish,
		"en;q=0.1, pl;q=0.9":      rules.Polish,
		"en-GB;q=0.8, pl-PL":      rules.Polish,
		"pl;q=0, en":              rules.English,
		"pl;q=0":                  rules.English,
		"de, pl;q=0.3, en;q=0.2":  rules.Polish,
		"pl;q=0.5, en;q=0.5":      rules.Polish,
		"en, pl":                  rules.English,
		"*":                       rules.English,
		"pl;q=bad, en;q=0.1":      rules.English,
		"fr-CA, fr;q=0.9, pl;q=1": rules.Polish,
	} {
		r := httptest.NewRequest("GET", "/v1/params", nil)
		r.Header.Set("Accept-Language", header)
		assert.Equal(t, want, langOf(r), "Accept-Language: %s", header)
	}
	e := start(t, options{})
	r := must(t, http.StatusNotFound, e.do("ops", "GET", "/v1/cases/NOPE", nil, "Accept-Language", "en;q=0.1, pl;q=0.9"))
	assert.Equal(t, "nie znaleziono", r.body["title"])
}

// TestUnauthorizedEverywhere: every path under /v1/, routed or not, in
// any method, is 401 without a listed client's token.
func TestUnauthorizedEverywhere(t *testing.T) {
	e := start(t, options{})
	paths := []string{"/v1/workers/W1", "/v1/workers/W1/load", "/v1/families/F1", "/v1/children/C1", "/v1/foster-families/R1",
		"/v1/institutions/P1", "/v1/cases/F1/fire", "/v1/cases/F1/check", "/v1/cases/F1", "/v1/cases/F1/events", "/v1/calendar",
		"/v1/params", "/v1/", "/v1/nothing", "/v1/cases", "/v1/cases/F1/undo", "/v1/workers/" + strings.Repeat("x", 10000)}
	for _, path := range paths {
		for _, method := range []string{"GET", "PUT", "POST", "DELETE", "PATCH"} {
			for _, auth := range []string{"", "Bearer ", "Bearer " + token("ops") + "x", "Basic " + token("ops"), token("ops")} {
				var hs []string
				if auth != "" {
					hs = []string{"Authorization", auth}
				}
				r := e.do("", method, path, nil, hs...)
				require.Equal(t, http.StatusUnauthorized, r.status, "%s %.40s with %q: %s", method, path, auth, r.raw)
				assert.Equal(t, "unauthorized", r.body["code"])
			}
		}
	}
	// with a token, what the API lacks is 404
	assert.Equal(t, "not_found", must(t, http.StatusNotFound, e.do("ops", "DELETE", "/v1/cases/F1", nil)).body["code"])
	assert.Equal(t, "not_found", must(t, http.StatusNotFound, e.do("ops", "GET", "/v1/nothing", nil)).body["code"])
	must(t, http.StatusNotFound, e.do("", "GET", "/nothing", nil))
}

// TestHostileInputs sends every route hostile text where an ID, a date or
// a code belongs: none of it comes back or reaches the log, and none of it
// is an internal error.
func TestHostileInputs(t *testing.T) {
	memoryAndPostgres(t, options{}, func(t *testing.T, e *env) {
		staffUp(t, e, "ops")
		toRequested(t, e, "ops", "F1")
		badIDs := []string{strings.Repeat(secret, 2000), secret + "%0A" + secret, secret + "%00", secret + "%1B%5B31m", secret + "%FF",
			strings.Repeat("x", 65) + secret}
		for _, id := range badIDs {
			for _, rt := range []struct{ method, path, body string }{
				{"PUT", "/v1/workers/" + id, `{"role": "social_worker"}`},
				{"GET", "/v1/workers/" + id + "/load", ""},
				{"PUT", "/v1/families/" + id, `{"difficulty": 1}`},
				{"PUT", "/v1/children/" + id, `{"family": "F1", "born": "` + born + `"}`},
				{"PUT", "/v1/foster-families/" + id, `{"form": "professional_foster_family"}`},
				{"PUT", "/v1/institutions/" + id, `{}`},
				{"POST", "/v1/cases/" + id + "/fire", `{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03"}`},
				{"POST", "/v1/cases/" + id + "/check", `{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03"}`},
				{"GET", "/v1/cases/" + id, ""},
				{"GET", "/v1/cases/" + id + "/events", ""},
				{"GET", "/v1/calendar?on=2025-01-01&until=2025-12-31&worker=" + id, ""},
				{"GET", "/v1/calendar?on=" + id + "&until=2025-12-31", ""},
				{"GET", "/v1/params?on=" + id, ""},
			} {
				var body any
				if rt.body != "" {
					body = rt.body
				}
				r := e.do("ops", rt.method, rt.path, body)
				assert.Equal(t, http.StatusBadRequest, r.status, "%s %.60s: %s", rt.method, rt.path, r.raw)
			}
		}
		// a name, control characters or a date of birth where the actor
		// belongs: 400, never repeated, never an internal error
		for _, actor := range []map[string]string{{"id": "H1", "role": secret}, {"id": "H1", "role": "ops_head\x00" + secret},
			{"id": "H\x00" + secret, "role": "ops_head"}, {"id": strings.Repeat(secret, 20), "role": "ops_head"}, {"id": "H1", "role": born}} {
			for _, verb := range []string{"fire", "check"} {
				b := fire("assign_assistant", "", "", "2025-03-05", map[string]any{"assistant": "A1"})
				b["actor"] = actor
				r := must(t, http.StatusBadRequest, e.do("ops", "POST", "/v1/cases/F1/"+verb, b))
				assert.Equal(t, "bad_request", r.body["code"])
			}
		}
		// hostile argument values and dates are refused without repeating them
		must(t, http.StatusBadRequest, e.do("ops", "POST", "/v1/cases/F1/fire",
			fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A\x00" + secret})))
		must(t, http.StatusBadRequest, e.do("ops", "POST", "/v1/cases/F1/fire",
			`{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "`+secret+`"}`))
		must(t, http.StatusBadRequest, e.do("ops", "PUT", "/v1/workers/W9", `{"role": "social_worker", "from": "`+secret+`"}`))
		must(t, http.StatusBadRequest, e.do("ops", "POST", "/v1/cases/F1/fire",
			fire("refer", "SW1", "social_worker", "2025-03-03", nil), "Idempotency-Key", secret+"\u00e9"))
		e.mu.Lock()
		all := strings.Join(e.responses, "\n")
		e.mu.Unlock()
		assert.NotContains(t, all, secret)
		assert.NotContains(t, e.logs.String(), secret)
		assert.NotContains(t, all, `"internal"`)
		noPersonalData(t, e)
	})
}

// cancelAfterClaim cancels the request's context once its Idempotency-Key
// is claimed: the client has gone away while the firing is served.
type cancelAfterClaim struct {
	idempotency
	cancel context.CancelFunc
}

func (c cancelAfterClaim) claim(ctx context.Context, client, key string, digest []byte) (bool, *reply, bool, error) {
	claimed, stored, same, err := c.idempotency.claim(ctx, client, key, digest)
	c.cancel()
	return claimed, stored, same, err
}

// TestIdempotencyClientGone: a client that goes away while its keyed
// firing is served leaves no key stuck in flight, and the firing runs to
// its end: the retry gets its reply, replayed, and nothing fires twice.
func TestIdempotencyClientGone(t *testing.T) {
	memoryAndPostgres(t, options{}, func(t *testing.T, e *env) {
		staffUp(t, e, "ops")
		must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/families/F1", map[string]any{"difficulty": 1}))
		body := `{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03"}`
		u := e.srv.units[""]
		ctx, cancel := context.WithCancel(context.Background())
		plain := u.idem
		u.idem = cancelAfterClaim{idempotency: plain, cancel: cancel}
		req := httptest.NewRequestWithContext(ctx, "POST", "/v1/cases/F1/fire", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token("ops"))
		req.Header.Set("Idempotency-Key", "gone-1")
		e.srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
		u.idem = plain
		r := e.do("ops", "POST", "/v1/cases/F1/fire", body, "Idempotency-Key", "gone-1")
		require.Equal(t, http.StatusOK, r.status, r.raw)
		assert.Equal(t, "true", r.header.Get("Idempotency-Replayed"), "the first firing ran to its end")
		r = must(t, http.StatusOK, e.do("ops", "GET", "/v1/cases/F1", nil))
		assert.Equal(t, float64(2), r.body["version"], "fired once")
	})
}

// TestPanicAnswered: a panic in a handler is a 500 problem and one log
// line naming the route, never the panic's value nor a stack.
func TestPanicAnswered(t *testing.T) {
	e := start(t, options{})
	h := e.srv.observe("GET /v1/boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("the child born " + born + " of " + secret)
	}))
	rec := httptest.NewRecorder()
	require.NotPanics(t, func() { h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/boom", nil)) })
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Body.String(), `"code":"internal"`)
	logs := e.logs.String()
	assert.Contains(t, logs, `"msg":"internal error: the handler panicked","route":"GET /v1/boom"`)
	assert.Contains(t, logs, `"msg":"request","method":"GET","route":"GET /v1/boom","status":500`)
	for _, bad := range []string{born, secret, "goroutine", ".go:"} {
		assert.NotContains(t, logs+rec.Body.String(), bad)
	}
	// net/http's own abort still aborts
	abort := e.srv.observe("GET /v1/abort", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() { abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1/abort", nil)) })
}

// TestLogMethod: a method outside RFC 9110's is logged as OTHER, so that a
// client cannot write its own text into the log.
func TestLogMethod(t *testing.T) {
	e := start(t, options{})
	must(t, http.StatusNotFound, e.do("ops", secret, "/v1/params", nil))
	assert.NotContains(t, e.logs.String(), secret)
	assert.Contains(t, e.logs.String(), `"method":"OTHER"`)
	noPersonalData(t, e)
}

// TestCheckStaleVersion: /check with a version the case no longer has is
// a documented 409, and writes nothing.
func TestCheckStaleVersion(t *testing.T) {
	e := start(t, options{})
	staffUp(t, e, "ops")
	toRequested(t, e, "ops", "F1")
	b := fire("assign_assistant", "H1", "ops_head", "2025-03-05", map[string]any{"assistant": "A1"})
	b["version"] = 2
	r := must(t, http.StatusConflict, e.do("ops", "POST", "/v1/cases/F1/check", b))
	assert.Equal(t, "conflict", r.body["code"])
}

// TestDocumentForbidsUndocumented: the document refuses what the service
// never sends, so that the validating client catches it: a date of birth
// in a case's facts, an unknown field in an event's actor.
func TestDocumentForbidsUndocumented(t *testing.T) {
	doc, _ := spec(t)
	opts := openapi3.EnableJSONSchema2020()
	kase := map[string]any{"id": "C1", "lifecycle": "child", "state": "in_family", "version": 1, "on": "2025-06-01",
		"facts": map[string]any{"family": "F1"}, "obligations": []any{}}
	require.NoError(t, doc.Components.Schemas["Case"].Value.VisitJSON(kase, opts))
	kase["facts"] = map[string]any{"family": "F1", "born": born}
	assert.Error(t, doc.Components.Schemas["Case"].Value.VisitJSON(kase, opts), "a date of birth in the facts")
	ev := map[string]any{"case": "F1", "lifecycle": "family", "seq": 1, "from": "", "to": "referred", "trigger": "declare",
		"actor": map[string]any{"id": "", "role": ""}, "on": "", "revision": "r"}
	require.NoError(t, doc.Components.Schemas["Event"].Value.VisitJSON(ev, opts))
	ev["actor"] = map[string]any{"id": "SW1", "role": "social_worker", "name": secret}
	assert.Error(t, doc.Components.Schemas["Event"].Value.VisitJSON(ev, opts), "an unknown field in the actor")
}

// TestReloadUnderLoad: reloads racing requests (run with -race) leave
// every request answered under one revision or the other.
func TestReloadUnderLoad(t *testing.T) {
	e := start(t, options{configs: map[string]string{"gmina.yaml": capOne}})
	staffUp(t, e, "ops")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			assert.NoError(t, e.srv.Reload())
		}
	}()
	for i := 0; ; i++ {
		select {
		case <-done:
			assert.Positive(t, i)
			return
		default:
		}
		id := "F" + strings.Repeat("x", i%5) + string(rune('a'+i%26))
		e.do("ops", "PUT", "/v1/families/"+id, map[string]any{"difficulty": 1})
		must(t, http.StatusOK, e.do("ops", "POST", "/v1/cases/"+id+"/check", fire("refer", "SW1", "social_worker", "2025-03-03", nil)))
		must(t, http.StatusOK, e.do("ops", "GET", "/v1/params?on=2025-06-01", nil))
	}
}

// lostAnswer is a store whose commits are written but whose answers are
// lost on the way back, as when the database connection breaks after
// PostgreSQL committed.
type lostAnswer struct{ workflow.Store }

func (s lostAnswer) Commit(ctx context.Context, b workflow.Batch) error {
	if err := s.Store.Commit(ctx, b); err != nil {
		return err
	}
	return fmt.Errorf("%w: %w", pgstore.ErrOutcomeUnknown, io.ErrUnexpectedEOF)
}

// TestIdempotencyOutcomeUnknown: when the answer to a commit is lost, the
// reply is the outcome_unknown problem, which says to read the case, and
// it is kept under the Idempotency-Key: a retry gets it again and never
// fires a second time what was written.
func TestIdempotencyOutcomeUnknown(t *testing.T) {
	memoryAndPostgres(t, options{}, func(t *testing.T, e *env) {
		staffUp(t, e, "ops")
		must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/families/F1", map[string]any{"difficulty": 1}))
		u := e.srv.units[""]
		plain := u.store
		u.store = lostAnswer{plain}
		rt, err := u.newRuntime(u.rt.Load().rs)
		require.NoError(t, err)
		u.rt.Store(rt)
		body := `{"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03"}`
		first := e.do("ops", "POST", "/v1/cases/F1/fire", body, "Idempotency-Key", "lost-1", "Accept-Language", "en")
		require.Equal(t, http.StatusInternalServerError, first.status, first.raw)
		assert.Equal(t, "outcome_unknown", first.body["code"])
		assert.Contains(t, first.body["detail"], "may or may not have been saved: read the case")
		again := e.do("ops", "POST", "/v1/cases/F1/fire", body, "Idempotency-Key", "lost-1", "Accept-Language", "en")
		assert.Equal(t, first.status, again.status)
		assert.Equal(t, first.raw, again.raw)
		assert.Equal(t, "true", again.header.Get("Idempotency-Replayed"), "the key was kept")
		r := must(t, http.StatusOK, e.do("ops", "GET", "/v1/cases/F1", nil))
		assert.Equal(t, float64(2), r.body["version"], "written once, not fired again by the retry")
		assert.Contains(t, e.logs.String(), `"msg":"commit outcome unknown"`)
		// Without a key, the same problem: read the case before firing again.
		r = e.do("ops", "POST", "/v1/cases/F1/fire", `{"trigger": "complete_interview", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-04"}`)
		assert.Equal(t, "outcome_unknown", r.body["code"], r.raw)
	})
}

// TestChildViewWithoutBirthDate: a child's case, read or fired on, shows
// its facts without the date of birth.
func TestChildViewWithoutBirthDate(t *testing.T) {
	memoryAndPostgres(t, options{}, func(t *testing.T, e *env) {
		staffUp(t, e, "ops")
		must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/families/F1", map[string]any{"difficulty": 1}))
		must(t, http.StatusCreated, e.do("ops", "PUT", "/v1/children/C1", `{"family": "F1", "born": "`+born+`"}`))
		r := must(t, http.StatusOK, e.do("ops", "GET", "/v1/cases/C1", nil))
		facts, ok := r.body["facts"].(map[string]any)
		require.True(t, ok, r.raw)
		assert.Equal(t, "F1", facts["family"], r.raw)
		assert.NotContains(t, r.raw, born)
		assert.NotContains(t, r.raw, `"born"`)
	})
}
