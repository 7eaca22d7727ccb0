package caseload

import (
	"context"
	"slices"
	"sort"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Plan proposes new assistants for every family of a worker who leaves.
// Nothing is changed: the OPS head fires reassign_assistant for each move
// they accept.
type Plan struct {
	Worker   string     `json:"worker"`
	On       rules.Date `json:"on"`
	Moves    []Move     `json:"moves"`
	Unplaced []Move     `json:"unplaced,omitempty"` // families no assistant can take; To is empty
}

// Move is one family and its proposed assistant, with the reasons.
type Move struct {
	Family   string         `json:"family"`
	To       string         `json:"to,omitempty"`
	Decision rules.Decision `json:"decision"`
	Reasons  []rules.Text   `json:"reasons"`
}

// PlanReassignment proposes an assistant for each family of the leaving
// worker, hardest families first, each to the best eligible assistant as
// [Caseload.Recommend] ranks them, counting the moves already proposed so
// that no cap is exceeded by the plan as a whole.
func (c *Caseload) PlanReassignment(ctx context.Context, leaving string, on rules.Date, by workflow.Actor, cand Candidates) (Plan, error) {
	// A mistyped ID must not look like an assistant with nothing to hand over.
	switch w, err := c.reg.Worker(ctx, leaving); {
	case err != nil:
		return Plan{}, errorf(err, "plan przekazania rodzin %s", "the reassignment plan of %s", leaving)
	case w.Role != workflow.FamilyAssistant:
		return Plan{}, errorf(nil, "%s nie jest asystentem rodziny (rola %s)", "%s is not a family assistant (role %s)", leaving, w.Role)
	}
	families, _, err := c.e.Store().Index(ctx, workflow.AssistantKey(leaving))
	if err != nil {
		return Plan{}, errorf(err, "rodziny asystenta %s", "the families of %s", leaving)
	}
	sort.SliceStable(families, func(i, j int) bool {
		if families[i].Family.Difficulty != families[j].Family.Difficulty {
			return families[i].Family.Difficulty > families[j].Family.Difficulty
		}
		return families[i].ID < families[j].ID
	})
	sim, err := c.simulation(ctx, on, leaving, cand)
	if err != nil {
		return Plan{}, err
	}
	kids, err := c.childrenOf(ctx, sim.rs, "reassign_assistant", on, families)
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Worker: leaving, On: on}
	for _, fc := range families {
		m, err := sim.place(fc, kids[fc.ID], by)
		if err != nil {
			return Plan{}, err
		}
		if m.To == "" {
			plan.Unplaced = append(plan.Unplaced, m)
			continue
		}
		plan.Moves = append(plan.Moves, m)
	}
	return plan, nil
}

// simulation tracks the loads the plan would give each candidate.
type simulation struct {
	c     *Caseload
	rs    *rules.RuleSet
	on    rules.Date
	loads map[string]*Load
	staff []workflow.Worker
}

func (c *Caseload) simulation(ctx context.Context, on rules.Date, leaving string, cand Candidates) (*simulation, error) {
	s := &simulation{c: c, rs: c.e.RuleSet(), on: on, loads: map[string]*Load{}}
	s.staff = slices.DeleteFunc(c.assistants(on, cand), func(w workflow.Worker) bool { return w.ID == leaving })
	loads, err := c.loadsOf(ctx, s.staff, on, s.rs)
	if err != nil {
		return nil, err
	}
	for i, w := range s.staff {
		s.loads[w.ID] = &loads[i]
	}
	return s, nil
}

// place evaluates every candidate for one family under the simulated
// loads and takes the best eligible one.
func (s *simulation) place(fc *workflow.Case, kids kinship, by workflow.Actor) (Move, error) {
	var recs []Recommendation
	for _, w := range s.staff {
		r, err := recommendation(s.rs, fc, kids, w, *s.loads[w.ID], "reassign_assistant", s.on, by)
		if err != nil {
			return Move{}, err
		}
		recs = append(recs, r)
	}
	sortRecommendations(recs)
	if len(recs) == 0 || !recs[0].Eligible {
		m := Move{Family: fc.ID, Reasons: []rules.Text{{PL: "żaden asystent nie może przyjąć rodziny", EN: "no assistant can take the family"}}}
		if len(recs) > 0 {
			m.Decision, m.Reasons = recs[0].Decision, append(m.Reasons, recs[0].Reasons...)
		}
		return m, nil
	}
	best := recs[0]
	counted := !fc.Family.ZaZyciem() || paramBool(s.rs, "assistant.count_za_zyciem_in_cap", s.on, true)
	if l := s.loads[best.Worker]; counted {
		l.Families++
		l.Weight = workflow.RoundWeight(l.Weight + fc.Family.Difficulty) // as the engine will count it
	}
	return Move{Family: fc.ID, To: best.Worker, Decision: best.Decision, Reasons: best.Reasons}, nil
}

// inCare reports whether a child in state st lives with a carer, as the
// engine counts a family's placed children: placed, awaiting the court on a
// return, or referred for adoption.
func inCare(st workflow.State) bool {
	return st.In(workflow.Placed) || st == workflow.Reunification || st == workflow.AdoptionReferred
}
