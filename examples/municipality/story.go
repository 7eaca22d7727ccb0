package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

var (
	head = workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	sw   = workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
)

func engine(rs *rules.RuleSet) (*workflow.Engine, error) {
	dir := workflow.NewMemoryDirectory()
	for _, w := range []workflow.Worker{
		{ID: "SW1", Role: workflow.SocialWorker}, {ID: "H1", Role: workflow.OPSHead},
		{ID: "A1", Role: workflow.FamilyAssistant, FTE: 1}, {ID: "A2", Role: workflow.FamilyAssistant, FTE: 0.5},
	} {
		if err := dir.AddWorker(w); err != nil {
			return nil, err
		}
	}
	return workflow.New(workflow.WithRules(rs), workflow.WithDirectory(dir))
}

// story: A1 takes 11 easy families, then a twelfth is refused by the
// weighted rule, a light one fits and a thirteenth meets the lowered cap;
// A2, half time, gets a warning; a family's work ends and monitoring runs
// for six months.
func (p printer) story(ctx context.Context, e *workflow.Engine) error {
	on := rules.MustParseDate("2025-01-15")
	for i := 1; i <= 11; i++ {
		if _, err := p.assign(ctx, e, fmt.Sprintf("F%02d", i), 1, "A1", on); err != nil {
			return err
		}
	}
	p.say("\nA1 pracuje z 11 rodzinami (trudność łącznie 11).", "\nA1 works with 11 families (difficulty 11 in all).")
	steps := []struct {
		family     string
		difficulty float64
		assistant  string
	}{{"F12", 2, "A1"}, {"F13", 1, "A1"}, {"F14", 0.5, "A1"}, {"F15", 1, "A2"}}
	for _, s := range steps {
		out, err := p.assign(ctx, e, s.family, s.difficulty, s.assistant, on)
		var denied *workflow.DeniedError
		switch {
		case errors.As(err, &denied):
			p.say("%s (trudność %.1f) → %s: ODMOWA %s", "%s (difficulty %.1f) → %s: DENIED %s", s.family, s.difficulty, s.assistant, p.unmet(denied.Decision))
		case err != nil:
			return err
		default:
			p.say("%s (trudność %.1f) → %s: przydzielono%s", "%s (difficulty %.1f) → %s: assigned%s", s.family, s.difficulty, s.assistant, p.warnings(out.Decision))
		}
	}
	return p.closure(ctx, e)
}

func (p printer) assign(ctx context.Context, e *workflow.Engine, id string, difficulty float64, assistant string, on rules.Date) (*workflow.Outcome, error) {
	if err := e.DeclareFamily(ctx, id, workflow.FamilyInfo{Difficulty: difficulty}); err != nil {
		return nil, err
	}
	for _, t := range []string{"refer", "complete_interview", "request_assistant", "give_consent"} {
		if _, err := e.Fire(ctx, id, workflow.Command{Trigger: t, Actor: sw, On: on}); err != nil {
			return nil, err
		}
	}
	return e.Fire(ctx, id, workflow.Command{Trigger: "assign_assistant", Actor: head, On: on, Args: workflow.Args{"assistant": assistant}})
}

func (p printer) unmet(d rules.Decision) string {
	var parts []string
	for _, r := range d.Unmet() {
		parts = append(parts, fmt.Sprintf("%s [%s]: %s", r.Rule, r.Source, r.Message.In(p.lang)))
	}
	return strings.Join(parts, "; ")
}

func (p printer) warnings(d rules.Decision) string {
	var parts []string
	for _, r := range d.Warnings() {
		parts = append(parts, fmt.Sprintf(" (%s: %s)", r.Rule, r.Message.In(p.lang)))
	}
	return strings.Join(parts, "")
}

// closure ends F01's work with its goals achieved and shows the
// assessment due after four months and the six months of monitoring.
func (p printer) closure(ctx context.Context, e *workflow.Engine) error {
	c, err := e.Case(ctx, "F01")
	if err != nil {
		return err
	}
	o, _ := c.Obligation(workflow.OblFamilyAssessment)
	p.say("\nF01: następna ocena sytuacji rodziny do %s (co 4 miesiące).", "\nF01: next assessment of the family due %s (every 4 months).", o.Due)
	a1 := workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}
	out, err := e.Fire(ctx, "F01", workflow.Command{Trigger: "end_work", Actor: a1, On: rules.MustParseDate("2025-04-30"),
		Args: workflow.Args{"reason": "goals_achieved"}})
	if err != nil {
		return err
	}
	m, _ := out.Case.Obligation(workflow.OblMonitoringEnd)
	p.say("F01: praca zakończona 2025-04-30, stan %s, monitorowanie do %s.", "F01: work ended 2025-04-30, state %s, monitoring until %s.", out.Case.State, m.Due)
	return nil
}
