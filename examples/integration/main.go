// Command integration embeds asysta in an existing service: a small HTTP
// API (net/http only) over the library with the in-memory store. It shows
// how an OPS system maps its own records to asysta's cases: the OPS keeps
// names, PESEL numbers and addresses in its own database and gives asysta
// only an opaque case ID per family or child.
//
//	go run ./examples/integration -addr 127.0.0.1:8080
//
//	POST /families                 {"record": "OPS/2025/117", "difficulty": 1.5}
//	POST /children                 {"record": "...", "family_record": "...", "born": "2022-05-10"}
//	POST /cases/{id}/fire          {"trigger": "refer", "actor": {"id": "SW1", "role": "social_worker"}, "on": "2025-03-03", "args": {}}
//	GET  /cases/{id}
//	GET  /cases/{id}/obligations?on=2025-09-01
//	GET  /calendar?on=2025-09-01&worker=A1&lead=14
//
// Messages follow Accept-Language (pl or en).
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/workflow"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	srv, err := newServer(demoStaff())
	if err != nil {
		log.Fatal(err)
	}
	hs := &http.Server{Addr: *addr, Handler: srv.routes(), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("asysta integration example listening on %s", *addr)
	log.Fatal(hs.ListenAndServe())
}

// demoStaff is the staff an OPS system would load from its HR records.
func demoStaff() []workflow.Worker {
	return []workflow.Worker{
		{ID: "SW1", Role: workflow.SocialWorker, Employer: "OPS-1"},
		{ID: "H1", Role: workflow.OPSHead, Employer: "OPS-1"},
		{ID: "A1", Role: workflow.FamilyAssistant, Employer: "OPS-1"},
		{ID: "A2", Role: workflow.FamilyAssistant, Employer: "OPS-1"},
		{ID: "O1", Role: workflow.FosterCareOrganizer, Employer: "PCPR-1"},
	}
}

// server holds the engine and the mapping from OPS records to case IDs.
type server struct {
	engine   *workflow.Engine
	caseload *caseload.Caseload
	ids      *recordMap
}

func newServer(staff []workflow.Worker) (*server, error) {
	reg := caseload.NewRegistry()
	for _, w := range staff {
		if err := reg.Add(w); err != nil {
			return nil, err
		}
	}
	e, err := workflow.New(workflow.WithDirectory(reg))
	if err != nil {
		return nil, err
	}
	return &server{engine: e, caseload: caseload.New(e, reg), ids: newRecordMap()}, nil
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /families", s.declareFamily)
	mux.HandleFunc("POST /children", s.declareChild)
	mux.HandleFunc("POST /cases/{id}/fire", s.fire)
	mux.HandleFunc("GET /cases/{id}", s.getCase)
	mux.HandleFunc("GET /cases/{id}/obligations", s.obligations)
	mux.HandleFunc("GET /calendar", s.calendar)
	return mux
}
