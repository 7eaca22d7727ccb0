package workflow

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecordsMatchRules checks that package rules knows exactly the
// triggers the records define, and that every statutory due rule names
// exactly the triggers whose records open or renew an obligation with it:
// a record that opens an obligation on a trigger the due rule does not
// name (or the reverse) fails here.
func TestRecordsMatchRules(t *testing.T) {
	defs, err := definitions()
	require.NoError(t, err)
	var fromRecords []rules.Trigger
	opening := map[string][]string{} // due rule → "lifecycle.trigger"
	for _, l := range rules.Lifecycles {
		for _, r := range defs[l].records {
			fromRecords = append(fromRecords, rules.Trigger{Lifecycle: l, Name: r.name})
			for _, du := range r.duties {
				if du.rule != "" && !slices.Contains(opening[du.rule], string(l)+"."+r.name) {
					opening[du.rule] = append(opening[du.rule], string(l)+"."+r.name)
				}
			}
		}
	}
	assert.ElementsMatch(t, rules.Triggers(), fromRecords, "rules.Triggers() and the trigger records")

	due := 0
	for _, p := range rules.Statute().Programs() {
		r := p.Rule()
		if r.Kind != rules.KindDue {
			continue
		}
		due++
		assert.ElementsMatch(t, r.On, opening[r.ID], "due rule %s: its triggers and the records that open it", r.ID)
		delete(opening, r.ID)
	}
	assert.Empty(t, opening, "records open obligations by due rules the statute does not have")
	assert.GreaterOrEqual(t, due, len(Obligations), "a statutory due rule for every obligation")
}

// TestSuggest checks the "did you mean" of an unknown trigger.
func TestSuggest(t *testing.T) {
	f, c := familyLifecycle(), childLifecycle()
	for _, tc := range []struct {
		l    *lifecycle
		name string
		want []string
	}{
		{f, "assing_assistant", []string{"assign_assistant"}},
		{f, "asses", []string{"assess"}},
		{f, "refr", []string{"refer"}},
		{f, "activate", []string{}},
		{f, "place", []string{}},
		{c, "plac", []string{"place"}},
		{c, "review_child", []string{}},
		{f, "zupełnie coś innego", []string{}},
	} {
		assert.Equal(t, tc.want, tc.l.suggest(tc.name), "%s in %s", tc.name, tc.l.name)
	}
}

// TestRecordsMatchRuleVariables checks that what package rules declares a
// trigger fills (rules.Trigger.Fills, which the load-time check of every
// rule reads) is what the records give it: the args.* of a trigger are
// exactly the arguments its record takes that the environment carries, and
// worker.* or carer.* is declared exactly where the record's prepare
// resolves a worker or a carer.
func TestRecordsMatchRuleVariables(t *testing.T) {
	defs, err := definitions()
	require.NoError(t, err)
	prepares := map[uintptr]string{ // what each prepare step puts in the environment
		reflect.ValueOf((*call).prepareAssistant).Pointer():   "worker",
		reflect.ValueOf((*call).prepareCoordinator).Pointer(): "worker",
		reflect.ValueOf((*call).prepareCarer).Pointer():       "carer",
		reflect.ValueOf((*call).preparePlacement).Pointer():   "carer",
		// steps that only check their arguments
		reflect.ValueOf((*call).prepareCourtOpinion).Pointer(): "",
		reflect.ValueOf((*call).preparePlan).Pointer():         "",
		reflect.ValueOf((*call).prepareAction).Pointer():       "",
	}
	for _, l := range rules.Lifecycles {
		var envArgs []string
		for _, v := range rules.EnvVariables(l) {
			if name, ok := strings.CutPrefix(v, "args."); ok {
				envArgs = append(envArgs, name)
			}
		}
		for _, r := range defs[l].records {
			tr := rules.Trigger{Lifecycle: l, Name: r.name}
			var takes []string
			for _, a := range r.args {
				if slices.Contains(envArgs, a.name) {
					takes = append(takes, a.name)
				}
			}
			assert.ElementsMatch(t, takes, tr.Args(), "%s: the arguments its record takes and rules' args.*", tr)
			assert.Equal(t, r.internal, tr.Engine(), "%s: fired by the engine in its record and in rules", tr)
			var declared []string
			for _, v := range tr.Fills(rules.KindGuard) {
				if root, _, _ := strings.Cut(v, "."); root != "args" && !slices.Contains(declared, root) {
					declared = append(declared, root)
				}
			}
			var prepared []string
			if r.prepare != nil {
				what, ok := prepares[reflect.ValueOf(r.prepare).Pointer()]
				require.True(t, ok, "%s: an unknown prepare step; say here what it puts in the environment", tr)
				if what != "" {
					prepared = append(prepared, what)
				}
			}
			assert.Equal(t, prepared, declared, "%s: what its record's prepare resolves and what rules declares it fills", tr)
			for _, v := range tr.Fills(rules.KindGuard) {
				assert.Contains(t, rules.EnvVariables(l), v, "%s declares a variable its environment does not have", tr)
			}
		}
	}
}
