package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
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
// package documentation). It then sends the whole batch in one round
// trip, as a pipeline of statements that PostgreSQL runs as one implicit
// transaction (at the server's default isolation, READ COMMITTED unless
// configured otherwise):
//
//  1. the versioned keys ([workflow.VersionedKey]) the new snapshots are
//     filed under and the guard keys are created when missing, locked in
//     order of key and raised by one per write filed under them, and each
//     guard compared with the version before;
//  2. each case, in order of ID, in one statement: an existing one is
//     updated, which locks its row, and its version compared, under the
//     lock, with its write's Expected; a new one is inserted; its event is
//     appended; its index entries follow its keys (the versioned keys it
//     leaves go up by one) and its rows in the obligations table its open
//     obligations.
//
// A difference in step 1 or 2 fails the statement that finds it, and
// PostgreSQL rolls the whole batch back: Commit returns a
// *workflow.ConflictError naming the first such case or key. A new case
// whose ID another transaction inserts first conflicts; a transaction
// PostgreSQL aborts as a serialization failure or deadlock is run again, a
// bounded number of times, then reported as a conflict. A connection lost,
// or a context that ends, once the batch is sent wraps [ErrOutcomeUnknown]:
// the batch may have been written, or may yet be (a commit waiting for a
// lock runs when the lock is freed), and only reading the case again
// tells. Any other error is returned as it is, and nothing was written.
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
	// lockKeys are the keys the writes raise ([workflow.RaisedKeys]) and
	// the guard keys, sorted; newBumps[i] is how many writes raise
	// lockKeys[i] (0 for a key only guarded): the first statement
	// creates, locks and raises them at once.
	lockKeys []string
	newBumps []int64
}

// preparedWrite is one write encoded: what changed between its Before and
// its case, and nothing else, is written.
type preparedWrite struct {
	w        workflow.Write
	keys     []string // the new snapshot's, sorted
	snapshot []byte
	event    []byte // nil: no event
	// left and gained are the index keys the case leaves and enters;
	// entry is the case's [workflow.Entry], which its index rows hold,
	// rewritten in the rows it keeps when it changed (refile).
	left, gained []string
	entry        workflow.Entry
	refile       bool
	// obl are the obligations written (new or changed), closed those
	// removed.
	obl    obligationRows
	closed struct{ ids, refs []string }
}

type obligationRows struct {
	ids, refs, rules []string
	due, open        []pgtype.Date
	worker           pgtype.Text
}

func prepare(b workflow.Batch) (*prepared, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	p := &prepared{ids: []string{}, guards: map[string]int64{}, lockKeys: []string{}}
	counts := map[string]int64{}
	for _, w := range b.Writes {
		if err := checkID("a case ID", w.Case.ID); err != nil {
			return nil, err
		}
		pw, err := prepareWrite(w)
		if err != nil {
			return nil, err
		}
		p.writes = append(p.writes, pw)
		p.ids = append(p.ids, w.Case.ID)
		for _, k := range workflow.RaisedKeys(w.Before, w.Case) {
			counts[k]++
		}
	}
	for _, g := range b.Guards {
		if err := checkID("a guarded index key", g.Key); err != nil {
			return nil, err
		}
		if v, ok := p.guards[g.Key]; ok && v != g.Version {
			// One batch guarding a key at two versions cannot hold.
			return nil, &workflow.ConflictError{Case: g.Key, Want: g.Version, Got: v}
		}
		p.guards[g.Key] = g.Version
		if _, ok := counts[g.Key]; !ok {
			counts[g.Key] = 0
		}
	}
	// Written in order of ID, as the rows are locked: two batches that
	// create the same new cases then insert them in one order, and the
	// second waits for the first instead of each waiting for the other.
	slices.SortFunc(p.writes, func(a, b preparedWrite) int { return strings.Compare(a.w.Case.ID, b.w.Case.ID) })
	slices.Sort(p.ids)
	p.lockKeys = slices.Sorted(maps.Keys(counts))
	p.newBumps = make([]int64, len(p.lockKeys))
	for i, k := range p.lockKeys {
		p.newBumps[i] = counts[k]
	}
	return p, nil
}

func prepareWrite(w workflow.Write) (preparedWrite, error) {
	// A shallow copy: only the version differs, and nothing here changes
	// what the case points to.
	cv := *w.Case
	c := &cv
	c.Version = w.Expected + 1
	snap, err := json.Marshal(c)
	if err != nil {
		return preparedWrite{}, fmt.Errorf("pgstore: case %s: snapshot: %w", c.ID, err)
	}
	if p := check(c, snap); p != nil {
		return preparedWrite{}, p.err(c.ID, "snapshot")
	}
	pw := preparedWrite{w: w, keys: sortedKeys(c), snapshot: snap}
	for _, k := range pw.keys {
		if err := checkID("an index key of case "+c.ID, k); err != nil {
			return preparedWrite{}, err
		}
	}
	for _, ev := range w.Events {
		ev.Seq = w.Expected + 1
		raw, err := encodeEvent(ev)
		if err != nil {
			return preparedWrite{}, fmt.Errorf("pgstore: case %s: event: %w", c.ID, err)
		}
		if p := check(&ev, raw); p != nil {
			return preparedWrite{}, p.err(c.ID, "event")
		}
		pw.event = raw
	}
	// What the stored case (Before) had: its keys, its obligations and who
	// answered for them.
	var was []string
	wasObl := map[[2]string]workflow.Obligation{}
	wasWorker := ""
	if w.Before != nil {
		was = sortedKeys(w.Before)
		for _, o := range w.Before.Obligations {
			wasObl[[2]string{o.ID, o.Ref}] = o
		}
		wasWorker = workflow.WorkerKey(w.Before)
	}
	pw.entry = workflow.EntryOf(c)
	pw.refile = w.Before != nil && workflow.EntryOf(w.Before) != pw.entry
	for _, k := range was {
		if !slices.Contains(pw.keys, k) {
			pw.left = append(pw.left, k)
		}
	}
	for _, k := range pw.keys {
		if !slices.Contains(was, k) {
			pw.gained = append(pw.gained, k)
		}
	}
	worker := workflow.WorkerKey(c)
	if worker != "" {
		pw.obl.worker = pgtype.Text{String: worker, Valid: true}
	}
	seen := map[[2]string]bool{}
	for _, o := range c.Obligations {
		id := [2]string{o.ID, o.Ref}
		if seen[id] {
			return preparedWrite{}, fmt.Errorf("pgstore: case %s has obligation %s (ref %q) twice", c.ID, o.ID, o.Ref)
		}
		seen[id] = true
		if old, ok := wasObl[id]; ok && old == o && worker == wasWorker {
			continue // the row as it is
		}
		pw.obl.ids = append(pw.obl.ids, o.ID)
		pw.obl.refs = append(pw.obl.refs, o.Ref)
		pw.obl.rules = append(pw.obl.rules, o.Rule)
		pw.obl.due = append(pw.obl.due, pgDate(o.Due))
		pw.obl.open = append(pw.obl.open, pgDate(o.Opened))
	}
	for _, id := range slices.SortedFunc(maps.Keys(wasObl), func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) }) {
		if !seen[id] {
			pw.closed.ids = append(pw.closed.ids, id[0])
			pw.closed.refs = append(pw.closed.refs, id[1])
		}
	}
	return pw, nil
}

// sortedKeys returns c's index keys, sorted, each once.
func sortedKeys(c *workflow.Case) []string {
	keys := slices.Compact(slices.Sorted(slices.Values(c.Keys())))
	if keys == nil {
		keys = []string{} // an empty array, not NULL
	}
	return keys
}

// commitOnce sends the batch as one pipeline of statements, which
// PostgreSQL runs as one implicit transaction (one round trip, no BEGIN
// or COMMIT):
//
//  1. when the batch has guards or raises keys ([workflow.RaisedKeys]),
//     those keys created, locked in order of key and raised (a guard only
//     by 0), and the guards compared;
//  2. each case in order of ID: a new one inserted, an existing one
//     updated (which locks its row) and its version compared under the
//     lock; its event appended; then only what differs from its Before:
//     the index entries of the keys it leaves and enters (and those of
//     the keys it keeps when its [workflow.Entry] changed), the
//     obligations closed deleted, those opened or changed written.
//
// A difference raises SQLSTATE AX409 in the statement that finds it
// (function asysta_expect, migrations/0005_scale.sql), and the server
// skips the rest and rolls the transaction back. Every commit locks keys
// before cases, and each in order, so two commits never wait for each
// other in a cycle.
func (s *Store) commitOnce(ctx context.Context, p *prepared) error {
	var b pgx.Batch
	var qs []queued
	if len(p.lockKeys) > 0 {
		gk := slices.Sorted(maps.Keys(p.guards))
		gv := make([]int64, len(gk))
		for i, k := range gk {
			gv[i] = p.guards[k]
		}
		b.Queue(lockKeys, p.lockKeys, p.newBumps, gk, gv)
		qs = append(qs, queued{})
	}
	for i := range p.writes {
		qs = queueWrite(&b, qs, &p.writes[i])
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: commit: %w", err) // nothing sent
	}
	defer conn.Release()
	br := conn.SendBatch(ctx, &b)
	for _, q := range qs {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return writeError(err, q)
		}
	}
	if err := br.Close(); err != nil {
		return writeError(err, queued{})
	}
	return nil
}

// queued is what a statement of a commit writes.
type queued struct {
	pw     *preparedWrite // nil: the keys' versions
	insert bool           // the insert of a new case
}

// The statements of a commit.
const (
	// lockKeys creates, locks (in order of key) and raises the keys $1 by
	// $2, and compares the guards $3 at versions $4.
	lockKeys = `WITH up AS (
			INSERT INTO index_keys AS k (key, version)
			SELECT key, n FROM unnest($1::text[], $2::bigint[]) AS d(key, n) ORDER BY key
			ON CONFLICT (key) DO UPDATE SET version = k.version + excluded.version
			RETURNING key, version)
		SELECT asysta_expect(key, want, got) FROM (
			SELECT g.key, g.v AS want, up.version - d.n AS got
			FROM unnest($3::text[], $4::bigint[]) AS g(key, v)
			JOIN up ON up.key = g.key JOIN unnest($1::text[], $2::bigint[]) AS d(key, n) ON d.key = g.key
			ORDER BY g.key) AS guards`
	// insertCase writes a new case's row: a case another transaction
	// inserts first is a unique violation of cases_pkey, a conflict.
	insertCase = `INSERT INTO cases (id, lifecycle, state, version, keys, snapshot) VALUES ($1, $2, $3, 1, $4, $5)`
	// updateCase writes an existing case's row, which the update locks,
	// and compares its version, on the row as locked (the latest), with
	// the one expected.
	updateCase = `WITH u AS (UPDATE cases SET state = $2, version = version + 1, keys = $4, snapshot = $5
			WHERE id = $1 RETURNING version)
		SELECT asysta_expect($1, $3, (SELECT version - 1 FROM u))`
	insertEvent = `INSERT INTO events (case_id, seq, event) VALUES ($1, $2, $3)`
	leaveKeys   = `DELETE FROM index_entries WHERE case_id = $1 AND key = ANY($2::text[])`
	enterKeys   = `INSERT INTO index_entries (key, case_id, state, za_zyciem, difficulty, form, coordinator)
		SELECT k, $1, $3, $4, $5, $6, $7 FROM unnest($2::text[]) AS k`
	// refileCase rewrites the entry in the rows of the keys a case keeps.
	refileCase = `UPDATE index_entries SET state = $2, za_zyciem = $3, difficulty = $4, form = $5, coordinator = $6
		WHERE case_id = $1`
	closeDuties = `DELETE FROM obligations WHERE case_id = $1 AND (obligation, ref) IN (SELECT o, r FROM unnest($2::text[], $3::text[]) AS x(o, r))`
	writeDuties = `INSERT INTO obligations AS o (case_id, obligation, due, opened, rule, lifecycle, worker_key, ref)
		SELECT $1, o, d, op, r, $2, $3, rf FROM unnest($4::text[], $5::date[], $6::date[], $7::text[], $8::text[]) AS x(o, d, op, r, rf)
		ON CONFLICT (case_id, obligation, ref) DO UPDATE SET due = excluded.due, opened = excluded.opened,
			rule = excluded.rule, lifecycle = excluded.lifecycle, worker_key = excluded.worker_key`
)

// queueWrite queues the statements of one write: its row and its event,
// then what changed of its index entries and obligations.
func queueWrite(b *pgx.Batch, qs []queued, pw *preparedWrite) []queued {
	c, id := pw.w.Case, pw.w.Case.ID
	insert := pw.w.Expected == 0
	q := queued{pw: pw, insert: insert}
	if insert {
		b.Queue(insertCase, id, string(c.Lifecycle), string(c.State), pw.keys, pw.snapshot)
	} else {
		b.Queue(updateCase, id, string(c.State), pw.w.Expected, pw.keys, pw.snapshot)
	}
	qs = append(qs, q)
	if pw.event != nil {
		b.Queue(insertEvent, id, pw.w.Expected+1, pw.event)
		qs = append(qs, q)
	}
	if len(pw.left) > 0 {
		b.Queue(leaveKeys, id, pw.left)
		qs = append(qs, q)
	}
	e := pw.entry
	if pw.refile && len(pw.keys) > len(pw.gained) {
		b.Queue(refileCase, id, string(e.State), e.ZaZyciem, e.Difficulty, e.Form, e.Coordinator)
		qs = append(qs, q)
	}
	if len(pw.gained) > 0 {
		b.Queue(enterKeys, id, pw.gained, string(e.State), e.ZaZyciem, e.Difficulty, e.Form, e.Coordinator)
		qs = append(qs, q)
	}
	if len(pw.closed.ids) > 0 {
		b.Queue(closeDuties, id, pw.closed.ids, pw.closed.refs)
		qs = append(qs, q)
	}
	if len(pw.obl.ids) > 0 {
		b.Queue(writeDuties, id, string(c.Lifecycle), pw.obl.worker, pw.obl.ids, pw.obl.due, pw.obl.open, pw.obl.rules, pw.obl.refs)
		qs = append(qs, q)
	}
	return qs
}

// ErrOutcomeUnknown is returned by Commit when the connection was lost, or
// the context ended, after the batch was sent and before PostgreSQL
// answered: the commit may or may not have been written (a commit waiting
// for a lock is still written when the lock is freed). Read the case again
// (its version tells) before firing again; never assume either outcome.
// The error still wraps the context's error when that ended it.
var ErrOutcomeUnknown = errors.New("pgstore: the connection was lost or the context ended while the commit was under way, so it may or may not have been written: read the case again before trying again")

// writeError explains an error of a statement of q: a version found other
// than the one expected (SQLSTATE AX409) is a conflict, and so is a unique
// violation of the primary key of cases or events, or, in the insert of a
// new case, of any row keyed by the case (which exists, then): the loss
// of a race to create it. Anything else is returned wrapped, with the
// case's ID.
func writeError(err error, q queued) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) && !pgconn.SafeToRetry(err) {
		// The statements were sent and no answer came back (a lost
		// connection, a killed backend, a context that ended while the
		// server ran them or waited for a lock): the commit may have
		// happened, or may yet happen.
		return fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	if errors.As(err, &pe) && pe.Code == "AX409" {
		ce := &workflow.ConflictError{Case: pe.Detail}
		if _, serr := fmt.Sscan(pe.Hint, &ce.Want, &ce.Got); serr == nil {
			return ce
		}
	}
	if q.pw == nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	w := q.pw.w
	if errors.As(err, &pe) && pe.Code == "23505" && (pe.ConstraintName == "cases_pkey" || pe.ConstraintName == "events_pkey" ||
		q.insert && (pe.ConstraintName == "obligations_pkey" || pe.ConstraintName == "index_entries_pkey")) {
		return &workflow.ConflictError{Case: w.Case.ID, Want: w.Expected, Got: w.Expected + 1}
	}
	return fmt.Errorf("pgstore: commit %s: %w", w.Case.ID, err)
}
