package national

import (
	"context"
	"fmt"

	"github.com/asysta/asysta/workflow"
)

// ImportHistories writes every case into the engine's store with its
// whole history, as if each step had been fired in turn: the declaration
// and one event a step, each committed with the snapshot the engine's
// replay computes after it under the engine's rule set. Unlike
// [Dataset.Import], a case's history is in the store, so that reports
// computed from the histories (the half-yearly statistics) can be
// measured at national scale. The store must hold none of the cases yet;
// roles and rules are not checked (see [Dataset.Play]).
func (ds *Dataset) ImportHistories(ctx context.Context, e *workflow.Engine) error {
	rev := e.RuleSet().Revision()
	store := e.Store()
	return ds.eachCase(func(base *workflow.Case, steps []Step) error {
		evs := events(base, withCarerKind(steps), rev)
		var before *workflow.Case // as stored after the previous step
		for k := range evs {
			snap, err := e.ReplayEvents(base, evs[:k+1])
			if err != nil {
				return fmt.Errorf("national: %s: %w", base.ID, err)
			}
			w := workflow.Write{Case: snap, Expected: int64(k), Events: []workflow.Event{evs[k]}, Before: before}
			if err := store.Commit(ctx, workflow.Batch{Writes: []workflow.Write{w}}); err != nil {
				return fmt.Errorf("national: import %s: %w", base.ID, err)
			}
			before = snap.Clone()
			before.Version = int64(k) + 1
		}
		return nil
	})
}
