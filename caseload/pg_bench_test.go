package caseload_test

// PostgreSQL benchmarks and the load test of caseload over workflow/pgstore.
// docs/performance.md ("PostgreSQL store") records their figures:
//
//	go test -run '^$' -bench 'PGCalendar|PGRecommend' -benchtime 20x -count 3 ./caseload/
//	make loadtest
//
// They run on the server internal/pgtest gives: ASYSTA_PG_URL, or a
// throwaway cluster on this machine. With ASYSTA_PG_URL set, the imported
// national dataset is kept in a schema of that database
// (asysta_national_<cases>) and reused by later runs while the dataset
// and the schema version are the same.

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/caseload/internal/national"
	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// pgScale is the national dataset's scale for the PostgreSQL benchmarks
// and the load test: 1.81 gives about 250,000 cases, the national size
// with realistic foster care. ASYSTA_NATIONAL_SCALE changes it.
func pgScale(tb testing.TB) float64 {
	if v := os.Getenv("ASYSTA_NATIONAL_SCALE"); v != "" {
		s, err := strconv.ParseFloat(v, 64)
		require.NoError(tb, err, "ASYSTA_NATIONAL_SCALE")
		return s
	}
	return 1.81
}

// pgLoaded is a national dataset imported into PostgreSQL.
type pgLoaded struct {
	ds    *national.Dataset
	store *pgstore.Store
	url   string // the schema's URL, for more pools
	e     *workflow.Engine
	reg   *caseload.Registry
	cl    *caseload.Caseload
}

// loadNationalPG generates the dataset of seed 1 at scale and imports it
// into PostgreSQL, or reuses an import kept by an earlier run (see the
// file's comment). The store's pool has maxConns connections.
func loadNationalPG(tb testing.TB, scale float64, maxConns int) *pgLoaded {
	tb.Helper()
	ctx := context.Background()
	ds := national.Generate(1, scale)
	reg, err := ds.Registry()
	require.NoError(tb, err)
	u, fresh := nationalSchema(tb, ds)
	pu, err := pgtest.WithParams(u, map[string]string{"pool_max_conns": strconv.Itoa(maxConns)})
	require.NoError(tb, err)
	store, err := pgstore.Open(ctx, pu)
	require.NoError(tb, err)
	tb.Cleanup(store.Close)
	e, err := workflow.New(workflow.WithDirectory(reg), workflow.WithStore(store))
	require.NoError(tb, err)
	if fresh {
		start := time.Now()
		require.NoError(tb, ds.Import(ctx, e))
		for _, table := range []string{"cases", "events", "index_entries", "index_keys", "obligations"} {
			_, err := store.Pool().Exec(ctx, "VACUUM ANALYZE "+table)
			require.NoError(tb, err)
		}
		_, err = store.Pool().Exec(ctx, `CREATE TABLE national_import (hash text NOT NULL, schema_version int NOT NULL)`)
		require.NoError(tb, err)
		_, err = store.Pool().Exec(ctx, `INSERT INTO national_import VALUES ($1, $2)`, ds.Hash(), pgstore.SchemaVersion)
		require.NoError(tb, err)
		tb.Logf("imported %d cases into PostgreSQL in %v", ds.Cases(), time.Since(start).Round(time.Second))
	}
	return &pgLoaded{ds: ds, store: store, url: u, e: e, reg: reg, cl: caseload.New(e, reg)}
}

// nationalSchema returns the URL of the schema the dataset goes into, and
// whether it is fresh (to be imported). With ASYSTA_PG_URL it is a kept
// schema named by the dataset's size, reused when it holds this dataset
// at this schema version, else dropped and made again; otherwise a
// throwaway one.
func nationalSchema(tb testing.TB, ds *national.Dataset) (string, bool) {
	if os.Getenv(pgtest.EnvURL) == "" {
		return pgtest.Schema(tb), true
	}
	ctx := context.Background()
	base := pgtest.URL(tb)
	name := fmt.Sprintf("asysta_national_%d", ds.Cases())
	conn, err := pgx.Connect(ctx, base)
	require.NoError(tb, err)
	defer conn.Close(ctx)
	var hash string
	var version int
	err = conn.QueryRow(ctx, `SELECT hash, schema_version FROM `+name+`.national_import`).Scan(&hash, &version)
	u, uerr := pgtest.WithParams(base, map[string]string{"search_path": name})
	require.NoError(tb, uerr)
	if err == nil && hash == ds.Hash() && version == pgstore.SchemaVersion {
		return u, false
	}
	_, err = conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE; CREATE SCHEMA `+name)
	require.NoError(tb, err)
	return u, true
}

// busiest returns the active assistant with the most families and the
// gmina with the most assistants.
func busiest(l *pgLoaded) (assistant, gmina string) {
	families, assistants := map[string]int{}, map[string]int{}
	for _, f := range l.ds.Families {
		if f.Assistant != "" {
			families[f.Assistant]++
		}
	}
	for _, w := range l.ds.Workers {
		if w.Role == workflow.FamilyAssistant && w.ActiveOn(l.ds.AsOf) {
			assistants[w.Employer]++
			if families[w.ID] > families[assistant] || families[w.ID] == families[assistant] && w.ID < assistant {
				assistant = w.ID
			}
		}
	}
	for g, n := range assistants {
		if n > assistants[gmina] || n == assistants[gmina] && g < gmina {
			gmina = g
		}
	}
	return assistant, gmina
}

// bareDue is the bare query a calendar is measured against: the rows of
// the obligations table the calendar shows, by the workers' keys, into
// plain values.
func bareDue(ctx context.Context, l *pgLoaded, keys []string, until rules.Date) (int, error) {
	rows, err := l.store.Pool().Query(ctx, `SELECT case_id, obligation, due, opened, rule, lifecycle, worker_key
		FROM obligations WHERE worker_key = ANY($1::text[]) AND due IS NOT NULL AND due <= $2
		ORDER BY due, case_id, obligation`, pgx.QueryExecModeExec, keys, pgtype.Date{Time: until.Time(), Valid: true})
	if err != nil {
		return 0, err
	}
	var id, obl, rule, lc string
	var wk pgtype.Text
	var due, opened pgtype.Date
	n := 0
	_, err = pgx.ForEachRow(rows, []any{&id, &obl, &due, &opened, &rule, &lc, &wk}, func() error { n++; return nil })
	return n, err
}

// BenchmarkPGCalendar: the calendar of the busiest assistant and of the
// gmina with the most assistants (the next 30 days and everything
// overdue), over the national dataset at about 250,000 cases in
// PostgreSQL, each beside the bare query of the same rows in alternating
// batches of the same run. Target: at most 1.5× the bare query.
func BenchmarkPGCalendar(b *testing.B) {
	l := loadNationalPG(b, pgScale(b), 4)
	ctx := context.Background()
	assistant, gmina := busiest(l)
	var gminaKeys []string
	for _, w := range l.reg.Employees(gmina, l.ds.AsOf, nil) {
		if w.Role == workflow.FamilyAssistant {
			gminaKeys = append(gminaKeys, workflow.AssistantKey(w.ID))
		}
	}
	b.Logf("%d cases; assistant %s; gmina %s with %d assistants", l.ds.Cases(), assistant, gmina, len(gminaKeys))
	asOf := l.ds.AsOf
	l.ds = nil // the raw records, which a server does not hold: their heap would slow every collection
	runtime.GC()
	for _, tc := range []struct {
		name string
		q    caseload.CalendarQuery
		keys []string
	}{
		{"worker", caseload.CalendarQuery{On: asOf, LeadDays: 30, Worker: assistant}, []string{workflow.AssistantKey(assistant)}},
		{"gmina", caseload.CalendarQuery{On: asOf, LeadDays: 30, Unit: gmina}, gminaKeys},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var cal, bare []time.Duration
			entries, rows := 0, 0
			for b.Loop() {
				for range 10 {
					t := time.Now()
					got, err := l.cl.Calendar(ctx, tc.q)
					cal = append(cal, time.Since(t))
					if err != nil {
						b.Fatal(err)
					}
					entries = len(got)
				}
				for range 10 {
					t := time.Now()
					n, err := bareDue(ctx, l, tc.keys, asOf.AddDays(30))
					bare = append(bare, time.Since(t))
					if err != nil {
						b.Fatal(err)
					}
					rows = n
				}
			}
			if entries != rows {
				b.Fatalf("the calendar has %d entries, the bare query %d rows", entries, rows)
			}
			reportLatency(b, "calendar", cal)
			reportLatency(b, "bare", bare)
			b.ReportMetric(median(cal)/median(bare), "calendar/bare")
			b.ReportMetric(float64(entries), "entries")
		})
	}
}

// reportLatency reports the p50 and p99 of lat, in µs, under name.
func reportLatency(b *testing.B, name string, lat []time.Duration) {
	s := slices.Clone(lat)
	slices.Sort(s)
	b.ReportMetric(float64(s[len(s)/2].Microseconds()), name+"-p50-µs")
	b.ReportMetric(float64(s[len(s)*99/100].Microseconds()), name+"-p99-µs")
}

func median(lat []time.Duration) float64 {
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[len(s)/2])
}

// BenchmarkPGRecommend: one recommendation among the 200 assistants of a
// city OPS, each with 8 to 15 families, over pgstore beside the memory
// store holding the same cases, in alternating batches of the same run.
// Target: at most 2× the memory store.
func BenchmarkPGRecommend(b *testing.B) {
	const assistants = 200
	var workers []workflow.Worker
	for i := range assistants {
		workers = append(workers, workflow.Worker{ID: fmt.Sprintf("A%03d", i), Role: workflow.FamilyAssistant,
			Employer: "G1", Area: fmt.Sprintf("r%d", i%5)})
	}
	mem := newFixture(b, nil, workers...)
	on := d("2024-03-01")
	for i := range assistants {
		for k := range 8 + i%8 {
			id := fmt.Sprintf("F%03d-%02d", i, k)
			mem.requested(id, on, workflow.FamilyInfo{Area: fmt.Sprintf("r%d", k%5)})
			mem.assign(id, workers[i].ID, on)
		}
	}
	mem.requested("NEW", on, workflow.FamilyInfo{Area: "r2"})
	// The same cases, copied into PostgreSQL.
	ctx := context.Background()
	store, err := pgstore.Open(ctx, pgtest.Schema(b))
	require.NoError(b, err)
	b.Cleanup(store.Close)
	var writes []workflow.Write
	require.NoError(b, mem.e.Store().(workflow.Scanner).Scan(ctx, func(c *workflow.Case) error {
		c.Version = 0
		writes = append(writes, workflow.Write{Case: c, Events: []workflow.Event{{Case: c.ID, Lifecycle: c.Lifecycle, Seq: 1,
			To: c.State, Trigger: workflow.TriggerDeclare, On: on, Revision: mem.e.RuleSet().Revision()}}})
		return nil
	}))
	for len(writes) > 0 {
		n := min(len(writes), 512)
		require.NoError(b, store.Commit(ctx, workflow.Batch{Writes: writes[:n]}))
		writes = writes[n:]
	}
	pe, err := workflow.New(workflow.WithDirectory(mem.reg), workflow.WithStore(store))
	require.NoError(b, err)
	pg := caseload.New(pe, mem.reg)
	cand := caseload.Candidates{Employer: "G1"}
	when := d("2024-06-01")
	var onPG, onMem []time.Duration
	for b.Loop() {
		for _, side := range []struct {
			cl  *caseload.Caseload
			lat *[]time.Duration
		}{{pg, &onPG}, {mem.cl, &onMem}} {
			for range 5 {
				t := time.Now()
				recs, err := side.cl.Recommend(ctx, "NEW", when, head, cand)
				*side.lat = append(*side.lat, time.Since(t))
				if err != nil || len(recs) != assistants {
					b.Fatal(err, len(recs))
				}
			}
		}
	}
	reportLatency(b, "pg", onPG)
	reportLatency(b, "memory", onMem)
	b.ReportMetric(median(onPG)/median(onMem), "pg/memory")
}
