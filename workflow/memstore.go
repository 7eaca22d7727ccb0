package workflow

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/asysta/asysta/rules"
)

// MemoryStore is the in-memory [Store] and [Scanner]: the default, and the
// reference implementation the conformance suite (workflow/storetest)
// checks. It keeps a map of cases, each with its history, and an index of
// key → case IDs with the key's version, under one lock.
//
// What goes in and what comes out are deep copies: a caller never shares
// memory with the store, so changing a case or an event it passed to
// Commit, or got from a reader, changes nothing stored.
//
// A stored snapshot is never changed: a commit replaces it with a new one,
// and appends to a history without touching what it held. So the readers
// hold the read lock only to take the pointers of what they return (Due
// and Scan, over the whole store, take a list in constant time), and
// copy, filter and sort with no lock held; Commit holds the write lock for
// the check and the write only (the copies are made before). No reader
// keeps a writer waiting longer than the copy of one case would.
type MemoryStore struct {
	mu    sync.RWMutex
	cases map[string]*memCase
	// all holds every case in order of creation (cases are never
	// removed): a reader of the whole store takes it under the lock in
	// constant time, and reads each case's snapshot pointer atomically.
	all  []*memCase
	keys map[string]*memKey
}

// memCase is a stored case: its latest snapshot and its history.
type memCase struct {
	c      atomic.Pointer[Case] // written under the write lock
	events []Event
}

// memKey is an index key: the cases filed under it and, for a versioned
// key, its version, which goes up by one with every write that raises it
// ([RaisedKeys]).
type memKey struct {
	ids     map[string]bool
	version int64
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{cases: map[string]*memCase{}, keys: map[string]*memKey{}}
}

// Get implements [Store].
func (s *MemoryStore) Get(_ context.Context, id string) (*Case, error) {
	s.mu.RLock()
	m, ok := s.cases[id]
	var c *Case
	if ok {
		c = m.c.Load()
	}
	s.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	return c.Clone(), nil
}

// Events implements [Store].
func (s *MemoryStore) Events(_ context.Context, id string) ([]Event, error) {
	s.mu.RLock()
	m, ok := s.cases[id]
	var events []Event
	if ok {
		events = m.events // appended to, never changed: this prefix stays as it is
	}
	s.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	out := make([]Event, len(events))
	for i, ev := range events {
		out[i] = cloneEvent(ev)
	}
	return out, nil
}

// Index implements [Store]. The cases come in order of ID, as they were
// when the key had the version returned.
func (s *MemoryStore) Index(_ context.Context, key string) ([]*Case, int64, error) {
	s.mu.RLock()
	filed, version := s.filed(key)
	s.mu.RUnlock()
	return cloneSorted(filed), version, nil
}

// Tally implements [Store]: each key's cases counted as they were at one
// moment, the read lock taken once per key.
func (s *MemoryStore) Tally(ctx context.Context, keys []string) (map[string][]Tally, error) {
	many, err := s.IndexMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]Tally, len(keys))
	for _, key := range keys {
		out[key] = TallyOf(many[key])
	}
	return out, nil
}

// IndexMany implements [Store]: each key's entries as they were at one
// moment, the read lock taken once per key.
func (s *MemoryStore) IndexMany(ctx context.Context, keys []string) (map[string][]Entry, error) {
	out := make(map[string][]Entry, len(keys))
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.mu.RLock()
		filed, _ := s.filed(key)
		s.mu.RUnlock()
		entries := make([]Entry, len(filed))
		for i, c := range filed {
			entries[i] = EntryOf(c) // a stored snapshot is never changed
		}
		slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Case, b.Case) })
		out[key] = entries
	}
	return out, nil
}

// filed returns the stored snapshots filed under key and the key's
// version (0 for a key that is not versioned). The caller holds the lock.
func (s *MemoryStore) filed(key string) ([]*Case, int64) {
	k, ok := s.keys[key]
	if !ok {
		return nil, 0
	}
	out := make([]*Case, 0, len(k.ids))
	for id := range k.ids {
		out = append(out, s.cases[id].c.Load())
	}
	if !VersionedKey(key) {
		return out, 0
	}
	return out, k.version
}

// cloneSorted copies stored snapshots, in order of ID.
func cloneSorted(cs []*Case) []*Case {
	slices.SortFunc(cs, func(a, b *Case) int { return strings.Compare(a.ID, b.ID) })
	out := make([]*Case, len(cs))
	for i, c := range cs {
		out[i] = c.Clone()
	}
	return out
}

// Due implements [Store] by a scan: it takes the list of cases under the
// read lock (in constant time), then reads each case's snapshot, selects
// and sorts with no lock held. Each case is as committed at some moment of
// the scan; cases created meanwhile are not seen.
func (s *MemoryStore) Due(ctx context.Context, q DueQuery) ([]DueEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	all := s.all // appended to, never changed: this prefix stays as it is
	s.mu.RUnlock()
	var out []DueEntry
	for _, m := range all {
		c := m.c.Load()
		if len(c.Obligations) == 0 {
			continue
		}
		worker := WorkerKey(c)
		for _, o := range c.Obligations {
			if q.Selects(o, worker) {
				out = append(out, q.Entry(c, o))
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b DueEntry) int { return CompareDue(&a, &b) })
	return out, nil
}

// Scan implements [Scanner]. It takes the list of cases under the read
// lock (in constant time), then copies the cases one by one with no lock
// held and calls fn. Each case is as it was at some moment during the
// scan, but the scan is not a snapshot of the whole store: cases written
// while it runs may be seen before or after the write, and cases created
// after the scan began are not seen.
func (s *MemoryStore) Scan(ctx context.Context, fn func(*Case) error) error {
	s.mu.RLock()
	all := s.all
	s.mu.RUnlock()
	for _, m := range all {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(m.c.Load().Clone()); err != nil {
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
	if err := b.Validate(); err != nil {
		return err
	}
	// The store's own copies, made before the lock is taken.
	cases := make([]*Case, len(b.Writes))
	events := make([][]Event, len(b.Writes))
	for i, w := range b.Writes {
		cases[i] = w.Case.Clone()
		cases[i].Version = w.Expected + 1
		for j, ev := range w.Events {
			ev = cloneEvent(ev)
			ev.Seq = w.Expected + int64(j) + 1
			events[i] = append(events[i], ev)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range b.Writes {
		var got int64
		m, ok := s.cases[w.Case.ID]
		if ok {
			got = m.c.Load().Version
		}
		if got != w.Expected {
			return &ConflictError{Case: w.Case.ID, Want: w.Expected, Got: got}
		}
		// The reference store holds callers to the contract a store that
		// writes only what changed relies on.
		if ok && !reflect.DeepEqual(m.c.Load(), w.Before) {
			return fmt.Errorf("workflow: case %s: the write's Before is not the case as stored at version %d: pass the case as the store gave it, unchanged, and change a clone", w.Case.ID, w.Expected)
		}
	}
	for _, g := range b.Guards {
		var got int64
		if k, ok := s.keys[g.Key]; ok {
			got = k.version
		}
		if got != g.Version {
			return &ConflictError{Case: g.Key, Want: g.Version, Got: got}
		}
	}
	for i, c := range cases {
		m, ok := s.cases[c.ID]
		if !ok {
			m = &memCase{}
			s.cases[c.ID] = m
			s.all = append(s.all, m)
		}
		s.refile(m.c.Load(), c)
		m.c.Store(c)
		m.events = append(m.events, events[i]...)
	}
	return nil
}

// refile files case c under its keys instead of those of prev, its
// stored snapshot (nil for a new case), and raises the versions of
// [RaisedKeys] by one.
func (s *MemoryStore) refile(prev, c *Case) {
	if prev != nil {
		for _, name := range prev.Keys() {
			delete(s.keys[name].ids, c.ID)
		}
	}
	for _, name := range c.Keys() {
		k, ok := s.keys[name]
		if !ok {
			k = &memKey{ids: map[string]bool{}}
			s.keys[name] = k
		}
		k.ids[c.ID] = true
	}
	for _, name := range RaisedKeys(prev, c) {
		if _, ok := s.keys[name]; !ok {
			s.keys[name] = &memKey{ids: map[string]bool{}}
		}
		s.keys[name].version++
	}
}

// cloneEvent returns a copy of ev that shares no memory with it: its
// arguments (IDs, codes, flags and counts) and its decision are copied.
func cloneEvent(ev Event) Event {
	ev.Args = maps.Clone(ev.Args)
	if ev.Decision != nil {
		ev.Decision = cloneDecision(ev.Decision)
	}
	return ev
}

// cloneDecision deep-copies a decision.
func cloneDecision(d *rules.Decision) *rules.Decision {
	cp := *d
	cp.Rules, cp.Params = slices.Clone(d.Rules), slices.Clone(d.Params)
	return &cp
}
