package caseload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// ErrRoleConflict is matched by every [*RoleConflictError].
var ErrRoleConflict = errors.New("caseload: roles may not be combined")

// RoleConflictError is a post that the law forbids one person to hold
// together with another: an assistant may not be a social worker in the
// same gmina (art. 17 ust. 3 UWR); a foster-care coordinator may not do
// social work (art. 79 ust. 3 UWR).
type RoleConflictError struct {
	Worker, Other string // the two posts
	Person        string
	Basis         string
	Msg           rules.Text
}

// Error returns the conflict in English.
func (e *RoleConflictError) Error() string { return e.Localize(rules.English) }

// Localize returns the conflict in lang.
func (e *RoleConflictError) Localize(lang rules.Lang) string {
	return fmt.Sprintf("caseload: %s / %s: %s (%s)", e.Worker, e.Other, e.Msg.In(lang), e.Basis)
}

// Is matches ErrRoleConflict.
func (e *RoleConflictError) Is(target error) bool { return target == ErrRoleConflict }

// Registry is the staff and institutions of one or many OPS and PCPR: a
// [workflow.Directory] that checks the law's separation of roles when a
// post is added. It is safe for concurrent use.
type Registry struct {
	mu           sync.RWMutex
	workers      map[string]workflow.Worker
	institutions map[string]workflow.Institution
	// byPerson lists the post IDs of each person, so that a post is
	// checked against the same person's other posts only; byEmployer the
	// post IDs of each employer, so that one OPS's staff is found without
	// visiting a national registry.
	byPerson   map[string][]string
	byEmployer map[string][]string
}

// NewRegistry returns an empty registry. The zero Registry is empty too,
// and ready to use.
func NewRegistry() *Registry {
	r := &Registry{}
	r.init()
	return r
}

// init makes the registry's maps; it runs under the write lock (or before
// the registry is shared).
func (r *Registry) init() {
	if r.workers == nil {
		r.workers, r.institutions = map[string]workflow.Worker{}, map[string]workflow.Institution{}
		r.byPerson, r.byEmployer = map[string][]string{}, map[string][]string{}
	}
}

// Add adds a post, or replaces the post with the same ID. It refuses a
// post without an ID or with an unknown role, and a post the same person
// may not hold together with another of theirs whose period overlaps
// ([CheckPost]).
func (r *Registry) Add(w workflow.Worker) error {
	if err := CheckPost(w, nil); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	if w.Person != "" {
		others := make([]workflow.Worker, 0, len(r.byPerson[w.Person]))
		for _, id := range r.byPerson[w.Person] {
			others = append(others, r.workers[id])
		}
		if err := CheckPost(w, others); err != nil {
			return err
		}
	}
	if old, ok := r.workers[w.ID]; ok {
		isW := func(id string) bool { return id == w.ID }
		if old.Person != "" {
			r.byPerson[old.Person] = slices.DeleteFunc(r.byPerson[old.Person], isW)
		}
		r.byEmployer[old.Employer] = slices.DeleteFunc(r.byEmployer[old.Employer], isW)
	}
	if w.Person != "" {
		r.byPerson[w.Person] = append(r.byPerson[w.Person], w.ID)
	}
	r.byEmployer[w.Employer] = append(r.byEmployer[w.Employer], w.ID)
	r.workers[w.ID] = w
	return nil
}

// CheckPost checks a post before it is registered: an ID, one of the
// roles, plain IDs for the person, employer and area, an FTE from 0 (full
// time) to [workflow.MaxFTE], employment that does not end before it starts, and the
// law's separation of roles against others, the same person's other posts
// (a post with w's ID among them is the one being replaced, and skipped).
// It is the check [Registry.Add] runs; a registry kept elsewhere (a
// database's, such as pgstore.Directory) runs it too, holding a lock on
// the person's posts. The error is a [*Error] or a [*RoleConflictError].
func CheckPost(w workflow.Worker, others []workflow.Worker) error {
	if !workflow.ValidID(w.ID) || !w.Role.Valid() {
		return errorf(nil, "pracownik: potrzebny identyfikator (jeden wiersz tekstu, najwyżej %d bajty) i jedna z ról: %s",
			"worker: want an ID (one line of text, at most %d bytes) and one of the roles: %s", workflow.MaxIDLength, roleNames())
	}
	if !optionalID(w.Person) || !optionalID(w.Employer) || !optionalID(w.Area) {
		return errorf(nil, "pracownik %s: osoba, pracodawca lub rejon jest dłuższy niż %d bajty albo zawiera znak sterujący lub błędny znak (spoza UTF-8)",
			"worker %s: the person, employer or area is longer than %d bytes or contains a control character or an invalid character (not UTF-8)", w.ID, workflow.MaxIDLength)
	}
	if !(w.FTE >= 0 && w.FTE <= workflow.MaxFTE) { // NaN, negative or above two posts; 0 means full time
		return errorf(nil, "pracownik %s: etat musi być liczbą od 0 do %g (0 oznacza pełny etat)",
			"worker %s: the FTE must be a number from 0 to %g (0 means full time)", w.ID, workflow.MaxFTE)
	}
	if !w.To.IsZero() && w.To.Before(w.From) {
		return errorf(nil, "pracownik %s: zatrudnienie kończy się (%s) przed początkiem (%s)", "worker %s: employment ends (%s) before it starts (%s)", w.ID, w.To, w.From)
	}
	for _, o := range others {
		if err := separation(w, o); err != nil {
			return err
		}
	}
	return nil
}

// separation checks two posts of the same person.
func separation(w, o workflow.Worker) error {
	if w.ID == o.ID || w.Person == "" || w.Person != o.Person || !overlap(w, o) {
		return nil
	}
	pair := func(a, b workflow.Role) bool { return w.Role == a && o.Role == b || w.Role == b && o.Role == a }
	switch {
	case pair(workflow.FamilyAssistant, workflow.SocialWorker) && w.Employer == o.Employer:
		return &RoleConflictError{Worker: w.ID, Other: o.ID, Person: w.Person, Basis: "art. 17 ust. 3 UWR", Msg: rules.Text{
			PL: "asystent rodziny nie może być pracownikiem socjalnym w tej samej gminie (" + w.Employer + ")",
			EN: "a family assistant may not be a social worker in the same gmina (" + w.Employer + ")"}}
	case pair(workflow.FosterCareCoordinator, workflow.SocialWorker):
		return &RoleConflictError{Worker: w.ID, Other: o.ID, Person: w.Person, Basis: "art. 79 ust. 3 UWR", Msg: rules.Text{
			PL: "koordynator rodzinnej pieczy zastępczej nie może wykonywać pracy socjalnej",
			EN: "a foster-care coordinator may not do social work"}}
	}
	return nil
}

func overlap(a, b workflow.Worker) bool {
	aEnds := !a.To.IsZero() && a.To.Before(b.From)
	bEnds := !b.To.IsZero() && b.To.Before(a.From)
	return !aEnds && !bEnds
}

// AddInstitution adds an institution.
func (r *Registry) AddInstitution(in workflow.Institution) error {
	if !workflow.ValidID(in.ID) {
		return errorf(nil, "placówka musi mieć identyfikator: jeden wiersz tekstu, najwyżej %d bajty",
			"an institution needs an ID: one line of text, at most %d bytes", workflow.MaxIDLength)
	}
	if in.Kind != "" && !slices.Contains(workflow.InstitutionKinds, in.Kind) {
		return errorf(nil, "placówka %s: rodzaj musi być jednym z: %s", "institution %s: the kind must be one of: %s",
			in.ID, strings.Join(workflow.InstitutionKinds, ", "))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	r.institutions[in.ID] = in
	return nil
}

// Worker implements [workflow.Directory].
func (r *Registry) Worker(_ context.Context, id string) (workflow.Worker, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	w, ok := r.workers[id]
	if !ok {
		return w, fmt.Errorf("%w %q", workflow.ErrUnknownWorker, id)
	}
	return w, nil
}

// Institution implements [workflow.Directory].
func (r *Registry) Institution(_ context.Context, id string) (workflow.Institution, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	in, ok := r.institutions[id]
	if !ok {
		return in, fmt.Errorf("%w %q", workflow.ErrUnknownInstitution, id)
	}
	return in, nil
}

// Workers returns the posts matching keep (nil: all) active on d (zero
// date: any), sorted by ID.
func (r *Registry) Workers(d rules.Date, keep func(workflow.Worker) bool) []workflow.Worker {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []workflow.Worker
	for _, w := range r.workers {
		if (d.IsZero() || w.ActiveOn(d)) && (keep == nil || keep(w)) {
			out = append(out, w)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Employees returns the posts of one employer matching keep (nil: all)
// active on d (zero date: any), sorted by ID. Unlike [Registry.Workers]
// it visits only that employer's posts.
func (r *Registry) Employees(employer string, d rules.Date, keep func(workflow.Worker) bool) []workflow.Worker {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []workflow.Worker
	for _, id := range r.byEmployer[employer] {
		if w := r.workers[id]; (d.IsZero() || w.ActiveOn(d)) && (keep == nil || keep(w)) {
			out = append(out, w)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// optionalID reports whether s is empty or a valid ID.
func optionalID(s string) bool { return s == "" || workflow.ValidID(s) }

// roleNames lists the roles, for messages.
func roleNames() string {
	names := make([]string, len(workflow.Roles))
	for i, r := range workflow.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
