package workflow

import (
	"maps"
	"slices"

	"github.com/asysta/asysta/rules"
)

// The memory store's histories. A history only grows, and a store holds
// every case's, so they are most of its memory: each event is kept as a
// memEvent, which holds no pointer. The garbage collector never scans the
// histories, and appending copies a few words. The strings an event
// names (states, trigger, actor, cause, revision) are kept once in the
// store's symbol table, its arguments in a table of argument maps, and its
// decision's rules and parameters in a table of decisions; the event
// holds their numbers.

// memEvent is a stored event, without what its case gives (the case's ID
// and lifecycle). Its decision is folded in: an accepted transition's
// decision repeats the event's trigger, date and revision, so only its
// rules and parameters are kept; a decision that does not (one a caller of
// Commit made up) is kept whole.
type memEvent struct {
	seq  int64
	on   rules.Date
	from sym
	to   sym
	trig sym
	who  sym // the actor's ID
	role sym
	// cause and rev are the event's Cause and Revision.
	cause sym
	rev   sym
	args  uint32 // 1 + the index in history.args; 0 for none
	dec   uint32 // 1 + the index in history.decs; 0 for none
}

// sym is a string's number in the store's symbol table; 0 is "".
type sym uint32

// history holds what stored events refer to. It is changed only under the
// store's write lock, and only grows.
type history struct {
	strs   []string       // by sym; strs[0] is ""
	syms   map[string]sym // the reverse
	recent [8]string      // the last string seen in each of an event's slots, by slot
	recSym [8]sym         // … and its number

	args   []Args             // argument maps, never a caller's
	shared map[argsKey]uint32 // small maps by content, to store each once
	last   argsKey            // the small map stored or found last …
	lastN  uint32             // … and its number

	decs []memDecision
	// lastDec holds, by trigger, the decision stored last for it: the next
	// one is mostly the same (every guard passed, the same parameters) and
	// is then not stored again.
	lastDec map[string]uint32
}

// memDecision is a stored decision: the rules and parameters of one
// implied by its event, or a whole other one.
type memDecision struct {
	rules  []rules.RuleResult
	params []rules.ParamUse
	other  *rules.Decision
}

// same reports whether m holds d's rules and parameters (and m is not a
// whole other decision).
func (m *memDecision) same(d *rules.Decision) bool {
	if m.other != nil || (m.rules == nil) != (d.Rules == nil) || (m.params == nil) != (d.Params == nil) ||
		!slices.Equal(m.rules, d.Rules) || len(m.params) != len(d.Params) {
		return false
	}
	for i, p := range m.params {
		q := d.Params[i]
		if p.ID != q.ID || p.Source != q.Source || p.Basis != q.Basis || !sameValue(p.Value, q.Value) {
			return false
		}
	}
	return true
}

// sameValue compares two parameter values, which are ints and bools; any
// other kind of value counts as different (== could panic on it).
func sameValue(a, b any) bool {
	switch a.(type) {
	case int, bool, string, float64:
		return a == b
	}
	return false
}

// argsKey is the content of an Args map of at most maxKeyArgs arguments,
// each a string, bool or int, in order of name.
type argsKey struct {
	n     int
	names [maxKeyArgs]string
	vals  [maxKeyArgs]any
}

const maxKeyArgs = 4

// keyOf returns a's key, or false when a is too large or holds another
// kind of value.
func keyOf(a Args) (argsKey, bool) {
	var k argsKey
	if len(a) > maxKeyArgs {
		return k, false
	}
	for name, v := range a {
		switch v.(type) {
		case string, bool, int:
		default:
			return k, false
		}
		i := k.n // insertion in order of name
		for i > 0 && k.names[i-1] > name {
			k.names[i], k.vals[i] = k.names[i-1], k.vals[i-1]
			i--
		}
		k.names[i], k.vals[i] = name, v
		k.n++
	}
	return k, true
}

// holds reports whether a holds exactly k's arguments. It does not iterate
// over a: a lookup per name. (k's values are strings, bools and ints, so
// == cannot panic.)
func (k *argsKey) holds(a Args) bool {
	if len(a) != k.n {
		return false
	}
	for i := range k.n {
		if v, ok := a[k.names[i]]; !ok || v != k.vals[i] {
			return false
		}
	}
	return true
}

// maxSharedArgs bounds the table of shared argument maps.
const maxSharedArgs = 4096

// sym returns s's number, giving it one if it has none. slot names the
// event field: consecutive events mostly repeat their revision, actor and
// trigger, which are then found without a map lookup.
func (h *history) sym(slot int, s string) sym {
	if h.syms == nil {
		h.syms, h.strs = map[string]sym{}, []string{""}
	}
	if h.recent[slot] == s {
		return h.recSym[slot] // "" is 0, as recent starts out
	}
	n, ok := h.syms[s]
	if !ok {
		n = sym(len(h.strs))
		h.strs = append(h.strs, s)
		h.syms[s] = n
	}
	h.recent[slot], h.recSym[slot] = s, n
	return n
}

// storedArgs stores a copy of a and returns its number: one already stored
// when a small map of the same arguments was stored before.
func (h *history) storedArgs(a Args) uint32 {
	if a == nil {
		return 0
	}
	if h.lastN > 0 && h.last.holds(a) {
		return h.lastN // the map stored last again
	}
	k, shareable := keyOf(a)
	if shareable {
		if n, ok := h.shared[k]; ok {
			h.last, h.lastN = k, n
			return n
		}
	}
	h.args = append(h.args, maps.Clone(a))
	n := uint32(len(h.args))
	if shareable && len(h.shared) < maxSharedArgs {
		if h.shared == nil {
			h.shared = map[argsKey]uint32{}
		}
		h.shared[k] = n
		h.last, h.lastN = k, n
	}
	return n
}

// storedDecision stores a copy of ev's decision, an event of a case of
// lifecycle l, and returns its number.
func (h *history) storedDecision(l rules.Lifecycle, ev *Event) uint32 {
	d := ev.Decision
	if d == nil {
		return 0
	}
	if len(h.decs) == 0 {
		// The implied decisions with no rules and no parameters, shared:
		// decs[i] has rules non-nil if i&2, params if i&1.
		h.decs = []memDecision{{}, {params: []rules.ParamUse{}}, {rules: []rules.RuleResult{}},
			{rules: []rules.RuleResult{}, params: []rules.ParamUse{}}}
	}
	switch {
	case !d.Allowed || d.Trigger != (rules.Trigger{Lifecycle: l, Name: ev.Trigger}) || d.On != ev.On || d.Revision != ev.Revision:
		h.decs = append(h.decs, memDecision{other: cloneDecision(d)})
	case len(d.Rules) == 0 && len(d.Params) == 0:
		i := uint32(0)
		if d.Rules != nil {
			i |= 2
		}
		if d.Params != nil {
			i |= 1
		}
		return 1 + i
	default:
		if n := h.lastDec[ev.Trigger]; n > 0 && h.decs[n-1].same(d) {
			return n
		}
		h.decs = append(h.decs, memDecision{rules: slices.Clone(d.Rules), params: slices.Clone(d.Params)})
		if h.lastDec == nil {
			h.lastDec = map[string]uint32{}
		}
		h.lastDec[ev.Trigger] = uint32(len(h.decs))
	}
	return uint32(len(h.decs))
}

// event is the stored form of ev, an event of case c (its Seq is set by
// the caller).
func (h *history) event(c *Case, ev *Event) memEvent {
	return memEvent{on: ev.On,
		from: h.sym(0, string(ev.From)), to: h.sym(1, string(ev.To)), trig: h.sym(2, ev.Trigger),
		who: h.sym(3, ev.Actor.ID), role: h.sym(4, string(ev.Actor.Role)), cause: h.sym(5, ev.Cause), rev: h.sym(6, ev.Revision),
		args: h.storedArgs(ev.Args), dec: h.storedDecision(c.Lifecycle, ev)}
}

// rebuild returns the stored event m of case c. With deep, its Args and
// decision are copies of the caller's own; without, Args are the store's
// (not to be changed) and the decision is left out (replay needs none).
func (h *history) rebuild(c *Case, m *memEvent, deep bool) Event {
	ev := Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: m.seq, From: State(h.strs[m.from]), To: State(h.strs[m.to]),
		Trigger: h.strs[m.trig], Actor: Actor{ID: h.strs[m.who], Role: Role(h.strs[m.role])}, On: m.on,
		Cause: h.strs[m.cause], Revision: h.strs[m.rev]}
	if m.args > 0 {
		ev.Args = h.args[m.args-1]
	}
	if !deep {
		return ev
	}
	ev.Args = maps.Clone(ev.Args)
	if m.dec == 0 {
		return ev
	}
	d := h.decs[m.dec-1]
	if d.other != nil {
		ev.Decision = cloneDecision(d.other)
		return ev
	}
	ev.Decision = &rules.Decision{Trigger: rules.Trigger{Lifecycle: c.Lifecycle, Name: ev.Trigger}, On: m.on,
		Revision: ev.Revision, Allowed: true, Rules: slices.Clone(d.rules), Params: slices.Clone(d.params)}
	return ev
}

// eventLog is a case's history in chunks of at most eventChunk events, so
// that appending never copies the events already stored.
type eventLog struct {
	full [][]memEvent // full chunks, in order
	tail []memEvent   // the last chunk, growing up to eventChunk
}

const eventChunk = 64

func (l *eventLog) append(ev memEvent) {
	if len(l.tail) == eventChunk {
		l.full = append(l.full, l.tail)
		// A case's first chunk grows as needed (most cases have a few
		// events); later ones are allocated whole.
		l.tail = make([]memEvent, 0, eventChunk)
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
