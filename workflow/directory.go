package workflow

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/asysta/asysta/rules"
)

// ErrUnknownWorker is returned by a Directory for a worker it does not know.
var ErrUnknownWorker = errors.New("workflow: unknown worker")

// ErrUnknownInstitution is returned by a Directory for an unknown
// institution.
var ErrUnknownInstitution = errors.New("workflow: unknown institution")

// Worker is a member of staff as the engine sees them.
type Worker struct {
	// ID identifies the post: one worker in one role at one employer.
	ID string `json:"id"`
	// Person identifies the human being when one person holds several
	// posts (an assistant who is also a social worker elsewhere); it lets
	// the law's separation of roles be checked. "" means a person of
	// their own.
	Person string  `json:"person,omitempty"`
	Role   Role    `json:"role"`
	FTE    float64 `json:"fte"` // etat; 0 means 1.0
	// Employer is the ID of the OPS (gmina) or PCPR (powiat) employing the
	// worker; Area a district within it, used to recommend nearby
	// assistants.
	Employer string `json:"employer,omitempty"`
	Area     string `json:"area,omitempty"`
	// From and To bound the worker's employment; zero means open.
	From rules.Date `json:"from,omitzero"`
	To   rules.Date `json:"to,omitzero"`
}

// ActiveOn reports whether the worker is employed on d.
func (w Worker) ActiveOn(d rules.Date) bool {
	return (w.From.IsZero() || !d.Before(w.From)) && (w.To.IsZero() || !d.After(w.To))
}

// MaxFTE is the largest FTE (etat) a worker's post may have: two full
// posts. Registries and scenario files refuse a larger one.
const MaxFTE = 2.0

// EffectiveFTE returns FTE, with 0 read as full time.
func (w Worker) EffectiveFTE() float64 {
	if w.FTE <= 0 {
		return 1
	}
	return w.FTE
}

// Institution is a care institution (placówka opiekuńczo-wychowawcza): a
// carer without a lifecycle of its own.
type Institution struct {
	ID string `json:"id"`
	// Kind is one of the four kinds of art. 101 UWR: socialising (the
	// default when empty), intervention, specialist_therapeutic or
	// family_type.
	Kind string `json:"kind,omitempty"`
}

// The kinds of institution (art. 101 ust. 2 UWR).
const (
	InstitutionSocialising           = "socialising"            // socjalizacyjna
	InstitutionIntervention          = "intervention"           // interwencyjna
	InstitutionSpecialistTherapeutic = "specialist_therapeutic" // specjalistyczno-terapeutyczna
	InstitutionFamilyType            = "family_type"            // rodzinna
)

// InstitutionKinds lists the kinds of institution.
var InstitutionKinds = []string{InstitutionSocialising, InstitutionIntervention, InstitutionSpecialistTherapeutic, InstitutionFamilyType}

// EffectiveKind returns Kind, with "" read as socialising.
func (in Institution) EffectiveKind() string {
	if in.Kind == "" {
		return InstitutionSocialising
	}
	return in.Kind
}

// ValidInstitution checks an institution's ID and kind.
func ValidInstitution(in Institution) error {
	if !ValidID(in.ID) {
		return errors.New("workflow: an institution needs an ID: one line of text, at most 64 bytes")
	}
	if in.Kind != "" && !slices.Contains(InstitutionKinds, in.Kind) {
		return fmt.Errorf("workflow: institution %s: the kind must be one of %s", in.ID, strings.Join(InstitutionKinds, ", "))
	}
	return nil
}

// Directory tells the engine who the workers and institutions are. An OPS
// system implements it over its staff records; [MemoryDirectory] is the
// default. Implementations must be safe for concurrent use.
type Directory interface {
	// Worker returns the worker with the ID, or an error wrapping
	// ErrUnknownWorker.
	Worker(ctx context.Context, id string) (Worker, error)
	// Institution returns the institution with the ID, or an error
	// wrapping ErrUnknownInstitution.
	Institution(ctx context.Context, id string) (Institution, error)
}

// MemoryDirectory is an in-memory Directory. It is safe for concurrent use.
type MemoryDirectory struct {
	mu           sync.RWMutex
	workers      map[string]Worker
	institutions map[string]Institution
}

// NewMemoryDirectory returns an empty directory.
func NewMemoryDirectory() *MemoryDirectory {
	return &MemoryDirectory{workers: map[string]Worker{}, institutions: map[string]Institution{}}
}

// AddWorker adds or replaces a worker. It refuses an empty ID or an unknown
// role.
func (d *MemoryDirectory) AddWorker(w Worker) error {
	if !ValidID(w.ID) || !w.Role.Valid() {
		return errors.New("workflow: a worker needs an ID (one line of text, at most 64 bytes) and one of the roles")
	}
	if !plainText(w.Person) || !plainText(w.Employer) || !plainText(w.Area) || len(w.Person) > MaxIDLength ||
		len(w.Employer) > MaxIDLength || len(w.Area) > MaxIDLength {
		return fmt.Errorf("workflow: worker %s: the person, employer or area is longer than %d bytes or contains a control character or invalid UTF-8", w.ID, MaxIDLength)
	}
	if !(w.FTE >= 0 && w.FTE <= math.MaxFloat64) { // NaN, negative or infinite; 0 means full time
		return fmt.Errorf("workflow: worker %s: the FTE must be a finite number, not negative", w.ID)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.workers[w.ID] = w
	return nil
}

// AddInstitution adds an institution. It refuses an invalid ID or an
// unknown kind.
func (d *MemoryDirectory) AddInstitution(in Institution) error {
	if err := ValidInstitution(in); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.institutions[in.ID] = in
	return nil
}

// Worker returns the worker with the ID, or ErrUnknownWorker.
func (d *MemoryDirectory) Worker(_ context.Context, id string) (Worker, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	w, ok := d.workers[id]
	if !ok {
		return Worker{}, ErrUnknownWorker
	}
	return w, nil
}

// Workers returns every worker, in no particular order.
func (d *MemoryDirectory) Workers() []Worker {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]Worker, 0, len(d.workers))
	for _, w := range d.workers {
		out = append(out, w)
	}
	return out
}

// Institution returns the institution with the ID, or ErrUnknownInstitution.
func (d *MemoryDirectory) Institution(_ context.Context, id string) (Institution, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	in, ok := d.institutions[id]
	if !ok {
		return Institution{}, ErrUnknownInstitution
	}
	return in, nil
}
