package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// timeline prints the story as it is played.
type timeline struct {
	w    io.Writer
	lang rules.Lang
	e    *workflow.Engine
}

func (t *timeline) say(pl, en string, a ...any) {
	format := en
	if t.lang == rules.Polish {
		format = pl
	}
	fmt.Fprintf(t.w, format+"\n", a...)
}

func (t *timeline) heading() {
	rev := t.e.RuleSet().Revision()[:12]
	t.say("Rodzina F01 i dziecko C1: przebieg sprawy (ustawa, rewizja reguł %s)", "Family F01 and child C1: the case as it unfolds (statute, rule-set revision %s)", rev)
	t.say("%s", "%s", strings.Repeat("=", 78))
}

// play fires one step and prints what happened.
func (t *timeline) play(ctx context.Context, s step) error {
	who, err := t.e.Directory().Worker(ctx, s.by)
	if err != nil {
		return err
	}
	cmd := workflow.Command{Trigger: s.trigger, Actor: workflow.Actor{ID: who.ID, Role: who.Role},
		On: rules.MustParseDate(s.on), Args: s.args}
	before, err := t.e.Case(ctx, s.caseID)
	if err != nil {
		return err
	}
	// The cases a placement may change with it: the child's family and
	// its carer, as they were before.
	prior := map[string]*workflow.Case{}
	if before.Child != nil {
		carer, _ := s.args["carer"].(string)
		for _, id := range []string{before.Child.Family, carer} {
			if c, err := t.e.Case(ctx, id); err == nil {
				prior[id] = c
			}
		}
	}
	fmt.Fprintf(t.w, "\n%s  %-4s %-20s %s (%s)\n", s.on, s.caseID, s.trigger, who.ID, who.Role)
	if !s.note.IsZero() {
		fmt.Fprintf(t.w, "            %s\n", s.note.In(t.lang))
	}
	out, err := t.e.Fire(ctx, s.caseID, cmd)
	var denied *workflow.DeniedError
	if errors.As(err, &denied) {
		t.decision(denied.Decision)
		t.say("            ODMOWA: %s", "            DENIED: %s", strings.Join(denied.RuleIDs(), ", "))
		return nil
	}
	if err != nil {
		return err
	}
	t.say("            stan: %s → %s", "            state: %s → %s", stateName(before.State), out.Case.State)
	t.decision(out.Decision)
	t.obligations(before, out.Case)
	for _, l := range out.Linked {
		if l.FosterFamily != nil {
			t.say("            powiązana sprawa %s: %s (pierwsze umieszczone dziecko)", "            linked case %s: %s (its first placed child)", l.ID, l.State)
		} else {
			t.say("            powiązana sprawa %s: %s (umieszczenie dziecka rodziny)", "            linked case %s: %s (a child of the family placed)", l.ID, l.State)
		}
		b := prior[l.ID]
		if b == nil {
			b = &workflow.Case{}
		}
		t.obligations(b, l)
	}
	return nil
}

func stateName(s workflow.State) string {
	if s == "" {
		return "—"
	}
	return string(s)
}

// decision prints the rules consulted.
func (t *timeline) decision(d rules.Decision) {
	for _, r := range d.Rules {
		mark := "✓"
		if !r.Passed {
			mark = "✗"
		}
		fmt.Fprintf(t.w, "            %s %s (%s)\n", mark, r.Rule, r.Basis)
		if !r.Passed {
			fmt.Fprintf(t.w, "              %s\n", r.Message.In(t.lang))
		}
	}
}

// obligations prints the obligations opened, renewed and closed.
func (t *timeline) obligations(before, after *workflow.Case) {
	for _, o := range after.Obligations {
		if old, ok := before.Obligation(o.ID); !ok || old.Due != o.Due {
			t.say("            + %s: termin %s (%s)", "            + %s: due %s (%s)", workflow.ObligationLabel(o.ID).In(t.lang), o.Due, o.Rule)
		}
	}
	for _, o := range before.Obligations {
		if _, ok := after.Obligation(o.ID); !ok {
			t.say("            − %s: zamknięty", "            − %s: closed", workflow.ObligationLabel(o.ID).In(t.lang))
		}
	}
}

// calendar prints the review calendar on a date.
func (t *timeline) calendar(ctx context.Context, cl *caseload.Caseload, on rules.Date) error {
	entries, err := cl.Calendar(ctx, caseload.CalendarQuery{On: on, LeadDays: -1})
	if err != nil {
		return err
	}
	t.say("\nKalendarz ocen na %s (wszystkie otwarte obowiązki):", "\nReview calendar on %s (every open obligation):", on)
	fmt.Fprint(t.w, caseload.FormatCalendar(entries, t.lang))
	return nil
}
