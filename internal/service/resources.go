package service

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// idOf returns the path's {id}, refused when it is not a valid ID.
func idOf(r *http.Request, info *reqInfo) (string, *reply) {
	id := r.PathValue("id")
	if !workflow.ValidID(id) {
		rp := badRequest(info, "identyfikator w ścieżce: jeden wiersz tekstu, najwyżej 64 bajty",
			"the ID in the path: one line of text, at most 64 bytes")
		return "", &rp
	}
	return id, nil
}

// workerBody is the body of PUT /v1/workers/{id}.
type workerBody struct {
	Role     workflow.Role `json:"role"`
	Employer string        `json:"employer"`
	FTE      float64       `json:"fte"`
	From     rules.Date    `json:"from"`
	To       rules.Date    `json:"to"`
	// Person links the posts of one human being (an ID, never a name), for
	// the law's separation of roles.
	Person string `json:"person"`
}

func (s *Server) putWorker(r *http.Request, info *reqInfo) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	var in workerBody
	if _, bad := decode(r, info, &in); bad != nil {
		return *bad
	}
	w := workflow.Worker{ID: id, Person: in.Person, Role: in.Role, FTE: in.FTE, Employer: in.Employer, From: in.From, To: in.To}
	if err := info.unit.staff.PutWorker(r.Context(), w); err != nil {
		return s.fail(r, info, err)
	}
	return jsonReply(http.StatusOK, w)
}

func (s *Server) workerLoad(r *http.Request, info *reqInfo) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	on, bad := s.dateParam(r, info, "on", false)
	if bad != nil {
		return *bad
	}
	l, err := info.unit.rt.Load().engine.Load(r.Context(), id, on)
	if err != nil {
		return s.fail(r, info, err)
	}
	return jsonReply(http.StatusOK, l)
}

// declareCase answers PUT of a declared case: the body decoded into T, the
// case declared by declare; 201 for a new case, 200 when it is there
// already with the same declared data (same reports that), 409 when it
// holds other data or belongs to another lifecycle.
func declareCase[T any](s *Server, r *http.Request, info *reqInfo, declare func(e *workflow.Engine, id string, in T) error,
	same func(in T, c *workflow.Case) bool) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	var in T
	if _, bad := decode(r, info, &in); bad != nil {
		return *bad
	}
	e := info.unit.rt.Load().engine
	err := declare(e, id, in)
	if err == nil {
		return jsonReply(http.StatusCreated, map[string]string{"id": id})
	}
	if !errors.Is(err, workflow.ErrConflict) {
		return s.fail(r, info, err)
	}
	c, gerr := e.Case(r.Context(), id)
	if gerr != nil {
		return s.fail(r, info, gerr)
	}
	if !same(in, c) {
		return problemReply(info.lang, codeConflict, rules.Text{
			PL: "sprawa " + id + " jest już zgłoszona z innymi danymi albo jest sprawą innego rodzaju",
			EN: "case " + id + " is already declared with other data, or is a case of another kind"}, nil)
	}
	return jsonReply(http.StatusOK, map[string]string{"id": id})
}

type familyBody struct {
	Difficulty float64 `json:"difficulty"`
}

type childBody struct {
	Family string     `json:"family"`
	Born   rules.Date `json:"born"`
}

type fosterFamilyBody struct {
	Form string `json:"form"`
}

func (s *Server) putFamily(r *http.Request, info *reqInfo) reply {
	return declareCase(s, r, info, func(e *workflow.Engine, id string, in familyBody) error {
		return e.DeclareFamily(r.Context(), id, workflow.FamilyInfo{Difficulty: in.Difficulty})
	}, func(in familyBody, c *workflow.Case) bool {
		if in.Difficulty == 0 {
			in.Difficulty = 1 // the engine's default
		}
		return c.Family != nil && c.Family.Difficulty == in.Difficulty
	})
}

func (s *Server) putChild(r *http.Request, info *reqInfo) reply {
	return declareCase(s, r, info, func(e *workflow.Engine, id string, in childBody) error {
		return e.DeclareChild(r.Context(), id, workflow.ChildInfo{Family: in.Family, Born: in.Born})
	}, func(in childBody, c *workflow.Case) bool {
		return c.Child != nil && c.Child.Family == in.Family && c.Child.Born == in.Born
	})
}

func (s *Server) putFosterFamily(r *http.Request, info *reqInfo) reply {
	return declareCase(s, r, info, func(e *workflow.Engine, id string, in fosterFamilyBody) error {
		return e.DeclareFosterFamily(r.Context(), id, workflow.FosterFamilyInfo{Form: in.Form})
	}, func(in fosterFamilyBody, c *workflow.Case) bool {
		return c.FosterFamily != nil && c.FosterFamily.Form == in.Form
	})
}

func (s *Server) putInstitution(r *http.Request, info *reqInfo) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	var in struct{}
	if _, bad := decode(r, info, &in); bad != nil {
		return *bad
	}
	created, err := info.unit.staff.PutInstitution(r.Context(), workflow.Institution{ID: id})
	if err != nil {
		return s.fail(r, info, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return jsonReply(status, map[string]string{"id": id})
}

// fireBody is the body of POST /v1/cases/{id}/fire and /check.
type fireBody struct {
	Trigger string         `json:"trigger"`
	Actor   workflow.Actor `json:"actor"`
	On      rules.Date     `json:"on"`
	Args    workflow.Args  `json:"args"`
	Version int64          `json:"version"`
}

// command reads the body into a command.
func command(r *http.Request, info *reqInfo) (workflow.Command, []byte, *reply) {
	var in fireBody
	body, bad := decode(r, info, &in)
	if bad != nil {
		return workflow.Command{}, nil, bad
	}
	switch {
	case in.Trigger == "":
		rp := badRequest(info, "brak pola trigger", "the field trigger is missing")
		return workflow.Command{}, nil, &rp
	case in.Actor.ID == "" || in.Actor.Role == "":
		rp := badRequest(info, "brak pola actor: {id, role}", "the field actor is missing: {id, role}")
		return workflow.Command{}, nil, &rp
	case !workflow.ValidID(in.Actor.ID):
		rp := badRequest(info, "pole actor.id: identyfikator pracownika, jeden wiersz tekstu, najwyżej 64 bajty",
			"the field actor.id: a worker's ID, one line of text, at most 64 bytes")
		return workflow.Command{}, nil, &rp
	case !in.Actor.Role.Valid(): // refused here, so that no message repeats it
		rp := badRequest(info, "pole actor.role: nieznana rola; dozwolone: "+roleList(),
			"the field actor.role: unknown role; want one of: "+roleList())
		return workflow.Command{}, nil, &rp
	case in.On.IsZero():
		rp := badRequest(info, "brak pola on (data czynności, RRRR-MM-DD)", "the field on is missing (the date of the act, YYYY-MM-DD)")
		return workflow.Command{}, nil, &rp
	case in.Version < 0:
		rp := badRequest(info, "pole version nie może być ujemne", "the field version may not be negative")
		return workflow.Command{}, nil, &rp
	}
	return workflow.Command{Trigger: in.Trigger, Actor: in.Actor, On: in.On, Args: in.Args, Version: in.Version}, body, nil
}

// roleList lists the roles, for a message.
func roleList() string {
	names := make([]string, len(workflow.Roles))
	for i, r := range workflow.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// fireReply is the body of a fired trigger.
type fireReply struct {
	Case     caseView        `json:"case"`
	Event    workflow.Event  `json:"event"`
	Decision *rules.Decision `json:"decision"`
	Linked   []caseView      `json:"linked,omitempty"`
}

// fire fires a trigger. With an Idempotency-Key the first reply is kept:
// a retry with the same key and request gets it again (with the header
// Idempotency-Replayed: true), another request under the key is 422, and a
// retry while the first is still being served is 409.
func (s *Server) fire(r *http.Request, info *reqInfo) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	cmd, body, bad := command(r, info)
	if bad != nil {
		return *bad
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return s.fireOnce(r, info, id, cmd)
	}
	if len(key) > 255 || !printableASCII(key) {
		return badRequest(info, "nagłówek Idempotency-Key: od 1 do 255 drukowalnych znaków ASCII",
			"the Idempotency-Key header: 1 to 255 printable ASCII characters")
	}
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
	h.Write(body)
	digest := h.Sum(nil)
	claimed, stored, same, err := info.unit.idem.claim(r.Context(), info.client.name, key, digest)
	switch {
	case err != nil:
		return s.fail(r, info, err)
	case !claimed && !same:
		p := newProblem(info.lang, codeBadRequest, rules.Text{
			PL: "ten Idempotency-Key był już użyty z inną treścią żądania; nowe żądanie potrzebuje nowego klucza",
			EN: "this Idempotency-Key was used with another request body; a new request needs a new key"}, nil)
		p.Status = http.StatusUnprocessableEntity
		return jsonReply(p.Status, p)
	case !claimed && stored == nil:
		return problemReply(info.lang, codeConflict, rules.Text{
			PL: "żądanie z tym Idempotency-Key jest jeszcze obsługiwane; powtórz je za chwilę",
			EN: "a request with this Idempotency-Key is still being served; retry in a moment"}, nil)
	case !claimed:
		rp := *stored
		rp.replayed = true
		return rp
	}
	// The firing runs to its end even when the client goes away
	// meanwhile (a timeout on its side), so that what it did is stored
	// under the key: its retry gets the reply and never fires twice.
	fireCtx, stop := context.WithTimeout(context.WithoutCancel(r.Context()), WriteTimeout)
	defer stop()
	rp := s.fireOnce(r.WithContext(fireCtx), info, id, cmd)
	// The record is settled even when the client has gone away meanwhile:
	// else its retry would find the key in flight until the record expires.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), idempotencySettle)
	defer cancel()
	// A firing whose commit may or may not have been written keeps its
	// key, with the outcome_unknown problem: a retry under the key would
	// fire again what may have been written.
	if rp.status >= 500 && rp.code != codeOutcomeUnknown {
		if err := info.unit.idem.release(ctx, info.client.name, key); err != nil {
			s.log.Error("idempotency key not released", slog.String("client", info.client.name), slog.String("error", safeError(err)))
		}
		return rp
	}
	if err := info.unit.idem.finish(ctx, info.client.name, key, rp); err != nil {
		s.log.Error("idempotency reply not stored", slog.String("client", info.client.name), slog.String("error", safeError(err)))
	}
	return rp
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

func (s *Server) fireOnce(r *http.Request, info *reqInfo, id string, cmd workflow.Command) reply {
	out, err := info.unit.rt.Load().engine.Fire(r.Context(), id, cmd)
	if err != nil {
		code := classify(err)
		s.metrics.fired(lifecycleOf(r, info, id), cmd.Trigger, outcomeOf(code))
		if code == codeConflict {
			s.metrics.conflicts.Inc()
		}
		return s.fail(r, info, err)
	}
	s.metrics.fired(string(out.Case.Lifecycle), cmd.Trigger, "ok")
	res := fireReply{Case: viewOf(out.Case, cmd.On), Event: out.Event, Decision: &out.Decision}
	for _, c := range out.Linked {
		res.Linked = append(res.Linked, viewOf(c, cmd.On))
	}
	return jsonReply(http.StatusOK, res)
}

// lifecycleOf names the case's lifecycle for the metrics of a refused
// firing: the case's own when it exists.
func lifecycleOf(r *http.Request, info *reqInfo, id string) string {
	c, err := info.unit.store.Get(r.Context(), id)
	if err != nil {
		return "unknown"
	}
	return string(c.Lifecycle)
}

func outcomeOf(code string) string {
	if code == "" {
		return "error"
	}
	return code
}

// checkReply is the body of POST /v1/cases/{id}/check.
type checkReply struct {
	Allowed  bool           `json:"allowed"`
	Decision rules.Decision `json:"decision"`
	Problem  *problem       `json:"problem,omitempty"`
}

func (s *Server) check(r *http.Request, info *reqInfo) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	cmd, _, bad := command(r, info)
	if bad != nil {
		return *bad
	}
	dec, err := info.unit.rt.Load().engine.Check(r.Context(), id, cmd)
	if dec.Rules == nil {
		dec.Rules = []rules.RuleResult{}
	}
	if dec.Params == nil {
		dec.Params = []rules.ParamUse{}
	}
	if err == nil {
		return jsonReply(http.StatusOK, checkReply{Allowed: true, Decision: dec})
	}
	switch classify(err) {
	case codeNotFound:
		return s.fail(r, info, err)
	case "", codeConflict:
		return s.fail(r, info, err)
	}
	p := s.problemOf(r, info, err)
	return jsonReply(http.StatusOK, checkReply{Allowed: false, Decision: dec, Problem: &p})
}

// caseView is a case as the service shows it: state, version, the facts
// and the open obligations seen on a date. A child's date of birth is left
// out: the OPS system that declared it holds it, and the service never
// sends it out.
type caseView struct {
	ID          string                      `json:"id"`
	Lifecycle   rules.Lifecycle             `json:"lifecycle"`
	State       workflow.State              `json:"state"`
	Version     int64                       `json:"version"`
	On          rules.Date                  `json:"on"`
	Facts       any                         `json:"facts"`
	Obligations []workflow.ObligationStatus `json:"obligations"`
}

// childFacts is a child's facts as the service shows them: without the
// date of birth, which the OPS system that declared the child has. Its
// Born, shallower than the embedded one, hides it and is never set.
type childFacts struct {
	*workflow.ChildFacts
	Born *struct{} `json:"born,omitempty"`
}

func viewOf(c *workflow.Case, on rules.Date) caseView {
	var facts any = struct{}{}
	switch {
	case c.Family != nil:
		facts = c.Family
	case c.Child != nil:
		facts = childFacts{ChildFacts: c.Child}
	case c.FosterFamily != nil:
		facts = c.FosterFamily
	}
	return caseView{ID: c.ID, Lifecycle: c.Lifecycle, State: c.State, Version: c.Version, On: on, Facts: facts,
		Obligations: append([]workflow.ObligationStatus{}, workflow.StatusOn(c, on)...)}
}

func (s *Server) getCase(r *http.Request, info *reqInfo) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	on, bad := s.dateParam(r, info, "on", false)
	if bad != nil {
		return *bad
	}
	c, err := info.unit.rt.Load().engine.Case(r.Context(), id)
	if err != nil {
		return s.fail(r, info, err)
	}
	return jsonReply(http.StatusOK, viewOf(c, on))
}

func (s *Server) events(r *http.Request, info *reqInfo) reply {
	id, bad := idOf(r, info)
	if bad != nil {
		return *bad
	}
	evs, err := info.unit.rt.Load().engine.History(r.Context(), id)
	if err != nil {
		return s.fail(r, info, err)
	}
	return jsonReply(http.StatusOK, append([]workflow.Event{}, evs...))
}

func (s *Server) calendar(r *http.Request, info *reqInfo) reply {
	on, bad := s.dateParam(r, info, "on", true)
	if bad != nil {
		return *bad
	}
	until, bad := s.dateParam(r, info, "until", true)
	if bad != nil {
		return *bad
	}
	worker := r.URL.Query().Get("worker")
	if worker != "" && !workflow.ValidID(worker) {
		return badRequest(info, "parametr worker: identyfikator pracownika", "parameter worker: a worker's ID")
	}
	// Every open obligation due by until (none is left out for being far
	// off: LeadDays -1), overdue ones flagged as of on; the caseload asks
	// the store's index.
	q := caseload.CalendarQuery{On: on, LeadDays: -1, To: until, Worker: worker}
	entries, err := info.unit.rt.Load().caseload.Calendar(r.Context(), q)
	if err != nil {
		return s.fail(r, info, err)
	}
	return jsonReply(http.StatusOK, append([]caseload.Entry{}, entries...))
}

func (s *Server) params(r *http.Request, info *reqInfo) reply {
	on, bad := s.dateParam(r, info, "on", false)
	if bad != nil {
		return *bad
	}
	if on.Before(rules.StatuteStart) {
		return badRequest(info, "dzień "+on.String()+" jest wcześniejszy niż "+rules.StatuteStart.String()+", pierwszy dzień objęty katalogiem ustawowym",
			on.String()+" is before "+rules.StatuteStart.String()+", the first day the statutory catalogue covers")
	}
	return jsonReply(http.StatusOK, Params(info.unit.rt.Load().rs.Params(on), info.lang))
}

// ParamJSON is one parameter in force, as `asysta params --json` and GET
// /v1/params give it.
type ParamJSON struct {
	ID     string `json:"id"`
	Value  any    `json:"value"` // a number or a bool
	Unit   string `json:"unit"`
	Source string `json:"source"` // "statute" or FILE:LINE
	Basis  string `json:"basis"`
	Note   string `json:"note,omitempty"` // a note qualifying the basis, in the reply's language
	From   string `json:"from"`           // YYYY-MM-DD
}

// Params lists parameter values as JSON objects, notes in lang.
func Params(values []rules.ParamValue, lang rules.Lang) []ParamJSON {
	out := make([]ParamJSON, len(values))
	for i, v := range values {
		out[i] = ParamJSON{ID: v.ID, Value: v.Value, Unit: string(v.Unit), Source: v.Source.String(), Basis: v.Basis,
			Note: v.Note.In(lang), From: v.From.String()}
	}
	return out
}
