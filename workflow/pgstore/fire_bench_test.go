package pgstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// fireBatch is how many operations one batch of a BenchmarkPGFire
// comparison runs before the other side's batch runs.
const fireBatch = 400

// firing is a set of families in assistant_work.implementing, each with
// an assistant of its own, and the assess command of each.
type firing struct {
	e    *workflow.Engine
	ids  []string
	cmds []workflow.Command
}

// newFiring declares benchFamilies families with prefix, each referred by
// a social worker of its own, or all by one when shared is true.
func newFiring(b *testing.B, s workflow.Store, prefix string, shared bool) *firing {
	b.Helper()
	dir := directory(b)
	f := &firing{ids: make([]string, benchFamilies), cmds: make([]workflow.Command, benchFamilies)}
	var err error
	if f.e, err = workflow.New(workflow.WithStore(s), workflow.WithDirectory(dir)); err != nil {
		b.Fatal(err)
	}
	for i := range f.ids {
		a := workflow.Actor{ID: fmt.Sprintf("%sA%03d", prefix, i), Role: workflow.FamilyAssistant}
		sw := workflow.Actor{ID: fmt.Sprintf("%sS%03d", prefix, i), Role: workflow.SocialWorker}
		if shared {
			sw.ID = prefix + "S"
		}
		for _, w := range []workflow.Actor{a, sw} {
			if _, err := dir.Worker(context.Background(), w.ID); err != nil {
				if err := dir.AddWorker(workflow.Worker{ID: w.ID, Role: w.Role}); err != nil {
					b.Fatal(err)
				}
			}
		}
		id := fmt.Sprintf("%sF%03d", prefix, i)
		f.ids[i] = id
		f.cmds[i] = workflow.Command{Trigger: "assess", Actor: a, On: rules.MustParseDate("2024-10-01"), Args: workflow.Args{"result": "positive"}}
		declareFamily(b, f.e, id)
		fire(b, f.e, id, "refer", sw, "2016-02-01", nil)
		fire(b, f.e, id, "complete_interview", sw, "2016-02-05", nil)
		fire(b, f.e, id, "request_assistant", sw, "2016-02-08", nil)
		fire(b, f.e, id, "give_consent", sw, "2016-02-09", nil)
		fire(b, f.e, id, "assign_assistant", actH, "2016-02-10", workflow.Args{"assistant": a.ID})
		fire(b, f.e, id, "approve_plan", a, "2016-03-01", nil)
	}
	return f
}

// fire fires the i-th family's assess, again after a conflict (two
// clients met on one family), counting the conflicts.
func (f *firing) fire(ctx context.Context, i int, conflicts *atomic.Int64) error {
	i %= len(f.ids)
	for {
		_, err := f.e.Fire(ctx, f.ids[i], f.cmds[i])
		if !isConflict(err) {
			return err
		}
		if conflicts != nil {
			conflicts.Add(1)
		}
	}
}

// side is one side of a comparison: its operations' latencies and the
// wall time of its batches.
type side struct {
	lat  []time.Duration
	wall time.Duration
}

// run runs n operations op(0…n-1) on c clients and adds them to the side.
func (sd *side) run(b *testing.B, c, n int, op func(int) error) {
	var next atomic.Int64
	lats := make([][]time.Duration, c)
	var wg sync.WaitGroup
	start := time.Now()
	for k := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				if err := op(i); err != nil {
					b.Error(err)
					return
				}
				lats[k] = append(lats[k], time.Since(t))
			}
		}()
	}
	wg.Wait()
	sd.wall += time.Since(start)
	for _, l := range lats {
		sd.lat = append(sd.lat, l...)
	}
}

// report reports the side's throughput, p50 and p99 under name.
func (sd *side) report(b *testing.B, name string) float64 {
	slices.Sort(sd.lat)
	if len(sd.lat) == 0 {
		return 0
	}
	tps := float64(len(sd.lat)) / sd.wall.Seconds()
	b.ReportMetric(tps, name+"/s")
	b.ReportMetric(float64(sd.lat[len(sd.lat)/2].Microseconds()), name+"-p50-µs")
	b.ReportMetric(float64(sd.lat[len(sd.lat)*99/100].Microseconds()), name+"-p99-µs")
	return tps
}

// BenchmarkPGFire measures accepted transitions (family assess) through the
// engine on pgstore, each beside its baseline in alternating batches of
// the same run:
//
//   - shared_worker: 16 clients on families that share one social worker,
//     beside 16 clients on families each with its own (distinct); target:
//     shared at least 0.8× distinct;
//   - ratio/clients=1 and 16: the engine beside a minimal transaction on
//     the same server (lock the case row, insert the event, update the
//     snapshot, in tables of its own); target: at most 1.5× its time.
//
// Run with ASYSTA_PGTEST_DURABLE=1 for PostgreSQL's durable settings.
func BenchmarkPGFire(b *testing.B) {
	ctx := context.Background()
	u := pgtest.Schema(b)
	pu, err := pgtest.WithParams(u, map[string]string{"pool_max_conns": "16"})
	if err != nil {
		b.Fatal(err)
	}
	pool := openPool(b, pu)
	if err := pgstore.Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	s := pgstore.New(pool)
	distinct, shared := newFiring(b, s, "D", false), newFiring(b, s, "X", true)
	b.Run("shared_worker", func(b *testing.B) {
		var d, sh side
		var conflicts atomic.Int64
		for b.Loop() {
			d.run(b, 16, fireBatch, func(i int) error { return distinct.fire(ctx, i, &conflicts) })
			sh.run(b, 16, fireBatch, func(i int) error { return shared.fire(ctx, i, &conflicts) })
		}
		dt, st := d.report(b, "distinct"), sh.report(b, "shared")
		b.ReportMetric(st/dt, "shared/distinct")
		b.ReportMetric(float64(conflicts.Load())/float64(len(d.lat)+len(sh.lat)), "conflicts/op")
	})
	f := newFiring(b, s, "R", false)
	bare := newBare(b, pool, f)
	for _, c := range []int{1, 16} {
		b.Run(fmt.Sprintf("ratio/clients=%d", c), func(b *testing.B) {
			var eng, min side
			var conflicts atomic.Int64
			for b.Loop() {
				eng.run(b, c, fireBatch, func(i int) error { return f.fire(ctx, i, &conflicts) })
				min.run(b, c, fireBatch, func(i int) error { return bare.fire(ctx, i) })
			}
			et, mt := eng.report(b, "engine"), min.report(b, "minimal")
			b.ReportMetric(mt/et, "engine/minimal")
			b.ReportMetric(float64(conflicts.Load())/float64(len(eng.lat)), "conflicts/op")
		})
	}
}

// bareStore is the minimal event store the engine is compared with: a
// case row locked, an event inserted, the snapshot updated, in one
// transaction, with a snapshot and an event of the engine's own size.
type bareStore struct {
	pool      *pgxpool.Pool
	ids       []string
	snap, evt []byte
}

func newBare(b *testing.B, pool *pgxpool.Pool, f *firing) *bareStore {
	ctx := context.Background()
	_, err := pool.Exec(ctx, `CREATE TABLE bare_cases (id text PRIMARY KEY, version bigint NOT NULL, snapshot jsonb NOT NULL);
		CREATE TABLE bare_events (case_id text NOT NULL REFERENCES bare_cases (id), seq bigint NOT NULL, event jsonb NOT NULL,
			PRIMARY KEY (case_id, seq))`)
	if err != nil {
		b.Fatal(err)
	}
	var snap, evt []byte
	if err := pool.QueryRow(ctx, `SELECT c.snapshot, e.event FROM cases c JOIN events e ON e.case_id = c.id
		WHERE c.id = $1 ORDER BY e.seq DESC LIMIT 1`, f.ids[0]).Scan(&snap, &evt); err != nil {
		b.Fatal(err)
	}
	bs := &bareStore{pool: pool, ids: f.ids, snap: snap, evt: evt}
	for _, id := range f.ids {
		if _, err := pool.Exec(ctx, `INSERT INTO bare_cases VALUES ($1, 1, $2)`, id, snap); err != nil {
			b.Fatal(err)
		}
	}
	return bs
}

// fire runs the minimal transaction on the i-th case; two clients on one
// case queue on its row lock.
func (bs *bareStore) fire(ctx context.Context, i int) error {
	id := bs.ids[i%len(bs.ids)]
	return pgx.BeginFunc(ctx, bs.pool, func(tx pgx.Tx) error {
		var v int64
		if err := tx.QueryRow(ctx, `SELECT version FROM bare_cases WHERE id = $1 FOR UPDATE`, id).Scan(&v); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO bare_events (case_id, seq, event) VALUES ($1, $2, $3)`, id, v+1, bs.evt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE bare_cases SET version = $2, snapshot = $3 WHERE id = $1`, id, v+1, bs.snap)
		return err
	})
}
