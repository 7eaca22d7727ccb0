package service

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// OpenAPI is the OpenAPI 3.1 document of the service, served at
// /openapi.json; docs/openapi.json is a copy a test keeps equal.
//
//go:embed openapi.json
var OpenAPI []byte

// reply is a response ready to be written: a status and a JSON body
// (application/problem+json from 400 on).
type reply struct {
	status int
	body   []byte
	// code is a problem's code ("" for a success).
	code string
	// replayed marks the stored reply to an Idempotency-Key's first
	// request, given again.
	replayed bool
}

// reqInfo is what the request log line says of a request beyond its
// method, route, status and duration: who asked, about which case.
type reqInfo struct {
	client client
	caseID string
	lang   rules.Lang
	unit   *unit
}

// handlerFunc answers a request with a reply.
type handlerFunc func(r *http.Request, info *reqInfo) reply

// statusWriter records the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// routes builds the handler: every route logged and counted under its
// pattern, /v1/ behind the bearer tokens.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	open := func(pattern string, h http.Handler) { mux.Handle(pattern, s.observe(pattern, h)) }
	api := func(pattern string, h handlerFunc) { mux.Handle(pattern, s.observe(pattern, s.authed(h))) }

	open("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeReply(w, jsonReply(http.StatusOK, map[string]string{"status": "ok"}))
	}))
	open("GET /readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, reasons := s.Ready(r.Context())
		status := http.StatusOK
		if !ok {
			status = http.StatusServiceUnavailable
		}
		// Not ready is an answer, not an error: plain JSON either way.
		rp := jsonReply(status, map[string]any{"ready": ok, "reasons": append([]string{}, reasons...)})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(rp.status)
		_, _ = w.Write(rp.body)
	}))
	open("GET /metrics", s.metrics.handler())
	open("GET /openapi.json", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(OpenAPI)
	}))

	api("PUT /v1/workers/{id}", s.putWorker)
	api("GET /v1/workers/{id}/load", s.workerLoad)
	api("PUT /v1/families/{id}", s.putFamily)
	api("PUT /v1/children/{id}", s.putChild)
	api("PUT /v1/foster-families/{id}", s.putFosterFamily)
	api("PUT /v1/institutions/{id}", s.putInstitution)
	api("POST /v1/cases/{id}/fire", s.fire)
	api("POST /v1/cases/{id}/check", s.check)
	api("GET /v1/cases/{id}", s.getCase)
	api("GET /v1/cases/{id}/events", s.events)
	api("GET /v1/calendar", s.calendar)
	api("GET /v1/params", s.params)

	// Any other path or method: 404, and under /v1/ only for a client,
	// so that everything under /v1/ answers 401 without a token.
	api("/v1/", func(_ *http.Request, info *reqInfo) reply { return noRoute(info.lang) })
	open("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeReply(w, noRoute(langOf(r))) }))
	return mux
}

// noRoute is the answer to a path or method the API does not have.
func noRoute(lang rules.Lang) reply {
	return problemReply(lang, codeNotFound, rules.Text{
		PL: "nie ma takiego zasobu ani metody; zobacz /openapi.json", EN: "no such resource or method; see /openapi.json"}, nil)
}

// observe logs and counts every request under its route pattern.
func (s *Server) observe(pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{lang: langOf(r)}
		sw := &statusWriter{ResponseWriter: w}
		s.serveRecovered(pattern, h, sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)), info)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		took := time.Since(start)
		s.metrics.observe(pattern, sw.status, took)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", methodOf(r)), slog.String("route", pattern),
			slog.Int("status", sw.status), slog.Float64("duration_ms", float64(took.Microseconds())/1000),
			slog.String("client", info.client.name), slog.String("case", info.caseID))
	})
}

type infoKey struct{}

// methodOf is the request's method as the log says it: one of RFC 9110's
// (and PATCH), else OTHER, since a client may send any token there.
func methodOf(r *http.Request) string {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return r.Method
	}
	return "OTHER"
}

// serveRecovered runs h, turning a panic into a 500 problem and one log
// line with the route, client and case only: net/http's own recovery would
// log the panic's value and stack (Go types, file paths, perhaps a value
// of the request) and cut the connection without an answer.
func (s *Server) serveRecovered(pattern string, h http.Handler, w *statusWriter, r *http.Request, info *reqInfo) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler { // net/http's way to abort a response, silently
			panic(v)
		}
		s.log.Error("internal error: the handler panicked", slog.String("route", pattern), slog.String("client", info.client.name),
			slog.String("case", info.caseID))
		if w.status == 0 {
			writeReply(w, problemReply(info.lang, codeInternal, internalDetail, nil))
		}
	}()
	h.ServeHTTP(w, r)
}

// authed checks the bearer token and runs h for the client's unit.
func (s *Server) authed(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := r.Context().Value(infoKey{}).(*reqInfo)
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		ok = ok && strings.EqualFold(scheme, "Bearer") // the scheme is case-insensitive (RFC 9110)
		c, found := (*s.clients.Load()).find(token)
		if !ok || token == "" || !found {
			w.Header().Set("WWW-Authenticate", `Bearer realm="asysta"`)
			writeReply(w, problemReply(info.lang, codeUnauthorized, rules.Text{
				PL: "brak tokenu albo token nieznany: podaj nagłówek Authorization: Bearer TOKEN klienta z pliku --tokens",
				EN: "no token, or an unknown one: send the header Authorization: Bearer TOKEN of a client in the --tokens file"}, nil))
			return
		}
		info.client, info.unit = c, s.units[c.unit]
		if id := r.PathValue("id"); caseRoute(r.Pattern) && workflow.ValidID(id) {
			info.caseID = id
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		writeReply(w, h(r, info))
	})
}

// caseRoute reports whether a route's {id} is a case's.
func caseRoute(pattern string) bool {
	for _, p := range []string{" /v1/cases/", " /v1/families/", " /v1/children/", " /v1/foster-families/"} {
		if strings.Contains(pattern, p) {
			return true
		}
	}
	return false
}

func writeReply(w http.ResponseWriter, rp reply) {
	ct := "application/json"
	if rp.status >= 400 {
		ct = "application/problem+json"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-store")
	if rp.replayed {
		w.Header().Set("Idempotency-Replayed", "true")
	}
	w.WriteHeader(rp.status)
	_, _ = w.Write(rp.body)
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil { // the service's own types always encode
		return reply{status: http.StatusInternalServerError, body: []byte(`{"type":"urn:asysta:problem:internal","title":"internal error","status":500,"detail":"internal error","code":"internal"}`)}
	}
	return reply{status: status, body: append(b, '\n')}
}

// langOf picks Polish or English from Accept-Language (RFC 9110, 12.5.4):
// of pl and en (with any subtag, as pl-PL) the one of the higher quality,
// the first named on a tie; q=0 refuses a language. English when it names
// neither.
func langOf(r *http.Request) rules.Lang {
	best, bestQ := rules.English, 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		var lang rules.Lang
		switch {
		case tag == "pl" || strings.HasPrefix(tag, "pl-"):
			lang = rules.Polish
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			lang = rules.English
		default:
			continue
		}
		q := 1.0
		if name, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.EqualFold(strings.TrimSpace(name), "q") {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// Problem codes (docs/service.md, "Errors").
const (
	codeUnauthorized      = "unauthorized"
	codeBadRequest        = "bad_request"
	codeNotFound          = "not_found"
	codeForbidden         = "forbidden"
	codeInvalidTransition = "invalid_transition"
	codeArgument          = "argument"
	codeDenied            = "denied"
	codeConflict          = "conflict"
	codePayloadTooLarge   = "payload_too_large"
	codeInternal          = "internal"
	// codeOutcomeUnknown: the database connection broke, or the service
	// timed out, after a commit was sent: it may or may not have been
	// written (pgstore.ErrOutcomeUnknown).
	codeOutcomeUnknown = "outcome_unknown"
)

var codeStatus = map[string]int{
	codeUnauthorized: 401, codeBadRequest: 400, codeNotFound: 404, codeForbidden: 403, codeInvalidTransition: 409,
	codeArgument: 400, codeDenied: 422, codeConflict: 409, codePayloadTooLarge: 413, codeInternal: 500,
	codeOutcomeUnknown: 500,
}

var codeTitle = map[string]rules.Text{
	codeUnauthorized:      {PL: "brak uwierzytelnienia", EN: "unauthorized"},
	codeBadRequest:        {PL: "błędne żądanie", EN: "bad request"},
	codeNotFound:          {PL: "nie znaleziono", EN: "not found"},
	codeForbidden:         {PL: "rola nie może tego zrobić", EN: "forbidden"},
	codeInvalidTransition: {PL: "niedozwolone w tym stanie sprawy", EN: "invalid transition"},
	codeArgument:          {PL: "błędny argument", EN: "bad argument"},
	codeDenied:            {PL: "odmowa według przepisów", EN: "denied by the rules"},
	codeConflict:          {PL: "konflikt wersji", EN: "conflict"},
	codePayloadTooLarge:   {PL: "treść żądania za duża", EN: "payload too large"},
	codeInternal:          {PL: "błąd wewnętrzny", EN: "internal error"},
	codeOutcomeUnknown:    {PL: "nie wiadomo, czy zmianę zapisano", EN: "outcome unknown"},
}

// outcomeUnknownDetail is the detail of every outcome_unknown problem.
var outcomeUnknownDetail = rules.Text{
	PL: "połączenie z bazą danych przerwało się w trakcie zapisu, więc zmiana mogła zostać zapisana albo nie: odczytaj sprawę (GET /v1/cases/{id}) i dopiero gdy zmiany w niej nie ma, wyzwól ponownie z nowym Idempotency-Key",
	EN: "the connection to the database broke while the change was being saved, so it may or may not have been saved: read the case (GET /v1/cases/{id}) and only if the change is not there fire again, with a new Idempotency-Key"}

// problem is an application/problem+json body (RFC 9457).
type problem struct {
	Type   string    `json:"type"`
	Title  string    `json:"title"`
	Status int       `json:"status"`
	Detail string    `json:"detail"`
	Code   string    `json:"code"`
	Rules  []ruleRef `json:"rules,omitempty"`
}

// ruleRef is an unmet rule of a denial.
type ruleRef struct {
	ID      string `json:"id"`
	Message string `json:"message"`
}

func newProblem(lang rules.Lang, code string, detail rules.Text, rs []ruleRef) problem {
	return problem{Type: "urn:asysta:problem:" + code, Title: codeTitle[code].In(lang), Status: codeStatus[code],
		Detail: detail.In(lang), Code: code, Rules: rs}
}

func problemReply(lang rules.Lang, code string, detail rules.Text, rs []ruleRef) reply {
	p := newProblem(lang, code, detail, rs)
	return jsonReply(p.Status, p)
}

// classify maps an error of the engine, the caseload or the staff to a
// problem code; "" is an error of the service or its database.
func classify(err error) string {
	switch {
	case errors.Is(err, workflow.ErrDenied):
		return codeDenied
	case errors.Is(err, workflow.ErrForbidden):
		return codeForbidden
	case errors.Is(err, workflow.ErrInvalidTransition):
		return codeInvalidTransition
	case errors.Is(err, workflow.ErrConflict):
		return codeConflict
	case errors.Is(err, workflow.ErrArgument), errors.Is(err, caseload.ErrRoleConflict):
		return codeArgument
	case errors.Is(err, workflow.ErrNotFound), errors.Is(err, workflow.ErrUnknownWorker):
		return codeNotFound
	case errors.Is(err, pgstore.ErrOutcomeUnknown):
		return codeOutcomeUnknown
	}
	var ce *caseload.Error
	if errors.As(err, &ce) && ce.Err == nil { // a post refused by caseload.CheckPost
		return codeArgument
	}
	return ""
}

// internalDetail is the detail of every internal error: the log has the
// rest.
var internalDetail = rules.Text{
	PL: "błąd wewnętrzny usługi albo bazy danych; spróbuj ponownie, a gdy się powtarza, zgłoś to administratorowi (szczegóły w dzienniku usługi)",
	EN: "an internal error of the service or its database; try again, and if it persists tell the administrator (details in the service's log)"}

// problemOf turns an error into a problem: the engine's refusals with
// their own message in the caller's language (they carry IDs and codes,
// never a value given), anything else as an internal error, logged
// without its text.
func (s *Server) problemOf(r *http.Request, info *reqInfo, err error) problem {
	code := classify(err)
	if code == "" {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			s.log.Warn("request ended before its answer", slog.String("client", info.client.name), slog.String("case", info.caseID))
		} else {
			s.log.Error("internal error", slog.String("route", r.Pattern), slog.String("client", info.client.name),
				slog.String("case", info.caseID), slog.String("error", safeError(err)))
		}
		return newProblem(info.lang, codeInternal, internalDetail, nil)
	}
	if code == codeOutcomeUnknown {
		s.log.Error("commit outcome unknown", slog.String("route", r.Pattern), slog.String("client", info.client.name),
			slog.String("case", info.caseID), slog.String("error", safeError(err)))
		return newProblem(info.lang, code, outcomeUnknownDetail, nil)
	}
	var rs []ruleRef
	var denied *workflow.DeniedError
	if errors.As(err, &denied) {
		for _, u := range denied.Decision.Unmet() {
			rs = append(rs, ruleRef{ID: u.Rule, Message: u.Message.In(info.lang)})
		}
	}
	detail := workflow.Localize(err, info.lang)
	if code == codeNotFound && errors.Is(err, workflow.ErrUnknownWorker) {
		detail = rules.Text{PL: "nie ma takiego pracownika: zarejestruj go przez PUT /v1/workers/{id}",
			EN: "no such worker: register them with PUT /v1/workers/{id}"}.In(info.lang)
	}
	return problem{Type: "urn:asysta:problem:" + code, Title: codeTitle[code].In(info.lang), Status: codeStatus[code],
		Detail: detail, Code: code, Rules: rs}
}

func (s *Server) fail(r *http.Request, info *reqInfo, err error) reply {
	p := s.problemOf(r, info, err)
	rp := jsonReply(p.Status, p)
	rp.code = p.Code
	return rp
}

// safeError is what the log says of an internal error: the PostgreSQL
// error class (SQLSTATE) when there is one, else a fixed kind. The error's
// text is never logged: a database error may quote SQL or a value.
func safeError(err error) string {
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		return "database error, SQLSTATE " + pe.Code
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case pgconn.Timeout(err):
		return "database timeout"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return "the database is not reachable"
	}
	return "internal error"
}

// decode reads the request's JSON body into v strictly: one JSON value,
// no unknown field. The problem it gives never quotes the body.
func decode(r *http.Request, info *reqInfo, v any) (body []byte, rp *reply) {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		p := problemReply(info.lang, codePayloadTooLarge, rules.Text{PL: "treść żądania jest większa niż 1 MiB", EN: "the request body is larger than 1 MiB"}, nil)
		return nil, &p
	}
	if err != nil {
		p := problemReply(info.lang, codeBadRequest, rules.Text{PL: "nie można odczytać treści żądania", EN: "cannot read the request body"}, nil)
		return nil, &p
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	// Anything but white space after the value is refused; dec.More
	// would let a closing ] or } through.
	if err == nil && len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		err = errors.New("trailing data")
	}
	if err == nil {
		err = strictKeys(body, reflect.TypeOf(v))
	}
	if err != nil {
		p := problemReply(info.lang, codeBadRequest, jsonProblem(err), nil)
		return nil, &p
	}
	return body, nil
}

// jsonProblem says what is wrong with a body, naming the service's own
// field names at most: never a value, nor a Go type.
func jsonProblem(err error) rules.Text {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var key *keyError
	switch {
	case errors.As(err, &key):
		return key.text
	case errors.As(err, &syn):
		return rules.Text{PL: "treść nie jest poprawnym JSON-em (bajt " + itoa(syn.Offset) + ")",
			EN: "the body is not valid JSON (byte " + itoa(syn.Offset) + ")"}
	case errors.As(err, &typ) && typ.Field != "":
		return rules.Text{PL: "pole " + typ.Field + " ma wartość złego rodzaju; zobacz /openapi.json",
			EN: "the field " + typ.Field + " has a value of the wrong kind; see /openapi.json"}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return rules.Text{PL: "treść ma nieznane pole; dozwolone są tylko pola opisane w /openapi.json",
			EN: "the body has an unknown field; only the fields /openapi.json describes are taken"}
	case errors.Is(err, io.EOF):
		return rules.Text{PL: "brak treści żądania (oczekiwano obiektu JSON)", EN: "the body is empty (want a JSON object)"}
	case err.Error() == "trailing data":
		return rules.Text{PL: "po obiekcie JSON są jeszcze dane", EN: "there is data after the JSON object"}
	}
	return rules.Text{PL: "wartość pola ma złą postać (daty: RRRR-MM-DD); zobacz /openapi.json",
		EN: "a field's value has the wrong form (dates: YYYY-MM-DD); see /openapi.json"}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// badRequest is a 400 with a message.
func badRequest(info *reqInfo, pl, en string) reply {
	return problemReply(info.lang, codeBadRequest, rules.Text{PL: pl, EN: en}, nil)
}

// dateParam reads a date query parameter; missing, it is today in Poland
// when def is set, else an error.
func (s *Server) dateParam(r *http.Request, info *reqInfo, name string, required bool) (rules.Date, *reply) {
	v := r.URL.Query().Get(name)
	if v == "" && !required {
		return rules.DateOf(s.cfg.Now()), nil
	}
	d, err := rules.ParseDate(v)
	if err != nil || !d.Writable() {
		rp := badRequest(info, "parametr "+name+": oczekiwano daty RRRR-MM-DD", "parameter "+name+": want a date YYYY-MM-DD")
		return d, &rp
	}
	return d, nil
}
