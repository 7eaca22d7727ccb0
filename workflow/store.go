package workflow

import (
	"context"
	"errors"
)

// ErrNotFound is returned for a case that does not exist.
var ErrNotFound = errors.New("workflow: no such case")

// Store keeps cases, their histories and the index that counts workers'
// loads. Implementations must be safe for concurrent use. Commit is the only
// write, and it is all or nothing: a store never writes part of a batch.
//
// The package's [MemoryStore] is the default; workflow/storetest checks any
// implementation against this contract.
type Store interface {
	// Get returns a copy of the case with its version, or ErrNotFound.
	Get(ctx context.Context, id string) (*Case, error)
	// Events returns a case's history in order, or ErrNotFound.
	Events(ctx context.Context, id string) ([]Event, error)
	// Index returns copies of the cases filed under key (see [Case.Keys])
	// and the key's version. A key nothing was ever filed under has no
	// cases and version 0.
	Index(ctx context.Context, key string) ([]*Case, int64, error)
	// Commit applies a batch atomically. Every write's case must be at its
	// Expected version (0: the case must not exist) and every guard key at
	// its version, else nothing is written and the error wraps
	// ErrConflict. On success each written case's Version is Expected+1,
	// its events are appended, its index entries follow its Keys, and the
	// version of every key it was or is filed under goes up by one.
	Commit(ctx context.Context, b Batch) error
}

// Scanner is implemented by stores that can visit every case, for
// calendars and reports over a whole caseload.
type Scanner interface {
	// Scan calls fn with a copy of each case, in no particular order,
	// until fn returns an error, which Scan returns.
	Scan(ctx context.Context, fn func(*Case) error) error
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
