package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Run runs the conformance suite: each subtest calls newStore for a fresh,
// empty store and checks one part of the [workflow.Store] contract.
func Run(t *testing.T, newStore func(t *testing.T) workflow.Store) {
	t.Helper()
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, workflow.Store)
	}{
		{"GetMissing", testGetMissing},
		{"EventsMissing", testEventsMissing},
		{"CreateSetsVersion", testCreate},
		{"UpdateAppendsEvents", testUpdate},
		{"MultiWriteBatch", testMultiWrite},
		{"GetReturnsCopy", testGetCopy},
		{"CommitKeepsNoReference", testCommitCopy},
		{"DecisionsKept", testDecisions},
		{"EventOfAnotherCaseRefused", testForeignEvent},
		{"StaleVersionConflicts", testStale},
		{"CreateExistingConflicts", testCreateExisting},
		{"BatchIsAtomic", testAtomic},
		{"StaleGuardConflicts", testGuard},
		{"IndexFollowsKeys", testIndex},
		{"IndexKeyVersions", testKeyVersions},
		{"IndexUnknownKey", testUnknownKey},
		{"IndexOfChildrenAndCarers", testIndexChildren},
		{"LookupKeysUnversioned", testUnversioned},
		{"IndexMany", testIndexMany},
		{"Due", testDue},
		{"DueFollowsCommits", testDueFollows},
		{"ConcurrentCommitsOneWins", testConcurrentSameCase},
		{"ConcurrentCapNeverExceeded", testConcurrentCap},
		{"Scan", testScan},
		{"ScanReturnsCopies", testScanCopy},
		{"CancelledContext", testCancelled},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

var day = rules.MustParseDate("2016-03-01")

// family returns a family case in state st, worked with by assistant when
// st is in assistant_work.
func family(id string, st workflow.State, assistant string) *workflow.Case {
	return &workflow.Case{ID: id, Lifecycle: rules.LifecycleFamily, State: st,
		Family: &workflow.FamilyFacts{Difficulty: 1, Opened: day, Basis: workflow.BasisConsent, Assistant: assistant,
			FormerAssistants: []string{"A0"}},
		Obligations: []workflow.Obligation{{ID: workflow.OblFamilyAssessment, Opened: day, Due: day.AddMonths(6), Rule: "due.family_assessment"}}}
}

func child(id, fam string, st workflow.State, carer string) *workflow.Case {
	return &workflow.Case{ID: id, Lifecycle: rules.LifecycleChild, State: st,
		Child: &workflow.ChildFacts{Family: fam, Born: rules.MustParseDate("2012-05-10"), Carer: carer, Form: st.Leaf()}}
}

func fosterFamily(id string, st workflow.State, coordinator string) *workflow.Case {
	return &workflow.Case{ID: id, Lifecycle: rules.LifecycleFosterFamily, State: st,
		FosterFamily: &workflow.FosterFamilyFacts{Form: workflow.FormProfessional, Coordinator: coordinator}}
}

// event is the event a transition of c to its current state at version
// seq appends, as the engine would write it.
func event(c *workflow.Case, seq int64, trigger string) workflow.Event {
	return workflow.Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: seq, To: c.State, Trigger: trigger,
		Actor: workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}, On: day,
		Args: map[string]any{"court_ref": "III Nsm 1/16", "urgent": true}, Revision: "test"}
}

// write is the engine's write of c at expected: the case as changed (its
// Version still the one it was read at) and one event.
func write(c *workflow.Case, expected int64, trigger string) workflow.Write {
	c = c.Clone()
	c.Version = expected
	return workflow.Write{Case: c, Expected: expected, Events: []workflow.Event{event(c, expected+1, trigger)}}
}

// commit commits the writes in one batch, each write of an existing case
// with the case as the store has it as its Before, as the engine writes;
// a write at a version the store no longer has (a conflict to come) gets
// its own case as Before.
func commit(ctx context.Context, s workflow.Store, ws ...workflow.Write) error {
	ws = slices.Clone(ws)
	for i, w := range ws {
		if w.Expected == 0 || w.Before != nil {
			continue
		}
		if c, err := s.Get(ctx, w.Case.ID); err == nil && c.Version == w.Expected {
			ws[i].Before = c
		} else {
			ws[i].Before = w.Case.Clone()
			ws[i].Before.Version = w.Expected
		}
	}
	return s.Commit(ctx, workflow.Batch{Writes: ws})
}

func mustCommit(t *testing.T, s workflow.Store, ws ...workflow.Write) {
	t.Helper()
	if err := commit(context.Background(), s, ws...); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

// create commits each case as new, with a declaration event.
func create(t *testing.T, s workflow.Store, cs ...*workflow.Case) {
	t.Helper()
	for _, c := range cs {
		mustCommit(t, s, write(c, 0, workflow.TriggerDeclare))
	}
}

func encode(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	return string(b)
}

// sameJSON fails unless got and want encode alike.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	if g, w := encode(t, got), encode(t, want); g != w {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func get(t *testing.T, s workflow.Store, id string) *workflow.Case {
	t.Helper()
	c, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return c
}

func events(t *testing.T, s workflow.Store, id string) []workflow.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), id)
	if err != nil {
		t.Fatalf("Events(%s): %v", id, err)
	}
	return evs
}

func index(t *testing.T, s workflow.Store, key string) ([]*workflow.Case, int64) {
	t.Helper()
	cs, v, err := s.Index(context.Background(), key)
	if err != nil {
		t.Fatalf("Index(%s): %v", key, err)
	}
	return cs, v
}

func ids(cs []*workflow.Case) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return strings.Join(sortStrings(out), ",")
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// snapshot is everything a reader can see of some cases and keys, to check
// that a refused commit changed nothing.
func snapshot(t *testing.T, s workflow.Store, caseIDs []string, keys []string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, id := range caseIDs {
		c, err := s.Get(ctx, id)
		fmt.Fprintf(&b, "case %s: %s %v\n", id, encode(t, c), errors.Is(err, workflow.ErrNotFound))
		evs, err := s.Events(ctx, id)
		fmt.Fprintf(&b, "events %s: %s %v\n", id, encode(t, evs), errors.Is(err, workflow.ErrNotFound))
	}
	for _, k := range keys {
		cs, v := index(t, s, k)
		fmt.Fprintf(&b, "index %s: v%d %s\n", k, v, encode(t, cs))
	}
	return b.String()
}

// isConflict fails unless err matches ErrConflict and is a *ConflictError.
func isConflict(t *testing.T, err error) {
	t.Helper()
	var ce *workflow.ConflictError
	switch {
	case err == nil:
		t.Errorf("Commit succeeded, want a conflict")
	case !errors.Is(err, workflow.ErrConflict):
		t.Errorf("Commit: %v, want an error matching workflow.ErrConflict", err)
	case !errors.As(err, &ce):
		t.Errorf("Commit: %v (%T), want a *workflow.ConflictError", err, err)
	}
}

func testGetMissing(t *testing.T, s workflow.Store) {
	c, err := s.Get(context.Background(), "F404")
	if !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("Get of a missing case = %v, %v; want ErrNotFound", c, err)
	}
	create(t, s, family("F1", workflow.Referred, ""))
	if _, err := s.Get(context.Background(), "F404"); !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("Get of a missing case in a non-empty store: %v, want ErrNotFound", err)
	}
}

func testEventsMissing(t *testing.T, s workflow.Store) {
	evs, err := s.Events(context.Background(), "F404")
	if !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("Events of a missing case = %v, %v; want ErrNotFound", evs, err)
	}
}

func testCreate(t *testing.T, s workflow.Store) {
	c := family("F1", workflow.Referred, "")
	w := write(c, 0, workflow.TriggerDeclare)
	mustCommit(t, s, w)
	got := get(t, s, "F1")
	if got.Version != 1 {
		t.Errorf("Version after creation = %d, want 1", got.Version)
	}
	want := c.Clone()
	want.Version = 1
	sameJSON(t, "Get after creation", got, want)
	evs := events(t, s, "F1")
	if len(evs) != 1 || evs[0].Seq != 1 {
		t.Fatalf("Events after creation = %s, want one event with Seq 1", encode(t, evs))
	}
	sameJSON(t, "stored event", evs[0], w.Events[0])
}

func testUpdate(t *testing.T, s workflow.Store) {
	c := family("F1", workflow.Referred, "")
	create(t, s, c)
	var want []workflow.Event
	want = append(want, event(c, 1, workflow.TriggerDeclare))
	for v := int64(1); v < 5; v++ {
		c.Family.NonCooperation = int(v)
		w := write(c, v, "complete_interview")
		mustCommit(t, s, w)
		want = append(want, w.Events...)
		got := get(t, s, "F1")
		if got.Version != v+1 {
			t.Errorf("Version after commit at %d = %d, want %d", v, got.Version, v+1)
		}
		if got.Family.NonCooperation != int(v) {
			t.Errorf("Get after commit at %d: the change was not stored", v)
		}
	}
	evs := events(t, s, "F1")
	for i, ev := range evs {
		if ev.Seq != int64(i+1) {
			t.Errorf("event %d has Seq %d, want %d", i, ev.Seq, i+1)
		}
	}
	sameJSON(t, "history", evs, want)
}

func testMultiWrite(t *testing.T, s workflow.Store) {
	ff := fosterFamily("R1", workflow.Qualified, "")
	create(t, s, ff, child("C1", "F1", workflow.InFamily, ""))
	kid := child("C1", "F1", workflow.PlacedProfessional, "R1")
	ff.State = workflow.Active
	mustCommit(t, s, write(kid, 1, "place"), write(ff, 1, workflow.TriggerActivate))
	for _, id := range []string{"C1", "R1"} {
		if got := get(t, s, id); got.Version != 2 {
			t.Errorf("%s: Version = %d, want 2", id, got.Version)
		}
		if evs := events(t, s, id); len(evs) != 2 || evs[1].Seq != 2 {
			t.Errorf("%s: Events = %s, want two, the second with Seq 2", id, encode(t, evs))
		}
	}
	if got := get(t, s, "R1"); got.State != workflow.Active {
		t.Errorf("R1: State = %s, want active", got.State)
	}
	if cs, _ := index(t, s, workflow.CarerKey("R1")); ids(cs) != "C1" {
		t.Errorf("Index(carer R1) = [%s], want [C1]", ids(cs))
	}
}

func testGetCopy(t *testing.T, s workflow.Store) {
	c := family("F1", workflow.AssistantPlanning, "A1")
	create(t, s, c)
	before := snapshot(t, s, []string{"F1"}, []string{workflow.AssistantKey("A1")})
	got := get(t, s, "F1")
	got.State = workflow.Closed
	got.Version = 99
	got.Family.Assistant = "A9"
	got.Family.FormerAssistants[0] = "A9"
	got.Obligations[0].ID = "changed"
	cs, _ := index(t, s, workflow.AssistantKey("A1"))
	if len(cs) != 1 {
		t.Fatalf("Index(assistant A1) = [%s], want [F1]", ids(cs))
	}
	cs[0].State = workflow.Closed
	cs[0].Family.Assistant = "A9"
	cs[0].Family.FormerAssistants[0] = "A9"
	cs[0].Obligations[0].ID = "changed"
	evs := events(t, s, "F1")
	evs[0].Trigger = "changed"
	evs[0].Args["court_ref"] = "changed"
	if after := snapshot(t, s, []string{"F1"}, []string{workflow.AssistantKey("A1")}); after != before {
		t.Errorf("changing what Get, Index and Events returned changed the store:\nbefore %s\nafter  %s", before, after)
	}
}

func testCommitCopy(t *testing.T, s workflow.Store) {
	c := family("F1", workflow.AssistantPlanning, "A1")
	w := write(c, 0, workflow.TriggerDeclare)
	mustCommit(t, s, w)
	before := snapshot(t, s, []string{"F1"}, []string{workflow.AssistantKey("A1")})
	w.Case.State = workflow.Closed
	w.Case.Family.Assistant = "A9"
	w.Case.Family.FormerAssistants[0] = "A9"
	w.Case.Obligations[0].ID = "changed"
	w.Events[0].Trigger = "changed"
	w.Events[0].Args["court_ref"] = "changed"
	if after := snapshot(t, s, []string{"F1"}, []string{workflow.AssistantKey("A1")}); after != before {
		t.Errorf("changing a committed batch changed the store:\nbefore %s\nafter  %s", before, after)
	}
}

// testDecisions commits events with decisions, one as the engine makes
// them (its trigger, date and revision the event's) and one that is not,
// and with none, and reads them back unchanged; changing what was
// committed or returned changes nothing stored.
func testDecisions(t *testing.T, s workflow.Store) {
	c := family("F1", workflow.AssistantPlanning, "A1")
	create(t, s, c)
	decided := func(trigger string, on rules.Date, revision string, allowed bool) *rules.Decision {
		return &rules.Decision{Trigger: rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: trigger}, On: on, Revision: revision,
			Allowed: allowed, Rules: []rules.RuleResult{{Rule: "assistant.max_families", Kind: rules.KindGuard, Passed: true,
				Basis: "art. 15 ust. 3 UWR", Source: "statute"}},
			Params: []rules.ParamUse{{ID: "assistant.max_families", Value: 15, Source: "statute", Basis: "art. 15 ust. 3 UWR"}}}
	}
	w2 := write(c, 1, "assess")
	w2.Events[0].Decision = decided("assess", day, "test", true)
	w3 := write(c, 2, "assess")
	w3.Events[0].Decision = decided("refer", day.AddDays(1), "other", false) // not the event's own
	w4 := write(c, 3, "assess")
	w4.Events[0].Decision = &rules.Decision{Trigger: rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assess"}, On: day,
		Revision: "test", Allowed: true, Rules: []rules.RuleResult{}, Params: []rules.ParamUse{}}
	w5 := write(c, 4, "assess")
	w6 := write(c, 5, "assess")
	w6.Events[0].Decision = &rules.Decision{Trigger: rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assess"}, On: day,
		Revision: "test", Allowed: true, Params: []rules.ParamUse{}} // no rules (nil), no parameters (empty)
	w7 := write(c, 6, "assess")
	w7.Events[0].Decision = decided("assess", day, "test", true) // as w2's: a store may keep it once
	w8 := write(c, 7, "assess")
	w8.Events[0].Decision = decided("assess", day, "test", true)
	w8.Events[0].Decision.Rules[0].Passed = false // not as w2's
	var want []workflow.Event
	want = append(want, events(t, s, "F1")...)
	for _, w := range []workflow.Write{w2, w3, w4, w5, w6, w7, w8} {
		mustCommit(t, s, w)
		want = append(want, w.Events...)
	}
	want = append([]workflow.Event(nil), want...)
	wantJSON := encode(t, want)
	sameJSON(t, "history with decisions", events(t, s, "F1"), want)
	w2.Events[0].Decision.Rules[0].Passed = false
	w2.Events[0].Decision.Params[0].Value = 99
	w3.Events[0].Decision.Allowed = true
	got := events(t, s, "F1")
	got[1].Decision.Rules[0].Rule = "changed"
	got[6].Decision.Params[0].Value = "changed"
	got[2].Decision.Revision = "changed"
	if after := encode(t, events(t, s, "F1")); after != wantJSON {
		t.Errorf("changing committed or returned decisions changed the history:\n got %s\nwant %s", after, wantJSON)
	}
}

// testForeignEvent commits a write whose event names another case: the
// store refuses the batch and stores nothing of it.
func testForeignEvent(t *testing.T, s workflow.Store) {
	c := family("F1", workflow.AssistantPlanning, "A1")
	create(t, s, c)
	before := snapshot(t, s, []string{"F1", "F2"}, []string{workflow.AssistantKey("A1")})
	w := write(c, 1, "assess")
	w.Events[0].Case = "F2"
	if err := commit(context.Background(), s, w); err == nil {
		t.Errorf("a write of F1 carrying an event of F2 was accepted")
	}
	w = write(c, 1, "assess")
	w.Events[0].Lifecycle = rules.LifecycleChild
	if err := commit(context.Background(), s, w); err == nil {
		t.Errorf("a write of a family carrying a child's event was accepted")
	}
	if after := snapshot(t, s, []string{"F1", "F2"}, []string{workflow.AssistantKey("A1")}); after != before {
		t.Errorf("a refused batch changed the store:\nbefore %s\nafter  %s", before, after)
	}
}

func testStale(t *testing.T, s workflow.Store) {
	ctx := context.Background()
	c := family("F1", workflow.AssistantPlanning, "A1")
	create(t, s, c)
	mustCommit(t, s, write(c, 1, "approve_plan"))
	look := []string{"F1"}
	keys := []string{workflow.AssistantKey("A1"), workflow.AssistantKey("A2")}
	before := snapshot(t, s, look, keys)
	moved := family("F1", workflow.AssistantImplementing, "A2")
	for _, expected := range []int64{1, 3, 0} {
		err := commit(ctx, s, write(moved, expected, "assess"))
		isConflict(t, err)
		var ce *workflow.ConflictError
		if errors.As(err, &ce) && (ce.Case != "F1" || ce.Want != expected || ce.Got != 2) {
			t.Logf("ConflictError at Expected %d = %+v (want Case F1, Want %d, Got 2)", expected, *ce, expected)
		}
		if after := snapshot(t, s, look, keys); after != before {
			t.Errorf("a commit at stale version %d wrote:\nbefore %s\nafter  %s", expected, before, after)
		}
	}
	mustCommit(t, s, write(moved, 2, "assess"))
	if got := get(t, s, "F1"); got.Version != 3 || got.Family.Assistant != "A2" {
		t.Errorf("after the conflicts, a commit at the current version stored version %d with assistant %s", got.Version, got.Family.Assistant)
	}
}

func testCreateExisting(t *testing.T, s workflow.Store) {
	create(t, s, family("F1", workflow.AssistantPlanning, "A1"))
	keys := []string{workflow.AssistantKey("A1"), workflow.AssistantKey("A2")}
	before := snapshot(t, s, []string{"F1"}, keys)
	isConflict(t, commit(context.Background(), s, write(family("F1", workflow.AssistantPlanning, "A2"), 0, workflow.TriggerDeclare)))
	if after := snapshot(t, s, []string{"F1"}, keys); after != before {
		t.Errorf("creating an existing case wrote:\nbefore %s\nafter  %s", before, after)
	}
}

func testAtomic(t *testing.T, s workflow.Store) {
	ctx := context.Background()
	create(t, s, family("F1", workflow.AssistantPlanning, "A1"), family("F2", workflow.AssistantPlanning, "A1"))
	look := []string{"F1", "F2", "F3"}
	keys := []string{workflow.AssistantKey("A1"), workflow.AssistantKey("A2")}
	before := snapshot(t, s, look, keys)
	good1 := write(family("F1", workflow.Closed, "A1"), 1, "end_work")
	good3 := write(family("F3", workflow.AssistantPlanning, "A2"), 0, workflow.TriggerDeclare)
	stale2 := write(family("F2", workflow.AssistantPlanning, "A2"), 7, "assign_assistant")
	for i, ws := range [][]workflow.Write{{good1, stale2}, {stale2, good1}, {good3, stale2}, {good1, good3, stale2}} {
		isConflict(t, commit(ctx, s, ws...))
		if after := snapshot(t, s, look, keys); after != before {
			t.Errorf("batch %d with a conflicting write wrote part of it:\nbefore %s\nafter  %s", i, before, after)
		}
	}
	mustCommit(t, s, good1, good3)
	if get(t, s, "F1").State != workflow.Closed || get(t, s, "F3").Version != 1 {
		t.Errorf("a batch of two good writes did not write both")
	}
}

func testGuard(t *testing.T, s workflow.Store) {
	ctx := context.Background()
	key := workflow.AssistantKey("A1")
	create(t, s, family("F1", workflow.AssistantPlanning, "A1"))
	_, v := index(t, s, key)
	if v == 0 {
		t.Fatalf("Index(%s) version = 0 after a case was filed under it", key)
	}
	look := []string{"F1", "F2"}
	keys := []string{key, workflow.AssistantKey("A2")}
	before := snapshot(t, s, look, keys)
	w := write(family("F2", workflow.AssistantPlanning, "A1"), 0, workflow.TriggerDeclare)
	for _, stale := range []int64{v - 1, v + 1, 0} {
		err := s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{w}, Guards: []workflow.KeyVersion{{Key: key, Version: stale}}})
		isConflict(t, err)
		err = s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{w}, Guards: []workflow.KeyVersion{
			{Key: workflow.AssistantKey("A2"), Version: 0}, {Key: key, Version: stale}}})
		isConflict(t, err)
		if after := snapshot(t, s, look, keys); after != before {
			t.Errorf("a batch guarded by %s at stale version %d (now %d) wrote:\nbefore %s\nafter  %s", key, stale, v, before, after)
		}
	}
	// A key nothing was ever filed under is at version 0.
	err := s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{w}, Guards: []workflow.KeyVersion{
		{Key: workflow.AssistantKey("A404"), Version: 1}}})
	isConflict(t, err)
	err = s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{w}, Guards: []workflow.KeyVersion{
		{Key: key, Version: v}, {Key: workflow.AssistantKey("A404"), Version: 0}}})
	if err != nil {
		t.Fatalf("a batch guarded at the current versions: %v", err)
	}
	if cs, v2 := index(t, s, key); ids(cs) != "F1,F2" || v2 != v+1 {
		t.Errorf("Index(%s) = [%s] v%d, want [F1,F2] v%d", key, ids(cs), v2, v+1)
	}
}

func testIndex(t *testing.T, s workflow.Store) {
	a1, a2 := workflow.AssistantKey("A1"), workflow.AssistantKey("A2")
	c := family("F1", workflow.AssistantRequested, "")
	create(t, s, c, family("F2", workflow.AssistantImplementing, "A1"))
	check := func(when string, key, want string) {
		t.Helper()
		if cs, _ := index(t, s, key); ids(cs) != want {
			t.Errorf("%s: Index(%s) = [%s], want [%s]", when, key, ids(cs), want)
		}
	}
	check("before assignment", a1, "F2")
	c = family("F1", workflow.AssistantPlanning, "A1")
	mustCommit(t, s, write(c, 1, "assign_assistant"))
	check("after assignment", a1, "F1,F2")
	cs, _ := index(t, s, a1)
	sameJSON(t, "Index returns the stored case", cs[0], get(t, s, "F1"))
	c.State = workflow.AssistantImplementing
	mustCommit(t, s, write(c, 2, "approve_plan"))
	check("in a substate", a1, "F1,F2")
	c.State = workflow.Monitoring
	mustCommit(t, s, write(c, 3, "end_work"))
	check("after end_work to monitoring", a1, "F2")
	c = family("F1", workflow.AssistantPlanning, "A2")
	mustCommit(t, s, write(c, 4, "assign_assistant"))
	check("with another assistant", a1, "F2")
	check("with another assistant", a2, "F1")
	c.Family.Assistant = "A1"
	mustCommit(t, s, write(c, 5, "assign_assistant"))
	check("moved to A1", a1, "F1,F2")
	check("moved to A1", a2, "")
}

func testKeyVersions(t *testing.T, s workflow.Store) {
	a1, a2 := workflow.AssistantKey("A1"), workflow.AssistantKey("A2")
	version := func(key string) int64 {
		t.Helper()
		_, v := index(t, s, key)
		return v
	}
	c := family("F1", workflow.AssistantPlanning, "A1")
	create(t, s, c)
	v1 := version(a1)
	if v1 < 1 {
		t.Fatalf("version of %s after a case was filed = %d, want at least 1", a1, v1)
	}
	// step commits next at expected and checks that the versions of
	// exactly the keys bumped went up by one.
	step := func(when string, next *workflow.Case, expected int64, bumped ...string) {
		t.Helper()
		before := map[string]int64{a1: version(a1), a2: version(a2)}
		mustCommit(t, s, write(next, expected, "assess"))
		for _, k := range []string{a1, a2} {
			want := before[k]
			if slices.Contains(bumped, k) {
				want++
			}
			if got := version(k); got != want {
				t.Errorf("%s: version of %s = %d, want %d", when, k, got, want)
			}
		}
	}
	c.Family.LastAssessment = "positive"
	c.Obligations[0].Due = c.Obligations[0].Due.AddMonths(1)
	step("a change no decision reads through the key (an assessment)", c, 1)
	step("a commit of a filed case that changes nothing", c, 2)
	c.Family.Difficulty = 2
	step("a change of the family's difficulty, which the load weighs", c, 3, a1)
	c.State = workflow.AssistantImplementing
	step("a change of state within the key", c, 4, a1)
	c.State = workflow.Closed
	step("a case leaving the key", c, 5, a1)
	c = family("F1", workflow.AssistantPlanning, "A2")
	step("a case filed under another key", c, 6, a2)
	c.Family.Assistant = "A1"
	step("a case moving between keys", c, 7, a1, a2)
	// Another case filed under the key bumps it too.
	before := version(a1)
	create(t, s, family("F2", workflow.AssistantPlanning, "A1"))
	if got := version(a1); got != before+1 {
		t.Errorf("a new case filed under %s: version %d, want %d", a1, got, before+1)
	}
}

func testUnknownKey(t *testing.T, s workflow.Store) {
	check := func(when string) {
		t.Helper()
		for _, k := range []string{workflow.AssistantKey("A404"), workflow.CarerKey("R404"), "no such key"} {
			cs, v := index(t, s, k)
			if len(cs) != 0 || v != 0 {
				t.Errorf("%s: Index(%q) = [%s] v%d, want no cases and version 0", when, k, ids(cs), v)
			}
		}
	}
	check("empty store")
	create(t, s, family("F1", workflow.AssistantPlanning, "A1"), child("C1", "F1", workflow.PlacedInstitution, "P1"))
	check("non-empty store")
}

func testIndexChildren(t *testing.T, s workflow.Store) {
	create(t, s,
		child("C1", "F1", workflow.PlacedProfessional, "R1"),
		child("C2", "F1", workflow.Reunification, "R1"),
		child("C3", "F2", workflow.InFamily, ""),
		child("C4", "F2", workflow.Returned, "R1"),
		fosterFamily("R1", workflow.Active, "K1"),
		fosterFamily("R2", workflow.Dissolved, "K1"))
	for key, want := range map[string]string{
		workflow.FamilyKey("F1"): "C1,C2", workflow.FamilyKey("F2"): "C3,C4",
		workflow.CarerKey("R1"): "C1,C2", workflow.CoordinatorKey("K1"): "R1",
	} {
		if cs, v := index(t, s, key); ids(cs) != want || (v == 0) == workflow.VersionedKey(key) {
			t.Errorf("Index(%s) = [%s] v%d, want [%s] and a version only if the key is versioned", key, ids(cs), v, want)
		}
	}
	mustCommit(t, s, write(child("C1", "F1", workflow.PlacedInstitution, "P1"), 1, "move"))
	if cs, _ := index(t, s, workflow.CarerKey("R1")); ids(cs) != "C2" {
		t.Errorf("after a move: Index(carer R1) = [%s], want [C2]", ids(cs))
	}
	if cs, _ := index(t, s, workflow.CarerKey("P1")); ids(cs) != "C1" {
		t.Errorf("after a move: Index(carer P1) = [%s], want [C1]", ids(cs))
	}
}

func testConcurrentSameCase(t *testing.T, s workflow.Store) {
	const n = 32
	ctx := context.Background()
	c := family("F1", workflow.AssistantPlanning, "A1")
	create(t, s, c)
	mustCommit(t, s, write(c, 1, "approve_plan"))
	var ok, conflicts atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := c.Clone()
			mine.Family.NonCooperation = i + 1
			<-start
			err := commit(ctx, s, write(mine, 2, "assess"))
			var ce *workflow.ConflictError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, workflow.ErrConflict) && errors.As(err, &ce):
				conflicts.Add(1)
			default:
				t.Errorf("goroutine %d: Commit: %v, want success or a *workflow.ConflictError", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ok.Load() != 1 || conflicts.Load() != n-1 {
		t.Errorf("%d concurrent commits at one version: %d succeeded, %d conflicted; want 1 and %d", n, ok.Load(), conflicts.Load(), n-1)
	}
	got := get(t, s, "F1")
	evs := events(t, s, "F1")
	if got.Version != 3 || len(evs) != 3 || evs[2].Seq != 3 {
		t.Errorf("after the race: version %d, %d events; want 3 and 3", got.Version, len(evs))
	}
	if got.Family.NonCooperation == 0 {
		t.Errorf("after the race the winner's change is not stored")
	}
}

// testConcurrentCap is the caseload cap at store level: goroutines assign
// families to one assistant, each reading the assistant's index, counting
// and committing guarded by the key's version, retrying on conflict. The
// cap is never exceeded.
func testConcurrentCap(t *testing.T, s workflow.Store) {
	const n, limit = 40, 15
	ctx := context.Background()
	key := workflow.AssistantKey("A1")
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("F%02d", i)
			<-start
			for attempt := 0; attempt < 10*n; attempt++ {
				cs, v, err := s.Index(ctx, key)
				if err != nil {
					t.Errorf("%s: Index: %v", id, err)
					return
				}
				if load, _ := workflow.FamilyLoad(cs, true); load >= limit {
					full.Add(1)
					return
				}
				err = s.Commit(ctx, workflow.Batch{
					Writes: []workflow.Write{write(family(id, workflow.AssistantPlanning, "A1"), 0, "assign_assistant")},
					Guards: []workflow.KeyVersion{{Key: key, Version: v}}})
				switch {
				case err == nil:
					ok.Add(1)
					return
				case !errors.Is(err, workflow.ErrConflict):
					t.Errorf("%s: Commit: %v, want success or a conflict", id, err)
					return
				}
			}
			t.Errorf("%s: still conflicting after %d attempts", id, 10*n)
		}()
	}
	close(start)
	wg.Wait()
	cs, _ := index(t, s, key)
	load, _ := workflow.FamilyLoad(cs, true)
	if ok.Load() != limit || full.Load() != n-limit || load != limit {
		t.Errorf("%d concurrent guarded assignments under a cap of %d: %d succeeded, %d found the caseload full, %d families filed; want %d, %d, %d",
			n, limit, ok.Load(), full.Load(), load, limit, n-limit, limit)
	}
}

func testScan(t *testing.T, s workflow.Store) {
	sc, ok := s.(workflow.Scanner)
	if !ok {
		t.Skip("the store is not a workflow.Scanner")
	}
	ctx := context.Background()
	want := map[string]bool{}
	for i := range 10 {
		c := family(fmt.Sprintf("F%d", i), workflow.AssistantPlanning, "A1")
		create(t, s, c)
		want[c.ID] = true
	}
	create(t, s, child("C1", "F1", workflow.InFamily, ""))
	want["C1"] = true
	mustCommit(t, s, write(family("F1", workflow.Closed, ""), 1, "end_work"))
	seen := map[string]int{}
	err := sc.Scan(ctx, func(c *workflow.Case) error {
		seen[c.ID]++
		if c.ID == "F1" && (c.State != workflow.Closed || c.Version != 2) {
			t.Errorf("Scan gave F1 in state %s at version %d, want closed at 2", c.State, c.Version)
		}
		c.State = "scribbled" // a copy: must not reach the store
		return nil
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("Scan visited %s %d times, want once", id, seen[id])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("Scan visited %d cases, want %d", len(seen), len(want))
	}
	if got := get(t, s, "F2"); got.State != workflow.AssistantPlanning {
		t.Errorf("changing a scanned case changed the store: F2 is %s", got.State)
	}
	stop := errors.New("stop")
	calls := 0
	err = sc.Scan(ctx, func(*workflow.Case) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Scan with fn failing: %v after %d calls, want fn's error after 1 call", err, calls)
	}
}

// testScanCopy changes the facts and obligations of every case Scan
// gives: nothing stored changes.
func testScanCopy(t *testing.T, s workflow.Store) {
	sc, ok := s.(workflow.Scanner)
	if !ok {
		t.Skip("the store is not a workflow.Scanner")
	}
	create(t, s, family("F1", workflow.AssistantPlanning, "A1"), child("C1", "F1", workflow.PlacedInstitution, "P1"),
		fosterFamily("R1", workflow.Qualified, "K1"))
	look := []string{"F1", "C1", "R1"}
	keys := []string{workflow.AssistantKey("A1"), workflow.CarerKey("P1"), workflow.CoordinatorKey("K1")}
	before := snapshot(t, s, look, keys)
	err := sc.Scan(context.Background(), func(c *workflow.Case) error {
		c.State, c.Version = "scribbled", 99
		switch {
		case c.Family != nil:
			c.Family.Assistant = "A9"
			c.Family.FormerAssistants[0] = "A9"
			c.Obligations[0].ID = "changed"
		case c.Child != nil:
			c.Child.Carer = "P9"
		case c.FosterFamily != nil:
			c.FosterFamily.Coordinator = "K9"
		}
		c.Obligations = append(c.Obligations, workflow.Obligation{ID: "scribbled"})
		return nil
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if after := snapshot(t, s, look, keys); after != before {
		t.Errorf("changing what Scan gave changed the store:\nbefore %s\nafter  %s", before, after)
	}
}

func testCancelled(t *testing.T, s workflow.Store) {
	create(t, s, family("F1", workflow.AssistantPlanning, "A1"))
	look := []string{"F1", "F2"}
	keys := []string{workflow.AssistantKey("A1")}
	before := snapshot(t, s, look, keys)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := commit(ctx, s, write(family("F1", workflow.Closed, "A1"), 1, "end_work"),
		write(family("F2", workflow.AssistantPlanning, "A1"), 0, workflow.TriggerDeclare))
	if err == nil {
		t.Errorf("Commit with a cancelled context succeeded")
	} else if errors.Is(err, workflow.ErrConflict) {
		t.Errorf("Commit with a cancelled context: %v; want the context's error, not a conflict", err)
	}
	if after := snapshot(t, s, look, keys); after != before {
		t.Errorf("Commit with a cancelled context wrote:\nbefore %s\nafter  %s", before, after)
	}
}

// A social worker's families and a family's children are filed for
// lookups only: their keys have no version, commits leave it at 0, and a
// guard on one is refused without writing anything.
func testUnversioned(t *testing.T, s workflow.Store) {
	ctx := context.Background()
	f := family("F1", workflow.AssistantPlanning, "A1")
	f.Family.SocialWorker = "S1"
	create(t, s, f, child("C1", "F1", workflow.InFamily, ""))
	f.Family.LastAssessment = "positive"
	mustCommit(t, s, write(f, 1, "assess"))
	for key, want := range map[string]string{workflow.SocialWorkerKey("S1"): "F1", workflow.FamilyKey("F1"): "C1"} {
		if workflow.VersionedKey(key) {
			t.Errorf("VersionedKey(%s) = true, want false", key)
		}
		if cs, v := index(t, s, key); ids(cs) != want || v != 0 {
			t.Errorf("Index(%s) = [%s] v%d, want [%s] v0", key, ids(cs), v, want)
		}
		before := snapshot(t, s, []string{"F1", "F2"}, []string{key})
		err := s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{write(family("F2", workflow.AssistantPlanning, "A1"), 0, workflow.TriggerDeclare)},
			Guards: []workflow.KeyVersion{{Key: key, Version: 0}}})
		if err == nil || errors.Is(err, workflow.ErrConflict) {
			t.Errorf("a guard on %s: %v, want a refusal that is not a conflict", key, err)
		}
		if after := snapshot(t, s, []string{"F1", "F2"}, []string{key}); after != before {
			t.Errorf("a refused guard on %s wrote:\nbefore %s\nafter  %s", key, before, after)
		}
	}
	for _, key := range []string{workflow.AssistantKey("A1"), workflow.CoordinatorKey("K1"), workflow.CarerKey("R1"), workflow.FosterFamilyKey("R1")} {
		if !workflow.VersionedKey(key) {
			t.Errorf("VersionedKey(%s) = false, want true", key)
		}
	}
}

func testIndexMany(t *testing.T, s workflow.Store) {
	ctx := context.Background()
	f2 := family("F2", workflow.AssistantImplementing, "A1")
	f2.Family.SocialWorker = "S1"
	create(t, s, family("F3", workflow.AssistantPlanning, "A2"), f2, family("F1", workflow.AssistantPlanning, "A1"),
		child("C1", "F1", workflow.PlacedProfessional, "R1"), fosterFamily("R1", workflow.Active, "K1"))
	keys := []string{workflow.AssistantKey("A1"), workflow.AssistantKey("A2"), workflow.AssistantKey("A404"),
		workflow.SocialWorkerKey("S1"), workflow.CarerKey("R1"), workflow.FosterFamilyKey("R1"), workflow.CoordinatorKey("K1")}
	check := func(when string) {
		t.Helper()
		got, err := s.IndexMany(ctx, keys)
		if err != nil {
			t.Fatalf("%s: IndexMany: %v", when, err)
		}
		if len(got) != len(keys) {
			t.Errorf("%s: IndexMany gave %d keys, want %d", when, len(got), len(keys))
		}
		for _, k := range keys {
			es, ok := got[k]
			cs, _ := index(t, s, k)
			want := make([]workflow.Entry, len(cs))
			for i, c := range cs {
				want[i] = workflow.EntryOf(c)
			}
			if !ok || es == nil || encode(t, es) != encode(t, want) {
				t.Errorf("%s: IndexMany[%s] = %s (present %v), want %s, the entries of the cases Index gives",
					when, k, encode(t, es), ok, encode(t, want))
			}
		}
		if a1 := got[keys[0]]; len(a1) != 2 || a1[0].Case != "F1" || a1[1].Case != "F2" {
			t.Errorf("%s: IndexMany[%s] = %s, want F1 and F2 in order of ID", when, keys[0], encode(t, a1))
		}
		tallies, err := s.Tally(ctx, keys)
		if err != nil {
			t.Fatalf("%s: Tally: %v", when, err)
		}
		for _, k := range keys {
			ts, ok := tallies[k]
			if want := workflow.TallyOf(got[k]); !ok || ts == nil || encode(t, ts) != encode(t, want) {
				t.Errorf("%s: Tally[%s] = %s (present %v), want %s, the entries IndexMany gives counted", when, k, encode(t, ts), ok, encode(t, want))
			}
		}
	}
	check("as created")
	// Entries follow what changes of a case while its keys stay.
	f1 := get(t, s, "F1")
	f1.Family.Difficulty, f1.Family.Basis, f1.Family.ZaZyciemKind = 3, workflow.BasisZaZyciem, "pregnancy"
	f1.State = workflow.AssistantImplementing
	r1 := get(t, s, "R1")
	r1.FosterFamily.Form = workflow.FormEmergency
	mustCommit(t, s, write(f1, f1.Version, "approve_plan"), write(r1, r1.Version, "assess"))
	check("after a change of state, difficulty, 'Za życiem' and form")
	if none, err := s.IndexMany(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("IndexMany(no keys) = %d keys, %v; want none", len(none), err)
	}
	if none, err := s.Tally(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("Tally(no keys) = %d keys, %v; want none", len(none), err)
	}
}

// dueFixture commits cases with obligations of every kind of worker.
func dueFixture(t *testing.T, s workflow.Store) {
	obl := func(id string, due rules.Date) workflow.Obligation {
		return workflow.Obligation{ID: id, Opened: day, Due: due, Rule: "due." + id}
	}
	f1 := family("F1", workflow.AssistantPlanning, "A1")
	f1.Obligations = []workflow.Obligation{obl("plan", day.AddDays(10)), obl("family_assessment", day.AddDays(30))}
	f2 := family("F2", workflow.AssistantPlanning, "A2")
	f2.Obligations = []workflow.Obligation{obl("plan", day.AddDays(10)), {ID: "no_date", Opened: day, Rule: "due.none"}}
	f3 := family("F3", workflow.Monitoring, "A1") // not filed under A1, still A1's to answer for
	f3.Obligations = []workflow.Obligation{obl("monitoring_end", day.AddDays(-5))}
	f4 := family("F4", workflow.AssistantRequested, "")
	f4.Obligations = []workflow.Obligation{obl("interview", day.AddDays(2))}
	c1 := child("C1", "F1", workflow.PlacedProfessional, "R1")
	c1.Obligations = []workflow.Obligation{obl("situation_review", day.AddDays(30))}
	r1 := fosterFamily("R1", workflow.Active, "K1")
	r1.Obligations = []workflow.Obligation{obl("foster_assessment", day.AddDays(60))}
	create(t, s, f1, f2, f3, f4, c1, r1)
}

func dueList(t *testing.T, s workflow.Store, q workflow.DueQuery) string {
	t.Helper()
	got, err := s.Due(context.Background(), q)
	if err != nil {
		t.Fatalf("Due(%+v): %v", q, err)
	}
	out := make([]string, len(got))
	for i, d := range got {
		out[i] = fmt.Sprintf("%s %s %s %s %s %s %d %v", d.Due, d.Case, d.ID, d.Lifecycle, d.Rule, d.WorkerKey, d.DaysLeft, d.Overdue)
		if c := get(t, s, d.Case); workflow.WorkerKey(c) != d.WorkerKey {
			t.Errorf("Due: %s's worker key %q, want %q", d.Case, d.WorkerKey, workflow.WorkerKey(c))
		}
		if o, ok := get(t, s, d.Case).Obligation(d.ID); !ok || o != d.Obligation {
			t.Errorf("Due: %s %s = %+v, the case holds %+v", d.Case, d.ID, d.Obligation, o)
		}
	}
	return strings.Join(out, "\n")
}

func testDue(t *testing.T, s workflow.Store) {
	dueFixture(t, s)
	on := day
	d := func(n int) string { return day.AddDays(n).String() }
	all := strings.Join([]string{
		d(-5) + " F3 monitoring_end family due.monitoring_end assistant:A1 -5 true",
		d(2) + " F4 interview family due.interview  2 false",
		d(10) + " F1 plan family due.plan assistant:A1 10 false",
		d(10) + " F2 plan family due.plan assistant:A2 10 false",
		d(30) + " C1 situation_review child due.situation_review carer:R1 30 false",
		d(30) + " F1 family_assessment family due.family_assessment assistant:A1 30 false",
		d(60) + " R1 foster_assessment foster_family due.foster_assessment coordinator:K1 60 false",
	}, "\n")
	if got := dueList(t, s, workflow.DueQuery{On: on}); got != all {
		t.Errorf("Due(every obligation):\n%s\nwant\n%s", got, all)
	}
	tests := []struct {
		name string
		q    workflow.DueQuery
		want []int // lines of all
	}{
		{"until, the day included", workflow.DueQuery{On: on, Until: day.AddDays(10)}, []int{0, 1, 2, 3}},
		{"from, the day included", workflow.DueQuery{On: on, From: day.AddDays(30)}, []int{4, 5, 6}},
		{"a range", workflow.DueQuery{On: on, From: day.AddDays(2), Until: day.AddDays(30)}, []int{1, 2, 3, 4, 5}},
		{"one worker", workflow.DueQuery{On: on, Workers: []string{workflow.AssistantKey("A1")}}, []int{0, 2, 5}},
		{"a worker and dates", workflow.DueQuery{On: on, Until: day, Workers: []string{workflow.AssistantKey("A1")}}, []int{0}},
		{"a unit", workflow.DueQuery{On: on, Workers: []string{workflow.CoordinatorKey("K1"), workflow.CarerKey("R1"), workflow.AssistantKey("A2")}}, []int{3, 4, 6}},
		{"a worker with nothing", workflow.DueQuery{On: on, Workers: []string{workflow.AssistantKey("A404")}}, nil},
		{"nothing in range", workflow.DueQuery{On: on, From: day.AddDays(61)}, nil},
	}
	lines := strings.Split(all, "\n")
	for _, tt := range tests {
		var want []string
		for _, i := range tt.want {
			want = append(want, lines[i])
		}
		if got := dueList(t, s, tt.q); got != strings.Join(want, "\n") {
			t.Errorf("Due(%s):\n%s\nwant\n%s", tt.name, got, strings.Join(want, "\n"))
		}
	}
	later := dueList(t, s, workflow.DueQuery{On: day.AddDays(11), Until: day.AddDays(10), Workers: []string{workflow.AssistantKey("A1")}})
	if want := d(-5) + " F3 monitoring_end family due.monitoring_end assistant:A1 -16 true\n" +
		d(10) + " F1 plan family due.plan assistant:A1 -1 true"; later != want {
		t.Errorf("Due seen later:\n%s\nwant\n%s", later, want)
	}
}

// Due lists what the cases hold after each commit: obligations closed,
// opened, moved to another worker.
func testDueFollows(t *testing.T, s workflow.Store) {
	dueFixture(t, s)
	f1 := get(t, s, "F1")
	f1.Obligations = f1.Obligations[1:] // the plan done
	f1.Family.Assistant = "A2"
	mustCommit(t, s, write(f1, f1.Version, "reassign_assistant"))
	c1 := get(t, s, "C1")
	c1.Child.Carer = "R2"
	mustCommit(t, s, write(c1, c1.Version, "move"))
	f4 := get(t, s, "F4")
	f4.Obligations = nil
	mustCommit(t, s, write(f4, f4.Version, "interview"))
	got := dueList(t, s, workflow.DueQuery{On: day})
	want := strings.Join([]string{
		day.AddDays(-5).String() + " F3 monitoring_end family due.monitoring_end assistant:A1 -5 true",
		day.AddDays(10).String() + " F2 plan family due.plan assistant:A2 10 false",
		day.AddDays(30).String() + " C1 situation_review child due.situation_review carer:R2 30 false",
		day.AddDays(30).String() + " F1 family_assessment family due.family_assessment assistant:A2 30 false",
		day.AddDays(60).String() + " R1 foster_assessment foster_family due.foster_assessment coordinator:K1 60 false",
	}, "\n")
	if got != want {
		t.Errorf("Due after commits:\n%s\nwant\n%s", got, want)
	}
}
