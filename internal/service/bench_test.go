package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

const benchFamilies = 128

// BenchmarkFire fires family assess (each family with its own assistant)
// over PostgreSQL end to end through POST /v1/cases/{id}/fire (http: JSON,
// auth, the handler, the engine, pgstore; over loopback with keep-alive)
// and, beside it in the same run on the same store and pool, through the
// Go API (go: Engine.Fire), with 1 and 16 concurrent clients. It reports
// firings/s and the p50 and p99 latency of a firing. A conflict (two
// clients met on one family) is fired again and counted once.
func BenchmarkFire(b *testing.B) {
	ctx := context.Background()
	db, err := pgtest.WithParams(pgtest.Schema(b), map[string]string{"pool_max_conns": "16"})
	if err != nil {
		b.Fatal(err)
	}
	e := start(b, options{db: db})
	u := e.srv.units[""]
	engine := u.rt.Load().engine
	on := rules.MustParseDate("2025-03-03")
	ids := make([]string, benchFamilies)
	bodies := make([][]byte, benchFamilies)
	cmds := make([]workflow.Command, benchFamilies)
	for _, w := range []workflow.Worker{{ID: "SW1", Role: workflow.SocialWorker}, {ID: "H1", Role: workflow.OPSHead}} {
		if err := u.staff.PutWorker(ctx, w); err != nil {
			b.Fatal(err)
		}
	}
	for i := range benchFamilies {
		id, a := fmt.Sprintf("F%03d", i), fmt.Sprintf("A%03d", i)
		if err := u.staff.PutWorker(ctx, workflow.Worker{ID: a, Role: workflow.FamilyAssistant}); err != nil {
			b.Fatal(err)
		}
		if err := engine.DeclareFamily(ctx, id, workflow.FamilyInfo{}); err != nil {
			b.Fatal(err)
		}
		sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
		steps := []workflow.Command{{Trigger: "refer", Actor: sw}, {Trigger: "complete_interview", Actor: sw},
			{Trigger: "request_assistant", Actor: sw}, {Trigger: "give_consent", Actor: sw},
			{Trigger: "assign_assistant", Actor: workflow.Actor{ID: "H1", Role: workflow.OPSHead}, Args: workflow.Args{"assistant": a}}}
		for _, c := range steps {
			c.On = on
			if _, err := engine.Fire(ctx, id, c); err != nil {
				b.Fatal(err)
			}
		}
		ids[i] = id
		cmds[i] = workflow.Command{Trigger: "assess", Actor: workflow.Actor{ID: a, Role: workflow.FamilyAssistant}, On: on.AddDays(30),
			Args: workflow.Args{"result": "positive"}}
		bodies[i], _ = json.Marshal(fire("assess", a, "family_assistant", on.AddDays(30).String(), map[string]any{"result": "positive"}))
	}
	hs := httptest.NewServer(e.srv.Handler())
	b.Cleanup(hs.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	auth := "Bearer " + token("ops")

	viaGo := func(i int) error {
		_, err := engine.Fire(ctx, ids[i], cmds[i])
		if err != nil && !isConflict(err) {
			return err
		}
		if err != nil {
			return errConflict
		}
		return nil
	}
	viaHTTP := func(i int) error {
		req, _ := http.NewRequest("POST", hs.URL+"/v1/cases/"+ids[i]+"/fire", bytes.NewReader(bodies[i]))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		switch res.StatusCode {
		case http.StatusOK:
			return nil
		case http.StatusConflict:
			return errConflict
		}
		return fmt.Errorf("status %d", res.StatusCode)
	}
	for _, clients := range []int{1, 16} {
		for _, path := range []struct {
			name string
			fire func(int) error
		}{{"go", viaGo}, {"http", viaHTTP}} {
			b.Run(fmt.Sprintf("clients=%d/%s", clients, path.name), func(b *testing.B) {
				var next atomic.Int64
				var mu sync.Mutex
				lat := make([]time.Duration, 0, b.N)
				var wg sync.WaitGroup
				b.ResetTimer()
				for range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						var mine []time.Duration
						for {
							n := next.Add(1)
							if n > int64(b.N) {
								break
							}
							i := int(n) % benchFamilies
							t0 := time.Now()
							for {
								err := path.fire(i)
								if err == nil {
									break
								}
								if err != errConflict {
									b.Error(err)
									return
								}
							}
							mine = append(mine, time.Since(t0))
						}
						mu.Lock()
						lat = append(lat, mine...)
						mu.Unlock()
					}()
				}
				wg.Wait()
				b.StopTimer()
				slices.Sort(lat)
				if len(lat) > 0 {
					b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds()), "p50-µs")
					b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds()), "p99-µs")
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "firings/s")
			})
		}
	}
}

var errConflict = fmt.Errorf("conflict")

func isConflict(err error) bool { return err != nil && classify(err) == codeConflict }
