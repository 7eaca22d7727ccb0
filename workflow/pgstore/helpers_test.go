package pgstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

var (
	actSW = workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	actH  = workflow.Actor{ID: "H1", Role: workflow.OPSHead}
)

// assistant is the actor of family assistant id.
func assistant(id string) workflow.Actor {
	return workflow.Actor{ID: id, Role: workflow.FamilyAssistant}
}

// directory knows the workers every test (and helper process) uses: SW1,
// H1 and the assistants A1…A9.
func directory(t testing.TB) *workflow.MemoryDirectory {
	t.Helper()
	dir := workflow.NewMemoryDirectory()
	workers := []workflow.Actor{actSW, actH}
	for i := 1; i <= 9; i++ {
		workers = append(workers, assistant(fmt.Sprintf("A%d", i)))
	}
	for _, a := range workers {
		if err := dir.AddWorker(workflow.Worker{ID: a.ID, Role: a.Role}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// engine returns an engine over s with the statute's rules.
func engine(t testing.TB, s workflow.Store) *workflow.Engine {
	t.Helper()
	e, err := workflow.New(workflow.WithStore(s), workflow.WithDirectory(directory(t)))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func fire(t testing.TB, e *workflow.Engine, id, trigger string, by workflow.Actor, on string, args workflow.Args) {
	t.Helper()
	if _, err := e.Fire(context.Background(), id, workflow.Command{Trigger: trigger, Actor: by, On: rules.MustParseDate(on), Args: args}); err != nil {
		t.Fatalf("%s %s: %v", id, trigger, err)
	}
}

func declareFamily(t testing.TB, e *workflow.Engine, id string) {
	t.Helper()
	if err := e.DeclareFamily(context.Background(), id, workflow.FamilyInfo{Difficulty: 1.5}); err != nil {
		t.Fatal(err)
	}
}

// requested declares a family and brings it to assistant_requested with
// the family's consent (5 events).
func requested(t testing.TB, e *workflow.Engine, id string) {
	t.Helper()
	declareFamily(t, e, id)
	fire(t, e, id, "refer", actSW, "2016-02-01", nil)
	fire(t, e, id, "complete_interview", actSW, "2016-02-05", nil)
	fire(t, e, id, "request_assistant", actSW, "2016-02-08", nil)
	fire(t, e, id, "give_consent", actSW, "2016-02-09", nil)
}

// assigned brings a family to assistant_work.implementing with the
// assistant (7 events).
func assigned(t testing.TB, e *workflow.Engine, id, worker string) {
	t.Helper()
	requested(t, e, id)
	fire(t, e, id, "assign_assistant", actH, "2016-02-10", workflow.Args{"assistant": worker})
	fire(t, e, id, "approve_plan", assistant(worker), "2016-03-01", workflow.Args{"plan_ref": "PP/" + id})
}

// load is the number of families in the assistant's work, read through
// the index.
func load(t testing.TB, s workflow.Store, worker string) int {
	t.Helper()
	cs, _, err := s.Index(context.Background(), workflow.AssistantKey(worker))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := workflow.FamilyLoad(cs, true)
	return n
}

// consistent checks every case of the store: its snapshot's version is
// the number of its events and their highest seq (so, seq being unique per
// case, 1…version with no gap); replaying its history gives the stored
// case; its index entries and keys column are its snapshot's keys; and
// its obligation rows are its snapshot's obligations. It returns the
// number of cases.
func consistent(t testing.TB, s *pgstore.Store, e *workflow.Engine) int {
	t.Helper()
	ctx := context.Background()
	rows, err := s.Pool().Query(ctx, `SELECT c.id, c.version, count(e.seq), coalesce(min(e.seq), 0), coalesce(max(e.seq), 0)
		FROM cases c LEFT JOIN events e ON e.case_id = c.id GROUP BY c.id, c.version ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		var version, n, lo, hi int64
		if err := rows.Scan(&id, &version, &n, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		if n != version || hi != version || lo != 1 {
			t.Errorf("%s: version %d, %d events with seq %d…%d: want version = number of events = max seq, from 1", id, version, n, lo, hi)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		c, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := s.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for i, ev := range evs {
			if ev.Seq != int64(i+1) || ev.Case != id {
				t.Errorf("%s: event %d is %s seq %d", id, i, ev.Case, ev.Seq)
			}
		}
		// Compared through JSON, as storetest compares: a snapshot read
		// back from jsonb has nil where the engine may hold an empty slice.
		r, err := e.Replay(ctx, id)
		if err != nil {
			t.Errorf("%s: Replay: %v", id, err)
		} else if rj, cj := jsonOf(t, r), jsonOf(t, c); rj != cj {
			t.Errorf("%s: Replay differs from the stored case:\nreplayed %s\nstored   %s", id, rj, cj)
		}
		var keys, entries []string
		if err := s.Pool().QueryRow(ctx, `SELECT keys, ARRAY(SELECT key FROM index_entries WHERE case_id = $1 ORDER BY key)
			FROM cases WHERE id = $1`, id).Scan(&keys, &entries); err != nil {
			t.Fatal(err)
		}
		want := slices.Sorted(slices.Values(c.Keys()))
		if !slices.Equal(keys, want) || !slices.Equal(entries, want) {
			t.Errorf("%s: keys column %q, index entries %q; snapshot's keys %q", id, keys, entries, want)
		}
	}
	checkObligationRows(t, s)
	return len(ids)
}

func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
