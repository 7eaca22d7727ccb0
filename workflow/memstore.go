package workflow

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// MemoryStore is the in-memory [Store] and [Scanner]: the default, and the
// reference the conformance suite (workflow/storetest) was written
// against. It is safe for concurrent use; a commit holds one lock, so
// batches are atomic and versions never skip.
type MemoryStore struct {
	mu     sync.RWMutex
	cases  map[string]*Case
	events map[string][]Event
	index  map[string]map[string]struct{}
	keys   map[string]int64
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{cases: map[string]*Case{}, events: map[string][]Event{},
		index: map[string]map[string]struct{}{}, keys: map[string]int64{}}
}

// Get implements [Store].
func (s *MemoryStore) Get(_ context.Context, id string) (*Case, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.cases[id]
	if !ok {
		return nil, ErrNotFound
	}
	return c.Clone(), nil
}

// Events implements [Store].
func (s *MemoryStore) Events(_ context.Context, id string) ([]Event, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.cases[id]; !ok {
		return nil, ErrNotFound
	}
	return cloneEvents(s.events[id]), nil
}

// Index implements [Store].
func (s *MemoryStore) Index(_ context.Context, key string) ([]*Case, int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.index[key]))
	for id := range s.index[key] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*Case, len(ids))
	for i, id := range ids {
		out[i] = s.cases[id].Clone()
	}
	return out, s.keys[key], nil
}

// Scan implements [Scanner]. fn runs without the store's lock held, on
// copies.
func (s *MemoryStore) Scan(ctx context.Context, fn func(*Case) error) error {
	s.mu.RLock()
	all := make([]*Case, 0, len(s.cases))
	for _, c := range s.cases {
		all = append(all, c.Clone())
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(b); err != nil {
		return err
	}
	for _, w := range b.Writes {
		s.write(w)
	}
	return nil
}

// validBatch refuses batches no store should accept.
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
		seen[w.Case.ID] = true
	}
	return nil
}

func (s *MemoryStore) check(b Batch) error {
	for _, w := range b.Writes {
		var got int64
		if c, ok := s.cases[w.Case.ID]; ok {
			got = c.Version
		}
		if got != w.Expected {
			return &ConflictError{Case: w.Case.ID, Want: w.Expected, Got: got}
		}
	}
	for _, g := range b.Guards {
		if got := s.keys[g.Key]; got != g.Version {
			return &ConflictError{Case: g.Key, Want: g.Version, Got: got}
		}
	}
	return nil
}

func (s *MemoryStore) write(w Write) {
	c := w.Case.Clone()
	c.Version = w.Expected + 1
	var oldKeys []string
	if old, ok := s.cases[c.ID]; ok {
		oldKeys = old.Keys()
	}
	newKeys := c.Keys()
	same := slices.Equal(oldKeys, newKeys)
	for _, k := range oldKeys {
		if !same {
			delete(s.index[k], c.ID)
		}
	}
	for _, k := range newKeys {
		if same {
			break
		}
		if s.index[k] == nil {
			s.index[k] = map[string]struct{}{}
		}
		s.index[k][c.ID] = struct{}{}
	}
	for _, k := range union(oldKeys, newKeys) {
		s.keys[k]++
	}
	s.cases[c.ID] = c
	for i, ev := range w.Events {
		ev = cloneEvent(ev)
		ev.Seq = w.Expected + int64(i) + 1
		s.events[c.ID] = append(s.events[c.ID], ev)
	}
}

// cloneEvents deep-copies events: their Args and Decision are shared with
// no caller, so that history cannot be changed through what Commit was
// given or Events returned.
func cloneEvents(evs []Event) []Event {
	out := make([]Event, len(evs))
	for i, ev := range evs {
		out[i] = cloneEvent(ev)
	}
	return out
}

func cloneEvent(ev Event) Event {
	ev.Args = maps.Clone(ev.Args)
	if ev.Decision != nil {
		d := *ev.Decision
		d.Rules, d.Params = slices.Clone(d.Rules), slices.Clone(d.Params)
		ev.Decision = &d
	}
	return ev
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// viewEvents calls fn with a shallow copy of the case's stored events
// (their Args and Decisions are shared with the store): fn must not change
// them. The store's lock is not held while fn runs.
func (s *MemoryStore) viewEvents(_ context.Context, id string, fn func([]Event) error) error {
	s.mu.RLock()
	if _, ok := s.cases[id]; !ok {
		s.mu.RUnlock()
		return ErrNotFound
	}
	evs := slices.Clone(s.events[id])
	s.mu.RUnlock()
	return fn(evs)
}
