package main

import (
	"context"
	"fmt"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/jackc/pgx/v5/pgxpool"
)

// init registers the impact verb.
func init() {
	register(&command{
		name: "impact",
		synopsis: rules.Text{
			PL: "--with PLIK... --on DATA [--config PLIK...] [--db URL] [--json] [--lang pl|en] SCENARIUSZ",
			EN: "--with FILE... --on DATE [--config FILE...] [--db URL] [--json] [--lang pl|en] SCENARIO",
		},
		summary: rules.Text{
			PL: "skutki proponowanych plików od dnia: zmiany, limity, terminy, symulacja historii spraw; nic nie zapisuje",
			EN: "what proposed files would do from a date: changes, caps, due dates, a backtest of the histories; writes nothing",
		},
		run: runImpact,
	})
}

// runImpact computes the impact of the proposed files on the state a
// scenario leaves, or on the cases of a PostgreSQL database (--db; the
// scenario file then gives only the staff).
func runImpact(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	var with, configs stringList
	fs.Var(&with, "with", inv.tr("proponowany plik konfiguracyjny `PLIK`; można podać wiele razy",
		"a proposed configuration `FILE`; may be repeated"))
	fs.Var(&configs, "config", inv.tr("plik w mocy `PLIK` (domyślnie: pliki scenariusza); można podać wiele razy",
		"a `FILE` in force (default: the scenario's files); may be repeated"))
	on := fs.String("on", "", inv.tr("dzień `RRRR-MM-DD`, od którego obowiązywałyby proponowane pliki",
		"the day `YYYY-MM-DD` the proposed files would take effect"))
	db := fs.String("db", "", inv.tr("sprawy z bazy PostgreSQL `URL` (scenariusz daje wtedy tylko pracowników i placówki)",
		"read the cases from the PostgreSQL database `URL` (the scenario then gives only the staff and institutions)"))
	asJSON := fs.jsonFlag()
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) != 1 || len(with) == 0 || *on == "" {
		return fs.fail(rules.Text{PL: "podaj --with, --on i jeden plik scenariusza", EN: "give --with, --on and one scenario file"})
	}
	day, err := rules.ParseDate(*on)
	if err != nil {
		return fs.fail(rules.Text{PL: "błędna data w --on; oczekiwano RRRR-MM-DD", EN: "bad date for --on; want YYYY-MM-DD"})
	}
	proposed, err := rules.LoadFiles(with...)
	if err != nil {
		inv.reportLoadError(inv.stderr, err)
		return exitProblem
	}
	var current *rules.RuleSet
	if len(configs) > 0 {
		if current, err = rules.LoadFiles(configs...); err != nil {
			inv.reportLoadError(inv.stderr, err)
			return exitProblem
		}
	}
	var cl *caseload.Caseload
	var revisions []*rules.RuleSet
	if *db != "" {
		var closeDB func()
		cl, current, closeDB, status = inv.dbWorld(positional[0], *db, current)
		if cl == nil {
			return status
		}
		defer closeDB()
	} else {
		w, st, ok := inv.playWorld(cmd.name, positional[0])
		if !ok {
			return st
		}
		status, cl = st, w.cl
		if current == nil {
			current = w.rs
		} else {
			revisions = append(revisions, w.rs) // the histories were decided under the scenario's files
		}
	}
	imp, err := cl.Impact(context.Background(), caseload.ImpactQuery{On: day, Current: current, Proposed: proposed, Revisions: revisions})
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta impact: %s\n", inv.localize(err))
		return exitProblem
	}
	if *asJSON {
		if err := writeJSON(inv.stdout, imp); err != nil {
			return inv.jsonFailed(err)
		}
		return status
	}
	fmt.Fprint(inv.stdout, caseload.FormatImpact(imp, inv.lang))
	return status
}

// dbWorld returns a caseload over the cases of a PostgreSQL database and
// the staff of a scenario file (its steps are not played), and the files
// in force (default: the scenario's). It only reads the database.
func (inv *invocation) dbWorld(path, url string, current *rules.RuleSet) (*caseload.Caseload, *rules.RuleSet, func(), int) {
	s, rs, err := scenario.ParseFile(path)
	if err != nil {
		inv.reportLoadError(inv.stderr, err)
		return nil, nil, nil, exitUsage
	}
	if current == nil {
		current = rs
	}
	reg, err := registry(s)
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta impact: %s: %s\n", rules.SafePath(path), inv.localize(err))
		return nil, nil, nil, exitProblem
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		// The URL may hold a password: the message does not repeat it.
		fmt.Fprintln(inv.stderr, "asysta impact: --db: "+inv.tr("błędny adres bazy danych", "a malformed database URL"))
		return nil, nil, nil, exitUsage
	}
	e, err := workflow.New(workflow.WithRules(current), workflow.WithStore(pgstore.New(pool)), workflow.WithDirectory(reg))
	if err != nil {
		pool.Close()
		fmt.Fprintf(inv.stderr, "asysta impact: %s\n", inv.localize(err))
		return nil, nil, nil, exitProblem
	}
	return caseload.New(e, reg), current, pool.Close, exitOK
}
