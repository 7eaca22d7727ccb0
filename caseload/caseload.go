package caseload

import (
	"context"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Caseload answers questions about workers' loads, assignments, due
// reviews and staffing over the cases of a [workflow.Engine]. Every figure
// is derived from the cases' state, never kept by hand, and computed as of
// a date: the date chooses the caps and rules in force. A Caseload is safe
// for concurrent use.
type Caseload struct {
	e   *workflow.Engine
	reg *Registry
}

// New returns a Caseload over an engine whose directory is reg (pass
// workflow.WithDirectory(reg) when building the engine).
func New(e *workflow.Engine, reg *Registry) *Caseload { return &Caseload{e: e, reg: reg} }

// Load is a worker's load on a date.
type Load struct {
	Worker string        `json:"worker"`
	Role   workflow.Role `json:"role"`
	On     rules.Date    `json:"on"`
	// Families counted toward an assistant's cap, and the sum of their
	// difficulty; ZaZyciemNotCounted the 'Za życiem' families left out
	// when assistant.count_za_zyciem_in_cap is false.
	Families           int     `json:"families"`
	Weight             float64 `json:"weight"`
	ZaZyciemNotCounted int     `json:"za_zyciem_not_counted,omitempty"`
	// FosterFamilies supported by a coordinator.
	FosterFamilies int `json:"foster_families"`
	// SocialWorkFamilies is the number of family cases a social worker has
	// in social work: opened by them and not closed. There is no cap per
	// social worker; the norm is per centre (see [Caseload.Staffing]).
	SocialWorkFamilies int `json:"social_work_families,omitempty"`
	// Cap is the cap in force for the role (0: the role has none), with
	// the rule that enforces it and where its value comes from.
	Cap       int    `json:"cap"`
	CapRule   string `json:"cap_rule,omitempty"`
	CapSource string `json:"cap_source,omitempty"`
}

// Count returns the worker's count: families toward an assistant's cap,
// foster families for a coordinator, families in a social worker's social
// work.
func (l Load) Count() int {
	switch l.Role {
	case workflow.FosterCareCoordinator:
		return l.FosterFamilies
	case workflow.SocialWorker:
		return l.SocialWorkFamilies
	}
	return l.Families
}

// Over reports whether the worker holds more than the cap. A cap lowered
// while a worker holds more cases takes nothing away: the worker is shown
// over the cap and new assignments are refused until they are under it.
func (l Load) Over() bool { return l.Cap > 0 && l.Count() > l.Cap }

// Utilisation returns Count/Cap (0 without a cap).
func (l Load) Utilisation() float64 {
	if l.Cap == 0 {
		return 0
	}
	return float64(l.Count()) / float64(l.Cap)
}

// Load returns a worker's load on date on.
func (c *Caseload) Load(ctx context.Context, worker string, on rules.Date) (Load, error) {
	w, err := c.reg.Worker(ctx, worker)
	if err != nil {
		return Load{}, errorf(err, "obciążenie %s", "load of %s", worker)
	}
	return c.loadOf(ctx, w, on, c.e.RuleSet())
}

// loadOf computes w's load under rule set rs (see [Caseload.loadsOf]).
func (c *Caseload) loadOf(ctx context.Context, w workflow.Worker, on rules.Date, rs *rules.RuleSet) (Load, error) {
	ls, err := c.loadsOf(ctx, []workflow.Worker{w}, on, rs)
	if err != nil {
		return Load{Worker: w.ID, Role: w.Role, On: on}, err
	}
	return ls[0], nil
}

// loadsOf computes the workers' loads under rule set rs, in one question
// to the store: a report or a recommendation takes the rule set once and
// uses it throughout, so that a reload in the middle cannot mix two
// revisions' caps. The count is the engine's ([workflow.LoadsOf]), the
// one the cap rules use.
func (c *Caseload) loadsOf(ctx context.Context, ws []workflow.Worker, on rules.Date, rs *rules.RuleSet) ([]Load, error) {
	out := make([]Load, len(ws))
	keys := make([]string, len(ws))
	var ask []string
	for i, w := range ws {
		out[i] = Load{Worker: w.ID, Role: w.Role, On: on}
		keys[i], out[i].CapRule = workflow.LoadKey(w)
		if keys[i] != "" {
			ask = append(ask, keys[i])
		}
		if v, ok := rs.Param(out[i].CapRule, on); ok && out[i].CapRule != "" {
			out[i].Cap, out[i].CapSource = v.Int(), v.Source.String()
		}
	}
	tallies, err := c.e.Store().Tally(ctx, ask)
	if err != nil {
		if len(ws) == 1 {
			return nil, errorf(err, "obciążenie %s", "load of %s", ws[0].ID)
		}
		return nil, errorf(err, "obciążenie %d pracowników", "load of %d workers", len(ws))
	}
	countZZ := paramBool(rs, "assistant.count_za_zyciem_in_cap", on, true)
	for i := range out {
		l := &out[i]
		n, weight, zz := workflow.TallyLoad(l.Role, tallies[keys[i]], countZZ)
		switch l.Role {
		case workflow.FamilyAssistant:
			l.Families, l.Weight, l.ZaZyciemNotCounted = n, weight, zz
		case workflow.FosterCareCoordinator:
			l.FosterFamilies = n
		case workflow.SocialWorker:
			l.SocialWorkFamilies = n
		}
	}
	return out, nil
}

func paramBool(rs *rules.RuleSet, id string, on rules.Date, def bool) bool {
	if v, ok := rs.Param(id, on); ok {
		return v.Bool()
	}
	return def
}
