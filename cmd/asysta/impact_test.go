package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The impact fixture of caseload's tests: a caseload, the file in force
// and a proposed file taking effect on 2025-06-01.
const (
	impactState    = "../../caseload/testdata/impact/state.yaml"
	impactProposed = "../../caseload/testdata/impact/proposed.yaml"
	impactCurrent  = "../../caseload/testdata/impact/current.yaml"
)

// TestImpact covers the impact verb in both languages and its errors.
func TestImpact(t *testing.T) {
	runVerbCases(t, []verbCase{
		{name: "english", args: []string{"impact", "--with", impactProposed, "--on", "2025-06-01", impactState}, golden: "impact_en.txt",
			has: []string{"A1: 4 > 3 (was 15; assistant.max_families): F01 F02 F03 F05", "F06      #6 assign_assistant (H1): local.hard_family_full_time"}},
		{name: "polish", args: []string{"impact", "--lang", "pl", "--config", impactCurrent, "--with", impactProposed, "--on", "2025-06-01", impactState},
			golden: "impact_pl.txt", has: []string{"Symulacja historii", "(dodana)", "ustawa"}},
		{name: "no change", args: []string{"impact", "--with", impactCurrent, "--on", "2025-06-01", impactState},
			has: []string{"Parameters:\n  no change", "Rules:\n  no change"}},
		{name: "no --on", args: []string{"impact", "--with", impactProposed, impactState}, code: exitUsage},
		{name: "no --with", args: []string{"impact", "--on", "2025-06-01", impactState}, code: exitUsage},
		{name: "bad date", args: []string{"impact", "--with", impactProposed, "--on", "1.6.2025", impactState}, code: exitUsage},
		{name: "bad file", args: []string{"impact", "--with", "testdata/bad.yaml", "--on", "2025-06-01", impactState}, code: exitProblem},
	})
}

// TestImpact_json decodes the parts of the JSON report.
func TestImpact_json(t *testing.T) {
	res := runArgs("impact", "--json", "--with", impactProposed, "--on", "2025-06-01", impactState)
	require.Equal(t, exitOK, res.code, res.stderr)
	var imp struct {
		On     string `json:"on"`
		Params []struct {
			ID  string `json:"id"`
			Old struct {
				Value  int    `json:"value"`
				Source string `json:"source"`
			} `json:"old"`
			New struct {
				Value int    `json:"value"`
				Basis string `json:"basis"`
			} `json:"new"`
		} `json:"params"`
		OverCap []struct {
			Worker string   `json:"worker"`
			Cases  []string `json:"cases"`
			Cap    int      `json:"cap"`
			OldCap int      `json:"old_cap"`
		} `json:"over_cap"`
		Renewals []struct {
			Worker string `json:"worker"`
			Case   string `json:"case"`
			New    string `json:"new"`
		} `json:"renewals"`
		Refused []struct {
			Case  string   `json:"case"`
			Rules []string `json:"rules"`
		} `json:"refused"`
		DueChanges []struct {
			Case string `json:"case"`
			Old  string `json:"old"`
			New  string `json:"new"`
		} `json:"due_changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &imp))
	assert.Equal(t, "2025-06-01", imp.On)
	require.Len(t, imp.Params, 2)
	assert.Equal(t, 15, imp.Params[1].Old.Value)
	assert.Equal(t, 3, imp.Params[1].New.Value)
	assert.Equal(t, "art. 15 ust. 4 UWR", imp.Params[1].New.Basis)
	require.Len(t, imp.OverCap, 1)
	assert.Equal(t, []string{"F01", "F02", "F03", "F05"}, imp.OverCap[0].Cases)
	assert.Len(t, imp.Renewals, 7)
	require.Len(t, imp.Refused, 2)
	assert.Equal(t, []string{"assistant.max_families"}, imp.Refused[0].Rules)
	require.Len(t, imp.DueChanges, 2)
	assert.Equal(t, "2025-10-02", imp.DueChanges[0].New)
}

// TestImpact_db reads the same caseload from PostgreSQL (--db, the
// scenario giving only the staff): the report is the same as from the
// scenario's own end state.
func TestImpact_db(t *testing.T) {
	url := pgtest.Schema(t)
	ctx := context.Background()
	store, err := pgstore.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(store.Close)
	s, rs, err := scenario.ParseFile(impactState)
	require.NoError(t, err)
	reg, err := registry(s)
	require.NoError(t, err)
	_, e, err := s.Play(ctx, rs, reg)
	require.NoError(t, err)
	// Copy every case with its history, one event a commit.
	require.NoError(t, e.Store().(workflow.Scanner).Scan(ctx, func(c *workflow.Case) error {
		evs, err := e.History(ctx, c.ID)
		require.NoError(t, err)
		var before *workflow.Case
		for k := range evs {
			snap, err := e.ReplayEvents(c, evs[:k+1])
			require.NoError(t, err)
			require.NoError(t, store.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: snap, Expected: int64(k), Events: evs[k : k+1], Before: before}}}))
			before = snap.Clone()
			before.Version = int64(k) + 1
		}
		return nil
	}))
	mem := runArgs("impact", "--with", impactProposed, "--on", "2025-06-01", impactState)
	require.Equal(t, exitOK, mem.code, mem.stderr)
	db := runArgs("impact", "--db", url, "--with", impactProposed, "--on", "2025-06-01", impactState)
	require.Equal(t, exitOK, db.code, db.stderr)
	assert.Equal(t, mem.stdout, db.stdout)

	bad := runArgs("impact", "--db", "postgres://user:secret@[::1", "--with", impactProposed, "--on", "2025-06-01", impactState)
	assert.Equal(t, exitUsage, bad.code)
	assert.NotContains(t, bad.stderr, "secret", "the URL's password is not repeated")
}
