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
	keys  map[string]*memKey // index keys, created on first use and kept
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
	return &MemoryStore{cases: map[string]memCase{}, keys: map[string]*memKey{}}
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
	m := s.cases[id]
	s.mu.RUnlock()
	return m.c
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
	m.log.each(func(ev *memEvent) { out = append(out, ev.event(m.c, true, true)) })
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(b); err != nil {
		return err
	}
	for _, w := range b.Writes {
		s.write(w, b.owned)
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
		if got := s.version(g.Key); got != g.Version {
			return &ConflictError{Case: g.Key, Want: g.Version, Got: got}
		}
	}
	return nil
}

// write stores w. When owned, w.Case is the engine's, which will never
// change it again: it becomes the snapshot itself (its Version already
// set).
func (s *MemoryStore) write(w Write, owned bool) {
	c := w.Case
	if !owned {
		c = c.Clone()
		c.Version = w.Expected + 1
	}
	old, existed := s.cases[c.ID]
	keys := old.keys
	if existed && sameKeys(old.c, c) {
		// The keys depend on nothing that changed: the case is filed as it
		// was, and only the keys' versions go up.
		for _, k := range keys {
			k.version++
		}
	} else {
		keys = s.refile(c, old.keys)
	}
	l := old.log
	if l == nil {
		l = &eventLog{}
	}
	s.cases[c.ID] = memCase{c: c, keys: keys, log: l}
	for i := range w.Events {
		m := s.storedEvent(c, &w.Events[i])
		m.seq = w.Expected + int64(i) + 1
		l.append(m)
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

// eventLog is a case's history in chunks of at most eventChunk events, so
// that appending never copies the events already stored.
type eventLog struct {
	full [][]memEvent // full chunks, in order
	tail []memEvent   // the last chunk, growing up to eventChunk
}

const eventChunk = 64

// memEvent is a stored event, without what its case gives (the case's ID
// and lifecycle) and with its decision folded in: an accepted transition's
// decision repeats the event's trigger, date and revision, so only its
// rules and parameters are kept. A decision that does not (one a caller
// of Commit made up) is kept whole in other.
type memEvent struct {
	seq      int64
	from, to State
	trigger  string
	actor    Actor
	on       rules.Date
	args     Args
	cause    string
	revision string
	decided  bool // the event has a decision: rules and params, or other
	rules    []rules.RuleResult
	params   []rules.ParamUse
	other    *rules.Decision
}

// storedEvent is the store's own copy of ev, an event of case c.
func (s *MemoryStore) storedEvent(c *Case, ev *Event) memEvent {
	m := memEvent{seq: ev.Seq, from: ev.From, to: ev.To, trigger: ev.Trigger, actor: ev.Actor, on: ev.On,
		args: s.storedArgs(ev.Args), cause: ev.Cause, revision: ev.Revision}
	if d := ev.Decision; d != nil {
		m.decided = true
		if d.Allowed && d.Trigger == (rules.Trigger{Lifecycle: c.Lifecycle, Name: ev.Trigger}) && d.On == ev.On && d.Revision == ev.Revision {
			m.rules, m.params = slices.Clone(d.Rules), slices.Clone(d.Params)
		} else {
			m.other = cloneDecision(d)
		}
	}
	return m
}

// event rebuilds the stored event of case c. Its Args and decision are
// the store's own, and copied when deep; the decision is left out when
// not decisions.
func (m *memEvent) event(c *Case, deep, decisions bool) Event {
	ev := Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: m.seq, From: m.from, To: m.to, Trigger: m.trigger,
		Actor: m.actor, On: m.on, Args: m.args, Cause: m.cause, Revision: m.revision}
	if deep {
		ev.Args = maps.Clone(m.args)
	}
	switch {
	case !m.decided || !decisions:
	case m.other != nil:
		ev.Decision = cloneDecision(m.other)
	default:
		ev.Decision = &rules.Decision{Trigger: rules.Trigger{Lifecycle: c.Lifecycle, Name: m.trigger}, On: m.on,
			Revision: m.revision, Allowed: true, Rules: slices.Clone(m.rules), Params: slices.Clone(m.params)}
	}
	return ev
}

func (l *eventLog) append(ev memEvent) {
	if len(l.tail) == eventChunk {
		l.full = append(l.full, l.tail)
		l.tail = nil
	}
	if l.tail == nil {
		// A case's first chunk grows as needed: most cases have a few
		// events; later chunks are allocated whole.
		if len(l.full) > 0 {
			l.tail = make([]memEvent, 0, eventChunk)
		}
	}
	l.tail = append(l.tail, ev)
}

func (l *eventLog) len() int {
	if l == nil {
		return 0
	}
	return len(l.full)*eventChunk + len(l.tail)
}

func (l *eventLog) each(fn func(*memEvent)) {
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
	m.log.each(func(ev *memEvent) { evs = append(evs, ev.event(m.c, false, false)) })
	s.mu.RUnlock()
	return fn(evs)
}
