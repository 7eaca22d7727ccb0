package caseload_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Caseload answers while the engine changes cases (run with -race), and
// concurrent assignments never put an assistant over the cap.
func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, nil, assistant("A1"), assistant("A2"), coordinator("K1"))
	on := d("2016-03-01")
	f.families("F", "A1", 10, on)
	var waiting []string
	for i := range 12 {
		id := fmt.Sprintf("W%02d", i)
		f.requested(id, on, workflow.FamilyInfo{})
		waiting = append(waiting, id)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, id := range waiting {
		wg.Go(func() {
			// Every family is offered to A1 first: only 5 fit under 15.
			_, err := f.e.Fire(f.ctx, id, workflow.Command{Trigger: "assign_assistant", Actor: head, On: on, Args: workflow.Args{"assistant": "A1"}})
			if err != nil && !errors.Is(err, workflow.ErrDenied) && !errors.Is(err, workflow.ErrConflict) {
				errs <- err
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			if _, err := f.cl.Load(f.ctx, "A1", on); err != nil {
				errs <- err
			}
			// W00 may be assigned while it is recommended for: a conflict.
			if _, err := f.cl.Recommend(f.ctx, waiting[0], on, head, caseload.Candidates{}); err != nil &&
				!errors.Is(err, workflow.ErrInvalidTransition) && !errors.Is(err, workflow.ErrConflict) {
				errs <- err
			}
			if _, err := f.cl.Calendar(f.ctx, caseload.CalendarQuery{On: on, LeadDays: -1}); err != nil {
				errs <- err
			}
			if _, err := f.cl.Staffing(f.ctx, caseload.StaffingInput{Unit: "G1", Inhabitants: 5000}, on); err != nil {
				errs <- err
			}
			if _, err := f.cl.PlanReassignment(f.ctx, "A1", on, head, caseload.Candidates{}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	l := f.load("A1", on)
	assert.LessOrEqual(t, l.Families, 15)
	assert.False(t, l.Over())
}
