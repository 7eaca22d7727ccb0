package caseload_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/workflow"
)

var (
	loadTest         = flag.Bool("loadtest", false, "run TestLoad, the PostgreSQL load test (make loadtest)")
	loadTestDuration = flag.Duration("loadtest.duration", 60*time.Second, "how long TestLoad fires and reads")
)

// loadOp is one kind of operation of the load test, with the latencies
// of those that succeeded.
type loadOp struct {
	name string
	mu   sync.Mutex
	lat  []time.Duration
}

func (o *loadOp) add(d time.Duration) {
	o.mu.Lock()
	o.lat = append(o.lat, d)
	o.mu.Unlock()
}

// line reports the operation's count, throughput, p50 and p99.
func (o *loadOp) line(elapsed time.Duration) string {
	s := slices.Clone(o.lat)
	slices.Sort(s)
	if len(s) == 0 {
		return fmt.Sprintf("%-22s %8d", o.name, 0)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return fmt.Sprintf("%-22s %8d %9.1f/s  p50 %7.2f ms  p99 %7.2f ms", o.name, len(s), float64(len(s))/elapsed.Seconds(),
		ms(s[len(s)/2]), ms(s[len(s)*99/100]))
}

// TestLoad is the load test of asysta on PostgreSQL (make loadtest): the
// national dataset at about 250,000 cases (see pgScale), 16 clients
// firing a mix of transitions on random cases (a family's assessment by
// its assistant, a child's review by the organiser, a foster family's
// assessment by its coordinator) while 4 clients read calendars (one
// assistant's, one gmina's), for -loadtest.duration. It prints the
// throughput, p50 and p99 of each, and the conflicts and retries, and
// fails on any error other than a conflict that its retries settled.
func TestLoad(t *testing.T) {
	if !*loadTest {
		t.Skip("the load test runs with -loadtest (make loadtest)")
	}
	const writers, readers, attempts = 16, 4, 5
	l := loadNationalPG(t, pgScale(t), writers+readers)
	ctx := context.Background()
	on := l.ds.AsOf

	type target struct {
		id  string
		cmd workflow.Command
		op  *loadOp
	}
	assess, review, ffAssess := &loadOp{name: "family assess"}, &loadOp{name: "child review"}, &loadOp{name: "foster family assess"}
	var families, children, fosters []target
	for _, f := range l.ds.Families {
		if f.State.In(workflow.AssistantWork) && f.Assistant != "" {
			families = append(families, target{f.ID, workflow.Command{Trigger: "assess", On: on,
				Actor: workflow.Actor{ID: f.Assistant, Role: workflow.FamilyAssistant}, Args: workflow.Args{"result": "positive"}}, assess})
		}
	}
	for _, c := range l.ds.Children {
		children = append(children, target{c.ID, workflow.Command{Trigger: "review", On: on,
			Actor: workflow.Actor{ID: c.Powiat + "-O1", Role: workflow.FosterCareOrganizer}}, review})
	}
	for _, ff := range l.ds.FosterFamilies {
		if !ff.Active.IsZero() && ff.Coordinator != "" {
			fosters = append(fosters, target{ff.ID, workflow.Command{Trigger: "assess", On: on,
				Actor: workflow.Actor{ID: ff.Coordinator, Role: workflow.FosterCareCoordinator}, Args: workflow.Args{"result": "positive"}}, ffAssess})
		}
	}
	var assistants, gminas []string
	for _, w := range l.ds.Workers {
		if w.Role == workflow.FamilyAssistant && w.ActiveOn(on) {
			assistants = append(assistants, w.ID)
		}
	}
	for _, g := range l.ds.Gminas {
		gminas = append(gminas, g.ID)
	}
	cases := l.ds.Cases()
	l.ds = nil // the raw records, which a server does not hold
	runtime.GC()
	workerCal, gminaCal := &loadOp{name: "calendar (assistant)"}, &loadOp{name: "calendar (gmina)"}

	var conflicts, retries, failures atomic.Int64
	var firstErr atomic.Value
	fail := func(err error) {
		failures.Add(1)
		firstErr.CompareAndSwap(nil, err)
	}
	deadline := time.Now().Add(*loadTestDuration)
	var wg sync.WaitGroup
	start := time.Now()
	for k := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(k), 1))
			for time.Now().Before(deadline) {
				var tg target
				switch n := r.IntN(100); {
				case n < 60:
					tg = families[r.IntN(len(families))]
				case n < 85:
					tg = children[r.IntN(len(children))]
				default:
					tg = fosters[r.IntN(len(fosters))]
				}
				t0 := time.Now()
				for a := 1; ; a++ {
					_, err := l.e.Fire(ctx, tg.id, tg.cmd)
					if err == nil {
						tg.op.add(time.Since(t0))
						break
					}
					if !errors.Is(err, workflow.ErrConflict) {
						fail(err)
						break
					}
					conflicts.Add(1)
					if a == attempts {
						fail(err)
						break
					}
					retries.Add(1)
				}
			}
		}()
	}
	for k := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(100+k), 2))
			for i := 0; time.Now().Before(deadline); i++ {
				q, op := caseload.CalendarQuery{On: on, LeadDays: 30, Worker: assistants[r.IntN(len(assistants))]}, workerCal
				if i%2 == 1 {
					q, op = caseload.CalendarQuery{On: on, LeadDays: 30, Unit: gminas[r.IntN(len(gminas))]}, gminaCal
				}
				t0 := time.Now()
				if _, err := l.cl.Calendar(ctx, q); err != nil {
					fail(err)
					continue
				}
				op.add(time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	host, _ := os.Hostname()
	load, _ := os.ReadFile("/proc/loadavg")
	var b strings.Builder
	fmt.Fprintf(&b, "load test: %d cases, %d writers, %d readers, %v on %s (%d CPUs, load average %s)\n",
		cases, writers, readers, elapsed.Round(time.Second), host, runtime.NumCPU(), strings.Join(strings.Fields(string(load))[:3], " "))
	fired := 0
	for _, o := range []*loadOp{assess, review, ffAssess} {
		fired += len(o.lat)
		fmt.Fprintln(&b, o.line(elapsed))
	}
	all := &loadOp{name: "transitions (all)"}
	for _, o := range []*loadOp{assess, review, ffAssess} {
		all.lat = append(all.lat, o.lat...)
	}
	fmt.Fprintln(&b, all.line(elapsed))
	fmt.Fprintln(&b, workerCal.line(elapsed))
	fmt.Fprintln(&b, gminaCal.line(elapsed))
	fmt.Fprintf(&b, "conflicts %d, retries %d, failures %d (%.4f conflicts per transition)\n",
		conflicts.Load(), retries.Load(), failures.Load(), float64(conflicts.Load())/float64(max(fired, 1)))
	t.Log("\n" + b.String())
	if err, _ := firstErr.Load().(error); err != nil {
		require.NoError(t, err, "%d operations failed", failures.Load())
	}
}
