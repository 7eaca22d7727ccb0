package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/asysta/asysta/rules"
)

// MemoryStore is the in-memory [Store] and [Scanner]: the default, and the
// reference the conformance suite (workflow/storetest) was written
// against. It is safe for concurrent use; a commit holds one lock, so
// batches are atomic and versions never skip.
type MemoryStore struct {
	mu    sync.RWMutex
	cases map[string]*memCase
	keys  map[string]*memKey // index keys, created on first use and kept
	hist  history            // what the cases' histories refer to
}

// memCase is a stored snapshot, the index keys it is filed under and the
// case's history, changed only under the store's write lock. The snapshot
// and the list of keys are immutable once stored: a write replaces them,
// never changes them, so a snapshot may be read after the lock is
// released. The history only grows.
type memCase struct {
	c    *Case
	keys []*memKey // the keys it is filed under, in the order of Case.Keys
	log  *eventLog // the case's history
}

// memKey is an index key: its version, raised by every write that files a
// case under it or takes one away (or changes one filed under it), and the
// IDs of the cases filed under it.
type memKey struct {
	name    string
	version int64
	ids     map[string]struct{}
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{cases: map[string]*memCase{}, keys: map[string]*memKey{}}
}

// key returns the key's record, creating it.
func (s *MemoryStore) key(name string) *memKey {
	k := s.keys[name]
	if k == nil {
		k = &memKey{name: name, ids: map[string]struct{}{}}
		s.keys[name] = k
	}
	return k
}

// version returns the key's version: 0 for a key never used.
func (s *MemoryStore) version(name string) int64 {
	if k := s.keys[name]; k != nil {
		return k.version
	}
	return 0
}

// filed returns the IDs of the cases filed under the key.
func (s *MemoryStore) filed(name string) map[string]struct{} {
	if k := s.keys[name]; k != nil {
		return k.ids
	}
	return nil
}

// shared returns the stored snapshot itself, or nil: the caller must not
// change it (clone it first).
func (s *MemoryStore) shared(id string) *Case {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if m := s.cases[id]; m != nil {
		return m.c
	}
	return nil
}

// sharedIndex is Index without the copies: the stored snapshots, which the
// caller must not change, in ID order.
func (s *MemoryStore) sharedIndex(key string) ([]*Case, int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.filed(key)
	if len(ids) == 0 {
		return nil, s.version(key)
	}
	out := make([]*Case, 0, len(ids))
	for id := range ids {
		out = append(out, s.cases[id].c)
	}
	if len(out) > 1 {
		slices.SortFunc(out, func(a, b *Case) int { return strings.Compare(a.ID, b.ID) })
	}
	return out, s.version(key)
}

// eachFiled calls fn, under the store's read lock, with the stored snapshot
// (not to be changed) of every case filed under the key prefix+id, in no
// order. The key is not built as a string.
func (s *MemoryStore) eachFiled(prefix, id string, fn func(*Case)) {
	var buf [64]byte
	key := append(append(buf[:0], prefix...), id...)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if k := s.keys[string(key)]; k != nil { // no allocation: the compiler looks the bytes up
		for cid := range k.ids {
			fn(s.cases[cid].c)
		}
	}
}

// Get implements [Store].
func (s *MemoryStore) Get(_ context.Context, id string) (*Case, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.cases[id]
	if !ok {
		return nil, ErrNotFound
	}
	return m.c.Clone(), nil
}

// Events implements [Store].
func (s *MemoryStore) Events(_ context.Context, id string) ([]Event, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.cases[id]
	if !ok {
		return nil, ErrNotFound
	}
	out := make([]Event, 0, m.log.len())
	m.log.each(func(ev *memEvent) { out = append(out, s.hist.rebuild(m.c, ev, true)) })
	return out, nil
}

// Index implements [Store].
func (s *MemoryStore) Index(_ context.Context, key string) ([]*Case, int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.filed(key)))
	for id := range s.filed(key) {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*Case, len(ids))
	for i, id := range ids {
		out[i] = s.cases[id].c.Clone()
	}
	return out, s.version(key), nil
}

// Scan implements [Scanner]. fn runs without the store's lock held, on
// copies.
func (s *MemoryStore) Scan(ctx context.Context, fn func(*Case) error) error {
	s.mu.RLock()
	all := make([]*Case, 0, len(s.cases))
	for _, m := range s.cases {
		all = append(all, m.c.Clone())
	}
	s.mu.RUnlock()
	for _, c := range all {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// Commit implements [Store].
func (s *MemoryStore) Commit(ctx context.Context, b Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validBatch(b); err != nil {
		return err
	}
	// The cases' records, looked up once for the check and the write.
	var buf [2]*memCase
	recs := buf[:0]
	if len(b.Writes) > len(buf) {
		recs = make([]*memCase, 0, len(b.Writes))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.check(b, recs)
	if err != nil {
		return err
	}
	for i, w := range b.Writes {
		s.write(w, b.owned, recs[i])
	}
	return nil
}

// validBatch refuses batches no store should accept.
func validBatch(b Batch) error {
	if len(b.Writes) == 1 {
		w := b.Writes[0]
		switch {
		case w.Case == nil || w.Case.ID == "":
			return fmt.Errorf("workflow: a write without a case")
		case len(w.Events) > 1:
			return fmt.Errorf("workflow: case %s: a write carries at most one event (its version goes up by one)", w.Case.ID)
		}
		return eventsOf(w)
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
		}
		if err := eventsOf(w); err != nil {
			return err
		}
		seen[w.Case.ID] = true
	}
	return nil
}

// eventsOf checks that w's events are events of its case.
func eventsOf(w Write) error {
	for _, ev := range w.Events {
		if ev.Case != w.Case.ID || ev.Lifecycle != w.Case.Lifecycle {
			return fmt.Errorf("workflow: case %s: the write carries an event of %s %s", w.Case.ID, ev.Lifecycle, ev.Case)
		}
	}
	return nil
}

// check compares the batch's expected versions with the store's and
// appends the records of the written cases (nil for a new case) to recs.
func (s *MemoryStore) check(b Batch, recs []*memCase) ([]*memCase, error) {
	for _, w := range b.Writes {
		var got int64
		m := s.cases[w.Case.ID]
		if m != nil {
			got = m.c.Version
		}
		if got != w.Expected {
			return nil, &ConflictError{Case: w.Case.ID, Want: w.Expected, Got: got}
		}
		recs = append(recs, m)
	}
	for _, g := range b.Guards {
		if got := s.version(g.Key); got != g.Version {
			return nil, &ConflictError{Case: g.Key, Want: g.Version, Got: got}
		}
	}
	return recs, nil
}

// write stores w, whose case has the record m (nil for a new case). When
// owned, w.Case is the engine's, which will never change it again: it
// becomes the snapshot itself (its Version already set).
func (s *MemoryStore) write(w Write, owned bool, m *memCase) {
	c := w.Case
	if !owned {
		c = c.Clone()
		c.Version = w.Expected + 1
	}
	switch {
	case m == nil:
		m = &memCase{log: &eventLog{}}
		s.cases[c.ID] = m
		m.keys = s.refile(c, nil)
	case sameKeys(m.c, c):
		// The keys depend on nothing that changed: the case is filed as it
		// was, and only the keys' versions go up.
		for _, k := range m.keys {
			k.version++
		}
	default:
		m.keys = s.refile(c, m.keys)
	}
	m.c = c // the snapshot is replaced, never changed
	for i := range w.Events {
		ev := s.hist.event(c, &w.Events[i])
		ev.seq = w.Expected + int64(i) + 1
		m.log.append(ev)
	}
}

// refile files c under the keys it now has instead of old, raising the
// version of every key either lists, and returns the new keys.
func (s *MemoryStore) refile(c *Case, old []*memKey) []*memKey {
	names := c.Keys()
	keys := make([]*memKey, len(names))
	for i, name := range names {
		keys[i] = s.key(name)
	}
	for _, k := range old {
		delete(k.ids, c.ID)
		k.version++
	}
	for _, k := range keys {
		k.ids[c.ID] = struct{}{}
		if !slices.Contains(old, k) {
			k.version++
		}
	}
	return keys
}

// cloneDecision deep-copies a decision, so that history cannot be changed
// through what Commit was given or Events returned.
func cloneDecision(d *rules.Decision) *rules.Decision {
	cp := *d
	cp.Rules, cp.Params = slices.Clone(d.Rules), slices.Clone(d.Params)
	return &cp
}

// viewEvents calls fn with the case's stored events, for replay: their
// Args are shared with the store (fn must not change them) and their
// decisions left out. The store's lock is not held while fn runs.
func (s *MemoryStore) viewEvents(_ context.Context, id string, fn func([]Event) error) error {
	s.mu.RLock()
	m, ok := s.cases[id]
	if !ok {
		s.mu.RUnlock()
		return ErrNotFound
	}
	evs := make([]Event, 0, m.log.len())
	m.log.each(func(ev *memEvent) { evs = append(evs, s.hist.rebuild(m.c, ev, false)) })
	s.mu.RUnlock()
	return fn(evs)
}
