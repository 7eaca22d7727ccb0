package caseload_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// calendarFixture builds a caseload of families, foster families and
// children (dates in the comments are the due dates):
//
//	F1  A1  family_assessment 2016-09-01
//	F2  A2  court_report 2016-07-20 (every 3 months), family_assessment 2016-10-15
//	F3  —   interview 2016-08-22 (14 working days; 15 Aug is a holiday)
//	R1  K1  foster_family_assessment 2017-05-10
//	C1  K1  (placed with R1) child_review 2016-08-10 (under 3), court_report 2016-11-10, legal_status_motion 2017-11-10
//	C2  —   (institution) child_review 2016-12-01, legal_status_motion 2017-12-01
//	R2  —   (emergency, no coordinator) foster_family_assessment 2017-07-01
//	C3  —   (placed with R2) child_review 2016-10-01, emergency_stay_end 2016-11-01, court_report 2017-01-01, legal_status_motion 2018-01-01
func calendarFixture(t testing.TB) *fixture {
	f := newFixture(t, nil, assistant("A1"), assistant("A2"), coordinator("K1"))
	require.NoError(t, f.reg.AddInstitution(workflow.Institution{ID: "I1"}))
	f.requested("F1", d("2016-03-01"), workflow.FamilyInfo{})
	f.assign("F1", "A1", d("2016-03-01"))
	f.requested("F2", d("2016-04-01"), workflow.FamilyInfo{})
	f.assign("F2", "A2", d("2016-04-15"))
	f.fire("F2", "court_obligation", head, d("2016-04-20"), workflow.Args{"court_ref": "III Nsm 5/16", "report_every_months": 3})
	require.NoError(t, f.e.DeclareFamily(f.ctx, "F3", workflow.FamilyInfo{}))
	f.fire("F3", "refer", sw, d("2016-08-01"), nil)

	f.fosterFamily("R1", workflow.FormProfessional, "K1", d("2016-03-01"))
	f.place("C1", d("2015-01-10"), workflow.FormProfessional, "R1", d("2016-05-10"))
	f.place("C2", d("2004-01-01"), workflow.FormInstitution, "I1", d("2016-06-01"))
	f.fosterFamily("R2", workflow.FormEmergency, "", d("2016-03-01"))
	f.place("C3", d("2014-02-02"), workflow.FormEmergency, "R2", d("2016-07-01"))
	return f
}

type due struct{ Case, Obligation, Due, Worker string }

func dues(entries []caseload.Entry) []due {
	out := []due{}
	for _, e := range entries {
		out = append(out, due{e.Case, e.Obligation, e.Due.String(), e.Worker})
	}
	return out
}

func TestCalendar(t *testing.T) {
	f := calendarFixture(t)
	all := []due{
		{"F2", "court_report", "2016-07-20", "A2"},
		{"C1", "child_review", "2016-08-10", "K1"},
		{"F3", "interview", "2016-08-22", ""},
		{"F1", "family_assessment", "2016-09-01", "A1"},
		{"C3", "child_review", "2016-10-01", ""},
		{"F2", "family_assessment", "2016-10-15", "A2"},
		{"C3", "emergency_stay_end", "2016-11-01", ""},
		{"C1", "court_report", "2016-11-10", "K1"},
		{"C2", "child_review", "2016-12-01", ""},
		{"C3", "court_report", "2017-01-01", ""},
		{"R1", "foster_family_assessment", "2017-05-10", "K1"},
		{"R2", "foster_family_assessment", "2017-07-01", ""},
		{"C1", "legal_status_motion", "2017-11-10", "K1"},
		{"C2", "legal_status_motion", "2017-12-01", ""},
		{"C3", "legal_status_motion", "2018-01-01", ""},
	}
	pick := func(idx ...int) []due {
		out := []due{}
		for _, i := range idx {
			out = append(out, all[i])
		}
		return out
	}
	on := d("2016-09-20")
	tests := []struct {
		name string
		q    caseload.CalendarQuery
		want []due
	}{
		{"every open obligation", caseload.CalendarQuery{On: on, LeadDays: -1}, all},
		{"lead time of 14 days: overdue and due by 2016-10-04", caseload.CalendarQuery{On: on, LeadDays: 14}, pick(0, 1, 2, 3, 4)},
		{"lead time of 11 days reaches 2016-10-01", caseload.CalendarQuery{On: on, LeadDays: 11}, pick(0, 1, 2, 3, 4)},
		{"lead time of 10 days stops short of it", caseload.CalendarQuery{On: on, LeadDays: 10}, pick(0, 1, 2, 3)},
		{"lead time 0: overdue only", caseload.CalendarQuery{On: on, LeadDays: 0}, pick(0, 1, 2, 3)},
		{"lead time 0 on the due date shows it", caseload.CalendarQuery{On: d("2016-10-01"), LeadDays: 0}, pick(0, 1, 2, 3, 4)},
		{"seen from earlier, nothing is overdue yet", caseload.CalendarQuery{On: d("2016-07-01"), LeadDays: 14}, pick()},
		{"seen from earlier, with a lead of 30 days", caseload.CalendarQuery{On: d("2016-07-01"), LeadDays: 30}, pick(0)},
		{"assistant A2", caseload.CalendarQuery{On: on, LeadDays: -1, Worker: "A2"}, pick(0, 5)},
		{"assistant A1 with a lead of 14 days", caseload.CalendarQuery{On: on, LeadDays: 14, Worker: "A1"}, pick(3)},
		{"coordinator K1: the foster family and its child", caseload.CalendarQuery{On: on, LeadDays: -1, Worker: "K1"}, pick(1, 7, 10, 12)},
		{"a worker with nothing", caseload.CalendarQuery{On: on, LeadDays: -1, Worker: "A9"}, pick()},
		{"from", caseload.CalendarQuery{On: on, LeadDays: -1, From: d("2016-11-01")}, pick(6, 7, 8, 9, 10, 11, 12, 13, 14)},
		{"to", caseload.CalendarQuery{On: on, LeadDays: -1, To: d("2016-08-22")}, pick(0, 1, 2)},
		{"from and to, inclusive", caseload.CalendarQuery{On: on, LeadDays: -1, From: d("2016-08-22"), To: d("2016-10-15")}, pick(2, 3, 4, 5)},
		{"range and lead time together", caseload.CalendarQuery{On: on, LeadDays: 14, From: d("2016-08-15")}, pick(2, 3, 4)},
		{"range and worker together", caseload.CalendarQuery{On: on, LeadDays: -1, To: d("2016-12-31"), Worker: "K1"}, pick(1, 7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.cl.Calendar(f.ctx, tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, dues(got))
		})
	}
}

func TestCalendarEntries(t *testing.T) {
	f := calendarFixture(t)
	on := d("2016-09-20")
	got, err := f.cl.Calendar(f.ctx, caseload.CalendarQuery{On: on, LeadDays: 14})
	require.NoError(t, err)
	require.Len(t, got, 5)
	assert.Equal(t, caseload.Entry{Case: "F2", Lifecycle: rules.LifecycleFamily, Obligation: "court_report",
		Label: rules.Text{PL: "informacja dla sądu", EN: "report to the court"}, Opened: d("2016-04-20"), Due: d("2016-07-20"),
		Overdue: true, DaysLeft: -62, Worker: "A2"}, got[0])
	assert.Equal(t, caseload.Entry{Case: "C3", Lifecycle: rules.LifecycleChild, Obligation: "child_review",
		Label:  rules.Text{PL: "okresowa ocena sytuacji dziecka", EN: "periodic review of the child's situation"},
		Opened: d("2016-07-01"), Due: d("2016-10-01"), DaysLeft: 11}, got[4])
	for _, e := range got {
		assert.Equal(t, e.Due.Before(on), e.Overdue)
		assert.Equal(t, on.DaysUntil(e.Due), e.DaysLeft)
	}
	// Due today is on time.
	got, err = f.cl.Calendar(f.ctx, caseload.CalendarQuery{On: d("2016-09-01"), LeadDays: 0, Worker: "A1"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.False(t, got[0].Overdue)
	assert.Zero(t, got[0].DaysLeft)
}

// Entries due on the same day are ordered by case, then obligation.
func TestCalendarOrder(t *testing.T) {
	f := newFixture(t, nil, assistant("A1"), assistant("A2"))
	on := d("2016-03-01")
	for _, id := range []string{"F3", "F1", "F2"} {
		f.requested(id, on, workflow.FamilyInfo{})
		f.assign(id, "A1", on)
	}
	f.fire("F2", "court_obligation", head, on, workflow.Args{"court_ref": "III Nsm 6/16", "report_every_months": 6})
	got, err := f.cl.Calendar(f.ctx, caseload.CalendarQuery{On: on, LeadDays: -1})
	require.NoError(t, err)
	assert.Equal(t, []due{
		{"F1", "family_assessment", "2016-09-01", "A1"},
		{"F2", "court_report", "2016-09-01", "A1"},
		{"F2", "family_assessment", "2016-09-01", "A1"},
		{"F3", "family_assessment", "2016-09-01", "A1"},
	}, dues(got))
	// Closing a case removes its obligations from the calendar.
	f.fire("F1", "end_work", head, on, workflow.Args{"reason": "moved_away"})
	got, err = f.cl.Calendar(f.ctx, caseload.CalendarQuery{On: on, LeadDays: -1})
	require.NoError(t, err)
	assert.Len(t, got, 3)
}

func TestFormatCalendar(t *testing.T) {
	f := calendarFixture(t)
	entries, err := f.cl.Calendar(f.ctx, caseload.CalendarQuery{On: d("2016-09-20"), LeadDays: -1})
	require.NoError(t, err)
	for _, lang := range []rules.Lang{rules.Polish, rules.English} {
		t.Run(string(lang), func(t *testing.T) {
			golden(t, "calendar_"+string(lang)+".golden", caseload.FormatCalendar(entries, lang))
		})
	}
	assert.Empty(t, caseload.FormatCalendar(nil, rules.Polish))
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run %s ./caseload -update to create it", t.Name())
	assert.Equal(t, string(want), got)
}

func TestCalendarCancelled(t *testing.T) {
	f := calendarFixture(t)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err := f.cl.Calendar(ctx, caseload.CalendarQuery{On: d("2016-09-20"), LeadDays: -1})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestFormatCalendarDays(t *testing.T) {
	entry := func(daysLeft int) caseload.Entry {
		return caseload.Entry{Case: "F1", Obligation: "interview", Label: workflow.ObligationLabel("interview"),
			Due: d("2016-09-20"), DaysLeft: daysLeft, Overdue: daysLeft < 0, Worker: "A1"}
	}
	tests := []struct {
		daysLeft int
		pl, en   string
	}{
		{-2, "PO TERMINIE (2 dni)", "OVERDUE (2 days)"},
		{-1, "PO TERMINIE (1 dzień)", "OVERDUE (1 day)"},
		{0, "dziś", "today"},
		{1, "za 1 dzień", "in 1 day"},
		{22, "za 22 dni", "in 22 days"},
	}
	for _, tt := range tests {
		e := []caseload.Entry{entry(tt.daysLeft)}
		assert.Equal(t, fmt.Sprintf("2016-09-20  F1       %-48s A1       %s\n", "rodzinny wywiad środowiskowy", tt.pl), caseload.FormatCalendar(e, rules.Polish))
		assert.Equal(t, fmt.Sprintf("2016-09-20  F1       %-48s A1       %s\n", "family community interview", tt.en), caseload.FormatCalendar(e, rules.English))
	}
}

// onlyStore is a store with nothing but the Store interface: not a
// *workflow.MemoryStore, nor a Scanner.
type onlyStore struct{ workflow.Store }

// The calendar reads any workflow.Store through Due, and leaves the cases
// as they were.
func TestCalendarAnyStore(t *testing.T) {
	f := calendarFixture(t)
	e, err := workflow.New(workflow.WithDirectory(f.reg), workflow.WithStore(onlyStore{f.e.Store()}))
	require.NoError(t, err)
	q := caseload.CalendarQuery{On: d("2016-09-20"), LeadDays: -1}
	before := f.snapshot(q.On)
	viaMemory, err := f.cl.Calendar(f.ctx, q)
	require.NoError(t, err)
	viaStore, err := caseload.New(e, f.reg).Calendar(f.ctx, q)
	require.NoError(t, err)
	assert.Equal(t, viaMemory, viaStore)
	assert.Len(t, viaStore, 15)
	assert.Equal(t, before, f.snapshot(q.On))
}
