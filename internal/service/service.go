// Package service is asysta's HTTP service, `asysta serve`: the engine
// behind JSON over HTTP for OPS and PCPR systems that are not written in
// Go, with its state in PostgreSQL (workflow/pgstore) or, for trying it
// out, in memory. docs/service.md describes running it; docs/openapi.json
// (the document the server serves at /openapi.json) describes the API.
//
// Only cmd/asysta imports it.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// Limits and timeouts of the service (docs/service.md, "Limits").
const (
	// MaxBody is the largest request body taken; a larger one is 413.
	MaxBody = 1 << 20
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout bound
	// a connection's request headers, whole request, response and idle
	// keep-alive.
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second
	// DrainTimeout bounds how long a shutdown waits for requests in
	// flight.
	DrainTimeout = 30 * time.Second
	// idempotencyRetention is how long an Idempotency-Key's reply is kept.
	idempotencyRetention = 24 * time.Hour
	// idempotencySettle bounds storing or releasing an Idempotency-Key's
	// record after the firing.
	idempotencySettle = 10 * time.Second
)

// Config is what `asysta serve` is started with.
type Config struct {
	// DB is the PostgreSQL URL (postgres://… or key=value, with pgxpool's
	// settings); empty: the memory store, whose state goes with the
	// process.
	DB string
	// Configs are the configuration files of the single unit; Units the
	// file mapping several units to theirs (then Configs must be empty).
	Configs []string
	Units   string
	// Tokens is the tokens file of the API clients.
	Tokens string
	// Logger receives one JSON line per request and the service's own
	// lines (default: discarded).
	Logger *slog.Logger
	// Now is the clock, for the default as-of date of reads (default:
	// time.Now).
	Now func() time.Time
}

// Server is the service: its units, clients, metrics and handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	units    map[string]*unit // "" in single-unit mode
	clients  atomic.Pointer[clients]
	metrics  *metrics
	handler  http.Handler
	draining atomic.Bool
	reloadMu sync.Mutex
	stop     chan struct{}
	stopOnce sync.Once
}

// unit is one OPS or PCPR served: its store, staff, idempotency records and
// the rules in force, with the engine over them.
type unit struct {
	id    string
	files []string
	store workflow.Store
	pool  *pgxpool.Pool // nil on the memory store
	staff staff
	idem  idempotency
	rt    atomic.Pointer[runtime]
}

// runtime is a unit's rule set and the engine and caseload evaluating
// under it; a reload swaps in a new one whole.
type runtime struct {
	rs       *rules.RuleSet
	engine   *workflow.Engine
	caseload *caseload.Caseload
}

// newRuntime builds the engine of u under rs; earlier revisions stay known
// for replay.
func (u *unit) newRuntime(rs *rules.RuleSet) (*runtime, error) {
	opts := []workflow.Option{workflow.WithRules(rs), workflow.WithStore(u.store), workflow.WithDirectory(u.staff)}
	if old := u.rt.Load(); old != nil {
		opts = append(opts, workflow.WithRevisions(old.rs))
	}
	e, err := workflow.New(opts...)
	if err != nil {
		return nil, err
	}
	// The calendar is the only caseload question the service asks: it
	// reads the engine's store, never the registry, so the staff need not
	// be a caseload.Registry.
	return &runtime{rs: rs, engine: e, caseload: caseload.New(e, nil)}, nil
}

// New opens the service: it loads the tokens and configuration files
// (refusing the start on any problem), opens and migrates the store of
// every unit, and builds the handler. Close releases what it opened.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Tokens == "" {
		return nil, errors.New("service: --tokens is required (wymagany plik --tokens)")
	}
	if cfg.Units != "" && len(cfg.Configs) > 0 {
		return nil, errors.New("service: give --units or --config, not both: with --units each unit's files are in the units file " +
			"(podaj --units albo --config, nie oba)")
	}
	s := &Server{cfg: cfg, log: cfg.Logger, units: map[string]*unit{}, metrics: newMetrics(), stop: make(chan struct{})}
	specs := []unitFiles{{id: "", files: cfg.Configs}}
	var unitSet map[string]bool
	if cfg.Units != "" {
		var err error
		if specs, err = loadUnits(cfg.Units); err != nil {
			return nil, err
		}
		unitSet = map[string]bool{}
		for _, u := range specs {
			unitSet[u.id] = true
		}
	}
	cs, err := loadTokens(cfg.Tokens, unitSet)
	if err != nil {
		return nil, err
	}
	s.clients.Store(&cs)
	rulesets := make([]*rules.RuleSet, len(specs))
	for i, u := range specs {
		if rulesets[i], err = rules.LoadFiles(u.files...); err != nil {
			return nil, err
		}
	}
	for i, spec := range specs {
		u := &unit{id: spec.id, files: spec.files}
		s.units[u.id] = u
		if err := s.openStore(ctx, u); err != nil {
			s.Close()
			return nil, err
		}
		rt, err := u.newRuntime(rulesets[i])
		if err != nil {
			s.Close()
			return nil, err
		}
		u.rt.Store(rt)
	}
	s.metrics.watchPools(s.units)
	if cfg.DB == "" {
		s.log.Warn("no --db given: the service runs on the memory store; every case, worker and idempotency record is lost when it stops " +
			"(brak --db: usługa działa na magazynie w pamięci; sprawy, pracownicy i klucze idempotencji giną po zatrzymaniu)")
	} else {
		go s.expireLoop()
	}
	s.handler = s.routes()
	return s, nil
}

// openStore opens u's store: memory without a database; with one, a pool
// on the unit's own schema (asysta_ID, created when missing) when the
// service serves several units, else on the URL's search_path.
func (s *Server) openStore(ctx context.Context, u *unit) error {
	if s.cfg.DB == "" {
		u.store, u.staff, u.idem = workflow.NewMemoryStore(), newMemoryStaff(), newMemoryIdempotency()
		return nil
	}
	pc, err := pgxpool.ParseConfig(s.cfg.DB)
	if err != nil {
		return errors.New("service: --db is not a PostgreSQL URL or connection string (--db nie jest adresem PostgreSQL)")
	}
	if _, ok := pc.ConnConfig.RuntimeParams["application_name"]; !ok {
		pc.ConnConfig.RuntimeParams["application_name"] = "asysta serve"
	}
	if u.id != "" {
		schema := "asysta_" + u.id // unitID allows only [a-z0-9_]
		conn, err := pgx.ConnectConfig(ctx, pc.ConnConfig.Copy())
		if err != nil {
			return fmt.Errorf("service: unit %s: cannot connect to the database: %w", u.id, err)
		}
		_, err = conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema)
		conn.Close(ctx)
		if err != nil {
			return fmt.Errorf("service: unit %s: create schema %s: %w", u.id, schema, err)
		}
		pc.ConnConfig.RuntimeParams["search_path"] = schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return fmt.Errorf("service: unit %s: open the pool: %w", u.id, err)
	}
	if err := pgstore.Migrate(ctx, pool); err != nil {
		pool.Close()
		return fmt.Errorf("service: unit %s: %w", u.id, err)
	}
	u.pool, u.store, u.staff, u.idem = pool, pgstore.New(pool), newPGStaff(pool), pgIdempotency{pool: pool}
	return nil
}

// expireLoop deletes expired idempotency records once an hour, until
// Close.
func (s *Server) expireLoop() {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		for _, u := range s.units {
			if p, ok := u.idem.(pgIdempotency); ok {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				if err := p.expire(ctx); err != nil {
					s.log.Warn("idempotency records not expired", slog.String("unit", u.id), slog.String("error", safeError(err)))
				}
				cancel()
			}
		}
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// Handler returns the service's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer returns an http.Server for the handler on addr, with the
// service's timeouts.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{Addr: addr, Handler: s.handler, ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout: ReadTimeout, WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
}

// Drain marks the service as stopping: /readyz answers 503 from now on, so
// a load balancer stops sending requests while those in flight finish.
func (s *Server) Drain() { s.draining.Store(true) }

// Close closes the units' pools. Call it after the HTTP server has shut
// down.
func (s *Server) Close() {
	s.stopOnce.Do(func() { close(s.stop) })
	for _, u := range s.units {
		if u.pool != nil {
			u.pool.Close()
		}
	}
}

// Reload reads the tokens file, the units file and every unit's
// configuration files again. A problem in any of them refuses the reload
// whole: the previous revision of everything keeps serving, the failure is
// logged and counted, and the error returned.
func (s *Server) Reload() error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	err := s.reload()
	if err != nil {
		s.metrics.reloadFailures.Inc()
		// The problems of the files, with their positions: they quote no
		// value of a case, and the files are the operator's own.
		s.log.Error("reload refused: the previous configuration keeps serving (przeładowanie odrzucone)", slog.String("error", err.Error()))
		return err
	}
	s.metrics.reloads.Inc()
	for id, u := range s.units {
		s.log.Info("reloaded", slog.String("unit", id), slog.String("revision", u.rt.Load().rs.Revision()))
	}
	return nil
}

func (s *Server) reload() error {
	files := map[string][]string{"": s.cfg.Configs}
	var unitSet map[string]bool
	if s.cfg.Units != "" {
		specs, err := loadUnits(s.cfg.Units)
		if err != nil {
			return err
		}
		files, unitSet = map[string][]string{}, map[string]bool{}
		for _, u := range specs {
			files[u.id], unitSet[u.id] = u.files, true
		}
		if len(specs) != len(s.units) {
			return errUnitsChanged
		}
		for id := range s.units {
			if !unitSet[id] {
				return errUnitsChanged
			}
		}
	}
	cs, err := loadTokens(s.cfg.Tokens, unitSet)
	if err != nil {
		return err
	}
	next := map[string]*runtime{}
	for id, u := range s.units {
		rs, err := rules.LoadFiles(files[id]...)
		if err != nil {
			return err
		}
		if next[id], err = u.newRuntime(rs); err != nil {
			return err
		}
	}
	s.clients.Store(&cs)
	for id, u := range s.units {
		u.files = slices.Clone(files[id])
		u.rt.Store(next[id])
	}
	return nil
}

// Ready reports whether the service can serve: not draining, every unit's
// store reachable and a valid rule set loaded. The reasons say what is
// wrong, without detail from the database.
func (s *Server) Ready(ctx context.Context) (bool, []string) {
	var reasons []string
	if s.draining.Load() {
		reasons = append(reasons, "draining: the service is shutting down")
	}
	for id, u := range s.units {
		if rt := u.rt.Load(); rt == nil || rt.rs == nil {
			reasons = append(reasons, unitLabel(id)+": no valid rule set loaded")
		}
		if u.pool != nil {
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			err := u.pool.Ping(pctx)
			cancel()
			if err != nil {
				reasons = append(reasons, unitLabel(id)+": the database is not reachable")
			}
		}
	}
	slices.Sort(reasons)
	return len(reasons) == 0, reasons
}

func unitLabel(id string) string {
	if id == "" {
		return "store"
	}
	return "unit " + id
}
