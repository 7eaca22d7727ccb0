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
// a foster family itself, which a placement reads): a commit raises the
// version of such a key when a case enters it, leaves it, or changes in
// what a decision reads of it through the key (its [Entry]), and a guard
// compares it. A commit that changes nothing a decision reads (an
// assessment, a report) raises no version, so that it never waits for, or
// conflicts with, a decision about another case. The other keys (a social
// worker's families, a family's children) serve lookups only: they have no
// version.
//
// The package's [MemoryStore] is the default; workflow/storetest checks any
// implementation against this contract.
type Store interface {
	// Get returns a copy of the case with its version, or ErrNotFound.
	Get(ctx context.Context, id string) (*Case, error)
	// Events returns a case's history in order, or ErrNotFound.
	Events(ctx context.Context, id string) ([]Event, error)
	// Index returns copies of the cases filed under key (see [Case.Keys]),
	// in order of ID, and the key's version, read at one instant: a later
	// change to which cases are filed there, or to their entries ([Entry]),
	// raises the version. A key nothing was ever filed under, and a key
	// that is not versioned ([VersionedKey]), has version 0.
	Index(ctx context.Context, key string) ([]*Case, int64, error)
	// IndexMany returns, for each of keys, the entries ([Entry]) of the
	// cases filed under it in order of case ID (an empty slice when none
	// are): the loads of many workers in one question, without reading
	// the cases. Each key's entries are as committed at some moment of the
	// call; the keys are not read at one instant.
	IndexMany(ctx context.Context, keys []string) (map[string][]Entry, error)
	// Tally returns, for each of keys, the cases filed under it counted
	// by state and 'Za życiem' flag, with their summed difficulty, in
	// order of state, then flag (an empty slice when none are): the loads
	// of many workers in one question, without listing the cases
	// ([TallyLoad]).
	Tally(ctx context.Context, keys []string) (map[string][]Tally, error)
	// Due returns the open obligations the query selects (see
	// [DueQuery]), in order of due date, then case, then obligation.
	Due(ctx context.Context, q DueQuery) ([]DueEntry, error)
	// Commit applies a batch atomically. Every write's case must be at its
	// Expected version (0: the case must not exist) and every guard key at
	// its version, else nothing is written and the error wraps
	// ErrConflict; a guard on a key that is not versioned is refused. On
	// success each written case's Version is Expected+1, its events are
	// appended, its index entries follow its Keys, its open obligations
	// are what Due lists of it, and the version of each key of
	// [RaisedKeys] goes up by one. A store may rely on each write's Before
	// to write only what changed (see [Write]).
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
//
// Before is the case as the store gave it at version Expected (by Get or
// Index), unchanged since: nil for a new case (Expected 0), required for
// an existing one. A store compares it with Case to write only what
// changed (the index entries, the obligations, the keys' versions); the
// version check makes sure the stored case is still Before when the write
// lands. A Before edited after it was read would file the case wrongly:
// keep the copy the store gave, and change a clone ([Case.Clone]).
// [MemoryStore] refuses such a write.
type Write struct {
	Case     *Case
	Expected int64
	Events   []Event
	Before   *Case
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

// Entry is a case as the index files it: what a rule's decision, a
// worker's load or a calendar reads of it through a key, without the case
// itself. A commit that changes a case's entry raises the versions of its
// versioned keys ([RaisedKeys]); one that leaves it as it was raises none.
type Entry struct {
	Case  string `json:"case"`
	State State  `json:"state"`
	// ZaZyciem and Difficulty are a family's: [FamilyLoad] counts and
	// weighs it by them.
	ZaZyciem   bool    `json:"za_zyciem,omitempty"`
	Difficulty float64 `json:"difficulty,omitempty"`
	// Form is a foster family's, which a placement compares with the form
	// it asks for; Coordinator is who supports it, whom a calendar shows
	// the obligations of the children placed with it.
	Form        string `json:"form,omitempty"`
	Coordinator string `json:"coordinator,omitempty"`
}

// EntryOf returns case c's [Entry]. Stores keep it with each index entry
// when a case is written: a change to it needs a migration of the cases
// already stored (see package pgstore).
func EntryOf(c *Case) Entry {
	e := Entry{Case: c.ID, State: c.State}
	switch {
	case c.Family != nil:
		e.ZaZyciem, e.Difficulty = c.Family.ZaZyciem(), c.Family.Difficulty
	case c.FosterFamily != nil:
		e.Form, e.Coordinator = c.FosterFamily.Form, c.FosterFamily.Coordinator
	}
	return e
}

// CountsToward reports whether a family filed under an assistant's key
// counts toward the assistant's cap: in assistant work, and, when
// countZaZyciem is false (assistant.count_za_zyciem_in_cap), not under
// the 'Za życiem' programme. [FamilyLoad] and [LoadsOf] count by it.
func (e Entry) CountsToward(countZaZyciem bool) bool {
	return e.State.In(AssistantWork) && (countZaZyciem || !e.ZaZyciem)
}

// Tally is the cases filed under an index key that share one state and
// one 'Za życiem' flag ([Store.Tally]): how many, and the sum of their
// difficulty, rounded ([RoundWeight]).
type Tally struct {
	State      State   `json:"state"`
	ZaZyciem   bool    `json:"za_zyciem,omitempty"`
	Cases      int     `json:"cases"`
	Difficulty float64 `json:"difficulty,omitempty"`
}

// TallyOf counts entries as [Store.Tally] does.
func TallyOf(entries []Entry) []Tally {
	out := []Tally{}
	for _, e := range entries {
		i := slices.IndexFunc(out, func(t Tally) bool { return t.State == e.State && t.ZaZyciem == e.ZaZyciem })
		if i < 0 {
			out = append(out, Tally{State: e.State, ZaZyciem: e.ZaZyciem})
			i = len(out) - 1
		}
		out[i].Cases++
		out[i].Difficulty += e.Difficulty
	}
	for i := range out {
		out[i].Difficulty = RoundWeight(out[i].Difficulty)
	}
	SortTally(out)
	return out
}

// SortTally orders tallies as [Store.Tally] lists them.
func SortTally(ts []Tally) {
	slices.SortFunc(ts, func(a, b Tally) int {
		if c := strings.Compare(string(a.State), string(b.State)); c != 0 {
			return c
		}
		switch {
		case a.ZaZyciem == b.ZaZyciem:
			return 0
		case b.ZaZyciem:
			return -1
		}
		return 1
	})
}

// RaisedKeys returns, sorted, the versioned keys ([VersionedKey]) whose
// version a write of case after over before (nil for a new case) raises:
// those the case enters or leaves, and all of its versioned keys when its
// [Entry] changes.
func RaisedKeys(before, after *Case) []string {
	now := after.Keys()
	var was []string
	changed := before == nil
	if before != nil {
		was = before.Keys()
		changed = EntryOf(before) != EntryOf(after)
	}
	var out []string
	for _, k := range now {
		if VersionedKey(k) && (changed || !slices.Contains(was, k)) {
			out = append(out, k)
		}
	}
	for _, k := range was {
		if VersionedKey(k) && !slices.Contains(now, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Validate refuses a batch no store should accept, naming the case or the
// key: a write without a case, a case written twice, a write with more
// than one event or an event of another case, a write whose Before is
// missing or is not its case at version Expected, a guard on a key that is
// not versioned. Stores call it before writing anything.
func (b Batch) Validate() error {
	for _, g := range b.Guards {
		if err := GuardableKey(g.Key); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, w := range b.Writes {
		switch {
		case w.Case == nil || w.Case.ID == "":
			return fmt.Errorf("workflow: a write without a case")
		case seen[w.Case.ID]:
			return fmt.Errorf("workflow: case %s is written twice in one batch", w.Case.ID)
		case len(w.Events) > 1:
			return fmt.Errorf("workflow: case %s: a write carries at most one event (its version goes up by one)", w.Case.ID)
		case w.Expected < 0:
			return fmt.Errorf("workflow: case %s: a write expects version %d, below 0", w.Case.ID, w.Expected)
		case w.Expected == 0 && w.Before != nil:
			return fmt.Errorf("workflow: case %s: a write of a new case (Expected 0) has a Before", w.Case.ID)
		case w.Expected > 0 && w.Before == nil:
			return fmt.Errorf("workflow: case %s: a write of an existing case needs Before, the case as read at version %d", w.Case.ID, w.Expected)
		case w.Before != nil && (w.Before.ID != w.Case.ID || w.Before.Version != w.Expected || w.Before.Lifecycle != w.Case.Lifecycle):
			return fmt.Errorf("workflow: case %s: the write's Before is not the case at version %d", w.Case.ID, w.Expected)
		}
		for _, ev := range w.Events {
			if ev.Case != w.Case.ID || ev.Lifecycle != w.Case.Lifecycle {
				return fmt.Errorf("workflow: case %s: the write carries an event of %s %s", w.Case.ID, ev.Lifecycle, ev.Case)
			}
		}
		seen[w.Case.ID] = true
	}
	return nil
}
