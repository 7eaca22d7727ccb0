package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/asysta/asysta/workflow"
)

// commitAttempts bounds how often Commit runs a batch whose transaction
// PostgreSQL aborted as a serialization failure or a deadlock (SQLSTATE
// 40001, 40P01). Such an abort wrote nothing, and running the batch again
// repeats every version check, so a retry is safe; after the last attempt
// Commit reports a *workflow.ConflictError.
const commitAttempts = 4

// Commit implements [workflow.Store]. It runs the batch in one READ
// COMMITTED transaction:
//
//  1. it locks the rows of the cases written, in order of ID (SELECT … FOR
//     UPDATE), creates the rows of the guard keys and of the keys the new
//     snapshots file the cases under when they are missing (INSERT … ON
//     CONFLICT DO NOTHING), and locks those keys' rows and the rows of the
//     keys the cases are filed under now, in order of key;
//  2. it compares each case's version with its write's Expected (0: no
//     row) and each guard's version with the key's; any difference rolls
//     the transaction back and returns a *workflow.ConflictError;
//  3. it inserts or updates each snapshot, appends its event, refiles the
//     case's index entries, raises by one the version of every key the
//     case was or is filed under (once per write, as [workflow.MemoryStore]
//     does), and replaces the case's rows in the obligations table;
//  4. it commits.
//
// All of it is sent in three round trips. A new case whose ID another
// transaction inserts first conflicts; a transaction PostgreSQL aborts as
// a serialization failure or deadlock is run again, a bounded number of
// times, then reported as a conflict. Any other error (a lost connection,
// a cancelled context) is returned as it is: then nothing was written,
// except when the connection was lost while COMMIT itself was under way,
// where only reading the case again tells.
func (s *Store) Commit(ctx context.Context, b workflow.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := prepare(b)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := s.commitOnce(ctx, p)
		if !retryable(err) {
			return err
		}
		if attempt == commitAttempts {
			w := b.Writes[0]
			return fmt.Errorf("pgstore: commit %s: %w after %d attempts: %w", w.Case.ID,
				&workflow.ConflictError{Case: w.Case.ID, Want: w.Expected, Got: w.Expected}, attempt, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * time.Duration(1+rand.IntN(5)) * time.Millisecond):
		}
	}
}

// retryable reports a serialization failure or a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// prepared is a batch encoded for the database.
type prepared struct {
	writes []preparedWrite
	ids    []string // written cases, sorted
	guards map[string]int64
	// lockKeys are the guard keys and the keys the new snapshots are filed
	// under, sorted: their rows are created when missing.
	lockKeys []string
}

type preparedWrite struct {
	w        workflow.Write
	keys     []string // the new snapshot's, sorted
	snapshot []byte
	events   [][]byte
	obl      obligationRows
}

type obligationRows struct {
	ids, rules []string
	due, open  []pgtype.Date
	worker     pgtype.Text
}

func prepare(b workflow.Batch) (*prepared, error) {
	p := &prepared{ids: []string{}, guards: map[string]int64{}, lockKeys: []string{}}
	seen := map[string]bool{}
	for _, w := range b.Writes {
		switch {
		case w.Case == nil || w.Case.ID == "":
			return nil, errors.New("pgstore: a write without a case")
		case seen[w.Case.ID]:
			return nil, fmt.Errorf("pgstore: case %s is written twice in one batch", w.Case.ID)
		case len(w.Events) > 1:
			return nil, fmt.Errorf("pgstore: case %s: a write carries at most one event (its version goes up by one)", w.Case.ID)
		case len(w.Events) == 1 && (w.Events[0].Case != w.Case.ID || w.Events[0].Lifecycle != w.Case.Lifecycle):
			return nil, fmt.Errorf("pgstore: case %s: the write carries an event of %s %s", w.Case.ID, w.Events[0].Lifecycle, w.Events[0].Case)
		}
		seen[w.Case.ID] = true
		pw, err := prepareWrite(w)
		if err != nil {
			return nil, err
		}
		p.writes = append(p.writes, pw)
		p.ids = append(p.ids, w.Case.ID)
		p.lockKeys = append(p.lockKeys, pw.keys...)
	}
	for _, g := range b.Guards {
		if v, ok := p.guards[g.Key]; ok && v != g.Version {
			// One batch guarding a key at two versions cannot hold.
			return nil, &workflow.ConflictError{Case: g.Key, Want: g.Version, Got: v}
		}
		p.guards[g.Key] = g.Version
		p.lockKeys = append(p.lockKeys, g.Key)
	}
	slices.Sort(p.ids)
	slices.Sort(p.lockKeys)
	p.lockKeys = slices.Compact(p.lockKeys)
	return p, nil
}

func prepareWrite(w workflow.Write) (preparedWrite, error) {
	c := w.Case.Clone()
	c.Version = w.Expected + 1
	snap, err := json.Marshal(c)
	if err != nil {
		return preparedWrite{}, fmt.Errorf("pgstore: case %s: %w", c.ID, err)
	}
	pw := preparedWrite{w: w, keys: slices.Sorted(slices.Values(c.Keys())), snapshot: snap}
	pw.keys = slices.Compact(pw.keys)
	if pw.keys == nil {
		pw.keys = []string{} // an empty array, not NULL
	}
	for i, ev := range w.Events {
		ev.Seq = w.Expected + int64(i) + 1
		raw, err := json.Marshal(ev)
		if err != nil {
			return preparedWrite{}, fmt.Errorf("pgstore: case %s: event: %w", c.ID, err)
		}
		pw.events = append(pw.events, raw)
	}
	seen := map[string]bool{}
	for _, o := range c.Obligations {
		if seen[o.ID] {
			return preparedWrite{}, fmt.Errorf("pgstore: case %s has obligation %s twice", c.ID, o.ID)
		}
		seen[o.ID] = true
		pw.obl.ids = append(pw.obl.ids, o.ID)
		pw.obl.rules = append(pw.obl.rules, o.Rule)
		pw.obl.due = append(pw.obl.due, pgDate(o.Due))
		pw.obl.open = append(pw.obl.open, pgDate(o.Opened))
	}
	if k := WorkerKey(c); k != "" {
		pw.obl.worker = pgtype.Text{String: k, Valid: true}
	}
	return pw, nil
}

// lockCases locks the written cases' rows in order of ID and returns each
// one's version and keys.
const lockCases = `SELECT id, version, keys FROM cases WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`

// createKeys creates the rows of keys not yet known, at version 0.
const createKeys = `INSERT INTO index_keys (key, version)
	SELECT k, 0 FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT (key) DO NOTHING`

// lockKeys locks the rows of the given keys and of the keys the written
// cases are filed under now (their rows, locked by lockCases, are current
// in this statement), in order of key.
const lockKeys = `SELECT key, version FROM index_keys
	WHERE key = ANY($1::text[] || ARRAY(SELECT unnest(keys) FROM cases WHERE id = ANY($2::text[])))
	ORDER BY key FOR UPDATE`

type current struct {
	version int64
	keys    []string
}

func (s *Store) commitOnce(ctx context.Context, p *prepared) (err error) {
	// Round trip 1: begin, lock the cases, create and lock the keys.
	var lb pgx.Batch
	lb.BeginTx(pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	cases := map[string]current{}
	lb.Queue(lockCases, p.ids).Query(func(rows pgx.Rows) error { return scanCurrent(rows, cases) })
	lb.Queue(createKeys, p.lockKeys)
	keyVersions := map[string]int64{}
	lb.Queue(lockKeys, p.lockKeys, p.ids).Query(func(rows pgx.Rows) error {
		var k string
		var v int64
		_, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error { keyVersions[k] = v; return nil })
		return err
	})
	br := s.pool.SendBatch(ctx, &lb)
	tx := br.Tx()
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := br.Close(); err != nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	if err := check(p, cases, keyVersions); err != nil {
		return err
	}
	// Round trip 2: every write.
	var wb pgx.Batch
	bumps := map[string]int64{}
	for i := range p.writes {
		queueWrite(&wb, &p.writes[i], cases, bumps)
	}
	if len(bumps) > 0 {
		keys := slices.Sorted(maps.Keys(bumps))
		ns := make([]int64, len(keys))
		for i, k := range keys {
			ns[i] = bumps[k]
		}
		wb.Queue(`UPDATE index_keys AS k SET version = k.version + d.n
			FROM unnest($1::text[], $2::bigint[]) AS d(key, n) WHERE k.key = d.key`, keys, ns)
	}
	if err := tx.SendBatch(ctx, &wb).Close(); err != nil {
		if conflict := insertConflict(err, p); conflict != nil {
			return conflict
		}
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	// Round trip 3.
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	return nil
}

func scanCurrent(rows pgx.Rows, into map[string]current) error {
	var id string
	var v int64
	var keys []string
	_, err := pgx.ForEachRow(rows, []any{&id, &v, &keys}, func() error {
		into[id] = current{version: v, keys: slices.Clone(keys)}
		return nil
	})
	return err
}

// check compares the locked versions with the batch's expectations.
func check(p *prepared, cases map[string]current, keys map[string]int64) error {
	for _, pw := range p.writes {
		if got := cases[pw.w.Case.ID].version; got != pw.w.Expected {
			return &workflow.ConflictError{Case: pw.w.Case.ID, Want: pw.w.Expected, Got: got}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.guards)) {
		if got, want := keys[k], p.guards[k]; got != want {
			return &workflow.ConflictError{Case: k, Want: want, Got: got}
		}
	}
	return nil
}

// errCaseExists marks the insert of a new case whose ID another
// transaction has inserted since the case rows were locked.
type errCaseExists struct{ id string }

func (e errCaseExists) Error() string { return "pgstore: case " + e.id + " exists" }

func queueWrite(b *pgx.Batch, pw *preparedWrite, cases map[string]current, bumps map[string]int64) {
	c, id := pw.w.Case, pw.w.Case.ID
	old, exists := cases[id]
	version := pw.w.Expected + 1
	if !exists {
		b.Queue(`INSERT INTO cases (id, lifecycle, state, version, keys, snapshot) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (id) DO NOTHING`, id, string(c.Lifecycle), string(c.State), version, pw.keys, pw.snapshot).
			Exec(func(tag pgconn.CommandTag) error {
				if tag.RowsAffected() != 1 {
					return errCaseExists{id}
				}
				return nil
			})
	} else {
		b.Queue(`UPDATE cases SET lifecycle = $2, state = $3, version = $4, keys = $5, snapshot = $6 WHERE id = $1`,
			id, string(c.Lifecycle), string(c.State), version, pw.keys, pw.snapshot)
	}
	for i, ev := range pw.events {
		b.Queue(`INSERT INTO events (case_id, seq, event) VALUES ($1, $2, $3)`, id, pw.w.Expected+int64(i)+1, ev)
	}
	if !slices.Equal(old.keys, pw.keys) {
		if exists && len(old.keys) > 0 {
			b.Queue(`DELETE FROM index_entries WHERE case_id = $1`, id)
		}
		if len(pw.keys) > 0 {
			b.Queue(`INSERT INTO index_entries (key, case_id) SELECT k, $2 FROM unnest($1::text[]) AS k`, pw.keys, id)
		}
	}
	for _, k := range union(old.keys, pw.keys) {
		bumps[k]++
	}
	if exists {
		b.Queue(`DELETE FROM obligations WHERE case_id = $1`, id)
	}
	if len(pw.obl.ids) > 0 {
		b.Queue(`INSERT INTO obligations (case_id, obligation, due, opened, rule, lifecycle, worker_key)
			SELECT $1, o, d, op, r, $6, $7 FROM unnest($2::text[], $3::date[], $4::date[], $5::text[]) AS x(o, d, op, r)`,
			id, pw.obl.ids, pw.obl.due, pw.obl.open, pw.obl.rules, string(c.Lifecycle), pw.obl.worker)
	}
}

// insertConflict turns the loss of a race to create a case into a
// conflict: the case row exists (found by the insert, or as a duplicate
// key of its events).
func insertConflict(err error, p *prepared) error {
	var ce errCaseExists
	if errors.As(err, &ce) {
		for _, pw := range p.writes {
			if pw.w.Case.ID == ce.id {
				return &workflow.ConflictError{Case: ce.id, Want: pw.w.Expected, Got: pw.w.Expected + 1}
			}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" && len(p.writes) > 0 { // unique_violation
		w := p.writes[0].w
		return &workflow.ConflictError{Case: w.Case.ID, Want: w.Expected, Got: w.Expected + 1}
	}
	return nil
}

// union returns the keys of a and b, each once.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, k := range b {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
