package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// lang picks Polish or English from Accept-Language.
func lang(r *http.Request) rules.Lang {
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "pl") {
		return rules.Polish
	}
	return rules.English
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// problem is the error body: a code, a message in the caller's language
// and, for denials, the unmet rules.
type problem struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Rules   []string `json:"rules,omitempty"`
}

// fail maps asysta's typed errors to HTTP statuses.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problem{Message: workflow.Localize(err, lang(r))}
	var denied *workflow.DeniedError
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &denied):
		status, p.Code, p.Rules = http.StatusUnprocessableEntity, "denied", denied.RuleIDs()
	case errors.Is(err, workflow.ErrForbidden):
		status, p.Code = http.StatusForbidden, "forbidden"
	case errors.Is(err, workflow.ErrInvalidTransition):
		status, p.Code = http.StatusConflict, "invalid_transition"
	case errors.Is(err, workflow.ErrConflict):
		status, p.Code = http.StatusConflict, "conflict"
	case errors.Is(err, workflow.ErrArgument):
		status, p.Code = http.StatusBadRequest, "bad_argument"
	case errors.Is(err, workflow.ErrNotFound):
		status, p.Code = http.StatusNotFound, "not_found"
	default:
		p.Code, p.Message = "internal", rules.Text{PL: "błąd wewnętrzny", EN: "internal error"}.In(lang(r))
	}
	writeJSON(w, status, p)
}

// badRequest answers a malformed request with the expected shape, in the
// caller's language.
func badRequest(w http.ResponseWriter, r *http.Request, pl, en string) {
	writeJSON(w, http.StatusBadRequest, problem{Code: "bad_request", Message: rules.Text{PL: pl, EN: en}.In(lang(r))})
}

func (s *server) declareFamily(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Record     string  `json:"record"`
		Difficulty float64 `json:"difficulty"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Record == "" {
		badRequest(w, r, "oczekiwano {\"record\": \"...\", \"difficulty\": 1.0}", "want {\"record\": \"...\", \"difficulty\": 1.0}")
		return
	}
	id := s.ids.caseID(in.Record)
	if err := s.engine.DeclareFamily(r.Context(), id, workflow.FamilyInfo{Difficulty: in.Difficulty}); err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

func (s *server) declareChild(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Record       string     `json:"record"`
		FamilyRecord string     `json:"family_record"`
		Born         rules.Date `json:"born"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Record == "" || in.FamilyRecord == "" {
		badRequest(w, r, "oczekiwano {\"record\", \"family_record\", \"born\": \"RRRR-MM-DD\"}",
			"want {\"record\", \"family_record\", \"born\": \"YYYY-MM-DD\"}")
		return
	}
	id := s.ids.caseID(in.Record)
	info := workflow.ChildInfo{Family: s.ids.caseID(in.FamilyRecord), Born: in.Born}
	if err := s.engine.DeclareChild(r.Context(), id, info); err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

func (s *server) fire(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Trigger string         `json:"trigger"`
		Actor   workflow.Actor `json:"actor"`
		On      rules.Date     `json:"on"`
		Args    workflow.Args  `json:"args"`
		Version int64          `json:"version"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Trigger == "" || in.On.IsZero() {
		badRequest(w, r, "oczekiwano {\"trigger\", \"actor\": {\"id\", \"role\"}, \"on\": \"RRRR-MM-DD\", \"args\": {}}",
			"want {\"trigger\", \"actor\": {\"id\", \"role\"}, \"on\": \"YYYY-MM-DD\", \"args\": {}}")
		return
	}
	out, err := s.engine.Fire(r.Context(), r.PathValue("id"), workflow.Command{Trigger: in.Trigger, Actor: in.Actor,
		On: in.On, Args: in.Args, Version: in.Version})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": out.Case, "event": out.Event, "linked": out.Linked})
}

func (s *server) getCase(w http.ResponseWriter, r *http.Request) {
	c, err := s.engine.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *server) obligations(w http.ResponseWriter, r *http.Request) {
	on, err := rules.ParseDate(r.URL.Query().Get("on"))
	if err != nil {
		badRequest(w, r, "oczekiwano ?on=RRRR-MM-DD", "want ?on=YYYY-MM-DD")
		return
	}
	obs, err := s.engine.Obligations(r.Context(), r.PathValue("id"), on)
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, obs)
}

func (s *server) calendar(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	on, err := rules.ParseDate(q.Get("on"))
	lead, lerr := strconv.Atoi(q.Get("lead"))
	if err != nil || (q.Get("lead") != "" && lerr != nil) {
		badRequest(w, r, "oczekiwano ?on=RRRR-MM-DD[&lead=DNI][&worker=ID]", "want ?on=YYYY-MM-DD[&lead=DAYS][&worker=ID]")
		return
	}
	if q.Get("lead") == "" {
		lead = -1
	}
	entries, err := s.caseload.Calendar(r.Context(), caseload.CalendarQuery{On: on, LeadDays: lead, Worker: q.Get("worker")})
	if err != nil {
		fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, entries)
}
