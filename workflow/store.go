package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/asysta/asysta/rules"
)

// ErrNotFound is returned for a case that does not exist.
var ErrNotFound = errors.New("workflow: no such case")

// Store keeps cases, their histories and the index that counts workers'
// loads. Implementations must be safe for concurrent use. Commit is the only
// write, and it is all or nothing: a store never writes part of a batch.
//
// The index files each case under the keys of [Case.Keys]. Only the keys a
// rule's decision depends on are versioned ([VersionedKey]: an assistant's
// and a coordinator's cases, which the caps count, a carer's children, and
// a foster family itself, which a placement reads): a commit raises their
// versions and a guard compares them. The other keys (a social worker's
// families, a family's children) serve lookups only: they have no
// version, so that commits of the many cases filed under one of them
// never wait for each other.
//
// The package's [MemoryStore] is the default; workflow/storetest checks any
// implementation against this contract.
type Store interface {
	// Get returns a copy of the case with its version, or ErrNotFound.
	Get(ctx context.Context, id string) (*Case, error)
	// Events returns a case's history in order, or ErrNotFound.
	Events(ctx context.Context, id string) ([]Event, error)
	// Index returns copies of the cases filed under key (see [Case.Keys]),
	// in order of ID, and the key's version: the cases as they were at
	// that version. A key nothing was ever filed under, and a key that is
	// not versioned ([VersionedKey]), has version 0.
	Index(ctx context.Context, key string) ([]*Case, int64, error)
	// IndexMany returns, for each of keys, copies of the cases filed under
	// it in order of ID (an empty slice when none are): the loads of many
	// workers in one question. Each key's cases are as committed at some
	// moment of the call; the keys are not read at one instant.
	IndexMany(ctx context.Context, keys []string) (map[string][]*Case, error)
	// Due returns the open obligations the query selects (see
	// [DueQuery]), in order of due date, then case, then obligation.
	Due(ctx context.Context, q DueQuery) ([]DueEntry, error)
	// Commit applies a batch atomically. Every write's case must be at its
	// Expected version (0: the case must not exist) and every guard key at
	// its version, else nothing is written and the error wraps
	// ErrConflict; a guard on a key that is not versioned is refused. On
	// success each written case's Version is Expected+1, its events are
	// appended, its index entries follow its Keys, its open obligations
	// are what Due lists of it, and the version of every versioned key it
	// was or is filed under goes up by one.
	Commit(ctx context.Context, b Batch) error
}

// Scanner is implemented by stores that can visit every case, for
// reports over a whole caseload.
type Scanner interface {
	// Scan calls fn with a copy of each case, in no particular order,
	// until fn returns an error, which Scan returns.
	Scan(ctx context.Context, fn func(*Case) error) error
}

// DueQuery selects open obligations by due date and by who answers for
// them. Obligations without a due date are never listed.
type DueQuery struct {
	// From and Until bound the due dates listed, both days included
	// (zero: no bound).
	From, Until rules.Date
	// On is the date the obligations are seen from: Overdue and DaysLeft.
	On rules.Date
	// Workers keeps the obligations whose [WorkerKey] is one of these
	// index keys ("assistant:A1", "coordinator:K1", "carer:R1"); empty
	// keeps every obligation, including those no one answers for.
	Workers []string
}

// DueEntry is an open obligation as [Store.Due] lists it: the obligation
// seen on the query's date, and who answers for it.
type DueEntry struct {
	ObligationStatus
	// WorkerKey is the index key of who answers for the obligation (see
	// [WorkerKey]); "" when no one is assigned.
	WorkerKey string `json:"worker_key,omitempty"`
}

// Selects reports whether the query lists obligation o of a case whose
// [WorkerKey] is worker. A store that finds obligations by scanning its
// cases filters them with it.
func (q DueQuery) Selects(o Obligation, worker string) bool {
	switch {
	case o.Due.IsZero(),
		!q.From.IsZero() && o.Due.Before(q.From),
		!q.Until.IsZero() && o.Due.After(q.Until):
		return false
	}
	return len(q.Workers) == 0 || slices.Contains(q.Workers, worker)
}

// Entry returns obligation o of case c as [Store.Due] lists it, seen on
// the query's date.
func (q DueQuery) Entry(c *Case, o Obligation) DueEntry {
	return DueEntry{ObligationStatus: ObligationStatus{Obligation: o, Case: c.ID, Lifecycle: c.Lifecycle,
		Overdue: o.Overdue(q.On), DaysLeft: q.On.DaysUntil(o.Due)}, WorkerKey: WorkerKey(c)}
}

// CompareDue orders due entries as [Store.Due] lists them: by due date,
// then case, then obligation and its reference.
func CompareDue(a, b *DueEntry) int {
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	if c := strings.Compare(a.Case, b.Case); c != 0 {
		return c
	}
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	return strings.Compare(a.Ref, b.Ref)
}

// WorkerKey returns the index key of who answers for c's obligations: the
// family's assistant ([AssistantKey]), the foster family's coordinator
// ([CoordinatorKey]), or for a child its carer ([CarerKey]), through whose
// foster family a coordinator is found; "" when no one is assigned. It is
// the case's assigned worker whatever its state, not one of [Case.Keys].
func WorkerKey(c *Case) string {
	switch {
	case c.Family != nil && c.Family.Assistant != "":
		return AssistantKey(c.Family.Assistant)
	case c.FosterFamily != nil && c.FosterFamily.Coordinator != "":
		return CoordinatorKey(c.FosterFamily.Coordinator)
	case c.Child != nil && c.Child.Carer != "":
		return CarerKey(c.Child.Carer)
	}
	return ""
}

// VersionedKey reports whether a store versions index key: the keys a
// rule's decision reads and a commit's guard compares ([AssistantKey],
// [CoordinatorKey], [CarerKey], [FosterFamilyKey]). [SocialWorkerKey] and
// [FamilyKey] serve lookups only.
func VersionedKey(key string) bool {
	for _, p := range []string{keyAssistant, keyCoordinator, keyCarer, keyFoster} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// Batch is what one transition writes: the cases it changes and the index
// keys whose versions its decision depended on.
type Batch struct {
	Writes []Write
	Guards []KeyVersion
}

// Write is one case's new snapshot and the event that led to it: a write
// raises the case's version by one, and the event's Seq is that version,
// so a write carries at most one event.
type Write struct {
	Case     *Case
	Expected int64
	Events   []Event
}

// KeyVersion is an index key and the version it was read at.
type KeyVersion struct {
	Key     string
	Version int64
}

// GuardableKey returns an error when key may not guard a commit: a key
// that is not versioned ([VersionedKey]) has no version to compare, so a
// store refuses the batch, writing nothing.
func GuardableKey(key string) error {
	if VersionedKey(key) {
		return nil
	}
	return fmt.Errorf("workflow: index key %q is not versioned and cannot guard a commit (only assistant:, coordinator:, carer: and foster_family: keys can)", key)
}
