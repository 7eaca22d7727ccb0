package rules

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Live holds the rule set currently in force for a list of configuration
// files and swaps in a new revision atomically when they are reloaded.
// Readers call [Live.RuleSet] for each unit of work and keep using the
// RuleSet they got: a reload never changes a RuleSet already handed out.
// Live is safe for concurrent use.
type Live struct {
	paths []string
	cur   atomic.Pointer[RuleSet]
	mu    sync.Mutex // serialises reloads
}

// OpenLive loads the files (none: the statute alone) and returns a Live
// holding the result.
func OpenLive(paths ...string) (*Live, error) {
	rs, err := LoadFiles(paths...)
	if err != nil {
		return nil, err
	}
	l := &Live{paths: slices.Clone(paths)}
	l.cur.Store(rs)
	return l, nil
}

// RuleSet returns the rule set in force now.
func (l *Live) RuleSet() *RuleSet { return l.cur.Load() }

// Reload reads the files again. On success the new rule set replaces the
// old one and changed reports whether the revision differs; on failure the
// old one stays in force and err lists every problem.
func (l *Live) Reload() (changed bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rs, err := LoadFiles(l.paths...)
	if err != nil {
		return false, err
	}
	old := l.cur.Swap(rs)
	return old.Revision() != rs.Revision(), nil
}
