package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// An instance of an OPS system opens the shared database, migrates it
// (safe when several instances start at once) and runs the engine over
// it. A conflict means another instance changed the case, or the
// assistant's caseload, meanwhile: reload and try again.
//
// The example is compiled, not run: it needs a server.
func Example() {
	ctx := context.Background()
	store, err := pgstore.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	staff := workflow.NewMemoryDirectory() // an OPS system's own staff records
	_ = staff.AddWorker(workflow.Worker{ID: "H1", Role: workflow.OPSHead})
	engine, err := workflow.New(workflow.WithStore(store), workflow.WithDirectory(staff))
	if err != nil {
		log.Fatal(err)
	}
	cmd := workflow.Command{Trigger: "assign_assistant", Actor: workflow.Actor{ID: "H1", Role: workflow.OPSHead},
		On: rules.MustParseDate("2026-03-02"), Args: workflow.Args{"assistant": "A1"}}
	for attempt := 0; attempt < 3; attempt++ {
		_, err = engine.Fire(ctx, "F-2026-17", cmd)
		if !errors.Is(err, workflow.ErrConflict) {
			break
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}

// A pool configured for one instance: a few connections (each Fire holds
// one for its commit's few milliseconds), and timeouts, so that a stuck
// statement or an abandoned transaction cannot hold the case's lock.
func ExampleNew() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	cfg.MaxConns = 8
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = "30s"
	cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "60s"
	cfg.ConnConfig.RuntimeParams["application_name"] = "ops-instance-1"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		log.Fatal(err)
	}
	store := pgstore.New(pool)
	_ = store
}

// The calendar's question, answered from the obligations table's index:
// what is due in the next two weeks, and what is overdue, as seen today.
func ExampleStore_Due() {
	ctx := context.Background()
	store, err := pgstore.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	today := rules.DateOf(time.Now())
	due, err := store.Due(ctx, workflow.DueQuery{Until: today.AddDays(14), On: today})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range due {
		fmt.Println(d.Due, d.Case, d.ID, d.WorkerKey, d.Overdue)
	}
}
