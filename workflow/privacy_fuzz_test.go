package workflow_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// FuzzNoPersonalData fires commands with arbitrary triggers, argument
// names and argument texts on a family, a child born on an arbitrary day
// and a foster family, and checks that no error (in either language), no
// log line and no event holds the child's date of birth, and that no text
// the engine refused (an argument's name or value, a trigger) reaches an
// error, a log line or the history (docs/security.md).
func FuzzNoPersonalData(f *testing.F) {
	f.Add(uint16(4000), uint8(0), "urgent", "Jan Kowalski 85010112345", "")
	f.Add(uint16(1234), uint8(1), "court_ref", "ul. Polna 1, Warszawa", "court_obligation")
	f.Add(uint16(77), uint8(2), "85010112345 Jan Kowalski", "wartość x", "place")
	f.Add(uint16(9000), uint8(3), "carer", "Anna Nowak", "move")
	f.Add(uint16(300), uint8(1), "plan_ref", strings.Repeat("Kowalski ", 10), "approve_plan")
	f.Add(uint16(5), uint8(0), "reason", "Jan Kowalski", "Jan Kowalski")
	f.Fuzz(func(t *testing.T, bornDays uint16, sel uint8, argName, argText, trigger string) {
		if len(argText) < 6 || len(argName) == 0 {
			t.Skip("too short to tell an echo from a coincidence")
		}
		var logs bytes.Buffer
		w := newWorld(t, storeKind{}, workflow.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		born := d("2008-01-01").AddDays(int(bornDays) % 5000)
		w.declareFamily("F1")
		w.declareChild("C1", "F1", born.String())
		for _, s := range []struct {
			id, trigger string
			who         workflow.Actor
			args        workflow.Args
		}{
			{"F1", "refer", sw, nil}, {"F1", "complete_interview", sw, nil}, {"F1", "request_assistant", sw, nil},
			{"F1", "give_consent", sw, nil}, {"F1", "assign_assistant", head, workflow.Args{"assistant": "A1"}},
			{"C1", "place", org, workflow.Args{"form": workflow.FormProfessional, "carer": rProf, "court_ref": "III Nsm 1/24"}},
		} {
			w.must(s.id, s.trigger, s.who, "2024-03-01", s.args)
		}

		ids := []string{"F1", "C1", rProf, "F1"}
		who := []workflow.Actor{asst, org, org, head}
		known := workflow.Triggers(map[string]rules.Lifecycle{"F1": rules.LifecycleFamily, "C1": rules.LifecycleChild, rProf: rules.LifecycleFosterFamily}[ids[sel%4]])
		if trigger == "" {
			trigger = known[int(sel)%len(known)]
		}
		id, actor := ids[sel%4], who[sel%4]
		var texts []string
		for _, e := range []error{
			fireErr(w, id, trigger, actor, workflow.Args{argName: argText}),
			fireErr(w, id, trigger, actor, workflow.Args{"result": argText, "reason": argText, "court_ref": argText, "carer": argText, "form": argText}),
		} {
			if e != nil {
				texts = append(texts, workflow.Localize(e, rules.Polish), workflow.Localize(e, rules.English), e.Error())
			}
		}
		texts = append(texts, logs.String())
		for _, c := range []string{"F1", "C1", rProf} {
			evs, err := w.e.History(w.ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(evs)
			texts = append(texts, string(b))
		}
		all := strings.Join(texts, "\n")
		if strings.Contains(all, born.String()) {
			t.Fatalf("the date of birth %s leaked:\n%s", born, all)
		}
		for _, refused := range []string{argText, argName, trigger} {
			if len(refused) < 6 || !utf8.ValidString(refused) || strings.TrimSpace(refused) != refused || isKnown(refused, known) {
				continue // too short to tell, or a name the engine knows
			}
			if accepted(w, refused) {
				continue // taken as an ID or reference and kept in the history, as it should be
			}
			if strings.Contains(all, refused) {
				t.Fatalf("the refused text %q was echoed:\n%s", refused, all)
			}
		}
	})
}

func fireErr(w *world, id, trigger string, who workflow.Actor, args workflow.Args) error {
	_, err := w.fire(id, trigger, who, "2024-06-03", args)
	return err
}

// isKnown reports whether s is a name of the vocabulary: a trigger, an
// argument, a form or a code, which messages may name.
func isKnown(s string, triggers []string) bool {
	for _, t := range triggers {
		if strings.Contains(t, s) || strings.Contains(s, t) {
			return true
		}
	}
	for _, v := range []string{"urgent", "mandatory", "court_ref", "report_every_months", "assistant", "plan_ref", "result",
		"reason", "kind", "form", "carer", "siblings", "exception", "help_plan_ref", "coordinator", "positive", "negative",
		"pregnancy", "child_impairment", "goals_achieved", "no_cooperation", "moved_away", "child_placed_permanently",
		"court_decision", "other", "parent_in_institution", "health", "foster_family", "institution", "emergency_family_home",
		"family_childrens_home", "kinship", "professional", "declare", "activate", "unknown", "nieznany", "argument"} {
		if strings.Contains(v, s) || strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// accepted reports whether s was accepted into some event's arguments.
func accepted(w *world, s string) bool {
	for _, c := range []string{"F1", "C1", rProf} {
		evs, _ := w.e.History(w.ctx, c)
		for _, ev := range evs {
			for _, v := range ev.Args {
				if v == s {
					return true
				}
			}
		}
	}
	return false
}
