package workflow

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/asysta/asysta/rules"
)

// MemoryStore is the in-memory [Store] and [Scanner]: the default, and the
// reference implementation the conformance suite (workflow/storetest)
// checks. It keeps a map of cases, each with its history, and an index of
// key → case IDs with the key's version, under one lock.
//
// What goes in and what comes out are deep copies: a caller never shares
// memory with the store, so changing a case or an event it passed to
// Commit, or got from Get, Events, Index or Scan, changes nothing stored.
//
// Commit holds the write lock for the check and the write only (the copies
// are made before). Get, Events and Index hold the read lock while they
// copy what they return; Scan holds it for one case at a time, so that a
// calendar over the whole caseload never keeps a writer waiting longer
// than the copy of one case.
type MemoryStore struct {
	mu    sync.RWMutex
	cases map[string]*memCase
	keys  map[string]*memKey
}

// memCase is a stored case: its latest snapshot and its history.
type memCase struct {
	c      *Case
	events []Event
}

// memKey is an index key: the cases filed under it and its version, which
// goes up by one with every write of a case that was or is filed under it.
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
	out := make([]Event, len(m.events))
	for i, ev := range m.events {
		out[i] = cloneEvent(ev)
	}
	return out, nil
}

// Index implements [Store]. The cases come in order of ID, as they were
// when the key had the version returned.
func (s *MemoryStore) Index(_ context.Context, key string) ([]*Case, int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []*Case{}
	k, ok := s.keys[key]
	if !ok {
		return out, 0, nil
	}
	for _, id := range slices.Sorted(maps.Keys(k.ids)) {
		out = append(out, s.cases[id].c.Clone())
	}
	return out, k.version, nil
}

// Scan implements [Scanner]. It lists the IDs of the cases under the read
// lock, then copies the cases one by one, each under a short read lock,
// and calls fn with no lock held. Each case is as it was at some moment
// during the scan, but the scan is not a snapshot of the whole store:
// cases written while it runs may be seen before or after the write, and
// cases created after the IDs were listed are not seen.
func (s *MemoryStore) Scan(ctx context.Context, fn func(*Case) error) error {
	s.mu.RLock()
	ids := slices.Collect(maps.Keys(s.cases))
	s.mu.RUnlock()
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := s.Get(ctx, id) // cases are never removed: it is there
		if err != nil {
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
		if m, ok := s.cases[w.Case.ID]; ok {
			got = m.c.Version
		}
		if got != w.Expected {
			return &ConflictError{Case: w.Case.ID, Want: w.Expected, Got: got}
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
		}
		var old []string
		if m.c != nil {
			old = m.c.Keys()
		}
		s.refile(c.ID, old, c.Keys())
		m.c = c
		m.events = append(m.events, events[i]...)
	}
	return nil
}

// refile files the case id under the keys it now has instead of the old
// ones, and raises the version of every key either lists by one.
func (s *MemoryStore) refile(id string, old, now []string) {
	for _, name := range old {
		delete(s.keys[name].ids, id)
	}
	for _, name := range now {
		k, ok := s.keys[name]
		if !ok {
			k = &memKey{ids: map[string]bool{}}
			s.keys[name] = k
		}
		k.ids[id] = true
	}
	for _, name := range old {
		if !slices.Contains(now, name) {
			s.keys[name].version++
		}
	}
	for _, name := range now {
		s.keys[name].version++
	}
}

// validBatch refuses batches no store should accept: a write without a
// case, a case written twice, a write with more than one event, an event
// of another case.
func validBatch(b Batch) error {
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
