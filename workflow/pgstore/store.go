package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/workflow"
)

// Store is a [workflow.Store] and [workflow.Scanner] on PostgreSQL. It is
// safe for concurrent use by many goroutines, and many Stores (one per
// instance of an OPS system, each with its own pool) may share one
// database: see the package documentation for the concurrency contract.
type Store struct {
	pool  *pgxpool.Pool
	owned bool // Open made the pool; Close closes it
	// schemaOK is set once the schema is found at [SchemaVersion].
	schemaOK atomic.Bool
}

var (
	_ workflow.Store   = (*Store)(nil)
	_ workflow.Scanner = (*Store)(nil)
)

// New returns a store over pool, whose schema [Migrate] has brought up to
// date. The caller keeps the pool: Close on the store leaves it open.
//
// The store checks the schema's version on first use: until it finds the
// schema at [SchemaVersion], every method fails with an error that says
// what to do: run Migrate (no schema, or an older one), or upgrade this
// instance (a schema migrated by a later release).
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// ready checks, until it once succeeds, that the schema is at
// SchemaVersion.
func (s *Store) ready(ctx context.Context) error {
	if s.schemaOK.Load() {
		return nil
	}
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "42P01": // undefined_table
		return errors.New("pgstore: the database has no asysta schema (no schema_migrations table in the search_path): run pgstore.Migrate")
	case err != nil:
		return fmt.Errorf("pgstore: schema version: %w", err)
	case v > SchemaVersion:
		return fmt.Errorf("pgstore: the database's schema is at version %d, newer than this release's %d: upgrade this instance", v, SchemaVersion)
	case v < SchemaVersion:
		return fmt.Errorf("pgstore: the database's schema is at version %d, older than this release's %d: run pgstore.Migrate", v, SchemaVersion)
	}
	s.schemaOK.Store(true)
	return nil
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string, with pgxpool's settings such as pool_max_conns),
// migrates its schema and returns a store that owns the pool: Close closes
// it.
func Open(ctx context.Context, url string) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	if err := Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, owned: true}
	s.schemaOK.Store(true) // Migrate refuses a newer schema
	return s, nil
}

// Close closes the pool if [Open] made it; a store from [New] leaves its
// pool to the caller.
func (s *Store) Close() {
	if s.owned {
		s.pool.Close()
	}
}

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Get implements [workflow.Store].
func (s *Store) Get(ctx context.Context, id string) (*workflow.Case, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	var version int64
	var snap []byte
	err := s.pool.QueryRow(ctx, `SELECT version, snapshot FROM cases WHERE id = $1`, id).Scan(&version, &snap)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, workflow.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: get %s: %w", id, err)
	}
	return decodeCase(id, version, snap)
}

// Events implements [workflow.Store]. The case and its history are read
// in one statement, so they agree.
func (s *Store) Events(ctx context.Context, id string) ([]workflow.Event, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT e.event FROM cases c LEFT JOIN events e ON e.case_id = c.id
		WHERE c.id = $1 ORDER BY e.seq`, id)
	if err != nil {
		return nil, fmt.Errorf("pgstore: events of %s: %w", id, err)
	}
	defer rows.Close()
	found := false
	var out []workflow.Event
	for rows.Next() {
		found = true
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("pgstore: events of %s: %w", id, err)
		}
		if raw == nil { // a case without events
			continue
		}
		ev, err := decodeEvent(raw)
		if err != nil {
			return nil, fmt.Errorf("pgstore: events of %s: %w", id, err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: events of %s: %w", id, err)
	}
	if !found {
		return nil, workflow.ErrNotFound
	}
	if out == nil {
		out = []workflow.Event{}
	}
	return out, nil
}

// Index implements [workflow.Store]. The key's version and the cases filed
// under it are read in one statement, so the version is never newer than
// the cases: a guard taken from it conflicts with any later change.
func (s *Store) Index(ctx context.Context, key string) ([]*workflow.Case, int64, error) {
	if err := s.ready(ctx); err != nil {
		return nil, 0, err
	}
	// One statement, so that the version and the cases agree: the key's
	// row (none for a key that is not versioned), then the cases, sorted
	// here in order of bytes.
	rows, err := s.pool.Query(ctx, `
		SELECT version, NULL, NULL, NULL::jsonb FROM index_keys WHERE key = $1 AND $2
		UNION ALL
		SELECT NULL, c.id, c.version, c.snapshot FROM index_entries e JOIN cases c ON c.id = e.case_id WHERE e.key = $1`,
		key, workflow.VersionedKey(key))
	if err != nil {
		return nil, 0, fmt.Errorf("pgstore: index %s: %w", key, err)
	}
	defer rows.Close()
	var version int64
	out := []*workflow.Case{}
	for rows.Next() {
		var kv, v *int64
		var id *string
		var snap []byte
		if err := rows.Scan(&kv, &id, &v, &snap); err != nil {
			return nil, 0, fmt.Errorf("pgstore: index %s: %w", key, err)
		}
		if id == nil {
			version = *kv
			continue
		}
		c, err := decodeCase(*id, *v, snap)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("pgstore: index %s: %w", key, err)
	}
	slices.SortFunc(out, func(a, b *workflow.Case) int { return strings.Compare(a.ID, b.ID) })
	return out, version, nil
}

// IndexMany implements [workflow.Store] in one statement over the index
// rows alone, decoding no snapshot: every key's entries as committed when
// it started.
func (s *Store) IndexMany(ctx context.Context, keys []string) (map[string][]workflow.Entry, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	out := make(map[string][]workflow.Entry, len(keys))
	for _, k := range keys {
		out[k] = []workflow.Entry{}
	}
	if len(keys) == 0 {
		return out, nil
	}
	// Sorted here, in order of bytes: PostgreSQL would sort by the
	// database's collation first, several times slower.
	rows, err := s.pool.Query(ctx, `SELECT key, case_id, state, za_zyciem, difficulty, form, coordinator
		FROM index_entries WHERE key = ANY($1::text[])`, keys)
	if err != nil {
		return nil, fmt.Errorf("pgstore: index of %d keys: %w", len(keys), err)
	}
	var key, state string
	var e workflow.Entry
	_, err = pgx.ForEachRow(rows, []any{&key, &e.Case, &state, &e.ZaZyciem, &e.Difficulty, &e.Form, &e.Coordinator}, func() error {
		e.State = workflow.State(state)
		out[key] = append(out[key], e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: index of %d keys: %w", len(keys), err)
	}
	for _, es := range out {
		slices.SortFunc(es, func(a, b workflow.Entry) int { return strings.Compare(a.Case, b.Case) })
	}
	return out, nil
}

// Tally implements [workflow.Store] in one statement over the index rows
// alone: every key's cases counted by state and 'Za życiem' flag as
// committed when it started.
func (s *Store) Tally(ctx context.Context, keys []string) (map[string][]workflow.Tally, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	out := make(map[string][]workflow.Tally, len(keys))
	for _, k := range keys {
		out[k] = []workflow.Tally{}
	}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT key, state, za_zyciem, count(*), sum(difficulty)
		FROM index_entries WHERE key = ANY($1::text[]) GROUP BY key, state, za_zyciem`, keys)
	if err != nil {
		return nil, fmt.Errorf("pgstore: tally of %d keys: %w", len(keys), err)
	}
	var key, state string
	var t workflow.Tally
	_, err = pgx.ForEachRow(rows, []any{&key, &state, &t.ZaZyciem, &t.Cases, &t.Difficulty}, func() error {
		t.State = workflow.State(state)
		t.Difficulty = workflow.RoundWeight(t.Difficulty) // whatever order PostgreSQL added them in
		out[key] = append(out[key], t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: tally of %d keys: %w", len(keys), err)
	}
	for _, ts := range out {
		workflow.SortTally(ts)
	}
	return out, nil
}

// scanPage is the number of cases Scan reads per statement.
const scanPage = 500

// Scan implements [workflow.Scanner]. It reads the cases in pages of a few
// hundred, in order of ID, and calls fn with no connection held, so fn may
// use the store. Each case is as committed when its page was read; the
// visit as a whole is not one snapshot of the database.
func (s *Store) Scan(ctx context.Context, fn func(*workflow.Case) error) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	after := ""
	for {
		page, err := s.scanPage(ctx, after)
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (s *Store) scanPage(ctx context.Context, after string) ([]*workflow.Case, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, version, snapshot FROM cases WHERE id > $1 ORDER BY id LIMIT $2`, after, scanPage)
	if err != nil {
		return nil, fmt.Errorf("pgstore: scan: %w", err)
	}
	defer rows.Close()
	var out []*workflow.Case
	for rows.Next() {
		var id string
		var v int64
		var snap []byte
		if err := rows.Scan(&id, &v, &snap); err != nil {
			return nil, fmt.Errorf("pgstore: scan: %w", err)
		}
		c, err := decodeCase(id, v, snap)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: scan: %w", err)
	}
	return out, nil
}

// decodeCase decodes a snapshot; the version column is authoritative.
func decodeCase(id string, version int64, snap []byte) (*workflow.Case, error) {
	var c workflow.Case
	if err := json.Unmarshal(snap, &c); err != nil {
		return nil, fmt.Errorf("pgstore: case %s: snapshot: %w", id, err)
	}
	c.Version = version
	return &c, nil
}
