package workflow

import (
	"context"
	"fmt"
	"maps"
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
	cases map[string]memCase
	index map[string]map[string]struct{}
	keys  map[string]int64
	// args holds the stored events' one-argument Args maps by content,
	// shared between the store's events (never with a caller: Events
	// copies them), so that a repeated argument is not stored again.
	args map[argsKey]Args
}

// argsKey is the content of a one-argument Args map.
type argsKey struct {
	name  string
	value any // a string, bool or int
}

// maxSharedArgs bounds the store's table of shared Args maps.
const maxSharedArgs = 4096

// storedArgs returns the store's own copy of a, shared when a has one
// argument seen before.
func (s *MemoryStore) storedArgs(a Args) Args {
	if len(a) != 1 {
		return maps.Clone(a)
	}
	var k argsKey
	for name, v := range a {
		switch v.(type) {
		case string, bool, int:
			k = argsKey{name, v}
		default:
			return maps.Clone(a)
		}
	}
	if m, ok := s.args[k]; ok {
		return m
	}
	m := maps.Clone(a)
	if len(s.args) < maxSharedArgs {
		if s.args == nil {
			s.args = map[argsKey]Args{}
		}
		s.args[k] = m
	}
	return m
}

// memCase is a stored snapshot, the index keys it is filed under and the
// case's history. The snapshot and keys are immutable once stored: a write
// replaces them, never changes them, so a snapshot may be read after the
// lock is released. The history only grows, under the lock.
type memCase struct {
	c    *Case
	keys []string
	log  *eventLog // the case's history
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{cases: map[string]memCase{},
		index: map[string]map[string]struct{}{}, keys: map[string]int64{}}
}

// shared returns the stored snapshot itself, or nil: the caller must not
// change it (clone it first).
func (s *MemoryStore) shared(id string) *Case {
	s.mu.RLock()
	m := s.cases[id]
	s.mu.RUnlock()
	return m.c
}

// sharedIndex is Index without the copies: the stored snapshots, which the
// caller must not change, in ID order.
func (s *MemoryStore) sharedIndex(key string) ([]*Case, int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.index[key]
	if len(ids) == 0 {
		return nil, s.keys[key]
	}
	out := make([]*Case, 0, len(ids))
	for id := range ids {
		out = append(out, s.cases[id].c)
	}
	if len(out) > 1 {
		slices.SortFunc(out, func(a, b *Case) int { return strings.Compare(a.ID, b.ID) })
	}
	return out, s.keys[key]
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
	l := m.log
	out := make([]Event, 0, l.len())
	l.each(func(ev *Event) { out = append(out, cloneEvent(*ev)) })
	return out, nil
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
		out[i] = s.cases[id].c.Clone()
	}
	return out, s.keys[key], nil
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
	if len(b.Writes) == 1 {
		w := b.Writes[0]
		switch {
		case w.Case == nil || w.Case.ID == "":
			return fmt.Errorf("workflow: a write without a case")
		case len(w.Events) > 1:
			return fmt.Errorf("workflow: case %s: a write carries at most one event (its version goes up by one)", w.Case.ID)
		}
		return nil
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
		seen[w.Case.ID] = true
	}
	return nil
}

func (s *MemoryStore) check(b Batch) error {
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
		if got := s.keys[g.Key]; got != g.Version {
			return &ConflictError{Case: g.Key, Want: g.Version, Got: got}
		}
	}
	return nil
}

func (s *MemoryStore) write(w Write) {
	c := w.Case.Clone()
	c.Version = w.Expected + 1
	old, existed := s.cases[c.ID]
	oldKeys := old.keys
	var newKeys []string
	if existed && sameKeys(old.c, c) {
		newKeys = oldKeys // the keys depend on nothing that changed
	} else {
		newKeys = c.Keys()
	}
	if slices.Equal(oldKeys, newKeys) {
		for _, k := range newKeys {
			s.keys[k]++
		}
	} else {
		for _, k := range oldKeys {
			delete(s.index[k], c.ID)
		}
		for _, k := range newKeys {
			if s.index[k] == nil {
				s.index[k] = map[string]struct{}{}
			}
			s.index[k][c.ID] = struct{}{}
		}
		for _, k := range union(oldKeys, newKeys) {
			s.keys[k]++
		}
	}
	l := old.log
	if l == nil {
		l = &eventLog{}
	}
	s.cases[c.ID] = memCase{c: c, keys: newKeys, log: l}
	for i, ev := range w.Events {
		ev.Args = s.storedArgs(ev.Args)
		if ev.Decision != nil {
			ev.Decision = l.decision(ev.Decision)
		}
		ev.Seq = w.Expected + int64(i) + 1
		l.append(ev)
	}
}

// eventLog is a case's history in chunks of at most eventChunk events, so
// that appending never copies the events already stored.
type eventLog struct {
	full [][]Event // full chunks, in order
	tail []Event   // the last chunk, growing up to eventChunk
	// decs holds the copies of the events' decisions, eventChunk to an
	// allocation (the events point into it).
	decs []rules.Decision
}

// decision returns the log's own deep copy of d.
func (l *eventLog) decision(d *rules.Decision) *rules.Decision {
	if len(l.decs) == cap(l.decs) {
		n := min(max(2*cap(l.decs), 1), eventChunk)
		l.decs = make([]rules.Decision, 0, n)
	}
	l.decs = append(l.decs, *d)
	out := &l.decs[len(l.decs)-1]
	out.Rules, out.Params = slices.Clone(d.Rules), slices.Clone(d.Params)
	return out
}

const eventChunk = 64

func (l *eventLog) append(ev Event) {
	if len(l.tail) == eventChunk {
		l.full = append(l.full, l.tail)
		l.tail = make([]Event, 0, eventChunk)
	}
	l.tail = append(l.tail, ev)
}

func (l *eventLog) len() int {
	if l == nil {
		return 0
	}
	return len(l.full)*eventChunk + len(l.tail)
}

func (l *eventLog) each(fn func(*Event)) {
	if l == nil {
		return
	}
	for _, ch := range l.full {
		for i := range ch {
			fn(&ch[i])
		}
	}
	for i := range l.tail {
		fn(&l.tail[i])
	}
}

// cloneEvent deep-copies an event: its Args and Decision are shared with
// no caller, so that history cannot be changed through what Commit was
// given or Events returned.
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
	m, ok := s.cases[id]
	if !ok {
		s.mu.RUnlock()
		return ErrNotFound
	}
	l := m.log
	evs := make([]Event, 0, l.len())
	l.each(func(ev *Event) { evs = append(evs, *ev) })
	s.mu.RUnlock()
	return fn(evs)
}
