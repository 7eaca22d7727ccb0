package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Directory is a [workflow.Directory] on PostgreSQL: the staff and
// institutions of an OPS or PCPR in the tables staff_workers and
// staff_institutions, so that every instance over one database sees the
// same staff, and a restart needs no re-registration. It is safe for
// concurrent use.
//
// The law's separation of roles is not pgstore's to know: the check given
// to [NewDirectory] (caseload.CheckPost) runs on every post put, with the
// same person's other posts read under a lock on that person, so that two
// instances cannot each add one half of a forbidden pair.
type Directory struct {
	pool  *pgxpool.Pool
	check func(w workflow.Worker, others []workflow.Worker) error
}

var _ workflow.Directory = (*Directory)(nil)

// NewDirectory returns a directory over pool, whose schema [Migrate] has
// brought up to date. check validates a post against the same person's
// other posts (nil: no check beyond what can be stored).
func NewDirectory(pool *pgxpool.Pool, check func(w workflow.Worker, others []workflow.Worker) error) *Directory {
	return &Directory{pool: pool, check: check}
}

const workerColumns = `id, person, role, employer, area, fte, from_date, to_date`

func scanWorker(row pgx.Row) (workflow.Worker, error) {
	var w workflow.Worker
	var role string
	var from, to pgtype.Date
	err := row.Scan(&w.ID, &w.Person, &role, &w.Employer, &w.Area, &w.FTE, &from, &to)
	w.Role, w.From, w.To = workflow.Role(role), ruleDate(from), ruleDate(to)
	return w, err
}

// Worker implements [workflow.Directory]: an unknown ID gives an error
// wrapping workflow.ErrUnknownWorker.
func (d *Directory) Worker(ctx context.Context, id string) (workflow.Worker, error) {
	if checkID("worker ID", id) != nil { // never stored, so unknown; PostgreSQL would refuse the query
		return workflow.Worker{}, workflow.ErrUnknownWorker
	}
	w, err := scanWorker(d.pool.QueryRow(ctx, `SELECT `+workerColumns+` FROM staff_workers WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return workflow.Worker{}, workflow.ErrUnknownWorker
	}
	if err != nil {
		return workflow.Worker{}, fmt.Errorf("pgstore: worker: %w", err)
	}
	return w, nil
}

// Institution implements [workflow.Directory]: an unknown ID gives an
// error wrapping workflow.ErrUnknownInstitution.
func (d *Directory) Institution(ctx context.Context, id string) (workflow.Institution, error) {
	var in workflow.Institution
	if checkID("institution ID", id) != nil { // never stored, so unknown
		return in, workflow.ErrUnknownInstitution
	}
	err := d.pool.QueryRow(ctx, `SELECT id FROM staff_institutions WHERE id = $1`, id).Scan(&in.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return in, workflow.ErrUnknownInstitution
	}
	if err != nil {
		return in, fmt.Errorf("pgstore: institution: %w", err)
	}
	return in, nil
}

// PutWorker adds a post or replaces the post with the same ID, after the
// directory's check has passed it against the same person's other posts.
// Posts of one person are put one at a time (a transaction-level advisory
// lock on the person), so the check sees every other post of theirs.
func (d *Directory) PutWorker(ctx context.Context, w workflow.Worker) error {
	for what, s := range map[string]string{"worker ID": w.ID, "person": w.Person, "role": string(w.Role), "employer": w.Employer, "area": w.Area} {
		if err := checkID(what, s); err != nil {
			return err
		}
	}
	if !datesStorable(w.From, w.To) {
		return fmt.Errorf("pgstore: worker %s: employment dates must be real days of the years 1000–9999", w.ID)
	}
	return pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		var others []workflow.Worker
		if w.Person != "" {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('asysta.staff_person'), hashtext($1))`, w.Person); err != nil {
				return fmt.Errorf("pgstore: put worker: %w", err)
			}
			rows, err := tx.Query(ctx, `SELECT `+workerColumns+` FROM staff_workers WHERE person = $1 AND id <> $2 ORDER BY id`, w.Person, w.ID)
			if err != nil {
				return fmt.Errorf("pgstore: put worker: %w", err)
			}
			others, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (workflow.Worker, error) { return scanWorker(r) })
			if err != nil {
				return fmt.Errorf("pgstore: put worker: %w", err)
			}
		}
		if d.check != nil {
			if err := d.check(w, others); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO staff_workers (`+workerColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET person = $2, role = $3, employer = $4, area = $5, fte = $6, from_date = $7, to_date = $8`,
			w.ID, w.Person, string(w.Role), w.Employer, w.Area, w.FTE, pgDate(w.From), pgDate(w.To))
		if err != nil {
			return fmt.Errorf("pgstore: put worker: %w", err)
		}
		return nil
	})
}

// PutInstitution adds an institution; created reports whether it is new.
func (d *Directory) PutInstitution(ctx context.Context, in workflow.Institution) (created bool, err error) {
	if !workflow.ValidID(in.ID) {
		return false, errors.New("pgstore: an institution needs an ID: one line of text, at most 64 bytes")
	}
	tag, err := d.pool.Exec(ctx, `INSERT INTO staff_institutions (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, in.ID)
	if err != nil {
		return false, fmt.Errorf("pgstore: put institution: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// datesStorable reports whether every date is zero or within the years a
// date column round-trips.
func datesStorable(ds ...rules.Date) bool {
	for _, d := range ds {
		if !d.IsZero() && !d.Writable() {
			return false
		}
	}
	return true
}
