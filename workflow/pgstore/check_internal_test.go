package pgstore

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// FuzzSuspect: whatever text and date a case and its event hold, the scan
// of their JSON (suspect) flags every one that the walk of their values
// (checkValue) refuses, so that check never lets through what the walk
// would refuse.
func FuzzSuspect(f *testing.F) {
	f.Add("III Nsm 1/16", 2016, 3, 1)
	f.Add("X\x00", 2016, 3, 1)
	f.Add("\xffrejon", 2016, 3, 1)
	f.Add("ok", 10000, 1, 1)
	f.Add("ok", 999, 12, 31)
	f.Add("ok", -5, 1, 1)
	f.Add("ok", 12345, 1, 100)
	f.Add("0042-A", 2016, 1, 1)
	f.Add(`\u0000`, 2016, 1, 1)
	f.Fuzz(func(t *testing.T, text string, year, month, day int) {
		d := rules.Date{Year: year, Month: time.Month(month), Day: day}
		c := &workflow.Case{ID: "F1", Lifecycle: rules.LifecycleChild, State: workflow.InFamily,
			Child: &workflow.ChildFacts{Family: "F0", Born: d, CourtRef: text}}
		ev := &workflow.Event{Case: "F1", Lifecycle: rules.LifecycleChild, On: d, Args: workflow.Args{text: text, "n": 1.0}}
		snap, err := json.Marshal(c)
		if err != nil {
			t.Skip()
		}
		raw, err := encodeEvent(*ev)
		if err != nil {
			t.Skip()
		}
		if checkValue(reflect.ValueOf(c)) != nil {
			assert.True(t, suspect(snap), "a snapshot the walk refuses passed the scan: %q", snap)
		}
		if checkValue(reflect.ValueOf(ev)) != nil {
			assert.True(t, suspect(raw), "an event the walk refuses passed the scan: %q", raw)
		}
	})
}

// TestCheck: the scan lets the common case through without a walk, and a
// text that only looks like a bad date is walked and accepted.
func TestCheck(t *testing.T) {
	ok := &workflow.Case{ID: "0042-A", Lifecycle: rules.LifecycleFamily, Family: &workflow.FamilyFacts{Opened: rules.MustParseDate("2016-03-01")}}
	snap, err := json.Marshal(ok)
	assert.NoError(t, err)
	assert.True(t, suspect(snap), "the ID looks like a date of year 42")
	assert.Nil(t, check(ok, snap))
	ok.ID = "F1"
	snap, _ = json.Marshal(ok)
	assert.False(t, suspect(snap))
	bad := &workflow.Case{ID: "F1", Lifecycle: rules.LifecycleFamily, Family: &workflow.FamilyFacts{Opened: rules.NewDate(999, 1, 1)}}
	snap, _ = json.Marshal(bad)
	assert.NotNil(t, check(bad, snap))
}
