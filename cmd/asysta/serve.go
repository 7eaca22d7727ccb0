package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/asysta/asysta/internal/service"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// envDB is the environment variable serve reads the database URL from
// when --db is not given.
const envDB = "ASYSTA_DB_URL"

// init registers the serve verb.
func init() {
	register(&command{
		name: "serve",
		synopsis: rules.Text{
			PL: "[--addr HOST:PORT] [--db URL] [--config PLIK]... [--units PLIK] --tokens PLIK",
			EN: "[--addr HOST:PORT] [--db URL] [--config FILE]... [--units FILE] --tokens FILE",
		},
		summary: rules.Text{
			PL: "usługa HTTP (JSON, OpenAPI 3.1) nad silnikiem i PostgreSQL, dla systemów OPS i PCPR",
			EN: "the HTTP service (JSON, OpenAPI 3.1) over the engine and PostgreSQL, for OPS and PCPR systems",
		},
		run: runServe,
	})
}

// runServe runs the service until SIGTERM or SIGINT, reloading the files
// on SIGHUP; it exits 0 after draining the requests in flight.
func runServe(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	addr := fs.String("addr", "127.0.0.1:8080", inv.tr("adres `HOST:PORT`, na którym usługa słucha", "listen on `HOST:PORT`"))
	db := fs.String("db", "", inv.tr("baza PostgreSQL pod adresem `URL` (domyślnie "+envDB+"; bez niej: magazyn w pamięci)",
		"the PostgreSQL database at `URL` (default "+envDB+"; without one: the memory store)"))
	var configs stringList
	fs.Var(&configs, "config", inv.tr("plik konfiguracyjny `PLIK` jedynej jednostki; można podać wiele razy",
		"the single unit's configuration `FILE`; may be repeated"))
	units := fs.String("units", "", inv.tr("plik `PLIK` jednostek: ID jednostki → jej pliki konfiguracyjne",
		"the units `FILE`: unit ID → its configuration files"))
	tokens := fs.String("tokens", "", inv.tr("plik `PLIK` klientów API: - {client: NAZWA, token_sha256: HEX}",
		"the API clients `FILE`: - {client: NAME, token_sha256: HEX}"))
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) > 0 {
		return fs.fail(rules.Text{PL: "nieoczekiwany argument " + rules.SafePath(positional[0]), EN: "unexpected argument " + rules.SafePath(positional[0])})
	}
	if *tokens == "" {
		return fs.fail(rules.Text{PL: "brak --tokens: usługa wymaga pliku klientów API", EN: "--tokens is missing: the service needs the file of API clients"})
	}
	if *db == "" {
		*db = inv.env(envDB)
	}
	log := slog.New(slog.NewJSONHandler(inv.stderr, nil))
	ctx := context.Background()
	srv, err := service.New(ctx, service.Config{DB: *db, Configs: configs, Units: *units, Tokens: *tokens, Logger: log, Now: inv.now})
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta serve: %s\n", workflow.Localize(err, inv.lang))
		return exitProblem
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(inv.stderr, "asysta serve: %s\n", inv.tr("nie można słuchać na "+*addr+": "+err.Error(), "cannot listen on "+*addr+": "+err.Error()))
		return exitProblem
	}
	hs := srv.HTTPServer(*addr)
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGHUP, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(signals)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	log.Info("listening", slog.String("addr", ln.Addr().String()))
	for {
		select {
		case err := <-served:
			if !errors.Is(err, http.ErrServerClosed) {
				fmt.Fprintf(inv.stderr, "asysta serve: %s\n", err)
				return exitProblem
			}
			return exitOK
		case sig := <-signals:
			if sig == syscall.SIGHUP {
				_ = srv.Reload() // logged and counted; the previous revision keeps serving
				continue
			}
			log.Info("draining", slog.String("signal", sig.String()))
			srv.Drain()
			sctx, cancel := context.WithTimeout(ctx, service.DrainTimeout)
			err := hs.Shutdown(sctx)
			cancel()
			if err != nil {
				log.Error("requests still in flight when the drain timed out", slog.String("error", err.Error()))
				return exitProblem
			}
			log.Info("stopped")
			return exitOK
		}
	}
}
