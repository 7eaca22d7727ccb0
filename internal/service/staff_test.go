package service

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// TestStaffConformance runs one suite against both registries of staff:
// caseload.Registry in memory and pgstore.Directory in PostgreSQL.
func TestStaffConformance(t *testing.T) {
	impls := map[string]func(t *testing.T) staff{
		"memory":   func(*testing.T) staff { return newMemoryStaff() },
		"postgres": func(t *testing.T) staff { s, _ := pgstoretest.New(t); return newPGStaff(s.Pool()) },
	}
	d := rules.MustParseDate
	for name, open := range impls {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			w := workflow.Worker{ID: "A1", Person: "P1", Role: workflow.FamilyAssistant, FTE: 0.5, Employer: "OPS1",
				From: d("2020-01-01"), To: d("2024-12-31")}
			require.NoError(t, s.PutWorker(ctx, w))
			got, err := s.Worker(ctx, "A1")
			require.NoError(t, err)
			assert.Equal(t, w, got)
			w.FTE = 1
			require.NoError(t, s.PutWorker(ctx, w), "replaces")
			got, _ = s.Worker(ctx, "A1")
			assert.Equal(t, 1.0, got.FTE)

			_, err = s.Worker(ctx, "NOBODY")
			assert.ErrorIs(t, err, workflow.ErrUnknownWorker)
			for _, never := range []string{"A1\x00", "A\xff1"} { // IDs no post can have are unknown, not a database error
				_, err = s.Worker(ctx, never)
				assert.ErrorIs(t, err, workflow.ErrUnknownWorker)
				_, err = s.Institution(ctx, never)
				assert.ErrorIs(t, err, workflow.ErrUnknownInstitution)
			}

			// the separation of roles: the same person, the same gmina, overlapping
			err = s.PutWorker(ctx, workflow.Worker{ID: "SW1", Person: "P1", Role: workflow.SocialWorker, Employer: "OPS1", From: d("2024-06-01")})
			assert.ErrorIs(t, err, caseload.ErrRoleConflict)
			_, err = s.Worker(ctx, "SW1")
			assert.ErrorIs(t, err, workflow.ErrUnknownWorker, "nothing written")
			require.NoError(t, s.PutWorker(ctx, workflow.Worker{ID: "SW1", Person: "P1", Role: workflow.SocialWorker, Employer: "OPS1", From: d("2025-01-01")}),
				"after the assistant's post ended")
			require.NoError(t, s.PutWorker(ctx, workflow.Worker{ID: "SW2", Person: "P1", Role: workflow.SocialWorker, Employer: "OPS2", From: d("2020-01-01")}),
				"another gmina")
			err = s.PutWorker(ctx, workflow.Worker{ID: "K1", Person: "P1", Role: workflow.FosterCareCoordinator, Employer: "PCPR1"})
			assert.ErrorIs(t, err, caseload.ErrRoleConflict, "a coordinator may not do social work")

			for _, bad := range []workflow.Worker{{ID: "", Role: workflow.SocialWorker}, {ID: "X1", Role: "mayor"},
				{ID: "X\x00", Role: workflow.SocialWorker}, {ID: "X2", Role: workflow.SocialWorker, FTE: -1},
				{ID: "X3", Role: workflow.SocialWorker, Employer: "a\nb"},
				{ID: "X4", Role: workflow.SocialWorker, From: d("2025-01-02"), To: d("2025-01-01")}} {
				err := s.PutWorker(ctx, bad)
				var ce *caseload.Error
				assert.True(t, errors.As(err, &ce), "%+v: %v", bad, err)
			}

			created, err := s.PutInstitution(ctx, workflow.Institution{ID: "P1"})
			require.NoError(t, err)
			assert.True(t, created)
			created, err = s.PutInstitution(ctx, workflow.Institution{ID: "P1"})
			require.NoError(t, err)
			assert.False(t, created)
			in, err := s.Institution(ctx, "P1")
			require.NoError(t, err)
			assert.Equal(t, "P1", in.ID)
			_, err = s.Institution(ctx, "P2")
			assert.ErrorIs(t, err, workflow.ErrUnknownInstitution)

			// two halves of a forbidden pair put at once: one wins
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					role := workflow.FamilyAssistant
					if i%2 == 1 {
						role = workflow.SocialWorker
					}
					errs[i] = s.PutWorker(ctx, workflow.Worker{ID: "R" + string(rune('0'+i)), Person: "P9", Role: role, Employer: "OPS9"})
				}()
			}
			wg.Wait()
			roles := map[workflow.Role]bool{}
			for i, err := range errs {
				if err == nil {
					w, _ := s.Worker(ctx, "R"+string(rune('0'+i)))
					roles[w.Role] = true
				} else {
					assert.ErrorIs(t, err, caseload.ErrRoleConflict)
				}
			}
			assert.Len(t, roles, 1, "one role only for person P9")
		})
	}
}
