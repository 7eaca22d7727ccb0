package workflow_test

// Engine-level races, meant for `go test -race`: concurrent fires on one
// case, concurrent assignments over one assistant's cap and concurrent
// placements over one foster family's cap. Helpers here are prefixed rc.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

var (
	rcSW  = workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	rcH   = workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	rcA1  = workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}
	rcA2  = workflow.Actor{ID: "A2", Role: workflow.FamilyAssistant}
	rcOrg = workflow.Actor{ID: "O1", Role: workflow.FosterCareOrganizer}
)

type rcWorld struct {
	t   *testing.T
	ctx context.Context
	e   *workflow.Engine
}

func rcNew(t *testing.T) *rcWorld {
	t.Helper()
	dir := workflow.NewMemoryDirectory()
	for _, a := range []workflow.Actor{rcSW, rcH, rcA1, rcA2, rcOrg} {
		if err := dir.AddWorker(workflow.Worker{ID: a.ID, Role: a.Role}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := workflow.New(workflow.WithDirectory(dir))
	if err != nil {
		t.Fatal(err)
	}
	return &rcWorld{t: t, ctx: context.Background(), e: e}
}

func (w *rcWorld) fire(id, trigger string, by workflow.Actor, on string, args workflow.Args) (*workflow.Outcome, error) {
	return w.e.Fire(w.ctx, id, workflow.Command{Trigger: trigger, Actor: by, On: rules.MustParseDate(on), Args: args})
}

func (w *rcWorld) must(id, trigger string, by workflow.Actor, on string, args workflow.Args) {
	w.t.Helper()
	if _, err := w.fire(id, trigger, by, on, args); err != nil {
		w.t.Fatalf("%s %s: %v", id, trigger, err)
	}
}

// requested declares a family and brings it to assistant_requested with
// the family's consent: 5 events.
func (w *rcWorld) requested(id string) {
	w.t.Helper()
	if err := w.e.DeclareFamily(w.ctx, id, workflow.FamilyInfo{}); err != nil {
		w.t.Fatal(err)
	}
	w.must(id, "refer", rcSW, "2016-02-01", nil)
	w.must(id, "complete_interview", rcSW, "2016-02-05", nil)
	w.must(id, "request_assistant", rcSW, "2016-02-08", nil)
	w.must(id, "give_consent", rcSW, "2016-02-09", nil)
}

// assigned brings a family to assistant_work with A1 (or the assistant
// given): 6 events.
func (w *rcWorld) assigned(id string, assistant ...string) {
	w.t.Helper()
	w.requested(id)
	a := "A1"
	if len(assistant) > 0 {
		a = assistant[0]
	}
	w.must(id, "assign_assistant", rcH, "2016-02-10", workflow.Args{"assistant": a})
}

func (w *rcWorld) load(worker string) int {
	w.t.Helper()
	cs, _, err := w.e.Store().Index(w.ctx, workflow.AssistantKey(worker))
	if err != nil {
		w.t.Fatal(err)
	}
	n, _ := workflow.FamilyLoad(cs, true)
	return n
}

// consistent checks a case's history (Seq 1..n, n the case's version) and
// that replaying it gives the stored case; it returns the history.
func (w *rcWorld) consistent(id string) []workflow.Event {
	w.t.Helper()
	c, err := w.e.Case(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	evs, err := w.e.History(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	for i, ev := range evs {
		if ev.Seq != int64(i+1) {
			w.t.Errorf("%s: event %d has Seq %d, want %d", id, i, ev.Seq, i+1)
		}
	}
	if int64(len(evs)) != c.Version {
		w.t.Errorf("%s: %d events, version %d", id, len(evs), c.Version)
	}
	r, err := w.e.Replay(w.ctx, id)
	if err != nil {
		w.t.Errorf("%s: Replay: %v", id, err)
	} else if !reflect.DeepEqual(r, c) {
		w.t.Errorf("%s: Replay differs from the stored case:\nreplayed %+v\nstored   %+v", id, r, c)
	}
	return evs
}

// rcOutcome classifies a fire's error in a race: nil, a conflict, or a
// denial by rule; anything else fails the test (from any goroutine).
func rcOutcome(t *testing.T, what string, err error, rule string) string {
	var ce *workflow.ConflictError
	var de *workflow.DeniedError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ce) && errors.Is(err, workflow.ErrConflict):
		return "conflict"
	case rule != "" && errors.As(err, &de) && errors.Is(err, workflow.ErrDenied) && slices.Contains(de.RuleIDs(), rule):
		return "denied"
	}
	t.Errorf("%s: unexpected error %v (%T)", what, err, err)
	return "error"
}

// TestRaceAssess fires assess at one family from 32 goroutines: each call
// succeeds or conflicts, and the history stays contiguous and replayable.
func TestRaceAssess(t *testing.T) {
	const n = 32
	w := rcNew(t)
	w.assigned("F1")
	const setup = 6
	var ok atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := w.fire("F1", "assess", rcA1, "2016-04-01", workflow.Args{"result": "positive"})
			if rcOutcome(t, fmt.Sprintf("assess %d", i), err, "") == "ok" {
				ok.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ok.Load() == 0 {
		t.Fatalf("no assess succeeded")
	}
	evs := w.consistent("F1")
	if int64(len(evs)) != setup+ok.Load() {
		t.Errorf("history has %d events, want %d setup + %d successes", len(evs), setup, ok.Load())
	}
	for _, ev := range evs[setup:] {
		if ev.Trigger != "assess" {
			t.Errorf("event %d is %s, want assess", ev.Seq, ev.Trigger)
		}
	}
	c, _ := w.e.Case(w.ctx, "F1")
	if o, _ := c.Obligation(workflow.OblFamilyAssessment); o.Opened != rules.MustParseDate("2016-04-01") {
		t.Errorf("family_assessment opened %s, want 2016-04-01", o.Opened)
	}
}

// TestRaceTwoAssignmentsAtCap: an assistant with 14 families (cap 15 in
// 2016) gets two families assigned concurrently (G1 by assign_assistant,
// G2 by assign_assistant, or G2 by reassign_assistant from A2). One
// succeeds; the other is denied by assistant.max_families or conflicts,
// and when it retries after a conflict it is denied.
func TestRaceTwoAssignmentsAtCap(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 3
	}
	for round := range rounds {
		w := rcNew(t)
		for i := range 14 {
			w.assigned(fmt.Sprintf("F%02d", i))
		}
		w.requested("G1")
		reassign := round%2 == 1
		trigger := map[string]string{"G1": "assign_assistant", "G2": "assign_assistant"}
		if reassign {
			w.assigned("G2", "A2")
			trigger["G2"] = "reassign_assistant"
		} else {
			w.requested("G2")
		}
		var ok, denied, conflicts atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, id := range []string{"G1", "G2"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := w.fire(id, trigger[id], rcH, "2016-03-01", workflow.Args{"assistant": "A1"})
				switch rcOutcome(t, id, err, "assistant.max_families") {
				case "ok":
					ok.Add(1)
				case "denied":
					denied.Add(1)
				case "conflict":
					conflicts.Add(1)
					_, err = w.fire(id, trigger[id], rcH, "2016-03-01", workflow.Args{"assistant": "A1"})
					if rcOutcome(t, id+" retried", err, "assistant.max_families") != "denied" {
						t.Errorf("round %d: %s retried after a conflict: %v, want a denial", round, id, err)
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		if ok.Load() != 1 || denied.Load()+conflicts.Load() != 1 {
			t.Errorf("round %d: %d succeeded, %d denied, %d conflicted; want exactly 1 success", round, ok.Load(), denied.Load(), conflicts.Load())
		}
		if got := w.load("A1"); got != 15 {
			t.Errorf("round %d: A1 has %d families, want 15", round, got)
		}
		if reassign {
			c, _ := w.e.Case(w.ctx, "G2")
			want := 0
			if c.Family.Assistant == "A2" {
				want = 1
			}
			if got := w.load("A2"); got != want {
				t.Errorf("round %d: A2 has %d families with G2 at %s, want %d", round, got, c.Family.Assistant, want)
			}
		}
		for _, id := range []string{"G1", "G2"} {
			w.consistent(id)
		}
	}
}

// TestRaceFortyAssignments assigns 40 families to one assistant from 40
// goroutines, retrying on conflict: exactly 15 succeed, 25 are denied, and
// the assistant never has more than 15.
func TestRaceFortyAssignments(t *testing.T) {
	const n, limit = 40, 15
	w := rcNew(t)
	for i := range n {
		w.requested(fmt.Sprintf("F%02d", i))
	}
	var ok, denied, conflicts atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("F%02d", i)
			<-start
			for range 100 * n {
				_, err := w.fire(id, "assign_assistant", rcH, "2016-03-01", workflow.Args{"assistant": "A1"})
				switch rcOutcome(t, id, err, "assistant.max_families") {
				case "ok":
					ok.Add(1)
					return
				case "conflict":
					conflicts.Add(1)
					continue
				case "denied":
					denied.Add(1)
				}
				return
			}
			t.Errorf("%s: still conflicting", id)
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("%d conflicts retried", conflicts.Load())
	if ok.Load() != limit || denied.Load() != n-limit {
		t.Errorf("%d succeeded, %d denied; want %d and %d", ok.Load(), denied.Load(), limit, n-limit)
	}
	if got := w.load("A1"); got != limit {
		t.Errorf("A1 has %d families, want %d", got, limit)
	}
	assigned := 0
	for i := range n {
		id := fmt.Sprintf("F%02d", i)
		w.consistent(id)
		c, _ := w.e.Case(w.ctx, id)
		if c.State.In(workflow.AssistantWork) {
			assigned++
		}
	}
	if assigned != limit {
		t.Errorf("%d families are in assistant_work, want %d", assigned, limit)
	}
}

// TestRacePlacements places 5 children into one professional foster family
// (cap 3) concurrently, retrying on conflict: 3 are placed, 2 denied by
// foster_family.max_children, and the family is activated exactly once.
func TestRacePlacements(t *testing.T) {
	const n, limit = 5, 3
	rounds := 20
	if testing.Short() {
		rounds = 3
	}
	for round := range rounds {
		w := rcNew(t)
		if err := w.e.DeclareFosterFamily(w.ctx, "R1", workflow.FosterFamilyInfo{Form: workflow.FormProfessional}); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if err := w.e.DeclareChild(w.ctx, fmt.Sprintf("C%d", i), workflow.ChildInfo{Family: "F1", Born: rules.MustParseDate("2010-01-01")}); err != nil {
				t.Fatal(err)
			}
		}
		var ok, denied atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("C%d", i)
				<-start
				for range 100 * n {
					_, err := w.fire(id, "place", rcOrg, "2016-05-01",
						workflow.Args{"form": workflow.FormProfessional, "carer": "R1", "court_ref": "III Nsm 5/16"})
					switch rcOutcome(t, id, err, "foster_family.max_children") {
					case "ok":
						ok.Add(1)
						return
					case "conflict":
						continue
					case "denied":
						denied.Add(1)
					}
					return
				}
				t.Errorf("%s: still conflicting", id)
			}()
		}
		close(start)
		wg.Wait()
		if ok.Load() != limit || denied.Load() != n-limit {
			t.Errorf("round %d: %d placed, %d denied; want %d and %d", round, ok.Load(), denied.Load(), limit, n-limit)
		}
		kids, _, err := w.e.Store().Index(w.ctx, workflow.CarerKey("R1"))
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) != limit {
			t.Errorf("round %d: R1 has %d children, want %d", round, len(kids), limit)
		}
		evs := w.consistent("R1")
		activations := 0
		for _, ev := range evs {
			if ev.Trigger == workflow.TriggerActivate {
				activations++
			}
		}
		if activations != 1 {
			t.Errorf("round %d: R1 was activated %d times, want once", round, activations)
		}
		if c, _ := w.e.Case(w.ctx, "R1"); c.State != workflow.Active {
			t.Errorf("round %d: R1 is %s, want active", round, c.State)
		}
		for i := range n {
			w.consistent(fmt.Sprintf("C%d", i))
		}
	}
}

// rcPausing is a store that stops a commit of the given trigger on the
// given case until released, so that a test can change the world in
// between.
type rcPausing struct {
	*workflow.MemoryStore
	caseID, trigger string
	at, release     chan struct{}
}

func (s *rcPausing) Commit(ctx context.Context, b workflow.Batch) error {
	if w := b.Writes[0]; w.Case.ID == s.caseID && len(w.Events) > 0 && w.Events[0].Trigger == s.trigger {
		close(s.at)
		<-s.release
	}
	return s.MemoryStore.Commit(ctx, b)
}

// rcPausingWorld is an engine under rules rs (nil: the statute's) on a
// memory store that pauses the commit of trigger on case id, with the
// organizer O1, the professional foster family R1 and the children C1
// and C2 declared.
func rcPausingWorld(t *testing.T, id, trigger string, rs *rules.RuleSet) (*rcPausing, *rcWorld) {
	t.Helper()
	ctx := context.Background()
	st := &rcPausing{MemoryStore: workflow.NewMemoryStore(), caseID: id, trigger: trigger,
		at: make(chan struct{}), release: make(chan struct{})}
	dir := workflow.NewMemoryDirectory()
	if err := dir.AddWorker(workflow.Worker{ID: rcOrg.ID, Role: rcOrg.Role}); err != nil {
		t.Fatal(err)
	}
	opts := []workflow.Option{workflow.WithDirectory(dir), workflow.WithStore(st)}
	if rs != nil {
		opts = append(opts, workflow.WithRules(rs))
	}
	e, err := workflow.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.DeclareFosterFamily(ctx, "R1", workflow.FosterFamilyInfo{Form: workflow.FormProfessional}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"C1", "C2"} {
		if err := e.DeclareChild(ctx, c, workflow.ChildInfo{Born: rules.MustParseDate("2010-01-01")}); err != nil {
			t.Fatal(err)
		}
	}
	return st, &rcWorld{t: t, ctx: ctx, e: e}
}

// TestRacePlaceWhileFosterFamilyStops: a child's placement with an active
// foster family that is suspended or dissolved between the placement's
// read and its commit conflicts; retried, it is refused.
func TestRacePlaceWhileFosterFamilyStops(t *testing.T) {
	for _, stop := range []string{"suspend", "dissolve"} {
		t.Run(stop, func(t *testing.T) {
			st, w := rcPausingWorld(t, "C2", "place", nil)
			ctx, e := w.ctx, w.e
			args := workflow.Args{"form": workflow.FormProfessional, "carer": "R1"}
			w.must("C1", "place", rcOrg, "2016-05-01", args) // R1 becomes active
			done := make(chan error)
			go func() {
				_, err := w.fire("C2", "place", rcOrg, "2016-05-02", args)
				done <- err
			}()
			<-st.at
			w.must("R1", stop, rcOrg, "2016-05-02", nil)
			close(st.release)
			err := <-done
			if !errors.Is(err, workflow.ErrConflict) {
				c2, _ := e.Case(ctx, "C2")
				t.Fatalf("placing C2 while R1 was %sed: %v; C2 is %s with %q", stop, err, c2.State, c2.Child.Carer)
			}
			st.caseID = "" // no more pauses
			if _, err := w.fire("C2", "place", rcOrg, "2016-05-02", args); !errors.Is(err, workflow.ErrArgument) {
				t.Errorf("placing C2 again with R1 %sed: %v, want an argument error", stop, err)
			}
			w.consistent("C2")
			w.consistent("R1")
		})
	}
}

// TestRaceDissolveWhilePlacing: a municipal guard on dissolve that reads
// the children placed with the foster family guards the commit with the
// carer's key: a child placed there between the dissolve's read and its
// commit makes the dissolve conflict; retried, it is refused.
func TestRaceDissolveWhilePlacing(t *testing.T) {
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(`
rules:
  - id: local.no_children_on_dissolve
    on: foster_family.dissolve
    basis: "Zarządzenie 1/2016"
    expr: foster_family.children == 0
    message: {pl: "W rodzinie przebywają dzieci.", en: "Children live with the family."}
`))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, w := rcPausingWorld(t, "R1", "dissolve", rs)
	e := w.e
	args := workflow.Args{"form": workflow.FormProfessional, "carer": "R1"}
	// R1 becomes active with C1, who then goes home: no child is left.
	w.must("C1", "place", rcOrg, "2016-05-01", args)
	w.must("C1", "propose_return", rcOrg, "2016-05-02", nil)
	w.must("C1", "return_home", rcOrg, "2016-05-03", workflow.Args{"court_ref": "III Nsm 1/16"})
	done := make(chan error)
	go func() {
		_, err := w.fire("R1", "dissolve", rcOrg, "2016-05-04", nil)
		done <- err
	}()
	<-st.at
	w.must("C2", "place", rcOrg, "2016-05-04", args)
	close(st.release)
	if err := <-done; !errors.Is(err, workflow.ErrConflict) {
		r1, _ := e.Case(w.ctx, "R1")
		t.Fatalf("dissolving R1 while C2 was placed there: %v; R1 is %s", err, r1.State)
	}
	st.caseID = "" // no more pauses
	var de *workflow.DeniedError
	if _, err := w.fire("R1", "dissolve", rcOrg, "2016-05-04", nil); !errors.As(err, &de) {
		t.Errorf("dissolving R1 again with C2 placed there: %v, want the municipal rule's refusal", err)
	}
	w.consistent("R1")
}
