package caseload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// CheckAssignment checks assigning worker to a family on date on, by actor
// (an ops_head), against every rule in force: the statutory cap, a lowered
// local cap, local weighted and part-time rules. A family already in
// assistant work is checked for reassignment. It returns the explained
// decision; a refusal is also returned as the engine's typed error, and a
// family that changed between reading it and checking it (assigned
// meanwhile, say) as a *workflow.ConflictError: ask again.
func (c *Caseload) CheckAssignment(ctx context.Context, family, worker string, on rules.Date, by workflow.Actor) (rules.Decision, error) {
	fc, err := c.familyCase(ctx, family)
	if err != nil {
		return rules.Decision{}, err
	}
	return c.checkAssignment(ctx, fc, worker, on, by)
}

// checkAssignment checks giving family case fc, as read, to worker:
// assign_assistant, or reassign_assistant when the family is in assistant
// work. A family that changed since fc was read gives a
// *workflow.ConflictError (the trigger might no longer be the right one).
func (c *Caseload) checkAssignment(ctx context.Context, fc *workflow.Case, worker string, on rules.Date, by workflow.Actor) (rules.Decision, error) {
	trigger := "assign_assistant"
	if fc.State.In(workflow.AssistantWork) {
		trigger = "reassign_assistant"
	}
	return c.e.Check(ctx, fc.ID, workflow.Command{Trigger: trigger, Actor: by, On: on, Args: workflow.Args{"assistant": worker},
		Version: fc.Version})
}

// familyCase reads a family case.
func (c *Caseload) familyCase(ctx context.Context, family string) (*workflow.Case, error) {
	fc, err := c.e.Case(ctx, family)
	if err != nil {
		return nil, err
	}
	if fc.Family == nil {
		return nil, errorf(nil, "%s nie jest sprawą rodziny", "%s is not a family case", family)
	}
	return fc, nil
}

// Recommendation is one candidate assistant for a family, with the
// decision of the rules and the reasons for its rank.
type Recommendation struct {
	Worker     string         `json:"worker"`
	Eligible   bool           `json:"eligible"`
	Load       Load           `json:"load"`
	Continuity bool           `json:"continuity"` // worked with the family before
	SameArea   bool           `json:"same_area"`
	Decision   rules.Decision `json:"decision"`
	Reasons    []rules.Text   `json:"reasons"`
}

// Candidates chooses the assistants a recommendation considers.
type Candidates struct {
	// Employer keeps the assistants of one OPS; "" keeps all.
	Employer string
}

// Recommend ranks the assistants active on date on for a family: eligible
// ones first (every rule in force met), then the least loaded relative to
// the cap, then one who worked with the family before, then one from the
// family's area, then by ID. The family is read once; if it changes while
// the candidates are checked (assigned meanwhile, say), Recommend returns
// a *workflow.ConflictError: ask again.
func (c *Caseload) Recommend(ctx context.Context, family string, on rules.Date, by workflow.Actor, cand Candidates) ([]Recommendation, error) {
	fc, err := c.familyCase(ctx, family)
	if err != nil {
		return nil, err
	}
	// Every candidate is weighed under one revision of the rules: a reload
	// in the middle starts the ranking again under the new one.
	for range maxRuleChanges {
		out, err := c.recommend(ctx, fc, on, by, cand, c.e.RuleSet())
		if !errors.Is(err, errRulesChanged) {
			return out, err
		}
	}
	return nil, errorf(nil, "reguły zmieniały się w trakcie wyboru asystenta dla %s; spróbuj ponownie",
		"the rules kept changing while recommending an assistant for %s; ask again", family)
}

// maxRuleChanges bounds how often Recommend starts again after a reload.
const maxRuleChanges = 3

// errRulesChanged: the engine decided under another revision than the
// one a recommendation started with.
var errRulesChanged = errors.New("caseload: the rules changed")

// recommend ranks the candidates in a bounded number of questions to the
// store, whatever their number: the engine checks the assignment of the
// first candidate (the actor, the family's state and version: what is the
// same for every candidate) while the loads of all candidates are read at
// once, and each candidate is decided by the rules of rs, as the engine's
// check decides it.
func (c *Caseload) recommend(ctx context.Context, fc *workflow.Case, on rules.Date, by workflow.Actor, cand Candidates, rs *rules.RuleSet) ([]Recommendation, error) {
	ws := slices.DeleteFunc(c.assistants(on, cand), func(w workflow.Worker) bool { return w.ID == fc.Family.Assistant })
	if len(ws) == 0 {
		return nil, nil
	}
	// The check and the loads are independent questions: asked at once,
	// over PostgreSQL a recommendation waits for the longer of the two.
	type checked struct {
		dec rules.Decision
		err error
	}
	done := make(chan checked, 1)
	go func() {
		dec, err := c.checkAssignment(ctx, fc, ws[0].ID, on, by) // recovers its own panics
		done <- checked{dec, err}
	}()
	loads, loadErr := c.loadsOf(ctx, ws, on, rs)
	check := <-done
	if check.err != nil && check.dec.Trigger.Name == "" {
		return nil, check.err // not a denial: the check itself failed
	}
	if check.dec.Revision != rs.Revision() {
		return nil, errRulesChanged
	}
	if loadErr != nil {
		return nil, loadErr
	}
	trigger := "assign_assistant"
	if fc.State.In(workflow.AssistantWork) {
		trigger = "reassign_assistant"
	}
	kids, err := c.childrenOf(ctx, rs, trigger, on, []*workflow.Case{fc})
	if err != nil {
		return nil, err
	}
	out := make([]Recommendation, 0, len(ws))
	for i, w := range ws {
		r, err := recommendation(rs, fc, kids[fc.ID], w, loads[i], trigger, on, by)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sortRecommendations(out)
	return out, nil
}

// assistants returns the assistants active on date on among the
// candidates, sorted by ID.
func (c *Caseload) assistants(on rules.Date, cand Candidates) []workflow.Worker {
	if cand.Employer == "" {
		return c.reg.Workers(on, assistantsOf(""))
	}
	return c.reg.Employees(cand.Employer, on, assistantsOf(cand.Employer))
}

func assistantsOf(employer string) func(workflow.Worker) bool {
	return func(w workflow.Worker) bool {
		return w.Role == workflow.FamilyAssistant && (employer == "" || w.Employer == employer)
	}
}

// kinship is a family's children as the engine counts them for the rules.
type kinship struct{ children, placed int }

// childrenOf counts the children, and those in care, of each family case,
// in one question to the store, when a guard of trigger in force on date
// on reads them (as the engine reads them); none otherwise.
func (c *Caseload) childrenOf(ctx context.Context, rs *rules.RuleSet, trigger string, on rules.Date, families []*workflow.Case) (map[string]kinship, error) {
	out := make(map[string]kinship, len(families))
	if !rs.Reads(rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: trigger}, on, "family.children", "family.placed_children") {
		return out, nil
	}
	keys := make([]string, len(families))
	for i, fc := range families {
		keys[i] = workflow.FamilyKey(fc.ID)
	}
	filed, err := c.e.Store().IndexMany(ctx, keys)
	if err != nil {
		return nil, errorf(err, "dzieci rodzin", "the families' children")
	}
	for i, fc := range families {
		k := kinship{children: len(filed[keys[i]])}
		for _, kid := range filed[keys[i]] {
			if inCare(kid.State) {
				k.placed++
			}
		}
		out[fc.ID] = k
	}
	return out, nil
}

// recommendation decides giving family fc to assistant w, whose load is l,
// by trigger (assign_assistant or reassign_assistant) under rs: the
// environment the engine builds for the trigger, with the load given.
func recommendation(rs *rules.RuleSet, fc *workflow.Case, kids kinship, w workflow.Worker, l Load, trigger string, on rules.Date, by workflow.Actor) (Recommendation, error) {
	env := workflow.FamilyEnvOf(fc, workflow.Args{"assistant": w.ID}, by)
	env.Family.Children, env.Family.PlacedChildren = kids.children, kids.placed
	env.Worker = rules.Worker{ID: w.ID, Role: string(w.Role), FTE: w.EffectiveFTE(), Families: l.Families, Weight: l.Weight}
	dec, err := rs.Decide(rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: trigger}, on, env)
	if err != nil {
		return Recommendation{}, err
	}
	r := Recommendation{Worker: w.ID, Eligible: dec.Allowed, Load: l, Decision: dec,
		Continuity: slices.Contains(fc.Family.FormerAssistants, w.ID), SameArea: w.Area != "" && w.Area == fc.Family.Area}
	r.Reasons = reasons(r)
	return r, nil
}

func reasons(r Recommendation) []rules.Text {
	var out []rules.Text
	if r.Eligible {
		out = append(out, rules.Text{PL: "spełnia wszystkie reguły", EN: "meets every rule"})
	}
	for _, u := range r.Decision.Unmet() {
		out = append(out, rules.Text{PL: u.Rule + ": " + u.Message.PL, EN: u.Rule + ": " + u.Message.EN})
	}
	out = append(out, rules.Text{
		PL: fmt.Sprintf("obciążenie %d/%d rodzin (%.0f%%)", r.Load.Families, r.Load.Cap, 100*r.Load.Utilisation()),
		EN: fmt.Sprintf("load %d/%d families (%.0f%%)", r.Load.Families, r.Load.Cap, 100*r.Load.Utilisation())})
	if r.Continuity {
		out = append(out, rules.Text{PL: "pracował(a) już z tą rodziną", EN: "worked with this family before"})
	}
	if r.SameArea {
		out = append(out, rules.Text{PL: "ten sam rejon", EN: "same area"})
	}
	return out
}

func sortRecommendations(rs []Recommendation) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Eligible != b.Eligible {
			return a.Eligible
		}
		if ua, ub := a.Load.Utilisation(), b.Load.Utilisation(); ua != ub {
			return ua < ub
		}
		if a.Continuity != b.Continuity {
			return a.Continuity
		}
		if a.SameArea != b.SameArea {
			return a.SameArea
		}
		return a.Worker < b.Worker
	})
}
