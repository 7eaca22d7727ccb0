package caseload_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// TestReportsUnderOneRevision: while the municipal file is reloaded again
// and again (the cap flipping between 12 and 13), every staffing report
// and every recommendation is computed under one revision of the rules:
// never two caps in one report.
func TestReportsUnderOneRevision(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gmina.yaml")
	write := func(cap int) {
		require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf("name: Gmina\nparameters:\n  assistant.max_families: %d\n", cap)), 0o600))
	}
	write(12)
	live, err := rules.OpenLive(path)
	require.NoError(t, err)
	reg := caseload.NewRegistry()
	for i := range 200 {
		require.NoError(t, reg.Add(workflow.Worker{ID: fmt.Sprintf("A%03d", i), Role: workflow.FamilyAssistant, Employer: "G1"}))
	}
	require.NoError(t, reg.Add(workflow.Worker{ID: "SW1", Role: workflow.SocialWorker, Employer: "G1"}))
	require.NoError(t, reg.Add(workflow.Worker{ID: "H1", Role: workflow.OPSHead, Employer: "G1"}))
	e, err := workflow.New(workflow.WithDirectory(reg), workflow.WithLiveRules(live))
	require.NoError(t, err)
	cl := caseload.New(e, reg)
	on := rules.MustParseDate("2024-01-01")
	sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	require.NoError(t, e.DeclareFamily(t.Context(), "F1", workflow.FamilyInfo{}))
	for _, trig := range []string{"refer", "complete_interview", "request_assistant", "give_consent"} {
		_, err := e.Fire(t.Context(), "F1", workflow.Command{Trigger: trig, Actor: sw, On: on})
		require.NoError(t, err)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			write(12 + i%2)
			if _, err := live.Reload(); err != nil {
				t.Error(err)
				return
			}
		}
	})
	head := workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	for range 100 {
		rep, err := cl.Staffing(t.Context(), caseload.StaffingInput{Unit: "G1", Inhabitants: 1000}, on)
		require.NoError(t, err)
		caps := map[int]bool{}
		for _, l := range rep.Assistants {
			caps[l.Cap] = true
		}
		assert.Len(t, caps, 1, "a staffing report with caps of two revisions")
		recs, err := cl.Recommend(t.Context(), "F1", on, head, caseload.Candidates{})
		if err != nil {
			continue // the rules kept changing: asked to try again
		}
		caps = map[int]bool{}
		for _, r := range recs {
			caps[r.Load.Cap] = true
			assert.Equal(t, recs[0].Decision.Revision, r.Decision.Revision, "a recommendation under two revisions")
		}
		assert.Len(t, caps, 1, "a recommendation with caps of two revisions")
	}
	close(stop)
	wg.Wait()
}
