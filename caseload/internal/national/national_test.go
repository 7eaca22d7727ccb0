package national_test

import (
	"context"
	"math"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/caseload/internal/national"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bigScale is the scale of the tests that load a whole dataset: national,
// but a tenth under the race detector and a twentieth with -short.
func bigScale() float64 {
	switch {
	case testing.Short():
		return 0.05
	case raceEnabled:
		return 0.1
	}
	return 1
}

// within asserts got is within 1% of want.
func within(t *testing.T, name string, want, got int) {
	t.Helper()
	assert.InDelta(t, want, got, math.Max(1, 0.01*float64(want)), "%s: want %d, got %d", name, want, got)
}

func TestTotals(t *testing.T) {
	scale := bigScale()
	ds := national.Generate(1, scale)
	want := national.National().Scaled(scale)
	assert.Equal(t, want, ds.Figures)
	c := ds.Count()
	if scale == 1 {
		assert.Equal(t, 2477, c.Gminas)
		assert.Equal(t, 380, c.Powiats)
		within(t, "assistants", 3750, c.Workers[workflow.FamilyAssistant])
		within(t, "families with an assistant", 45_000, c.FamiliesIn(workflow.AssistantWork))
		within(t, "children in care", 72_000, c.ChildrenInCare())
		within(t, "foster families", 9000, c.FosterFamilyTotal())
		within(t, "coordinators", 1000, c.Workers[workflow.FosterCareCoordinator])
	}
	within(t, "gminas", want.Gminas, c.Gminas)
	within(t, "powiats", want.Powiats, c.Powiats)
	within(t, "inhabitants", want.Inhabitants, c.Inhabitants)
	within(t, "OPS heads", want.Gminas, c.Workers[workflow.OPSHead])
	within(t, "assistants", want.Assistants, c.Workers[workflow.FamilyAssistant])
	within(t, "coordinators", want.Coordinators, c.Workers[workflow.FosterCareCoordinator])
	within(t, "families with an assistant", want.FamiliesWithAssistant, c.FamiliesIn(workflow.AssistantWork))
	within(t, "referred", want.Referred, c.Families[workflow.Referred])
	within(t, "analysis", want.Analysis, c.Families[workflow.Analysis])
	within(t, "waiting", want.Waiting, c.Families[workflow.AssistantRequested])
	within(t, "monitoring", want.Monitoring, c.Families[workflow.Monitoring])
	within(t, "closed", want.Closed, c.Families[workflow.Closed])
	within(t, "declined", want.Declined, c.Families[workflow.Declined])
	within(t, "children in care", want.ChildrenInCare, c.ChildrenInCare())
	within(t, "foster families", want.FosterFamilies, c.FosterFamilyTotal())
	within(t, "institution directors", c.Institutions, c.Workers[workflow.InstitutionDirector])
	assert.Equal(t, len(ds.Families)+len(ds.Children)+len(ds.FosterFamilies), c.Cases)

	// Shares: the court-ordered share of 6,400/45,400; 12 families per
	// assistant; most foster families coordinated.
	inWork := c.FamiliesIn(workflow.AssistantWork)
	assert.InDelta(t, 6400.0/45400, float64(c.FamiliesByBasis[workflow.BasisCourt])/float64(inWork), 0.02)
	assert.InDelta(t, 12, float64(inWork)/float64(c.Workers[workflow.FamilyAssistant]), 0.1)
	assert.InDelta(t, 0.85, float64(c.Coordinated)/float64(c.FosterFamilyTotal()), 0.05)
	// Social workers: at least the statutory minimum nearly everywhere.
	assert.InDelta(t, float64(c.Inhabitants)/2000, c.SocialWorkerFTE, 0.15*float64(c.Inhabitants)/2000)
	t.Logf("%d cases; institutions %d (%d children); workers %v; social workers %.1f FTE",
		c.Cases, c.Institutions, c.ChildrenIn(workflow.PlacedInstitution), c.Workers, c.SocialWorkerFTE)
}

// The raw records respect every cap and the minimum age, whatever the
// engine says (TestCaps checks the loaded cases).
func TestRecordsWithinLimits(t *testing.T) {
	ds := national.Generate(7, bigScale())
	families := map[string]int{}
	for _, f := range ds.Families {
		if f.Assistant != "" {
			families[f.Assistant]++ // current and ended: at most 15 ever
		}
		assert.False(t, f.Referred.Before(national.Epoch), f.ID)
		assert.False(t, f.Referred.After(ds.AsOf), f.ID)
	}
	for a, n := range families {
		assert.LessOrEqual(t, n, 15, a)
	}
	coordinated := map[string]int{}
	form := map[string]string{}
	for _, ff := range ds.FosterFamilies {
		if ff.Coordinator != "" {
			coordinated[ff.Coordinator]++
		}
		form[ff.ID] = ff.Form
	}
	for k, n := range coordinated {
		assert.LessOrEqual(t, n, 15, k)
	}
	children := map[string]int{}
	for _, c := range ds.Children {
		children[c.Carer]++
		assert.Less(t, rules.AgeOn(c.Born, ds.AsOf), 18, c.ID)
		assert.False(t, c.Placed.Before(national.Epoch), c.ID)
		assert.False(t, c.Born.After(c.Placed), c.ID)
		if c.Form == workflow.FormInstitution && c.Exception == "" {
			assert.True(t, c.Placed.After(c.Born.AddYears(10)), "%s placed at %d", c.ID, rules.AgeOn(c.Born, c.Placed))
		}
	}
	limit := map[string]int{workflow.FormNonProfessional: 3, workflow.FormProfessional: 3, workflow.FormEmergency: 3,
		workflow.FormFamilyChildrensHome: 8, workflow.FormKinship: 1 << 30, "": 14}
	for carer, n := range children {
		assert.LessOrEqual(t, n, limit[form[carer]], carer)
	}
}

func TestDeterminism(t *testing.T) {
	scale := 0.05
	a, b := national.Generate(42, scale), national.Generate(42, scale)
	assert.Equal(t, a.Hash(), b.Hash())
	assert.Equal(t, a, b)
	assert.NotEqual(t, a.Hash(), national.Generate(43, scale).Hash(), "another seed")
	assert.NotEqual(t, a.Hash(), national.Generate(42, 0.06).Hash(), "another scale")
	asOf := rules.MustParseDate("2024-12-31")
	c := national.GenerateWith(national.Options{Seed: 42, Scale: scale, AsOf: asOf})
	assert.Equal(t, asOf, c.AsOf)
	assert.NotEqual(t, a.Hash(), c.Hash(), "another date")
	if testing.Short() || raceEnabled {
		return
	}
	assert.Equal(t, national.Generate(1, 1).Hash(), national.Generate(1, 1).Hash(), "national scale")
}

// newEngine returns an engine over the dataset's registry.
func newEngine(t testing.TB, ds *national.Dataset) (*workflow.Engine, *caseload.Registry) {
	t.Helper()
	reg, err := ds.Registry()
	require.NoError(t, err)
	e, err := workflow.New(workflow.WithDirectory(reg))
	require.NoError(t, err)
	return e, reg
}

// Firing every step through the engine, with every check, gives the same
// cases as the bulk import: the generated histories are valid, caps and
// ages included, and the imported snapshots are what the engine computes.
func TestPlayEqualsImport(t *testing.T) {
	seeds := []int64{1, 2, 3}
	if raceEnabled || testing.Short() {
		seeds = seeds[:1]
	}
	ctx := context.Background()
	for _, seed := range seeds {
		ds := national.Generate(seed, 0.01)
		played, _ := newEngine(t, ds)
		require.NoError(t, ds.Play(ctx, played))
		imported, _ := newEngine(t, ds)
		require.NoError(t, ds.Import(ctx, imported))

		n := 0
		require.NoError(t, imported.Store().(workflow.Scanner).Scan(ctx, func(c *workflow.Case) error {
			n++
			p, err := played.Case(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, int64(1), c.Version)
			c.Version, p.Version = 0, 0
			assert.Equal(t, p, c)
			return nil
		}))
		assert.Equal(t, ds.Cases(), n)

		// One event records the migration.
		evs, err := imported.History(ctx, ds.Families[0].ID)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Equal(t, workflow.TriggerDeclare, evs[0].Trigger)
		assert.Equal(t, ds.Families[0].State, evs[0].To)
		assert.Equal(t, ds.AsOf, evs[0].On)
		assert.Equal(t, imported.RuleSet().Revision(), evs[0].Revision)
	}
}

func TestImportIntoAFilledStore(t *testing.T) {
	ctx := context.Background()
	ds := national.Generate(1, 0.005)
	e, _ := newEngine(t, ds)
	require.NoError(t, ds.Import(ctx, e))
	assert.ErrorIs(t, ds.Import(ctx, e), workflow.ErrConflict)
}

// No worker or carer is over a cap in the loaded dataset, and every open
// case has the obligations its state needs.
func TestCaps(t *testing.T) {
	ctx := context.Background()
	ds := national.Generate(3, bigScale())
	e, reg := newEngine(t, ds)
	require.NoError(t, ds.Import(ctx, e))
	cl := caseload.New(e, reg)
	for _, w := range ds.Workers {
		if w.Role != workflow.FamilyAssistant && w.Role != workflow.FosterCareCoordinator {
			continue
		}
		l, err := cl.Load(ctx, w.ID, ds.AsOf)
		require.NoError(t, err)
		assert.False(t, l.Over(), "%s: %d over %d", w.ID, l.Count(), l.Cap)
		assert.Equal(t, 15, l.Cap)
	}
	caps := map[string]int{workflow.FormNonProfessional: 3, workflow.FormProfessional: 3, workflow.FormEmergency: 3,
		workflow.FormFamilyChildrensHome: 8, workflow.FormKinship: 1 << 30}
	for _, ff := range ds.FosterFamilies {
		kids, _, err := e.Store().Index(ctx, workflow.CarerKey(ff.ID))
		require.NoError(t, err)
		assert.LessOrEqual(t, len(kids), caps[ff.Form], ff.ID)
		c, err := e.Case(ctx, ff.ID)
		require.NoError(t, err)
		assert.Equal(t, workflow.Active, c.State)
		_, ok := c.Obligation(workflow.OblFosterFamilyAssessment)
		assert.True(t, ok, ff.ID)
	}
	for _, in := range ds.Institutions {
		kids, _, err := e.Store().Index(ctx, workflow.CarerKey(in.ID))
		require.NoError(t, err)
		assert.LessOrEqual(t, len(kids), 14, in.ID)
		assert.NotEmpty(t, kids, in.ID)
	}
	// Obligations by state.
	overdue := 0
	require.NoError(t, e.Store().(workflow.Scanner).Scan(ctx, func(c *workflow.Case) error {
		has := func(id string) bool { _, ok := c.Obligation(id); return ok }
		switch {
		case c.Family != nil && c.State.In(workflow.AssistantWork):
			assert.True(t, has(workflow.OblFamilyAssessment), c.ID)
			assert.Equal(t, c.Family.Basis == workflow.BasisCourt, has(workflow.OblCourtReport), c.ID)
		case c.Family != nil && c.State == workflow.Referred:
			assert.True(t, has(workflow.OblInterview), c.ID)
		case c.Family != nil:
			assert.Equal(t, c.Family.Basis == workflow.BasisCourt && c.State == workflow.AssistantRequested, has(workflow.OblCourtReport), c.ID)
			assert.Len(t, c.Obligations, map[bool]int{true: 1, false: 0}[has(workflow.OblCourtReport)], c.ID)
		case c.Child != nil:
			assert.True(t, has(workflow.OblChildReview), c.ID)
			assert.Equal(t, c.Child.Form != workflow.FormInstitution, has(workflow.OblCourtReport), c.ID)
			// propose_return discharges the motion while the court decides.
			assert.Equal(t, !c.Child.LegalStatusSettled && c.State != workflow.Reunification, has(workflow.OblLegalStatusMotion), c.ID)
			assert.Equal(t, c.Child.Form == workflow.FormEmergency, has(workflow.OblEmergencyStayEnd), c.ID)
		}
		for _, o := range c.Obligations {
			assert.True(t, o.Due.After(o.Opened), "%s %s", c.ID, o.ID)
			if o.Overdue(ds.AsOf) {
				overdue++
			}
		}
		return nil
	}))
	t.Logf("%d cases, %d obligations overdue on %s", ds.Cases(), overdue, ds.AsOf)
	assert.Positive(t, overdue, "some obligations are overdue")
}

// The engine keeps working on imported cases.
func TestSmokeFire(t *testing.T) {
	ctx := context.Background()
	ds := national.Generate(5, 0.02)
	e, reg := newEngine(t, ds)
	require.NoError(t, ds.Import(ctx, e))
	cl := caseload.New(e, reg)
	on := ds.AsOf.AddDays(1)
	fire := func(id, trigger string, by workflow.Actor, args workflow.Args) *workflow.Outcome {
		t.Helper()
		out, err := e.Fire(ctx, id, workflow.Command{Trigger: trigger, Actor: by, On: on, Args: args})
		require.NoError(t, err, "%s %s", id, trigger)
		assert.Equal(t, int64(2), out.Case.Version)
		return out
	}
	first := func(keep func(national.Family) bool) national.Family {
		for _, f := range ds.Families {
			if keep(f) {
				return f
			}
		}
		t.Fatal("no such family")
		return national.Family{}
	}

	// An assistant assesses a family: the next assessment is due in 6 months.
	f := first(func(f national.Family) bool { return f.State == workflow.AssistantImplementing })
	out := fire(f.ID, "assess", workflow.Actor{ID: f.Assistant, Role: workflow.FamilyAssistant}, workflow.Args{"result": "positive"})
	o, ok := out.Case.Obligation(workflow.OblFamilyAssessment)
	require.True(t, ok)
	assert.Equal(t, on.AddMonths(6), o.Due)

	// The OPS head assigns the recommended assistant to a waiting family.
	w := first(func(f national.Family) bool {
		return f.State == workflow.AssistantRequested && f.Basis == workflow.BasisConsent
	})
	head := workflow.Actor{ID: w.Gmina + "-H", Role: workflow.OPSHead}
	recs, err := cl.Recommend(ctx, w.ID, on, head, caseload.Candidates{Employer: w.Gmina})
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	if recs[0].Eligible {
		out = fire(w.ID, "assign_assistant", head, workflow.Args{"assistant": recs[0].Worker})
		assert.Equal(t, workflow.AssistantPlanning, out.Case.State)
	}

	// A social worker completes an interview.
	r := first(func(f national.Family) bool { return f.State == workflow.Referred })
	out = fire(r.ID, "complete_interview", workflow.Actor{ID: r.Gmina + "-S01", Role: workflow.SocialWorker}, nil)
	_, ok = out.Case.Obligation(workflow.OblInterview)
	assert.False(t, ok)

	// The organiser reviews a child; a coordinator assesses a foster family.
	c := ds.Children[0]
	fire(c.ID, "review", workflow.Actor{ID: c.Powiat + "-O1", Role: workflow.FosterCareOrganizer}, nil)
	for _, ff := range ds.FosterFamilies {
		if ff.Coordinator != "" {
			fire(ff.ID, "assess", workflow.Actor{ID: ff.Coordinator, Role: workflow.FosterCareCoordinator}, workflow.Args{"result": "positive"})
			break
		}
	}

	// The calendar and a staffing report over the loaded caseload.
	entries, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: 14})
	require.NoError(t, err)
	assert.NotEmpty(t, entries)
	g := ds.Gminas[0]
	rep, err := cl.Staffing(ctx, caseload.StaffingInput{Unit: g.ID, Inhabitants: g.Inhabitants}, on)
	require.NoError(t, err)
	assert.NotEmpty(t, rep.Assistants)
	for _, v := range rep.Violations {
		assert.Contains(t, []string{"social_worker.min_fte", "social_worker.inhabitants_per_fte"}, v.Rule)
	}
}

// TestOddOptions: figures with no gmina or powiat, and a scale that is not
// a positive finite number, give a small dataset rather than a panic.
func TestOddOptions(t *testing.T) {
	fig := national.National().Scaled(0.001)
	fig.Gminas, fig.Powiats = 0, 0
	ds := national.GenerateWith(national.Options{Seed: 1, Figures: &fig})
	assert.GreaterOrEqual(t, ds.Figures.Gminas, 1)
	assert.GreaterOrEqual(t, ds.Figures.Powiats, 1)
	for _, scale := range []float64{math.NaN(), math.Inf(1), -2} {
		ds := national.GenerateWith(national.Options{Seed: 1, Scale: scale})
		assert.Equal(t, 1.0, ds.Scale, "scale %v", scale)
	}
}

// TestAsOfPromises: every step of every history falls between Epoch and
// the as-of date, for the earliest as-of date allowed and later ones; an
// earlier one is raised to MinAsOf.
func TestAsOfPromises(t *testing.T) {
	for _, asOf := range []rules.Date{national.MinAsOf, rules.MustParseDate("2023-02-28"), national.DefaultAsOf} {
		for seed := int64(1); seed <= 3; seed++ {
			ds := national.GenerateWith(national.Options{Seed: seed, Scale: 0.02, AsOf: asOf})
			for _, st := range ds.Steps() {
				if st.On.Before(national.Epoch) || st.On.After(asOf) {
					t.Fatalf("as of %s, seed %d: %s %s on %s, outside %s–%s", asOf, seed, st.Case, st.Trigger, st.On, national.Epoch, asOf)
				}
			}
		}
	}
	ds := national.GenerateWith(national.Options{Seed: 1, Scale: 0.001, AsOf: rules.MustParseDate("2016-03-01")})
	assert.Equal(t, national.MinAsOf, ds.AsOf)
}
