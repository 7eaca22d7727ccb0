package workflow_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panickingStore panics in every method with a value holding a date of
// birth, as a broken driver might.
type panickingStore struct{}

const panicValue = "born 2012-05-06, Jan Kowalski"

func (panickingStore) Get(context.Context, string) (*workflow.Case, error) { panic(panicValue) }
func (panickingStore) Events(context.Context, string) ([]workflow.Event, error) {
	panic(panicValue)
}
func (panickingStore) Index(context.Context, string) ([]*workflow.Case, int64, error) {
	panic(panicValue)
}
func (panickingStore) IndexMany(context.Context, []string) (map[string][]workflow.Entry, error) {
	panic(panicValue)
}
func (panickingStore) Tally(context.Context, []string) (map[string][]workflow.Tally, error) {
	panic(panicValue)
}
func (panickingStore) Due(context.Context, workflow.DueQuery) ([]workflow.DueEntry, error) {
	panic(panicValue)
}
func (panickingStore) Commit(context.Context, workflow.Batch) error { panic(panicValue) }

// entryPoints calls every method of the engine that reaches the store.
func entryPoints(e *workflow.Engine, ctx context.Context) map[string]error {
	cmd := workflow.Command{Trigger: workflow.TriggerRefer, Actor: sw, On: d("2024-03-01")}
	out := map[string]error{}
	_, out["Fire"] = e.Fire(ctx, "F1", cmd)
	_, out["Check"] = e.Check(ctx, "F1", cmd)
	_, out["Case"] = e.Case(ctx, "F1")
	_, out["History"] = e.History(ctx, "F1")
	_, out["Replay"] = e.Replay(ctx, "F1")
	_, out["Obligations"] = e.Obligations(ctx, "F1", d("2024-03-01"))
	_, out["Family"] = e.Family(ctx, "F1")
	_, out["Load"] = e.Load(ctx, "A1", d("2024-03-01"))
	out["DeclareFamily"] = e.DeclareFamily(ctx, "F1", workflow.FamilyInfo{})
	out["DeclareChild"] = e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F1", Born: d("2012-05-06")})
	out["DeclareFosterFamily"] = e.DeclareFosterFamily(ctx, "R1", workflow.FosterFamilyInfo{Form: workflow.FormProfessional})
	return out
}

// TestEngine_panickingStore checks that a store's panic never escapes an
// engine method and that its value (which may hold data) never reaches the
// error.
func TestEngine_panickingStore(t *testing.T) {
	e, err := workflow.New(workflow.WithStore(panickingStore{}))
	require.NoError(t, err)
	var errs map[string]error
	require.NotPanics(t, func() { errs = entryPoints(e, context.Background()) })
	for name, err := range errs {
		require.Error(t, err, name)
		for _, lang := range []rules.Lang{rules.Polish, rules.English} {
			assert.NotContains(t, workflow.Localize(err, lang), "2012", name)
			assert.NotContains(t, workflow.Localize(err, lang), "Kowalski", name)
		}
	}
}

// TestEngine_nilContext checks that a nil context is an error of every
// engine method, not a panic.
func TestEngine_nilContext(t *testing.T) { forEachStore(t, testEngineNilContext) }

func testEngineNilContext(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	w.declareFamily("F1")
	var errs map[string]error
	//lint:ignore SA1012 a nil context on purpose
	require.NotPanics(t, func() { errs = entryPoints(w.e, nil) })
	for name, err := range errs {
		assert.ErrorIs(t, err, workflow.ErrNilContext, name)
	}
	_, err := w.e.ReplayEvents(nil, nil)
	assert.Error(t, err, "ReplayEvents without a case")
}
