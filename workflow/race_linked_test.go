package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// TestRaceLinkedPlacements places the five children of a family with an
// open case, each from its own goroutine, with one qualified foster family
// that takes three, while the family's assistant completes a plan action:
// every placement also writes the family's case (child_placed) and the
// first activates the foster family. On both stores the cap holds, the
// family records exactly the children placed, the foster family is
// activated once, every case replays to what is stored, and Due lists
// exactly the open obligations of the snapshots, refs included.
func TestRaceLinkedPlacements(t *testing.T) {
	forEachStore(t, testRaceLinkedPlacements)
}

func testRaceLinkedPlacements(t *testing.T, st storeKind) {
	const n, limit = 5, 3
	w := rcNew(t)
	e, err := workflow.New(workflow.WithDirectory(w.e.Directory()), workflow.WithStore(st.open(t)))
	if err != nil {
		t.Fatal(err)
	}
	w.e = e
	w.assigned("F1")
	w.must("F1", "approve_plan", rcA1, "2016-03-01", workflow.Args{"consulted": "SW1", "actions": []any{
		map[string]any{"id": "D1", "due": "2016-04-29", "effect": "E1"},
		map[string]any{"id": "D2", "due": "2016-05-31", "effect": "E2"},
	}})
	if err := e.DeclareFosterFamily(w.ctx, "R1", workflow.FosterFamilyInfo{Form: workflow.FormProfessional}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := e.DeclareChild(w.ctx, fmt.Sprintf("C%d", i), workflow.ChildInfo{Family: "F1", Born: rules.MustParseDate("2010-01-01")}); err != nil {
			t.Fatal(err)
		}
	}
	var placed, denied atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	retry := func(what string, fire func() error, rule string) string {
		for range 200 * n {
			if out := rcOutcome(t, what, fire(), rule); out != "conflict" {
				return out
			}
		}
		t.Errorf("%s: still conflicting", what)
		return "conflict"
	}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("C%d", i)
			<-start
			switch retry(id, func() error {
				_, err := w.fire(id, "place", rcOrg, "2016-05-01", workflow.Args{"form": workflow.FormProfessional, "carer": "R1"})
				return err
			}, "foster_family.max_children") {
			case "ok":
				placed.Add(1)
			case "denied":
				denied.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		retry("F1 complete_action", func() error {
			_, err := w.fire("F1", "complete_action", rcA1, "2016-05-01", workflow.Args{"action": "D1"})
			return err
		}, "")
	}()
	close(start)
	wg.Wait()
	if placed.Load() != limit || denied.Load() != n-limit {
		t.Errorf("%d placed, %d denied; want %d and %d", placed.Load(), denied.Load(), limit, n-limit)
	}
	ctx := context.Background()
	kids, _, err := e.Store().Index(ctx, workflow.CarerKey("R1"))
	if err != nil {
		t.Fatal(err)
	}
	var inCare []string
	for _, k := range kids {
		inCare = append(inCare, k.ID)
	}
	f1, err := e.Case(ctx, "F1")
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(f1.Family.PlacedChildren)); len(inCare) != limit || !slices.Equal(got, inCare) {
		t.Errorf("R1 has %q; F1 records %q placed", inCare, f1.Family.PlacedChildren)
	}
	if _, ok := f1.ObligationRef(workflow.OblPlanAction, "D1"); ok {
		t.Errorf("F1: plan action D1 completed, still open")
	}
	if _, ok := f1.ObligationRef(workflow.OblPlanAction, "D2"); !ok {
		t.Errorf("F1: plan action D2 closed with D1")
	}
	activations := 0
	for _, ev := range w.history(e, "R1") {
		if ev.Trigger == workflow.TriggerActivate {
			activations++
		}
	}
	if r1, _ := e.Case(ctx, "R1"); activations != 1 || r1.State != workflow.Active {
		t.Errorf("R1 activated %d times, is %s; want once, active", activations, r1.State)
	}
	var want []workflow.DueEntry
	q := workflow.DueQuery{On: rules.MustParseDate("2016-05-01")}
	for _, id := range append([]string{"F1", "R1"}, "C0", "C1", "C2", "C3", "C4") {
		c, err := e.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.Replay(ctx, id)
		if err != nil {
			t.Errorf("%s: Replay: %v", id, err)
		} else if rj, cj := rcJSON(t, r), rcJSON(t, c); rj != cj {
			t.Errorf("%s: Replay differs from the stored case:\nreplayed %s\nstored   %s", id, rj, cj)
		}
		for _, o := range c.Obligations {
			if q.Selects(o, workflow.WorkerKey(c)) {
				want = append(want, q.Entry(c, o))
			}
		}
	}
	slices.SortFunc(want, func(a, b workflow.DueEntry) int { return workflow.CompareDue(&a, &b) })
	got, err := e.Store().Due(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if gj, wj := rcJSON(t, got), rcJSON(t, want); gj != wj {
		t.Errorf("Due lists\n%s\nthe snapshots hold\n%s", gj, wj)
	}
}

func (w *rcWorld) history(e *workflow.Engine, id string) []workflow.Event {
	w.t.Helper()
	evs, err := e.History(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return evs
}

func rcJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
