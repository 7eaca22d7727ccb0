package workflow_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadWorld is an engine with the staff the load tests fire with.
type loadWorld struct {
	t   *testing.T
	ctx context.Context
	e   *workflow.Engine
}

var (
	loadSW   = workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	loadHead = workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	loadOrg  = workflow.Actor{ID: "O1", Role: workflow.FosterCareOrganizer}
)

func newLoadWorld(t *testing.T, rs *rules.RuleSet) *loadWorld {
	t.Helper()
	dir := workflow.NewMemoryDirectory()
	for _, w := range []workflow.Worker{
		{ID: "SW1", Role: workflow.SocialWorker}, {ID: "H1", Role: workflow.OPSHead},
		{ID: "O1", Role: workflow.FosterCareOrganizer}, {ID: "A1", Role: workflow.FamilyAssistant},
		{ID: "K1", Role: workflow.FosterCareCoordinator},
	} {
		require.NoError(t, dir.AddWorker(w))
	}
	opts := []workflow.Option{workflow.WithDirectory(dir)}
	if rs != nil {
		opts = append(opts, workflow.WithRules(rs))
	}
	e, err := workflow.New(opts...)
	require.NoError(t, err)
	return &loadWorld{t: t, ctx: context.Background(), e: e}
}

func (w *loadWorld) fire(id, trigger string, by workflow.Actor, args workflow.Args) error {
	_, err := w.e.Fire(w.ctx, id, workflow.Command{Trigger: trigger, Actor: by, On: rules.MustParseDate("2017-03-01"), Args: args})
	return err
}

// family declares a family ('Za życiem' when zz) and assigns it to A1.
func (w *loadWorld) family(id string, difficulty float64, zz bool) error {
	require.NoError(w.t, w.e.DeclareFamily(w.ctx, id, workflow.FamilyInfo{Difficulty: difficulty}))
	steps := []string{"refer", "complete_interview", "request_assistant", "give_consent"}
	if zz {
		require.NoError(w.t, w.fire(id, "apply_za_zyciem", loadSW, workflow.Args{"kind": "pregnancy"}))
		steps = nil
	}
	for _, tr := range steps {
		require.NoError(w.t, w.fire(id, tr, loadSW, nil))
	}
	return w.fire(id, "assign_assistant", loadHead, workflow.Args{"assistant": "A1"})
}

// An assistant's load is the count the cap rule uses: at the cap, the next
// family is refused by assistant.max_families; 'Za życiem' families are
// left out when the municipality says so, and then do not fill the cap.
func TestEngineLoadIsTheCapRulesCount(t *testing.T) {
	cfg, err := rules.ParseConfig("gmina.yaml", []byte("name: Gmina\nparameters:\n  assistant.count_za_zyciem_in_cap: false\n"))
	require.NoError(t, err)
	notCounted, err := rules.New(cfg)
	require.NoError(t, err)
	tests := []struct {
		name       string
		rs         *rules.RuleSet
		counted    int
		notCounted []string
	}{
		{"statute: 'Za życiem' counted", nil, 15, nil},
		{"municipal file: not counted", notCounted, 13, []string{"Z1", "Z2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newLoadWorld(t, tt.rs)
			var want []string
			for i := 1; i <= 13; i++ {
				id := fmt.Sprintf("F%02d", i)
				require.NoError(t, w.family(id, 0.5, false))
				want = append(want, id)
			}
			require.NoError(t, w.family("Z1", 0, true))
			require.NoError(t, w.family("Z2", 0, true))
			if tt.notCounted == nil {
				want = append(want, "Z1", "Z2")
			}

			l, err := w.e.Load(w.ctx, "A1", rules.MustParseDate("2017-03-01"))
			require.NoError(t, err)
			assert.Equal(t, want, l.Cases)
			assert.Equal(t, tt.counted, l.Count())
			assert.Equal(t, tt.notCounted, l.ZaZyciemNotCounted)
			assert.InDelta(t, 6.5+float64(len(want)-13), l.Weight, 1e-9)
			assert.Equal(t, 15, l.Cap)
			assert.Equal(t, "assistant.max_families", l.CapRule)

			err = w.family("F99", 1, false)
			if l.Count() == l.Cap {
				var de *workflow.DeniedError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, []string{"assistant.max_families"}, de.RuleIDs())
			} else {
				require.NoError(t, err)
			}
		})
	}
}

func TestEngineLoadOfEachRole(t *testing.T) {
	w := newLoadWorld(t, nil)
	on := rules.MustParseDate("2017-03-01")
	for _, id := range []string{"R2", "R1"} {
		require.NoError(t, w.e.DeclareFosterFamily(w.ctx, id, workflow.FosterFamilyInfo{Form: workflow.FormProfessional}))
		require.NoError(t, w.fire(id, "assign_coordinator", loadOrg, workflow.Args{"coordinator": "K1"}))
	}
	require.NoError(t, w.e.DeclareFamily(w.ctx, "F1", workflow.FamilyInfo{}))
	require.NoError(t, w.fire("F1", "refer", loadSW, nil))

	tests := []struct {
		worker string
		want   workflow.Load
	}{
		{"K1", workflow.Load{Worker: "K1", Role: workflow.FosterCareCoordinator, On: on, Cases: []string{"R1", "R2"},
			Cap: 15, CapRule: "coordinator.max_foster_families", CapSource: "statute"}},
		{"SW1", workflow.Load{Worker: "SW1", Role: workflow.SocialWorker, On: on, Cases: []string{"F1"}}},
		{"A1", workflow.Load{Worker: "A1", Role: workflow.FamilyAssistant, On: on, Cases: []string{},
			Cap: 15, CapRule: "assistant.max_families", CapSource: "statute"}},
		{"H1", workflow.Load{Worker: "H1", Role: workflow.OPSHead, On: on, Cases: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.worker, func(t *testing.T) {
			l, err := w.e.Load(w.ctx, tt.worker, on)
			require.NoError(t, err)
			assert.Equal(t, tt.want, l)
		})
	}
	_, err := w.e.Load(w.ctx, "nobody", on)
	assert.ErrorIs(t, err, workflow.ErrUnknownWorker)
}
