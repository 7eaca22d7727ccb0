package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// contractParams is the parameter table of docs/configuration.md
// ("Override directions and the parameter table"): every parameter with its
// value on 2014-12-31 and on 2015-01-01, unit and override direction.
var contractParams = []struct {
	id          string
	before, now any // on 2014-12-31 and 2015-01-01
	unit        rules.Unit
	dir         rules.Direction
}{
	{"assistant.max_families", 20, 15, rules.UnitCount, rules.Ceiling},
	{"assistant.count_za_zyciem_in_cap", true, true, rules.UnitBool, rules.Policy},
	{"assistant.family_assessment_interval", 6, 6, rules.UnitMonths, rules.Ceiling},
	{"family.post_closure_monitoring", 0, 0, rules.UnitMonths, rules.Policy},
	{"interview.deadline", 14, 14, rules.UnitWorkingDays, rules.Ceiling},
	{"interview.deadline_urgent", 2, 2, rules.UnitWorkingDays, rules.Ceiling},
	{"coordinator.max_foster_families", 30, 15, rules.UnitCount, rules.Ceiling},
	{"social_worker.inhabitants_per_fte", 2000, 2000, rules.UnitCount, rules.Ceiling},
	{"social_worker.families_per_fte", 50, 50, rules.UnitCount, rules.Ceiling},
	{"social_worker.min_fte", 3, 3, rules.UnitFTE, rules.Floor},
	{"child_review.interval", 6, 6, rules.UnitMonths, rules.Ceiling},
	{"child_review.interval_under_age", 3, 3, rules.UnitMonths, rules.Ceiling},
	{"child_review.age_threshold", 3, 3, rules.UnitYears, rules.Floor},
	{"court_report.interval", 6, 6, rules.UnitMonths, rules.Ceiling},
	{"legal_status.motion_after", 18, 18, rules.UnitMonths, rules.Ceiling},
	{"foster_family_assessment.first", 12, 12, rules.UnitMonths, rules.Ceiling},
	{"foster_family_assessment.second", 12, 12, rules.UnitMonths, rules.Ceiling},
	{"foster_family_assessment.subsequent", 36, 36, rules.UnitMonths, rules.Ceiling},
	{"foster_family_assessment.after_negative", 6, 6, rules.UnitMonths, rules.Ceiling},
	{"foster_family.max_children", 3, 3, rules.UnitCount, rules.Ceiling},
	{"family_childrens_home.max_children", 8, 8, rules.UnitCount, rules.Ceiling},
	{"institution.max_children", 14, 14, rules.UnitCount, rules.Ceiling},
	{"institution.min_age", 7, 7, rules.UnitYears, rules.Floor},
	{"emergency_family_home.max_stay", 4, 4, rules.UnitMonths, rules.Ceiling},
	{"emergency_family_home.max_stay_extended", 8, 8, rules.UnitMonths, rules.Ceiling},
}

// contractRules are the rule IDs a denial must be able to name.
var contractRules = []string{
	"assistant.basis_required", "assistant.max_families", "coordinator.max_foster_families",
	"foster_family.max_children", "family_childrens_home.max_children", "institution.max_children",
	"institution.min_age", "adoption.legal_status_settled",
}

var (
	lastOld  = rules.MustParseDate("2014-12-31")
	firstNew = rules.MustParseDate("2015-01-01")
)

func TestStatute_Param_catalogue(t *testing.T) {
	rs := rules.Statute()
	for _, tt := range contractParams {
		t.Run(tt.id, func(t *testing.T) {
			for _, c := range []struct {
				on   rules.Date
				want any
			}{{lastOld, tt.before}, {firstNew, tt.now}} {
				v, ok := rs.Param(tt.id, c.on)
				require.True(t, ok, "%s is in force on %s", tt.id, c.on)
				assert.Equal(t, c.want, v.Value, "%s on %s", tt.id, c.on)
				assert.Equal(t, tt.unit, v.Unit)
				assert.NotEmpty(t, v.Basis, "every parameter carries its legal basis")
				assert.True(t, v.Source.IsStatute())
				assert.Equal(t, "statute", v.Source.String())
				assert.False(t, c.on.Before(v.From), "From %s is not after %s", v.From, c.on)
				assert.True(t, v.To.IsZero() || !c.on.After(v.To), "To %s is not before %s", v.To, c.on)
			}
			var p *rules.Parameter
			for _, q := range rs.Parameters() {
				if q.ID == tt.id {
					p = q
				}
			}
			require.NotNil(t, p)
			assert.Equal(t, tt.dir, p.Direction)
			assert.Equal(t, tt.unit, p.Unit)
			assert.NotEmpty(t, p.Basis)
			assert.NotEmpty(t, p.Description.PL)
			assert.NotEmpty(t, p.Description.EN)
			require.NotEmpty(t, p.History)
			assert.Equal(t, rules.StatuteStart, p.History[0].From, "the history starts with the statute")
			for i := 1; i < len(p.History); i++ {
				assert.Equal(t, p.History[i-1].To.AddDays(1), p.History[i].From, "the history has no gaps")
			}
			assert.True(t, p.History[len(p.History)-1].To.IsZero(), "the last value holds until further notice")
			if p.Type == rules.TypeInt {
				for _, h := range p.History {
					assert.GreaterOrEqual(t, h.Value.(int), p.Min)
					assert.LessOrEqual(t, h.Value.(int), p.Max)
				}
			}
		})
	}
}

func TestStatute_Param_minAgeHistory(t *testing.T) {
	rs := rules.Statute()
	tests := []struct {
		on   string
		want int
	}{
		{"2012-01-01", 7},
		{"2019-12-31", 7},
		{"2020-01-01", 10},
		{"2026-06-30", 10},
	}
	for _, tt := range tests {
		v, ok := rs.Param("institution.min_age", rules.MustParseDate(tt.on))
		require.True(t, ok)
		assert.Equal(t, tt.want, v.Int(), "institution.min_age on %s", tt.on)
	}
	v, _ := rs.Param("institution.min_age", rules.MustParseDate("2019-12-31"))
	assert.Equal(t, rules.MustParseDate("2019-12-31"), v.To)
	v, _ = rs.Param("institution.min_age", rules.MustParseDate("2020-01-01"))
	assert.Equal(t, rules.MustParseDate("2020-01-01"), v.From)
	assert.True(t, v.To.IsZero())
}

func TestRuleSet_Param_history(t *testing.T) {
	rs := rules.Statute()
	tests := []struct {
		id   string
		on   string
		want int
		from string
		to   string
	}{
		{"assistant.max_families", "2012-01-01", 20, "2012-01-01", "2014-12-31"},
		{"assistant.max_families", "2014-12-31", 20, "2012-01-01", "2014-12-31"},
		{"assistant.max_families", "2015-01-01", 15, "2015-01-01", ""},
		{"assistant.max_families", "2030-01-01", 15, "2015-01-01", ""},
		{"coordinator.max_foster_families", "2014-06-01", 30, "2012-01-01", "2014-12-31"},
		{"coordinator.max_foster_families", "2016-06-01", 15, "2015-01-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id+"@"+tt.on, func(t *testing.T) {
			v, ok := rs.Param(tt.id, rules.MustParseDate(tt.on))
			require.True(t, ok)
			assert.Equal(t, tt.want, v.Int())
			assert.False(t, v.Bool())
			assert.Equal(t, tt.from, v.From.String())
			assert.Equal(t, tt.to, v.To.String())
		})
	}
}

func TestRuleSet_Params_beforeStatute(t *testing.T) {
	rs := rules.Statute()
	before := rules.StatuteStart.AddDays(-1)
	assert.Nil(t, rs.Params(before))
	_, ok := rs.Param("assistant.max_families", before)
	assert.False(t, ok)
	assert.Nil(t, rs.Params(rules.MustParseDate("1999-01-01")))
	assert.NotNil(t, rs.Params(rules.StatuteStart))
}

func TestRuleSet_Param_unknown(t *testing.T) {
	_, ok := rules.Statute().Param("assistant.max_familes", firstNew)
	assert.False(t, ok)
}

func TestRuleSet_Params_catalogueOrder(t *testing.T) {
	rs := rules.Statute()
	list := rs.Params(firstNew)
	params := rs.Parameters()
	require.Len(t, list, len(params))
	for i, v := range list {
		assert.Equal(t, params[i].ID, v.ID, "Params lists the catalogue in order")
		assert.NotNil(t, v.Value)
	}
	// The contract's parameters come first, in the contract's order.
	for i, tt := range contractParams {
		assert.Equal(t, tt.id, list[i].ID)
	}
}

func TestStatute_contractIDs(t *testing.T) {
	rs := rules.Statute()
	ids := map[string]bool{}
	for _, p := range rs.Parameters() {
		assert.False(t, ids[p.ID], "parameter %s is listed once", p.ID)
		ids[p.ID] = true
	}
	for _, tt := range contractParams {
		assert.True(t, ids[tt.id], "the catalogue has %s", tt.id)
	}
	for _, id := range contractRules {
		p, ok := rs.Program(id)
		if assert.True(t, ok, "the statute has rule %s", id) {
			assert.Equal(t, rules.KindGuard, p.Rule().Kind)
			assert.Equal(t, rules.Block, p.Rule().Severity)
			assert.NotEmpty(t, p.Rule().Basis, "%s carries its legal basis", id)
			assert.NotEmpty(t, p.Rule().Message.PL)
			assert.NotEmpty(t, p.Rule().Message.EN)
			assert.True(t, p.Rule().Source.IsStatute())
			assert.NotEmpty(t, p.Triggers())
		}
	}
	for _, id := range []string{"due.interview", "due.family_assessment", "due.child_review", "due.court_report",
		"due.family_court_report", "due.legal_status_motion", "due.emergency_stay_end", "due.foster_family_assessment",
		"due.monitoring_end"} {
		p, ok := rs.Program(id)
		if assert.True(t, ok, "the statute has due rule %s", id) {
			assert.Equal(t, rules.KindDue, p.Rule().Kind)
		}
	}
}

func TestStatute_shared(t *testing.T) {
	assert.Same(t, rules.Statute(), rules.Statute(), "the statute is built once")
	assert.Len(t, rules.Statute().Revision(), 64, "a SHA-256 in hex")
	assert.Empty(t, rules.Statute().Configs())
	assert.Contains(t, rules.Statute().String(), rules.Statute().Revision()[:12])
}

func TestRuleSet_Params_typesAndAccessors(t *testing.T) {
	rs := rules.Statute()
	v, ok := rs.Param("assistant.count_za_zyciem_in_cap", firstNew)
	require.True(t, ok)
	assert.True(t, v.Bool())
	assert.Equal(t, 0, v.Int())
	for _, p := range rs.Parameters() {
		assert.Contains(t, []rules.Type{rules.TypeInt, rules.TypeBool}, p.Type)
		assert.NotEmpty(t, p.Type.String())
		assert.NotEmpty(t, p.Direction.String())
	}
	assert.Equal(t, "ceiling", rules.Ceiling.String())
	assert.Equal(t, "floor", rules.Floor.String())
	assert.Equal(t, "policy", rules.Policy.String())
}
