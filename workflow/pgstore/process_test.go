package pgstore_test

// Several OS processes over one database, as several instances of an OPS
// system are: the test binary re-executes itself as helper processes
// (TestHelperProcess, selected by an environment variable, in the manner
// of os/exec's tests), each with its own pool, firing transitions through
// a workflow.Engine over a pgstore.Store; each prints its successes on
// stdout and the parent checks them against what the database holds.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// The helper processes' environment.
const (
	envHelper     = "ASYSTA_PGSTORE_HELPER" // the job: assess or assign
	envProc       = "ASYSTA_PGSTORE_PROC"   // the process's number
	envCases      = "ASYSTA_PGSTORE_CASES"  // comma-separated case IDs (assess: case=assistant)
	envGoroutines = "ASYSTA_PGSTORE_GOROUTINES"
	envFires      = "ASYSTA_PGSTORE_FIRES"  // fires per goroutine
	envFaults     = "ASYSTA_PGSTORE_FAULTS" // "1": errors other than conflicts are expected
)

// success is a transition a helper process saw succeed: the case, the
// event's seq and the as-of date, unique to the firing.
type success struct {
	proc    int
	caseID  string
	seq     int64
	on      rules.Date
	trigger string
}

// helpers runs n helper processes on the database at u and returns what
// they report. env is added to each one's environment.
func helpers(t *testing.T, n int, u string, env ...string) []success {
	t.Helper()
	var (
		mu  sync.Mutex
		out []success
		wg  sync.WaitGroup
	)
	for p := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.timeout=3m")
			cmd.Env = append(os.Environ(), pgtest.EnvURL+"="+u, envProc+"="+strconv.Itoa(p))
			cmd.Env = append(cmd.Env, env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("helper process %d: %v\nstdout:\n%s\nstderr:\n%s", p, err, stdout.String(), stderr.String())
			}
			sc := bufio.NewScanner(&stdout)
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				if len(f) != 5 || f[0] != "success" {
					continue
				}
				seq, _ := strconv.ParseInt(f[2], 10, 64)
				mu.Lock()
				out = append(out, success{proc: p, caseID: f[1], seq: seq, on: rules.MustParseDate(f[3]), trigger: f[4]})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// TestHelperProcess is not a test: it is the body of a helper process,
// and returns at once when the environment does not select a job.
func TestHelperProcess(t *testing.T) {
	job := os.Getenv(envHelper)
	if job == "" {
		return
	}
	proc, _ := strconv.Atoi(os.Getenv(envProc))
	goroutines, _ := strconv.Atoi(os.Getenv(envGoroutines))
	fires, _ := strconv.Atoi(os.Getenv(envFires))
	faults := os.Getenv(envFaults) == "1"
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	e := engine(t, pgstore.New(pool))
	cases := strings.Split(os.Getenv(envCases), ",")
	var printMu sync.Mutex
	report := func(o *workflow.Outcome) {
		printMu.Lock()
		defer printMu.Unlock()
		fmt.Printf("success %s %d %s %s\n", o.Case.ID, o.Event.Seq, o.Event.On, o.Event.Trigger)
	}
	var conflicts, denied, other atomic.Int64
	// classify counts an error; it fails the process on an unexpected one.
	classify := func(what string, err error) {
		switch {
		case errors.Is(err, workflow.ErrConflict):
			conflicts.Add(1)
		case errors.Is(err, workflow.ErrDenied):
			denied.Add(1)
		case faults:
			other.Add(1)
		default:
			t.Errorf("%s: %v", what, err)
		}
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch job {
			case "assess":
				// Each firing has an as-of date of its own, so that the
				// parent can tell its event from any other.
				for i := range fires {
					id, worker, _ := strings.Cut(cases[(g+i+proc)%len(cases)], "=")
					on := rules.MustParseDate("2016-04-01").AddDays((proc*goroutines+g)*fires + i)
					fctx, cancel := context.WithTimeout(ctx, 20*time.Second)
					o, err := e.Fire(fctx, id, workflow.Command{Trigger: "assess", Actor: assistant(worker), On: on,
						Args: workflow.Args{"result": "positive"}})
					cancel()
					if err != nil {
						classify(fmt.Sprintf("assess %s on %s", id, on), err)
						continue
					}
					report(o)
				}
			case "assign":
				// Each goroutine assigns its own family to A1, again
				// while its commits conflict.
				id := cases[proc*goroutines+g]
				for attempt := 0; attempt < 200; attempt++ {
					o, err := e.Fire(ctx, id, workflow.Command{Trigger: "assign_assistant", Actor: actH,
						On: rules.MustParseDate("2016-05-02"), Args: workflow.Args{"assistant": "A1"}})
					if err == nil {
						report(o)
						return
					}
					classify("assign "+id, err)
					if !errors.Is(err, workflow.ErrConflict) {
						return
					}
				}
				t.Errorf("assign %s: still conflicting after 200 attempts", id)
			default:
				t.Errorf("unknown job %q", job)
			}
		}()
	}
	wg.Wait()
	fmt.Fprintf(os.Stderr, "helper %d: %d conflicts, %d denied, %d other errors\n", proc, conflicts.Load(), denied.Load(), other.Load())
}

// checkSuccesses fails unless every reported success is the event at its
// seq in its case's history, and returns how many there were per case.
func checkSuccesses(t *testing.T, s *pgstore.Store, got []success) map[string]int {
	t.Helper()
	per := map[string]int{}
	for _, sc := range got {
		evs, err := s.Events(context.Background(), sc.caseID)
		if err != nil {
			t.Fatal(err)
		}
		if sc.seq < 1 || sc.seq > int64(len(evs)) {
			t.Errorf("process %d's %s of %s at seq %d is not in the history (%d events)", sc.proc, sc.trigger, sc.caseID, sc.seq, len(evs))
			continue
		}
		if ev := evs[sc.seq-1]; ev.Trigger != sc.trigger || ev.On != sc.on {
			t.Errorf("process %d's %s of %s on %s at seq %d: the history has %s on %s there", sc.proc, sc.trigger, sc.caseID, sc.on, sc.seq, ev.Trigger, ev.On)
		}
		per[sc.caseID]++
	}
	return per
}

// TestProcessesAssess: four processes, three goroutines each, fire assess
// at six families of one assistant; every commit of one of them bumps the
// assistant's key, which every assess reads, so most firings conflict.
// Afterwards every history is whole and holds every success, and replays
// to its snapshot.
func TestProcessesAssess(t *testing.T) {
	s, u := pgstoretest.New(t)
	e := engine(t, s)
	var cases []string
	for i := 1; i <= 6; i++ {
		id := fmt.Sprintf("F%d", i)
		worker := "A1"
		if i > 4 {
			worker = "A2"
		}
		assigned(t, e, id, worker)
		cases = append(cases, id+"="+worker)
	}
	got := helpers(t, 4, u, envHelper+"=assess", envCases+"="+strings.Join(cases, ","),
		envGoroutines+"=3", envFires+"=15")
	if len(got) == 0 {
		t.Fatalf("no assess succeeded in any process")
	}
	per := checkSuccesses(t, s, got)
	for i := 1; i <= 6; i++ {
		id := fmt.Sprintf("F%d", i)
		c, err := s.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if int(c.Version) != 7+per[id] {
			t.Errorf("%s: version %d after 7 set-up events and %d reported successes", id, c.Version, per[id])
		}
	}
	consistent(t, s, e)
	t.Logf("%d of %d firings succeeded", len(got), 4*3*15)
}

// TestProcessesCap: an assistant works with 14 families in 2016 (cap 15);
// eight processes' goroutines assign eight more families to them at once,
// retrying on conflict. Exactly one assignment succeeds; the load is 15.
func TestProcessesCap(t *testing.T) {
	s, u := pgstoretest.New(t)
	e := engine(t, s)
	for i := 1; i <= 14; i++ {
		id := fmt.Sprintf("F%02d", i)
		requested(t, e, id)
		fire(t, e, id, "assign_assistant", actH, "2016-02-10", workflow.Args{"assistant": "A1"})
	}
	if n := load(t, s, "A1"); n != 14 {
		t.Fatalf("A1's load after set-up = %d, want 14", n)
	}
	var extra []string
	for i := 15; i <= 22; i++ {
		id := fmt.Sprintf("F%02d", i)
		requested(t, e, id)
		extra = append(extra, id)
	}
	got := helpers(t, 4, u, envHelper+"=assign", envCases+"="+strings.Join(extra, ","), envGoroutines+"=2")
	if len(got) != 1 {
		t.Errorf("%d assignments succeeded (%v), want exactly 1", len(got), got)
	}
	checkSuccesses(t, s, got)
	if n := load(t, s, "A1"); n != 15 {
		t.Errorf("A1's load = %d, want 15", n)
	}
	consistent(t, s, e)
}

// TestProcessesConnectionsKilled: while three processes fire, another
// connection terminates their backends again and again
// (pg_terminate_backend), many of them inside a transaction. No case is
// left half-written, and every success is in the history.
func TestProcessesConnectionsKilled(t *testing.T) {
	s, u := pgstoretest.New(t)
	e := engine(t, s)
	var cases []string
	for i := 1; i <= 6; i++ {
		id := fmt.Sprintf("F%d", i)
		worker := fmt.Sprintf("A%d", (i+1)/2)
		assigned(t, e, id, worker)
		cases = append(cases, id+"="+worker)
	}
	const app = "asysta-fault"
	hu, err := pgtest.WithParams(u, map[string]string{"application_name": app})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var kills, inTx atomic.Int64
	var killer sync.WaitGroup
	killer.Add(1)
	go func() {
		defer killer.Done()
		ctx := context.Background()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			var n, tx int64
			// One of the helpers' backends a tick, one inside a transaction
			// when there is one. MATERIALIZED: the backend is chosen before
			// any is terminated (a flattened subquery could terminate first).
			err := s.Pool().QueryRow(ctx, `WITH a AS MATERIALIZED (SELECT pid, xact_start FROM pg_stat_activity
					WHERE application_name = $1 AND pid <> pg_backend_pid()
					ORDER BY xact_start IS NULL, random() LIMIT 1)
				SELECT count(*), count(*) FILTER (WHERE xact_start IS NOT NULL) FROM a WHERE pg_terminate_backend(pid)`, app).Scan(&n, &tx)
			if err != nil {
				t.Errorf("pg_terminate_backend: %v", err)
				return
			}
			kills.Add(n)
			inTx.Add(tx)
		}
	}()
	got := helpers(t, 3, hu, envHelper+"=assess", envCases+"="+strings.Join(cases, ","),
		envGoroutines+"=3", envFires+"=25", envFaults+"=1")
	close(stop)
	killer.Wait()
	t.Logf("%d backends terminated, %d of them in a transaction; %d of %d firings reported success", kills.Load(), inTx.Load(), len(got), 3*3*25)
	if inTx.Load() == 0 || len(got) == 0 {
		t.Errorf("no backend was terminated inside a transaction, or no firing succeeded: the test tested nothing")
	}
	checkSuccesses(t, s, got)
	consistent(t, s, e)
}

// TestRestartLosesNothing: goroutines fire while the server is restarted
// (pg_ctl restart: a fast shutdown, and an immediate one, which is a crash
// and a recovery from the WAL); every transition that succeeded, before or
// after, is there afterwards, through a new pool, and every case is whole.
func TestRestartLosesNothing(t *testing.T) {
	if !pgtest.Owned(t) {
		t.Skipf("the server is not the test's own (%s is set): not restarting it", pgtest.EnvURL)
	}
	for _, mode := range []string{"fast", "immediate"} {
		t.Run(mode, func(t *testing.T) { testRestart(t, mode) })
	}
}

func testRestart(t *testing.T, mode string) {
	s, u := pgstoretest.New(t)
	e := engine(t, s)
	for i := 1; i <= 4; i++ {
		assigned(t, e, fmt.Sprintf("F%d", i), fmt.Sprintf("A%d", i))
	}
	var (
		mu        sync.Mutex
		got       []success
		wg        sync.WaitGroup
		failures  atomic.Int64
		restarted = make(chan struct{})
	)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, worker := fmt.Sprintf("F%d", g+1), fmt.Sprintf("A%d", g+1)
			after := 0 // successes after the restart
			for i := 0; i < 400 && after < 10; i++ {
				on := rules.MustParseDate("2016-04-01").AddDays(i)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				o, err := e.Fire(ctx, id, workflow.Command{Trigger: "assess", Actor: assistant(worker), On: on, Args: workflow.Args{"result": "negative"}})
				cancel()
				if err != nil {
					failures.Add(1)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				mu.Lock()
				got = append(got, success{caseID: id, seq: o.Event.Seq, on: on, trigger: "assess"})
				mu.Unlock()
				select {
				case <-restarted:
					after++
				default:
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	pgtest.Restart(t, mode)
	close(restarted)
	wg.Wait()
	if err := pgtest.Wait(u, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	s2 := pgstore.New(openPool(t, u))
	t.Logf("%d transitions succeeded, %d failed around the restart", len(got), failures.Load())
	per := checkSuccesses(t, s2, got)
	for i := 1; i <= 4; i++ {
		id := fmt.Sprintf("F%d", i)
		c, err := s2.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		// A firing whose connection broke during COMMIT may have committed
		// without being told: more events than successes, never fewer.
		if int(c.Version) < 7+per[id] {
			t.Errorf("%s: version %d after 7 set-up events and %d successes", id, c.Version, per[id])
		}
	}
	consistent(t, s2, engine(t, s2))
}
