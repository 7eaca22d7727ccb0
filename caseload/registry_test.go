package caseload_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func post(id, person string, role workflow.Role, employer, from, to string) workflow.Worker {
	w := workflow.Worker{ID: id, Person: person, Role: role, Employer: employer}
	if from != "" {
		w.From = d(from)
	}
	if to != "" {
		w.To = d(to)
	}
	return w
}

func TestRegistryRoleSeparation(t *testing.T) {
	const (
		asst  = workflow.FamilyAssistant
		soc   = workflow.SocialWorker
		coord = workflow.FosterCareCoordinator
		head  = workflow.OPSHead
	)
	tests := []struct {
		name        string
		first, then workflow.Worker
		basis       string // "" when the second post is allowed
		pl, en      string
	}{
		{
			name:  "assistant and social worker in the same gmina",
			first: post("SW1", "p1", soc, "G1", "", ""), then: post("A1", "p1", asst, "G1", "", ""),
			basis: "art. 17 ust. 3 UWR",
			pl:    "asystent rodziny nie może być pracownikiem socjalnym w tej samej gminie (G1)",
			en:    "a family assistant may not be a social worker in the same gmina (G1)",
		},
		{
			name:  "social worker added after the assistant",
			first: post("A1", "p1", asst, "G1", "2016-01-01", ""), then: post("SW1", "p1", soc, "G1", "2017-01-01", "2017-06-30"),
			basis: "art. 17 ust. 3 UWR",
			pl:    "asystent rodziny nie może być pracownikiem socjalnym w tej samej gminie (G1)",
			en:    "a family assistant may not be a social worker in the same gmina (G1)",
		},
		{
			name:  "periods meeting on one day overlap",
			first: post("SW1", "p1", soc, "G1", "2015-01-01", "2016-01-01"), then: post("A1", "p1", asst, "G1", "2016-01-01", ""),
			basis: "art. 17 ust. 3 UWR",
			pl:    "asystent rodziny nie może być pracownikiem socjalnym w tej samej gminie (G1)",
			en:    "a family assistant may not be a social worker in the same gmina (G1)",
		},
		{
			name:  "assistant and social worker in different gminas",
			first: post("SW1", "p1", soc, "G1", "", ""), then: post("A1", "p1", asst, "G2", "", ""),
		},
		{
			name:  "social work ended before assistant work began",
			first: post("SW1", "p1", soc, "G1", "2012-01-01", "2015-12-31"), then: post("A1", "p1", asst, "G1", "2016-01-01", ""),
		},
		{
			name:  "assistant work ended before social work began",
			first: post("A1", "p1", asst, "G1", "2013-01-01", "2014-06-30"), then: post("SW1", "p1", soc, "G1", "2014-07-01", ""),
		},
		{
			name:  "coordinator and social worker in different units",
			first: post("K1", "p1", coord, "P1", "", ""), then: post("SW9", "p1", soc, "G7", "", ""),
			basis: "art. 79 ust. 3 UWR",
			pl:    "koordynator rodzinnej pieczy zastępczej nie może wykonywać pracy socjalnej",
			en:    "a foster-care coordinator may not do social work",
		},
		{
			name:  "social worker becoming a coordinator while still employed",
			first: post("SW1", "p1", soc, "G1", "2014-01-01", ""), then: post("K1", "p1", coord, "P1", "2020-01-01", ""),
			basis: "art. 79 ust. 3 UWR",
			pl:    "koordynator rodzinnej pieczy zastępczej nie może wykonywać pracy socjalnej",
			en:    "a foster-care coordinator may not do social work",
		},
		{
			name:  "coordinator after social work ended",
			first: post("SW1", "p1", soc, "G1", "2014-01-01", "2019-12-31"), then: post("K1", "p1", coord, "P1", "2020-01-01", ""),
		},
		{
			name:  "assistant who is also a coordinator",
			first: post("A1", "p1", asst, "G1", "", ""), then: post("K1", "p1", coord, "P1", "", ""),
		},
		{
			name:  "assistant who is also the OPS head",
			first: post("A1", "p1", asst, "G1", "", ""), then: post("H1", "p1", head, "G1", "", ""),
		},
		{
			name:  "posts of different persons",
			first: post("SW1", "p1", soc, "G1", "", ""), then: post("A1", "p2", asst, "G1", "", ""),
		},
		{
			name:  "posts with no person are persons of their own",
			first: post("SW1", "", soc, "G1", "", ""), then: post("A1", "", asst, "G1", "", ""),
		},
		{
			name:  "a post replacing itself",
			first: post("A1", "p1", asst, "G1", "", ""), then: post("A1", "p1", asst, "G1", "", "2030-12-31"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := caseload.NewRegistry()
			require.NoError(t, reg.Add(tt.first))
			err := reg.Add(tt.then)
			if tt.basis == "" {
				require.NoError(t, err)
				got, err := reg.Worker(context.Background(), tt.then.ID)
				require.NoError(t, err)
				assert.Equal(t, tt.then, got)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, caseload.ErrRoleConflict)
			var rc *caseload.RoleConflictError
			require.ErrorAs(t, err, &rc)
			assert.Equal(t, tt.then.ID, rc.Worker)
			assert.Equal(t, tt.first.ID, rc.Other)
			assert.Equal(t, "p1", rc.Person)
			assert.Equal(t, tt.basis, rc.Basis)
			assert.Equal(t, tt.pl, rc.Msg.PL)
			assert.Equal(t, tt.en, rc.Msg.EN)
			assert.Equal(t, "caseload: "+tt.then.ID+" / "+tt.first.ID+": "+tt.en+" ("+tt.basis+")", err.Error())
			assert.Equal(t, "caseload: "+tt.then.ID+" / "+tt.first.ID+": "+tt.pl+" ("+tt.basis+")", rc.Localize(rules.Polish))
			assert.Equal(t, err.Error(), rc.Localize(rules.English))
			// The refused post is not added.
			_, werr := reg.Worker(context.Background(), tt.then.ID)
			if tt.then.ID != tt.first.ID {
				assert.ErrorIs(t, werr, workflow.ErrUnknownWorker)
			}
		})
	}
}

// A person's posts are checked against each other however many they hold.
func TestRegistryRoleSeparationManyPosts(t *testing.T) {
	reg := caseload.NewRegistry()
	require.NoError(t, reg.Add(post("A1", "p1", workflow.FamilyAssistant, "G1", "", "")))
	require.NoError(t, reg.Add(post("A2", "p1", workflow.FamilyAssistant, "G2", "", "")))
	require.NoError(t, reg.Add(post("SW3", "p1", workflow.SocialWorker, "G3", "", "")))
	err := reg.Add(post("SW2", "p1", workflow.SocialWorker, "G2", "", ""))
	var rc *caseload.RoleConflictError
	require.ErrorAs(t, err, &rc)
	assert.Equal(t, "A2", rc.Other)
	// Moving a post to another person lifts the conflict with the first.
	require.NoError(t, reg.Add(post("A2", "p2", workflow.FamilyAssistant, "G2", "", "")))
	require.NoError(t, reg.Add(post("SW2", "p1", workflow.SocialWorker, "G2", "", "")))
	// … and the person's posts follow the change.
	err = reg.Add(post("A2", "p1", workflow.FamilyAssistant, "G2", "", ""))
	require.ErrorIs(t, err, caseload.ErrRoleConflict)
	w, err := reg.Worker(context.Background(), "A2")
	require.NoError(t, err)
	assert.Equal(t, "p2", w.Person, "a refused replacement keeps the old post")
}

// badPost is the refusal of a post without a valid ID or role: it names
// neither what was given, which may be any text.
const badPost = "caseload: worker: want an ID (one line of text, at most 64 bytes) and one of the roles: social_worker, ops_head, family_assistant, foster_care_coordinator, foster_care_organizer, institution_director"

func TestRegistryBadPosts(t *testing.T) {
	tests := []struct {
		name string
		w    workflow.Worker
		want string
	}{
		{"no ID", workflow.Worker{Role: workflow.FamilyAssistant}, badPost},
		{"no role", workflow.Worker{ID: "A1"}, badPost},
		{"unknown role", workflow.Worker{ID: "A1", Role: "curator"}, badPost},
		{"an ID too long", workflow.Worker{ID: strings.Repeat("A", workflow.MaxIDLength+1), Role: workflow.FamilyAssistant}, badPost},
		{"an area too long", workflow.Worker{ID: "A1", Role: workflow.FamilyAssistant, Area: strings.Repeat("R", workflow.MaxIDLength+1)},
			"caseload: worker A1: the person, employer or area is longer than 64 bytes or contains a control character or an invalid character (not UTF-8)"},
		{"employment ends before it starts", post("A1", "", workflow.FamilyAssistant, "G1", "2016-05-01", "2016-04-30"),
			"caseload: worker A1: employment ends (2016-04-30) before it starts (2016-05-01)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := caseload.NewRegistry()
			err := reg.Add(tt.w)
			require.EqualError(t, err, tt.want)
			assert.NotErrorIs(t, err, caseload.ErrRoleConflict)
			assert.Empty(t, reg.Workers(rules.Date{}, nil))
		})
	}
	t.Run("a one-day post is fine", func(t *testing.T) {
		reg := caseload.NewRegistry()
		require.NoError(t, reg.Add(post("A1", "", workflow.FamilyAssistant, "G1", "2016-05-01", "2016-05-01")))
	})
	t.Run("institution without an ID", func(t *testing.T) {
		reg := caseload.NewRegistry()
		require.Error(t, reg.AddInstitution(workflow.Institution{}))
	})
}

func TestRegistryDirectory(t *testing.T) {
	ctx := context.Background()
	reg := caseload.NewRegistry()
	var _ workflow.Directory = reg
	require.NoError(t, reg.Add(post("A2", "", workflow.FamilyAssistant, "G1", "2016-01-01", "2016-12-31")))
	require.NoError(t, reg.Add(post("A1", "", workflow.FamilyAssistant, "G1", "", "")))
	require.NoError(t, reg.Add(post("SW1", "", workflow.SocialWorker, "G1", "", "")))
	require.NoError(t, reg.Add(post("A3", "", workflow.FamilyAssistant, "G2", "2017-01-01", "")))
	require.NoError(t, reg.AddInstitution(workflow.Institution{ID: "I1"}))

	_, err := reg.Worker(ctx, "nobody")
	assert.ErrorIs(t, err, workflow.ErrUnknownWorker)
	in, err := reg.Institution(ctx, "I1")
	require.NoError(t, err)
	assert.Equal(t, "I1", in.ID)
	_, err = reg.Institution(ctx, "I2")
	assert.ErrorIs(t, err, workflow.ErrUnknownInstitution)

	ids := func(ws []workflow.Worker) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.ID)
		}
		return out
	}
	assistants := func(w workflow.Worker) bool { return w.Role == workflow.FamilyAssistant }
	assert.Equal(t, []string{"A1", "A2", "A3", "SW1"}, ids(reg.Workers(rules.Date{}, nil)))
	assert.Equal(t, []string{"A1", "A2", "A3"}, ids(reg.Workers(rules.Date{}, assistants)))
	assert.Equal(t, []string{"A1", "A2"}, ids(reg.Workers(d("2016-06-01"), assistants)))
	assert.Equal(t, []string{"A1", "A3"}, ids(reg.Workers(d("2017-01-01"), assistants)))
	assert.Equal(t, []string{"A1"}, ids(reg.Workers(d("2015-06-01"), assistants)))

	assert.Equal(t, []string{"A1", "A2", "SW1"}, ids(reg.Employees("G1", rules.Date{}, nil)))
	assert.Equal(t, []string{"A1", "A2"}, ids(reg.Employees("G1", d("2016-06-01"), assistants)))
	assert.Equal(t, []string{"A3"}, ids(reg.Employees("G2", rules.Date{}, nil)))
	assert.Empty(t, reg.Employees("G2", d("2016-06-01"), nil))
	assert.Empty(t, reg.Employees("G9", rules.Date{}, nil))
	// A post moved to another employer follows.
	require.NoError(t, reg.Add(post("A2", "", workflow.FamilyAssistant, "G2", "2016-01-01", "2016-12-31")))
	assert.Equal(t, []string{"A1", "SW1"}, ids(reg.Employees("G1", rules.Date{}, nil)))
	assert.Equal(t, []string{"A2", "A3"}, ids(reg.Employees("G2", rules.Date{}, nil)))
	assert.Len(t, reg.Workers(rules.Date{}, nil), 4)
}

// The registry is safe for concurrent use (run with -race).
func TestRegistryConcurrent(t *testing.T) {
	reg := caseload.NewRegistry()
	done := make(chan error)
	for g := range 4 {
		go func() {
			var err error
			for i := range 50 {
				id := string(rune('A'+g)) + twoDigits(i)
				err = errors.Join(err, reg.Add(post(id, id, workflow.FamilyAssistant, "G1", "", "")))
				_, werr := reg.Worker(context.Background(), id)
				err = errors.Join(err, werr)
				_ = reg.Workers(d("2016-01-01"), nil)
			}
			done <- err
		}()
	}
	for range 4 {
		require.NoError(t, <-done)
	}
	assert.Len(t, reg.Workers(rules.Date{}, nil), 200)
}

// TestRegistry_refusesWhatNoStoreKeeps: control characters, invalid UTF-8
// and an FTE that is not a number from 0 to workflow.MaxFTE are refused.
func TestRegistry_refusesWhatNoStoreKeeps(t *testing.T) {
	r := caseload.NewRegistry()
	for _, w := range []workflow.Worker{
		{ID: "A\x00", Role: workflow.FamilyAssistant},
		{ID: "A1", Role: workflow.FamilyAssistant, Employer: "G\xff"},
		{ID: "A1", Role: workflow.FamilyAssistant, Person: "P\n"},
		{ID: "A1", Role: workflow.FamilyAssistant, FTE: math.NaN()},
		{ID: "A1", Role: workflow.FamilyAssistant, FTE: -0.5},
		{ID: "A1", Role: workflow.FamilyAssistant, FTE: math.Inf(1)},
		{ID: "A1", Role: workflow.FamilyAssistant, FTE: 2.5},
	} {
		assert.Error(t, r.Add(w), "%+v", w)
	}
	err := r.Add(workflow.Worker{ID: "A2", Role: workflow.FamilyAssistant, FTE: 50})
	assert.EqualError(t, err, "caseload: worker A2: the FTE must be a number from 0 to 2 (0 means full time)")
	assert.NoError(t, r.Add(workflow.Worker{ID: "A2", Role: workflow.FamilyAssistant, FTE: workflow.MaxFTE}))
	assert.NoError(t, r.Add(workflow.Worker{ID: "A1", Role: workflow.FamilyAssistant, FTE: 0.5, Area: "Śródmieście"}))
	assert.Error(t, r.AddInstitution(workflow.Institution{ID: "D\x00"}))
}

// TestRegistry_zeroValue: a zero Registry is an empty one, ready to use.
func TestRegistry_zeroValue(t *testing.T) {
	var r caseload.Registry
	require.NoError(t, r.Add(workflow.Worker{ID: "A1", Role: workflow.FamilyAssistant}))
	require.NoError(t, r.AddInstitution(workflow.Institution{ID: "D1"}))
	w, err := r.Worker(context.Background(), "A1")
	require.NoError(t, err)
	assert.Equal(t, "A1", w.ID)
}
