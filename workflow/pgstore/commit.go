package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
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

// Commit implements [workflow.Store]. It first refuses, naming the case
// and the field but not the value, a batch holding a NUL character or
// invalid UTF-8 in any text, or a date outside years 1000–9999 (see the
// package documentation). It runs the batch in one READ COMMITTED
// transaction, writing the cases in order of ID:
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
	if err := s.ready(ctx); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := s.commitOnce(ctx, p)
		if !retryable(err) {
			return err
		}
		if attempt == commitAttempts {
			return s.exhausted(ctx, p, attempt, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * time.Duration(1+rand.IntN(5)) * time.Millisecond):
		}
	}
}

// exhausted returns the error of a batch whose every attempt PostgreSQL
// aborted with err: a conflict on the first of its cases, then of its
// guard keys, whose version is now not the one expected, as read after
// the last attempt; or, when none is (the transaction that got in the way
// did not commit, or the versions could not be read), on the first case or
// guard key with the version found equal to the one expected.
func (s *Store) exhausted(ctx context.Context, p *prepared, attempts int, err error) error {
	type subject struct {
		name      string
		want      int64
		versionOf map[string]int64
	}
	cases, keys := map[string]int64{}, map[string]int64{}
	var subjects []subject
	for _, pw := range p.writes { // in order of ID
		subjects = append(subjects, subject{pw.w.Case.ID, pw.w.Expected, cases})
	}
	for _, k := range slices.Sorted(maps.Keys(p.guards)) {
		subjects = append(subjects, subject{k, p.guards[k], keys})
	}
	if len(subjects) == 0 {
		return fmt.Errorf("pgstore: commit: PostgreSQL aborted the transaction %d times: %w", attempts, err)
	}
	read := func(q string, arg []string, into map[string]int64) bool {
		rows, err := s.pool.Query(ctx, q, arg)
		if err != nil {
			return false
		}
		var name string
		var v int64
		_, err = pgx.ForEachRow(rows, []any{&name, &v}, func() error { into[name] = v; return nil })
		return err == nil
	}
	known := read(`SELECT id, version FROM cases WHERE id = ANY($1::text[])`, p.ids, cases) &&
		read(`SELECT key, version FROM index_keys WHERE key = ANY($1::text[])`, slices.Collect(maps.Keys(p.guards)), keys)
	ce := &workflow.ConflictError{Case: subjects[0].name, Want: subjects[0].want, Got: subjects[0].want}
	for _, sj := range subjects {
		if got := sj.versionOf[sj.name]; known && got != sj.want {
			ce = &workflow.ConflictError{Case: sj.name, Want: sj.want, Got: got}
			break
		}
	}
	return fmt.Errorf("pgstore: commit: PostgreSQL aborted the transaction %d times as a deadlock or serialization failure (%w); the last: %w",
		attempts, ce, err)
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
		}
		if err := checkID("a case ID", w.Case.ID); err != nil {
			return nil, err
		}
		switch {
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
		for _, k := range pw.keys {
			if workflow.VersionedKey(k) {
				p.lockKeys = append(p.lockKeys, k)
			}
		}
	}
	for _, g := range b.Guards {
		if err := checkID("a guarded index key", g.Key); err != nil {
			return nil, err
		}
		if err := workflow.GuardableKey(g.Key); err != nil {
			return nil, err
		}
		if v, ok := p.guards[g.Key]; ok && v != g.Version {
			// One batch guarding a key at two versions cannot hold.
			return nil, &workflow.ConflictError{Case: g.Key, Want: g.Version, Got: v}
		}
		p.guards[g.Key] = g.Version
		p.lockKeys = append(p.lockKeys, g.Key)
	}
	// Written in order of ID, as the rows are locked: two batches that
	// create the same new cases then insert them in one order, and the
	// second waits for the first instead of each waiting for the other.
	slices.SortFunc(p.writes, func(a, b preparedWrite) int { return strings.Compare(a.w.Case.ID, b.w.Case.ID) })
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
		return preparedWrite{}, fmt.Errorf("pgstore: case %s: snapshot: %w", c.ID, err)
	}
	if p := checkValue(reflect.ValueOf(c)); p != nil {
		return preparedWrite{}, p.err(c.ID, "snapshot")
	}
	pw := preparedWrite{w: w, keys: slices.Sorted(slices.Values(c.Keys())), snapshot: snap}
	pw.keys = slices.Compact(pw.keys)
	if pw.keys == nil {
		pw.keys = []string{} // an empty array, not NULL
	}
	for _, k := range pw.keys {
		if err := checkID("an index key of case "+c.ID, k); err != nil {
			return preparedWrite{}, err
		}
	}
	for i, ev := range w.Events {
		ev.Seq = w.Expected + int64(i) + 1
		raw, err := encodeEvent(ev)
		if err != nil {
			return preparedWrite{}, fmt.Errorf("pgstore: case %s: event: %w", c.ID, err)
		}
		if p := checkValue(reflect.ValueOf(&ev)); p != nil {
			return preparedWrite{}, p.err(c.ID, "event")
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
	if k := workflow.WorkerKey(c); k != "" {
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
	// Round trip 2: every write. The results are read one by one, so an
	// error is known to be of its case's statements.
	var wb pgx.Batch
	var qs []queued
	bumps := map[string]int64{}
	for i := range p.writes {
		qs = queueWrite(&wb, qs, &p.writes[i], cases, bumps)
	}
	if len(bumps) > 0 {
		keys := slices.Sorted(maps.Keys(bumps))
		ns := make([]int64, len(keys))
		for i, k := range keys {
			ns[i] = bumps[k]
		}
		wb.Queue(`UPDATE index_keys AS k SET version = k.version + d.n
			FROM unnest($1::text[], $2::bigint[]) AS d(key, n) WHERE k.key = d.key`, keys, ns)
		qs = append(qs, queued{})
	}
	wr := tx.SendBatch(ctx, &wb)
	for _, q := range qs {
		tag, err := wr.Exec()
		if err == nil && q.newCase && tag.RowsAffected() != 1 {
			// Another transaction inserted the case since it was locked.
			_ = wr.Close()
			return &workflow.ConflictError{Case: q.pw.w.Case.ID, Want: q.pw.w.Expected, Got: q.pw.w.Expected + 1}
		}
		if err != nil {
			_ = wr.Close()
			return writeError(err, q)
		}
	}
	if err := wr.Close(); err != nil {
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

// queued is what a statement of a commit's second round trip writes.
type queued struct {
	pw      *preparedWrite // nil: the key versions
	newCase bool           // the insert of a new case, which must insert a row
}

// queueWrite queues the statements of one write and returns qs with one
// entry for each.
func queueWrite(b *pgx.Batch, qs []queued, pw *preparedWrite, cases map[string]current, bumps map[string]int64) []queued {
	n, added := b.Len(), 0
	c, id := pw.w.Case, pw.w.Case.ID
	old, exists := cases[id]
	version := pw.w.Expected + 1
	if !exists {
		b.Queue(`INSERT INTO cases (id, lifecycle, state, version, keys, snapshot) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (id) DO NOTHING`, id, string(c.Lifecycle), string(c.State), version, pw.keys, pw.snapshot)
		qs = append(qs, queued{pw: pw, newCase: true})
		added++
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
		if workflow.VersionedKey(k) {
			bumps[k]++
		}
	}
	if exists {
		b.Queue(`DELETE FROM obligations WHERE case_id = $1`, id)
	}
	if len(pw.obl.ids) > 0 {
		b.Queue(`INSERT INTO obligations (case_id, obligation, due, opened, rule, lifecycle, worker_key)
			SELECT $1, o, d, op, r, $6, $7 FROM unnest($2::text[], $3::date[], $4::date[], $5::text[]) AS x(o, d, op, r)`,
			id, pw.obl.ids, pw.obl.due, pw.obl.open, pw.obl.rules, string(c.Lifecycle), pw.obl.worker)
	}
	for range b.Len() - n - added {
		qs = append(qs, queued{pw: pw})
	}
	return qs
}

// writeError explains an error of a statement of q: a unique violation of
// the primary key of cases or events is a concurrent write of the case
// (the loss of a race to create it), a conflict; anything else is returned
// wrapped, with the case's ID.
func writeError(err error, q queued) error {
	if q.pw == nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	w := q.pw.w
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" && (pe.ConstraintName == "cases_pkey" || pe.ConstraintName == "events_pkey") {
		return &workflow.ConflictError{Case: w.Case.ID, Want: w.Expected, Got: w.Expected + 1}
	}
	return fmt.Errorf("pgstore: commit %s: %w", w.Case.ID, err)
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
