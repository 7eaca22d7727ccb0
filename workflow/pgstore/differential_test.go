package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// TestSameAsMemoryStore commits the same random batches to a memory store
// and to PostgreSQL and, after each, compares all either can tell: every
// case and its events, every key's cases, version, entries and tallies,
// and the obligations due, all and per worker. The batches write up to
// three cases at once, new and existing, moving them in and out of keys,
// changing their entries, their assigned worker and their obligations
// (with refs), with guards alone or beside writes, some stale.
func TestSameAsMemoryStore(t *testing.T) {
	pool := pgstoretest.NewPool(t)
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			pg, mem := pool.Store(t), workflow.NewMemoryStore()
			r := rand.New(rand.NewPCG(seed, 2016))
			for step := range 200 {
				b := randomBatch(t, r, mem)
				memErr := mem.Commit(context.Background(), b)
				pgErr := pg.Commit(context.Background(), b)
				if memErr != nil && !errors.Is(memErr, workflow.ErrConflict) {
					t.Fatalf("step %d: memory store: %v", step, memErr)
				}
				if (memErr == nil) != (pgErr == nil) {
					t.Fatalf("step %d: memory store: %v; PostgreSQL: %v\nbatch %s", step, memErr, pgErr, jsonOf(t, b))
				}
				sameStores(t, fmt.Sprint("step ", step), mem, pg)
			}
		})
	}
}

// The IDs and values the random batches draw from: few of each, so that
// cases meet under keys and come back to earlier values.
var (
	diffFamilies = []string{"F1", "F2", "F3", "F4", "F5", "F6"}
	diffChildren = []string{"C1", "C2", "C3"}
	diffFosters  = []string{"R1", "R2"}
	diffWorkers  = []string{"", "W1", "W2"}
	diffStates   = map[rules.Lifecycle][]workflow.State{
		rules.LifecycleFamily: {workflow.Referred, workflow.AssistantRequested, workflow.AssistantPlanning,
			workflow.AssistantImplementing, workflow.Monitoring, workflow.Closed},
		rules.LifecycleChild: {workflow.InFamily, workflow.PlacedProfessional, workflow.PlacedInstitution,
			workflow.Reunification, workflow.Returned},
		rules.LifecycleFosterFamily: {workflow.Qualified, workflow.Active, workflow.Suspended, workflow.Dissolved},
	}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// randomBatch draws a batch over the cases mem holds: each write a new
// case or a change of a stored one (with the stored case as Before), and
// guards at the keys' versions, one now and then stale.
func randomBatch(t *testing.T, r *rand.Rand, mem *workflow.MemoryStore) workflow.Batch {
	t.Helper()
	ctx := context.Background()
	var b workflow.Batch
	ids := slices.Concat(diffFamilies, diffChildren, diffFosters)
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	for _, id := range ids[:r.IntN(4)] { // 0 writes: a batch of guards alone
		before, err := mem.Get(ctx, id)
		if err != nil && !errors.Is(err, workflow.ErrNotFound) {
			t.Fatal(err)
		}
		var c *workflow.Case
		if before == nil {
			c = newDiffCase(id)
		} else {
			c = before.Clone()
		}
		changeDiffCase(r, c)
		w := workflow.Write{Case: c, Before: before, Events: []workflow.Event{{Case: id, Lifecycle: c.Lifecycle,
			To: c.State, Trigger: "test", Actor: actSW, On: day, Revision: "test"}}}
		if before != nil {
			w.Expected = before.Version
		}
		b.Writes = append(b.Writes, w)
	}
	for range r.IntN(3) {
		var key string
		switch r.IntN(4) {
		case 0:
			key = workflow.AssistantKey(pick(r, diffWorkers[1:]))
		case 1:
			key = workflow.CoordinatorKey(pick(r, diffWorkers[1:]))
		case 2:
			key = workflow.CarerKey(pick(r, diffFosters))
		default:
			key = workflow.FosterFamilyKey(pick(r, diffFosters))
		}
		_, v, err := mem.Index(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if r.IntN(8) == 0 {
			v++ // stale
		}
		b.Guards = append(b.Guards, workflow.KeyVersion{Key: key, Version: v})
	}
	return b
}

func newDiffCase(id string) *workflow.Case {
	c := &workflow.Case{ID: id}
	switch id[0] {
	case 'F':
		c.Lifecycle, c.Family = rules.LifecycleFamily, &workflow.FamilyFacts{Difficulty: 1, Opened: day}
	case 'C':
		c.Lifecycle, c.Child = rules.LifecycleChild, &workflow.ChildFacts{Born: rules.MustParseDate("2012-05-10")}
	default:
		c.Lifecycle, c.FosterFamily = rules.LifecycleFosterFamily, &workflow.FosterFamilyFacts{Form: workflow.FormProfessional}
	}
	c.State = diffStates[c.Lifecycle][0]
	return c
}

// changeDiffCase changes some of c's facts: those its keys and entry
// follow, and some that neither does.
func changeDiffCase(r *rand.Rand, c *workflow.Case) {
	if r.IntN(2) == 0 {
		c.State = pick(r, diffStates[c.Lifecycle])
	}
	switch {
	case c.Family != nil:
		f := c.Family
		switch r.IntN(6) {
		case 0:
			f.Assistant = pick(r, diffWorkers)
		case 1:
			f.SocialWorker = pick(r, diffWorkers)
		case 2:
			f.Difficulty = pick(r, []float64{0.1, 0.2, 0.3, 0.7, 1, 1.1, 1.2, 1.3, 1.7, 2.4})
		case 3:
			f.ZaZyciemKind, f.Basis = pick(r, []string{"", "pregnancy"}), pick(r, []workflow.Basis{workflow.BasisConsent, workflow.BasisZaZyciem})
		case 4:
			f.NonCooperation++ // in no entry
		}
	case c.Child != nil:
		switch r.IntN(4) {
		case 0:
			c.Child.Carer = pick(r, append([]string{""}, diffFosters...))
		case 1:
			c.Child.Family = pick(r, append([]string{""}, diffFamilies...))
		case 2:
			c.Child.HelpPlanRef = fmt.Sprint("P", r.IntN(3)) // in no entry
		}
	default:
		switch r.IntN(4) {
		case 0:
			c.FosterFamily.Coordinator = pick(r, diffWorkers)
		case 1:
			c.FosterFamily.Form = pick(r, []string{workflow.FormProfessional, workflow.FormKinship})
		case 2:
			c.FosterFamily.Assessments++ // in no entry
		}
	}
	if r.IntN(2) == 0 {
		return
	}
	// The obligations: one closed, one added (plan actions by ref), one
	// moved.
	obl := c.Obligations
	switch r.IntN(3) {
	case 0:
		if len(obl) > 0 {
			i := r.IntN(len(obl))
			obl = slices.Delete(obl, i, i+1)
		}
	case 1:
		o := workflow.Obligation{ID: pick(r, []string{workflow.OblFamilyAssessment, "plan_action"}), Opened: day,
			Due: day.AddDays(r.IntN(60)), Rule: "due.test"}
		if o.ID == "plan_action" {
			o.Ref, o.Rule = fmt.Sprint("a", r.IntN(3)), "plan"
		}
		if !slices.ContainsFunc(obl, func(x workflow.Obligation) bool { return x.ID == o.ID && x.Ref == o.Ref }) {
			obl = append(obl, o)
		}
	default:
		if len(obl) > 0 {
			obl[r.IntN(len(obl))].Due = day.AddDays(r.IntN(60))
		}
	}
	c.Obligations = obl
}

// sameStores fails unless a and b tell the same of every case and key the
// random batches use.
func sameStores(t *testing.T, when string, a, b workflow.Store) {
	t.Helper()
	ctx := context.Background()
	for _, id := range slices.Concat(diffFamilies, diffChildren, diffFosters) {
		ca, errA := a.Get(ctx, id)
		cb, errB := b.Get(ctx, id)
		if errors.Is(errA, workflow.ErrNotFound) != errors.Is(errB, workflow.ErrNotFound) || jsonOf(t, ca) != jsonOf(t, cb) {
			t.Fatalf("%s: Get(%s):\n%s (%v)\n%s (%v)", when, id, jsonOf(t, ca), errA, jsonOf(t, cb), errB)
		}
		ea, _ := a.Events(ctx, id)
		eb, _ := b.Events(ctx, id)
		if len(ea) != len(eb) {
			t.Fatalf("%s: Events(%s): %d and %d", when, id, len(ea), len(eb))
		}
	}
	var keys []string
	for _, w := range diffWorkers[1:] {
		keys = append(keys, workflow.AssistantKey(w), workflow.CoordinatorKey(w), workflow.SocialWorkerKey(w))
	}
	for _, f := range diffFamilies {
		keys = append(keys, workflow.FamilyKey(f))
	}
	for _, r := range diffFosters {
		keys = append(keys, workflow.CarerKey(r), workflow.FosterFamilyKey(r))
	}
	for _, k := range keys {
		ia, va, err := a.Index(ctx, k)
		require.NoError(t, err)
		ib, vb, err := b.Index(ctx, k)
		require.NoError(t, err)
		if va != vb || jsonOf(t, ia) != jsonOf(t, ib) {
			t.Fatalf("%s: Index(%s): version %d and %d\n%s\n%s", when, k, va, vb, jsonOf(t, ia), jsonOf(t, ib))
		}
	}
	ma, err := a.IndexMany(ctx, keys)
	require.NoError(t, err)
	mb, err := b.IndexMany(ctx, keys)
	require.NoError(t, err)
	ta, err := a.Tally(ctx, keys)
	require.NoError(t, err)
	tb, err := b.Tally(ctx, keys)
	require.NoError(t, err)
	for _, k := range keys {
		if jsonOf(t, ma[k]) != jsonOf(t, mb[k]) {
			t.Fatalf("%s: IndexMany[%s]:\n%s\n%s", when, k, jsonOf(t, ma[k]), jsonOf(t, mb[k]))
		}
		if jsonOf(t, ta[k]) != jsonOf(t, tb[k]) {
			t.Fatalf("%s: Tally[%s]:\n%s\n%s", when, k, jsonOf(t, ta[k]), jsonOf(t, tb[k]))
		}
	}
	workers := [][]string{nil}
	for _, k := range keys {
		workers = append(workers, []string{k})
	}
	for _, ws := range workers {
		q := workflow.DueQuery{On: day, Workers: ws}
		da, err := a.Due(ctx, q)
		require.NoError(t, err)
		db, err := b.Due(ctx, q)
		require.NoError(t, err)
		if jsonOf(t, da) != jsonOf(t, db) {
			t.Fatalf("%s: Due(%v):\n%s\n%s", when, ws, jsonOf(t, da), jsonOf(t, db))
		}
	}
}
