package caseload_test

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/caseload/internal/national"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nationalScale is the scale of the tests over the national dataset:
// national, but a tenth under the race detector and a fiftieth with -short.
func nationalScale() float64 {
	switch {
	case testing.Short():
		return 0.02
	case raceEnabled:
		return 0.1
	}
	return 1
}

// loaded is a generated dataset imported into an engine's memory store.
type loaded struct {
	ds  *national.Dataset
	e   *workflow.Engine
	reg *caseload.Registry
	cl  *caseload.Caseload
}

var (
	loadedMu    sync.Mutex
	loadedCache = map[float64]*loaded{}
)

// loadNational generates and imports the dataset of seed 1 at a scale,
// once per test binary.
func loadNational(tb testing.TB, scale float64) *loaded {
	tb.Helper()
	loadedMu.Lock()
	defer loadedMu.Unlock()
	if l, ok := loadedCache[scale]; ok {
		return l
	}
	ds := national.Generate(1, scale)
	reg, err := ds.Registry()
	require.NoError(tb, err)
	e, err := workflow.New(workflow.WithDirectory(reg))
	require.NoError(tb, err)
	require.NoError(tb, ds.Import(context.Background(), e))
	l := &loaded{ds: ds, e: e, reg: reg, cl: caseload.New(e, reg)}
	loadedCache[scale] = l
	return l
}

// plainCalendar computes the calendar of every open obligation from the
// generated raw records with plain date arithmetic: no engine, no store,
// no rules. It is what Caseload.Calendar with LeadDays -1 is measured
// against, and checked against.
func plainCalendar(ds *national.Dataset, on rules.Date) []caseload.Entry {
	labels := map[string]rules.Text{}
	for _, id := range workflow.Obligations {
		labels[id] = workflow.ObligationLabel(id)
	}
	var out []caseload.Entry
	add := func(id string, lc rules.Lifecycle, obl string, opened, due rules.Date, worker string) {
		out = append(out, caseload.Entry{Case: id, Lifecycle: lc, Obligation: obl, Label: labels[obl], Opened: opened, Due: due,
			Overdue: on.After(due), DaysLeft: on.DaysUntil(due), Worker: worker})
	}
	latest := func(a, b rules.Date) rules.Date {
		if b.After(a) {
			return b
		}
		return a
	}
	for i := range ds.Families {
		f := &ds.Families[i]
		switch {
		case f.State == workflow.Referred:
			days := 14
			if f.Urgent {
				days = 2
			}
			add(f.ID, rules.LifecycleFamily, workflow.OblInterview, f.Referred, f.Referred.AddWorkingDays(days), "")
		case f.State.In(workflow.AssistantWork):
			from := latest(f.Assigned, f.LastAssessed)
			add(f.ID, rules.LifecycleFamily, workflow.OblFamilyAssessment, from, from.AddMonths(6), f.Assistant)
			if f.Basis == workflow.BasisCourt {
				from := latest(f.CourtOrdered, f.LastCourtReport)
				add(f.ID, rules.LifecycleFamily, workflow.OblCourtReport, from, from.AddMonths(f.ReportEvery), f.Assistant)
			}
		case f.State == workflow.AssistantRequested && f.Basis == workflow.BasisCourt:
			add(f.ID, rules.LifecycleFamily, workflow.OblCourtReport, f.CourtOrdered, f.CourtOrdered.AddMonths(f.ReportEvery), "")
		}
	}
	coordinator := make(map[string]string, len(ds.FosterFamilies))
	for i := range ds.FosterFamilies {
		coordinator[ds.FosterFamilies[i].ID] = ds.FosterFamilies[i].Coordinator
	}
	for i := range ds.Children {
		c := &ds.Children[i]
		worker := coordinator[c.Carer]
		from := latest(c.Placed, c.LastReview)
		months := 6
		if rules.AgeOn(c.Born, from) < 3 {
			months = 3
		}
		add(c.ID, rules.LifecycleChild, workflow.OblChildReview, from, from.AddMonths(months), worker)
		if c.Form != workflow.FormInstitution {
			from := latest(c.Placed, c.LastCourtReport)
			add(c.ID, rules.LifecycleChild, workflow.OblCourtReport, from, from.AddMonths(6), worker)
		}
		// propose_return discharges the motion while the court decides.
		if c.Settled.IsZero() && c.ProposedReturn.IsZero() {
			add(c.ID, rules.LifecycleChild, workflow.OblLegalStatusMotion, c.Placed, c.Placed.AddMonths(18), worker)
		}
		if c.Form == workflow.FormEmergency {
			opened, months := c.Placed, 4
			if !c.Extended.IsZero() {
				opened, months = c.Extended, 8
			}
			add(c.ID, rules.LifecycleChild, workflow.OblEmergencyStayEnd, opened, c.Placed.AddMonths(months), worker)
		}
	}
	for i := range ds.FosterFamilies {
		ff := &ds.FosterFamilies[i]
		if ff.Active.IsZero() {
			continue
		}
		from, months := ff.Active, 12
		if n := len(ff.Assessments); n > 0 {
			last := ff.Assessments[n-1]
			switch from = last.On; {
			case last.Result == "negative":
				months = 6
			case n == 1:
				months = 12
			default:
				months = 36
			}
		}
		add(ff.ID, rules.LifecycleFosterFamily, workflow.OblFosterFamilyAssessment, from, from.AddMonths(months), ff.Coordinator)
		// A second negative assessment in a row: the motion to end the
		// placement, due 10 working days later, stays open until filed.
		for k := 1; k < len(ff.Assessments); k++ {
			if ff.Assessments[k-1].Result == "negative" && ff.Assessments[k].Result == "negative" {
				on := ff.Assessments[k].On
				add(ff.ID, rules.LifecycleFosterFamily, workflow.OblPlacementEndMotion, on, on.AddWorkingDays(10), ff.Coordinator)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if c := a.Due.Compare(b.Due); c != 0 {
			return c < 0
		}
		if a.Case != b.Case {
			return a.Case < b.Case
		}
		return a.Obligation < b.Obligation
	})
	return out
}

// The engine's calendar of the national dataset equals the one computed
// by hand from the raw records: every due date the engine stored is the
// statute's.
func TestNationalCalendarMatchesPlain(t *testing.T) {
	l := loadNational(t, nationalScale())
	for _, on := range []rules.Date{l.ds.AsOf, l.ds.AsOf.AddDays(45)} {
		got, err := l.cl.Calendar(context.Background(), caseload.CalendarQuery{On: on, LeadDays: -1})
		require.NoError(t, err)
		want := plainCalendar(l.ds, on)
		require.Equal(t, len(want), len(got))
		for i := range want {
			if want[i] != got[i] {
				require.Equal(t, want[i], got[i], "entry %d", i)
			}
		}
		overdue := 0
		for _, e := range got {
			if e.Overdue {
				overdue++
			}
		}
		t.Logf("%s: %d open obligations, %d overdue, over %d cases", on, len(got), overdue, l.ds.Cases())
	}
}

// BenchmarkNationalCalendar: the full calendar of open obligations over
// the national dataset (about 138,000 cases) in the memory store, against
// the same calendar computed with plain date arithmetic from the raw
// records. Target: caseload at most 3× plain.
func BenchmarkNationalCalendar(b *testing.B) {
	l := loadNational(b, 1)
	ctx := context.Background()
	q := caseload.CalendarQuery{On: l.ds.AsOf, LeadDays: -1}
	b.Run("caseload", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		cpu := benchCPUTime()
		for b.Loop() {
			entries, err := l.cl.Calendar(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			n = len(entries)
		}
		reportCPU(b, cpu)
		b.ReportMetric(float64(n), "entries")
	})
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		cpu := benchCPUTime()
		for b.Loop() {
			n = len(plainCalendar(l.ds, q.On))
		}
		reportCPU(b, cpu)
		b.ReportMetric(float64(n), "entries")
	})
	// ratio runs both in turn, so that both see the same machine (on a
	// busy one the separate timings above drift), each followed by a
	// collection of its own garbage, timed with it. It reports the ratios
	// of wall time and of CPU time (every thread, the collector's too).
	b.Run("ratio", func(b *testing.B) {
		var wall, cpu [2]int64
		phase := func(i int, f func()) {
			w, c := time.Now(), benchCPUTime()
			f()
			runtime.GC()
			wall[i] += int64(time.Since(w))
			cpu[i] += benchCPUTime() - c
		}
		for b.Loop() {
			phase(0, func() {
				if _, err := l.cl.Calendar(ctx, q); err != nil {
					b.Fatal(err)
				}
			})
			phase(1, func() { plainCalendar(l.ds, q.On) })
		}
		b.ReportMetric(float64(wall[0])/float64(wall[1]), "caseload/plain")
		if cpu[1] > 0 {
			b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "cpu-caseload/plain")
		}
	})
}

// reportCPU reports the CPU time per operation since start (every
// thread: the collector's work counts), which a busy machine distorts
// less than wall time.
func reportCPU(b *testing.B, start int64) {
	if cpu := benchCPUTime() - start; start > 0 && b.N > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
}

// county is one powiat's OPS: 15 assistants of 5 gminas, each with 8 to
// 15 families, and a family waiting for an assistant.
func county(tb testing.TB) *fixture {
	var workers []workflow.Worker
	for i := range 15 {
		workers = append(workers, workflow.Worker{ID: fmt.Sprintf("A%02d", i), Role: workflow.FamilyAssistant,
			Employer: "G1", Area: fmt.Sprintf("r%d", i%5)})
	}
	f := newFixture(tb, nil, workers...)
	on := d("2024-03-01")
	for i := range 15 {
		for k := range 8 + i%8 {
			id := fmt.Sprintf("F%02d-%02d", i, k)
			f.requested(id, on, workflow.FamilyInfo{Area: fmt.Sprintf("r%d", k%5)})
			f.assign(id, fmt.Sprintf("A%02d", i), on)
		}
	}
	f.requested("NEW", on, workflow.FamilyInfo{Area: "r2"})
	return f
}

// BenchmarkRecommend: one recommendation over a county's 15 assistants.
// Target: under 1 ms.
func BenchmarkRecommend(b *testing.B) {
	f := county(b)
	on := d("2024-06-01")
	b.ReportAllocs()
	cpu := benchCPUTime()
	for b.Loop() {
		recs, err := f.cl.Recommend(f.ctx, "NEW", on, head, caseload.Candidates{Employer: "G1"})
		if err != nil || len(recs) != 15 {
			b.Fatal(err, len(recs))
		}
	}
	reportCPU(b, cpu)
}

func TestCountyRecommend(t *testing.T) {
	f := county(t)
	recs, err := f.cl.Recommend(f.ctx, "NEW", d("2024-06-01"), head, caseload.Candidates{Employer: "G1"})
	require.NoError(t, err)
	require.Len(t, recs, 15)
	assert.Equal(t, "A00", recs[0].Worker, "8 families, the fewest")
	assert.Equal(t, "A07", recs[14].Worker, "15 families: denied")
	assert.False(t, recs[14].Eligible)
	assert.Equal(t, "A08", recs[1].Worker, "8 families, same load as A00, not the same area")
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// storeBytesPerCase imports a generated dataset into a fresh memory store
// and returns the heap the store holds per case (the dataset itself freed).
func storeBytesPerCase(tb testing.TB, scale float64) (perCase float64, cases int) {
	before := heapInUse()
	ds := national.Generate(2, scale)
	reg, err := ds.Registry()
	require.NoError(tb, err)
	store := workflow.NewMemoryStore()
	e, err := workflow.New(workflow.WithDirectory(reg), workflow.WithStore(store))
	require.NoError(tb, err)
	require.NoError(tb, ds.Import(context.Background(), e))
	cases = ds.Cases()
	ds, reg, e = nil, nil, nil
	after := heapInUse()
	runtime.KeepAlive(store)
	return float64(after-before) / float64(cases), cases
}

// TestNationalMemory records the bytes per case of the national dataset in
// the memory store (snapshot, one event, index entries). Aim: under 2 KiB.
func TestNationalMemory(t *testing.T) {
	perCase, cases := storeBytesPerCase(t, nationalScale())
	t.Logf("%d cases: %.0f bytes per case in the memory store", cases, perCase)
	if !raceEnabled {
		assert.Less(t, perCase, 2048.0)
	}
}

// BenchmarkNationalImport: importing the national dataset into a memory
// store (generation outside the timer), with the heap it holds per case.
func BenchmarkNationalImport(b *testing.B) {
	ds := loadNational(b, 1).ds
	b.ReportAllocs()
	cpu := benchCPUTime()
	for b.Loop() {
		reg, _ := ds.Registry()
		e, err := workflow.New(workflow.WithDirectory(reg))
		if err != nil {
			b.Fatal(err)
		}
		if err := ds.Import(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(ds.Cases()), "cases")
	perCase, _ := storeBytesPerCase(b, 1)
	b.ReportMetric(perCase, "B/case")
}

// BenchmarkRecommendNational: one recommendation among a gmina's
// assistants in the national registry (about 33,000 posts) and store.
func BenchmarkRecommendNational(b *testing.B) {
	l := loadNational(b, 1)
	var fam, gmina string
	for _, f := range l.ds.Families {
		if f.State == workflow.AssistantRequested && f.Basis == workflow.BasisConsent {
			fam, gmina = f.ID, f.Gmina
			break
		}
	}
	by := workflow.Actor{ID: gmina + "-H", Role: workflow.OPSHead}
	b.ReportAllocs()
	cpu := benchCPUTime()
	for b.Loop() {
		if _, err := l.cl.Recommend(b.Context(), fam, l.ds.AsOf, by, caseload.Candidates{Employer: gmina}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
