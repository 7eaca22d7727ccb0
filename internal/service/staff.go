package service

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// staff is a unit's registry of workers and institutions: the engine's
// directory, written through PUT /v1/workers and /v1/institutions. The
// memory one is a caseload.Registry; the PostgreSQL one a
// pgstore.Directory checked by caseload.CheckPost. Both pass the same
// conformance tests (staff_test.go).
type staff interface {
	workflow.Directory
	// PutWorker registers or replaces a post, refused with a
	// *caseload.Error or *caseload.RoleConflictError.
	PutWorker(ctx context.Context, w workflow.Worker) error
	// PutInstitution registers an institution; created reports whether
	// it is new.
	PutInstitution(ctx context.Context, in workflow.Institution) (created bool, err error)
}

// memoryStaff is the staff of a service without a database.
type memoryStaff struct {
	*caseload.Registry
	mu sync.Mutex // makes PutInstitution's look-up and add one step
}

func newMemoryStaff() *memoryStaff { return &memoryStaff{Registry: caseload.NewRegistry()} }

func (m *memoryStaff) PutWorker(_ context.Context, w workflow.Worker) error { return m.Add(w) }

func (m *memoryStaff) PutInstitution(ctx context.Context, in workflow.Institution) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.Institution(ctx, in.ID); err == nil {
		return false, nil
	}
	return true, m.AddInstitution(in)
}

// pgStaff is the staff in PostgreSQL. Every post is checked by
// caseload.CheckPost first on its own (so that nothing the law or the
// engine would refuse reaches the database), then against the same
// person's other posts under the directory's lock.
type pgStaff struct{ *pgstore.Directory }

func newPGStaff(pool *pgxpool.Pool) pgStaff {
	return pgStaff{pgstore.NewDirectory(pool, caseload.CheckPost)}
}

func (p pgStaff) PutWorker(ctx context.Context, w workflow.Worker) error {
	if err := caseload.CheckPost(w, nil); err != nil {
		return err
	}
	return p.Directory.PutWorker(ctx, w)
}

// idempotency keeps the first response to each (client, key) of a unit.
type idempotency interface {
	// claim records that a request with the digest is being served under
	// the key. When the key is already taken it returns claimed false and
	// the stored reply (nil while the first request is in flight) and
	// whether the digests match.
	claim(ctx context.Context, client, key string, digest []byte) (claimed bool, stored *reply, same bool, err error)
	// finish stores the reply of a claimed key.
	finish(ctx context.Context, client, key string, rp reply) error
	// release gives up a claimed key (the request failed inside the
	// service): a retry runs it again.
	release(ctx context.Context, client, key string) error
}

type idemKey struct{ client, key string }

type idemRecord struct {
	digest []byte
	reply  *reply
}

// memoryIdempotency keeps the records in memory, for a service without a
// database; they go with the process.
type memoryIdempotency struct {
	mu      sync.Mutex
	records map[idemKey]*idemRecord
}

func newMemoryIdempotency() *memoryIdempotency {
	return &memoryIdempotency{records: map[idemKey]*idemRecord{}}
}

func (m *memoryIdempotency) claim(_ context.Context, client, key string, digest []byte) (bool, *reply, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.records[idemKey{client, key}]
	if !ok {
		m.records[idemKey{client, key}] = &idemRecord{digest: digest}
		return true, nil, true, nil
	}
	return false, rec.reply, string(rec.digest) == string(digest), nil
}

func (m *memoryIdempotency) finish(_ context.Context, client, key string, rp reply) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if rec, ok := m.records[idemKey{client, key}]; ok {
		rec.reply = &rp
	}
	return nil
}

func (m *memoryIdempotency) release(_ context.Context, client, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.records, idemKey{client, key})
	return nil
}

// pgIdempotency keeps the records in the table idempotency_records, so
// that a retry reaching another instance gets the same reply.
type pgIdempotency struct{ pool *pgxpool.Pool }

func (p pgIdempotency) claim(ctx context.Context, client, key string, digest []byte) (bool, *reply, bool, error) {
	tag, err := p.pool.Exec(ctx, `INSERT INTO idempotency_records (client, key, request_sha256) VALUES ($1, $2, $3)
		ON CONFLICT (client, key) DO NOTHING`, client, key, digest)
	if err != nil {
		return false, nil, false, fmt.Errorf("service: idempotency claim: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil, true, nil
	}
	var stored []byte
	var status *int32
	var body []byte
	err = p.pool.QueryRow(ctx, `SELECT request_sha256, status, body FROM idempotency_records WHERE client = $1 AND key = $2`,
		client, key).Scan(&stored, &status, &body)
	if err == pgx.ErrNoRows { // released in between: the caller may retry
		return false, nil, true, nil
	}
	if err != nil {
		return false, nil, false, fmt.Errorf("service: idempotency read: %w", err)
	}
	if status == nil {
		return false, nil, string(stored) == string(digest), nil
	}
	return false, &reply{status: int(*status), body: body}, string(stored) == string(digest), nil
}

func (p pgIdempotency) finish(ctx context.Context, client, key string, rp reply) error {
	_, err := p.pool.Exec(ctx, `UPDATE idempotency_records SET status = $3, body = $4 WHERE client = $1 AND key = $2`,
		client, key, rp.status, rp.body)
	if err != nil {
		return fmt.Errorf("service: idempotency store: %w", err)
	}
	return nil
}

func (p pgIdempotency) release(ctx context.Context, client, key string) error {
	_, err := p.pool.Exec(ctx, `DELETE FROM idempotency_records WHERE client = $1 AND key = $2 AND status IS NULL`, client, key)
	if err != nil {
		return fmt.Errorf("service: idempotency release: %w", err)
	}
	return nil
}

// expire deletes the records older than the retention period.
func (p pgIdempotency) expire(ctx context.Context) error {
	_, err := p.pool.Exec(ctx, `DELETE FROM idempotency_records WHERE created_at < now() - make_interval(hours => $1)`,
		int(idempotencyRetention.Hours()))
	return err
}
