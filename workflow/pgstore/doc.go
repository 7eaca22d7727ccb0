// Package pgstore keeps asysta's cases in PostgreSQL: a [workflow.Store]
// and [workflow.Scanner] for OPS systems that run on several machines over
// one database, with github.com/jackc/pgx/v5 (pgxpool).
//
//	store, err := pgstore.Open(ctx, "postgres://asysta@db.ops.local/asysta")
//	if err != nil { … }
//	defer store.Close()
//	engine, err := workflow.New(workflow.WithStore(store), workflow.WithDirectory(staff))
//
// # Schema
//
// Five tables, created by embedded, numbered migrations that [Migrate]
// applies (Open migrates; [New] expects a migrated schema, and its store
// refuses to work on any other version):
//
//   - cases: one row per case: its ID, lifecycle, state, version, the index
//     keys it is filed under, and its snapshot (the JSON of
//     [workflow.Case]), the only place a child's date of birth is kept;
//   - events: the append-only history, one row per accepted transition,
//     keyed by (case_id, seq); triggers refuse UPDATE, DELETE and
//     TRUNCATE;
//   - index_entries and index_keys: which cases are filed under which key
//     ([workflow.Case.Keys]: an assistant's families, a carer's children),
//     each row with its case's [workflow.Entry] (state, 'Za życiem',
//     difficulty, form, coordinator), from which [Store.IndexMany] and
//     [Store.Tally] answer without reading a snapshot, and the version of
//     each versioned key ([workflow.VersionedKey]);
//   - obligations: every case's open obligations, kept in step with its
//     snapshot, with covering indexes on the due date and on who answers
//     (worker_key, due) for [Store.Due];
//
// plus schema_migrations, the migrations applied. Tables are unqualified:
// they live in the first schema of the connections' search_path.
//
// # Concurrency
//
// A Store is safe for concurrent use, and any number of Stores, in any
// number of processes on any number of machines, may share one database:
// nothing is cached in memory, and every decision the engine takes is
// checked at commit. [Store.Commit] runs one READ COMMITTED transaction,
// sent in one round trip, that first (when the batch has guards or raises
// a key) locks the rows of the versioned index keys it guards or raises
// (in order of key, creating missing ones), then the rows of the cases it
// writes (in order of ID), so that two commits over the same rows queue
// rather than interleave. Holding those locks it compares each case's
// version with the version its change was based on, and each guard key's
// version with the version the decision read; on any difference it writes
// nothing and returns a [*workflow.ConflictError] (errors.Is
// [workflow.ErrConflict]), and the caller reloads and tries again, exactly
// as with [workflow.MemoryStore]. Otherwise it writes the snapshots,
// appends the events (seq = the new version) and writes what changed
// between each write's Before and its case: the index entries of the keys
// it leaves and enters (and its entry where it changed), the obligation
// rows opened, changed or closed, and the versions of the keys of
// [workflow.RaisedKeys]: all of it or none of it. A commit that changes
// nothing a decision reads (an assessment, a report) locks and raises no
// key, and keys no rule reads for a decision (a social worker's families,
// a family's children) are filed but never versioned nor locked, so
// commits of the many families of one assistant or one social worker
// never queue on one row.
//
// The index rows are written from what changed between a write's Before
// and its case ([workflow.Case.Keys], [workflow.EntryOf]): a release that
// changes how a case is filed ships a migration that files the stored
// cases again, as migration 0006 filled in their entries.
//
// This is what keeps a caseload cap across instances: two instances that
// each count an assistant's 14 families and assign a 15th and a 16th both
// guard the key assistant:A1 at the version they counted; the first commit
// raises it, the second finds it changed and conflicts, and on retry
// counts 15 and is denied.
//
// Reads are single statements: [Store.Index] reads a key's version and the
// cases filed under it in one snapshot, so a guard taken from it is never
// newer than what was counted.
//
// Should PostgreSQL abort a commit's transaction as a serialization
// failure or a deadlock (SQLSTATE 40001, 40P01; the lock order makes
// deadlocks unexpected), Commit runs the batch again, up to four attempts
// in all, since such an abort wrote nothing; after that it returns a
// *workflow.ConflictError naming the first of its cases or guard keys
// found changed, or else its first case. A unique violation is a conflict
// only on the primary keys of cases and events (a lost race to create a
// case); any other error is returned, wrapped with the case's ID, and means
// nothing was written, with one exception no database client escapes: a
// connection lost while COMMIT itself was in flight leaves the outcome
// unknown to the caller, and only reading the case again tells.
//
// # What can be stored
//
// Before sending anything, Commit refuses a batch holding what PostgreSQL
// would refuse or could not give back: a NUL character or invalid UTF-8
// in any text (IDs, keys, facts, arguments, decisions), or a date outside
// years 1000–9999. The error names the case and the field, never the
// value. Events come back exactly as committed, as from
// [workflow.MemoryStore]: whole numbers among the arguments and a
// decision's parameter values as int, other numbers as float64, empty
// arguments empty and nil ones nil.
//
// # Personal data
//
// Events hold IDs, codes and dates only; the snapshot in cases is where a
// child's date of birth lives, and no error of this package quotes it. docs/postgres.md describes backups, pool
// settings and the rest of running asysta over PostgreSQL.
package pgstore
