package caseload_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/workflow"
)

// countingStore counts the questions asked of a store.
type countingStore struct {
	workflow.Store
	n atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, id string) (*workflow.Case, error) {
	s.n.Add(1)
	return s.Store.Get(ctx, id)
}

func (s *countingStore) Index(ctx context.Context, key string) ([]*workflow.Case, int64, error) {
	s.n.Add(1)
	return s.Store.Index(ctx, key)
}

func (s *countingStore) IndexMany(ctx context.Context, keys []string) (map[string][]workflow.Entry, error) {
	s.n.Add(1)
	return s.Store.IndexMany(ctx, keys)
}

func (s *countingStore) Tally(ctx context.Context, keys []string) (map[string][]workflow.Tally, error) {
	s.n.Add(1)
	return s.Store.Tally(ctx, keys)
}

func (s *countingStore) Due(ctx context.Context, q workflow.DueQuery) ([]workflow.DueEntry, error) {
	s.n.Add(1)
	return s.Store.Due(ctx, q)
}

// unit is an OPS whose n assistants have two families each, with the
// caseload over a store that counts the questions asked of it.
func unit(t *testing.T, n int) (*caseload.Caseload, *countingStore, *fixture) {
	var workers []workflow.Worker
	for i := range n {
		workers = append(workers, workflow.Worker{ID: fmt.Sprintf("A%02d", i), Role: workflow.FamilyAssistant, Employer: "G1"})
	}
	f := newFixture(t, nil, workers...)
	on := d("2024-03-01")
	for i := range n {
		f.families(fmt.Sprintf("F%02d-", i), workers[i].ID, 2, on)
	}
	f.requested("NEW", on, workflow.FamilyInfo{})
	cs := &countingStore{Store: f.e.Store()}
	e, err := workflow.New(workflow.WithDirectory(f.reg), workflow.WithStore(cs))
	require.NoError(t, err)
	return caseload.New(e, f.reg), cs, f
}

// Recommendations, reassignment plans, staffing reports and unit
// calendars ask the store as many questions for 20 assistants as for 3:
// never one per worker.
func TestQuestionsPerReport(t *testing.T) {
	on := d("2024-06-01")
	questions := func(n int) map[string]int64 {
		cl, cs, _ := unit(t, n)
		ctx := context.Background()
		out := map[string]int64{}
		ask := func(name string, fn func() error) {
			before := cs.n.Load()
			require.NoError(t, fn(), name)
			out[name] = cs.n.Load() - before
		}
		ask("recommend", func() error {
			_, err := cl.Recommend(ctx, "NEW", on, head, caseload.Candidates{Employer: "G1"})
			return err
		})
		ask("plan", func() error {
			_, err := cl.PlanReassignment(ctx, "A00", on, head, caseload.Candidates{Employer: "G1"})
			return err
		})
		ask("staffing", func() error {
			_, err := cl.Staffing(ctx, caseload.StaffingInput{Unit: "G1", Inhabitants: 5000}, on)
			return err
		})
		ask("unit calendar", func() error {
			_, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1, Unit: "G1"})
			return err
		})
		return out
	}
	few, many := questions(3), questions(20)
	t.Logf("questions asked of the store: %v", many)
	assert.Equal(t, few, many, "questions with 3 assistants, then with 20")
	for name, n := range many {
		assert.LessOrEqual(t, n, int64(6), name)
	}
}

// A unit's calendar is its assistants' and coordinators' obligations: the
// whole calendar but those of cases no one of the unit answers for, and
// the same as its workers' calendars put together.
func TestCalendarOfUnit(t *testing.T) {
	cl, _, _ := unit(t, 3)
	ctx := context.Background()
	on := d("2024-06-01")
	all, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1})
	require.NoError(t, err)
	var want, byWorker []caseload.Entry
	for _, e := range all {
		if e.Worker != "" {
			want = append(want, e)
		}
	}
	for _, w := range []string{"A00", "A01", "A02"} {
		es, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1, Worker: w})
		require.NoError(t, err)
		require.NotEmpty(t, es, w)
		byWorker = append(byWorker, es...)
	}
	got, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1, Unit: "G1"})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.ElementsMatch(t, byWorker, got)
	one, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1, Unit: "G1", Worker: "A01"})
	require.NoError(t, err)
	two, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1, Worker: "A01"})
	require.NoError(t, err)
	assert.Equal(t, two, one)
	none, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1, Unit: "G404"})
	require.NoError(t, err)
	assert.Empty(t, none)
}
