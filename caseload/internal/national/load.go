package national

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Step is one act in a case's history: a trigger fired by a worker on a
// date, and the state it leads to.
type Step struct {
	Case    string         `json:"case"`
	On      rules.Date     `json:"on"`
	Trigger string         `json:"trigger"`
	By      workflow.Actor `json:"by"`
	Args    workflow.Args  `json:"args,omitempty"`
	To      workflow.State `json:"to"`
	// Cause names the child whose placement activated a foster family or
	// was recorded on its family's case (the engine's own activate and
	// child_placed).
	Cause string `json:"cause,omitempty"`
}

// history builds a case's steps in date order (ties in the order given)
// and fills in the states of the steps that keep the state.
type history struct {
	id    string
	steps []Step
}

func (h *history) add(on rules.Date, trigger string, by workflow.Actor, args workflow.Args, to workflow.State) {
	h.steps = append(h.steps, Step{Case: h.id, On: on, Trigger: trigger, By: by, Args: args, To: to})
}

func (h *history) done(initial workflow.State) []Step {
	sort.SliceStable(h.steps, func(i, j int) bool { return h.steps[i].On.Before(h.steps[j].On) })
	state := initial
	for i := range h.steps {
		if h.steps[i].To == "" {
			h.steps[i].To = state
		}
		state = h.steps[i].To
	}
	return h.steps
}

func actor(id string, role workflow.Role) workflow.Actor { return workflow.Actor{ID: id, Role: role} }

// Steps returns the family's history.
func (f *Family) Steps() []Step {
	sw := actor(socialWorkerOf(f.Gmina), workflow.SocialWorker)
	h := &history{id: f.ID}
	if f.ZaZyciemKind != "" {
		h.add(f.Referred, "apply_za_zyciem", sw, workflow.Args{"kind": f.ZaZyciemKind}, workflow.AssistantRequested)
	} else {
		var args workflow.Args
		if f.Urgent {
			args = workflow.Args{"urgent": true}
		}
		h.add(f.Referred, "refer", sw, args, workflow.Referred)
		if !f.Interviewed.IsZero() {
			h.add(f.Interviewed, "complete_interview", sw, nil, workflow.Analysis)
		}
		switch {
		case !f.CourtOrdered.IsZero():
			h.add(f.CourtOrdered, "court_obligation", sw, workflow.Args{"court_ref": f.CourtRef, "report_every_months": f.ReportEvery},
				workflow.AssistantRequested)
		case f.Mandatory:
			h.add(f.Requested, "request_assistant", sw, workflow.Args{"mandatory": true}, workflow.AssistantRequested)
		case !f.Requested.IsZero():
			h.add(f.Requested, "request_assistant", sw, nil, workflow.AssistantRequested)
		}
		if !f.Consent.IsZero() {
			h.add(f.Consent, "give_consent", sw, nil, workflow.AssistantRequested)
		}
	}
	if f.EndReason == "consent_refused" {
		h.add(f.Ended, "refuse_consent", sw, nil, workflow.Declined)
	}
	if f.Assistant != "" {
		asst := actor(f.Assistant, workflow.FamilyAssistant)
		h.add(f.Assigned, "assign_assistant", actor(headOf(f.Gmina), workflow.OPSHead), workflow.Args{"assistant": f.Assistant},
			workflow.AssistantPlanning)
		if !f.PlanApproved.IsZero() {
			h.add(f.PlanApproved, "approve_plan", asst, nil, workflow.AssistantImplementing)
		}
		if !f.LastAssessed.IsZero() {
			h.add(f.LastAssessed, "assess", asst, workflow.Args{"result": f.LastResult}, "")
		}
		if !f.LastCourtReport.IsZero() {
			h.add(f.LastCourtReport, "report_to_court", asst, nil, "")
		}
		switch f.EndReason {
		case "":
		case "consent_withdrawn":
			h.add(f.Ended, "withdraw_consent", sw, nil, workflow.Closed)
		case "goals_achieved":
			h.add(f.Ended, "end_work", asst, workflow.Args{"reason": f.EndReason}, workflow.Monitoring)
		default:
			h.add(f.Ended, "end_work", asst, workflow.Args{"reason": f.EndReason}, workflow.Closed)
		}
		if !f.MonitoringEnded.IsZero() {
			h.add(f.MonitoringEnded, "end_monitoring", sw, nil, workflow.Closed)
		}
	}
	return h.done("")
}

// Steps returns the child's history.
func (c *Child) Steps() []Step {
	org := actor(organizerOf(c.Powiat), workflow.FosterCareOrganizer)
	reviewer := org
	if c.Form == workflow.FormInstitution {
		reviewer = actor(directorOf(c.Carer), workflow.InstitutionDirector)
	}
	h := &history{id: c.ID}
	args := workflow.Args{"form": c.Form, "carer": c.Carer, "court_ref": c.CourtRef}
	if c.Exception != "" {
		args["exception"] = c.Exception
	}
	h.add(c.Placed, "place", org, args, workflow.Placed+"."+workflow.State(c.Form))
	if !c.Extended.IsZero() {
		h.add(c.Extended, "extend_stay", org, nil, "")
	}
	if !c.LastReview.IsZero() {
		h.add(c.LastReview, "review", reviewer, nil, "")
	}
	if !c.LastCourtReport.IsZero() {
		h.add(c.LastCourtReport, "report_to_court", org, nil, "")
	}
	if !c.Settled.IsZero() {
		h.add(c.Settled, "settle_legal_status", org, nil, "")
	}
	if !c.ProposedReturn.IsZero() {
		h.add(c.ProposedReturn, "propose_return", org, nil, workflow.Reunification)
	}
	if !c.ReferredForAdoption.IsZero() {
		h.add(c.ReferredForAdoption, "refer_for_adoption", org, nil, workflow.AdoptionReferred)
	}
	return h.done(workflow.InFamily)
}

// Steps returns the foster family's history, with the engine's own
// activate on the day its first child was placed.
func (ff *FosterFamily) Steps() []Step {
	org := actor(organizerOf(ff.Powiat), workflow.FosterCareOrganizer)
	h := &history{id: ff.ID}
	// Activation first: on the same day, the child's placement (which
	// activates the family in the engine) comes before anything else.
	if !ff.Active.IsZero() {
		h.add(ff.Active, workflow.TriggerActivate, org, nil, workflow.Active)
		h.steps[len(h.steps)-1].Cause = ff.FirstChild
	}
	if ff.Coordinator != "" {
		h.add(ff.CoordinatorFrom, "assign_coordinator", org, workflow.Args{"coordinator": ff.Coordinator}, "")
	}
	for _, a := range ff.Assessments {
		role := workflow.FosterCareOrganizer
		if a.By == ff.Coordinator {
			role = workflow.FosterCareCoordinator
		}
		h.add(a.On, "assess", actor(a.By, role), workflow.Args{"result": a.Result}, "")
	}
	return h.done(workflow.Qualified)
}

// declared returns the case as declared: the facts known before any
// trigger.
func (f *Family) declared() *workflow.Case {
	return &workflow.Case{ID: f.ID, Lifecycle: rules.LifecycleFamily, Family: &workflow.FamilyFacts{Difficulty: f.Difficulty, Area: f.Area}}
}

func (c *Child) declared() *workflow.Case {
	return &workflow.Case{ID: c.ID, Lifecycle: rules.LifecycleChild, State: workflow.InFamily,
		Child: &workflow.ChildFacts{Family: c.Family, Born: c.Born}}
}

func (ff *FosterFamily) declared() *workflow.Case {
	return &workflow.Case{ID: ff.ID, Lifecycle: rules.LifecycleFosterFamily, State: workflow.Qualified,
		FosterFamily: &workflow.FosterFamilyFacts{Form: ff.Form}}
}

// eachCase calls fn with every case as declared and its history.
func (ds *Dataset) eachCase(fn func(base *workflow.Case, steps []Step) error) error {
	children := map[string][]*Child{}
	for i := range ds.Children {
		if c := &ds.Children[i]; c.Family != "" {
			children[c.Family] = append(children[c.Family], c)
		}
	}
	for i := range ds.Families {
		if err := fn(ds.Families[i].declared(), withPlacedChildren(ds.Families[i].Steps(), children[ds.Families[i].ID])); err != nil {
			return err
		}
	}
	for i := range ds.Children {
		if err := fn(ds.Children[i].declared(), ds.Children[i].Steps()); err != nil {
			return err
		}
	}
	for i := range ds.FosterFamilies {
		if err := fn(ds.FosterFamilies[i].declared(), ds.FosterFamilies[i].Steps()); err != nil {
			return err
		}
	}
	return nil
}

// withPlacedChildren adds to a family's history the engine's own
// child_placed of each child placed while the family's case was open (the
// family's steps of a day come before its children's).
func withPlacedChildren(steps []Step, kids []*Child) []Step {
	for _, c := range kids {
		i := 0
		for i < len(steps) && !steps[i].On.After(c.Placed) {
			i++
		}
		if i == 0 || steps[i-1].To == workflow.Closed || steps[i-1].To == workflow.Declined {
			continue
		}
		st := Step{Case: steps[0].Case, On: c.Placed, Trigger: workflow.TriggerChildPlaced,
			By: actor(organizerOf(c.Powiat), workflow.FosterCareOrganizer), Args: workflow.Args{"child": c.ID}, To: steps[i-1].To, Cause: c.ID}
		steps = slices.Insert(steps, i, st)
	}
	return steps
}

// Steps returns every step of every case in date order (cases in dataset
// order on the same date): what [Dataset.Play] fires. At national scale
// this is a large slice; Import never builds it.
func (ds *Dataset) Steps() []Step {
	var all []Step
	_ = ds.eachCase(func(_ *workflow.Case, steps []Step) error {
		all = append(all, steps...)
		return nil
	})
	sort.SliceStable(all, func(i, j int) bool { return all[i].On.Before(all[j].On) })
	return all
}

// Registry returns the staff and institutions of the dataset as a
// registry, to be the engine's directory.
func (ds *Dataset) Registry() (*caseload.Registry, error) {
	reg := caseload.NewRegistry()
	for _, w := range ds.Workers {
		if err := reg.Add(w); err != nil {
			return nil, fmt.Errorf("national: %w", err)
		}
	}
	for _, in := range ds.Institutions {
		if err := reg.AddInstitution(workflow.Institution{ID: in.ID}); err != nil {
			return nil, fmt.Errorf("national: %w", err)
		}
	}
	return reg, nil
}

// importBatch is how many cases one Commit writes.
const importBatch = 512

// Import writes every case into the engine's store, as a migration would:
// the snapshot the engine's replay computes from the case's history under
// the engine's rule set (state, facts and open obligations with their due
// dates), and a single declare event on the as-of date recording the state
// the case was migrated in. Cases are committed in batches; the store must
// hold none of them yet. Import does not check roles or rules: the dataset
// is built to pass them (see [Dataset.Play]); its caps are the statute's.
// As with any migration, the history before it is not in the store:
// [workflow.Engine.Replay] of an imported case gives the migrated state
// with the declared facts only.
func (ds *Dataset) Import(ctx context.Context, e *workflow.Engine) error {
	rev := e.RuleSet().Revision()
	store := e.Store()
	var writes []workflow.Write
	flush := func() error {
		if len(writes) == 0 {
			return nil
		}
		err := store.Commit(ctx, workflow.Batch{Writes: writes})
		writes = nil
		if err != nil {
			return fmt.Errorf("national: import: %w", err)
		}
		return nil
	}
	err := ds.eachCase(func(base *workflow.Case, steps []Step) error {
		steps = withCarerKind(steps)
		snap, err := e.ReplayEvents(base, events(base, steps, rev))
		if err != nil {
			return fmt.Errorf("national: %s: %w", base.ID, err)
		}
		snap.Version = 0
		if writes == nil {
			writes = make([]workflow.Write, 0, importBatch)
		}
		writes = append(writes, workflow.Write{Case: snap, Events: []workflow.Event{{Case: snap.ID, Lifecycle: snap.Lifecycle,
			Seq: 1, To: snap.State, Trigger: workflow.TriggerDeclare, On: ds.AsOf, Revision: rev}}})
		if len(writes) == importBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// withCarerKind records in a child's placements into an institution the
// institution's kind, as the engine does when it fires them: the dataset's
// institutions are all socialising.
func withCarerKind(steps []Step) []Step {
	for i, s := range steps {
		if (s.Trigger == "place" || s.Trigger == "move") && s.Args["form"] == workflow.FormInstitution {
			steps[i].Args = maps.Clone(s.Args)
			steps[i].Args["carer_kind"] = workflow.InstitutionSocialising
		}
	}
	return steps
}

// events turns a history into the events the engine's replay reads.
func events(base *workflow.Case, steps []Step, rev string) []workflow.Event {
	evs := make([]workflow.Event, 0, len(steps)+1)
	evs = append(evs, workflow.Event{Case: base.ID, Lifecycle: base.Lifecycle, Seq: 1, To: base.State,
		Trigger: workflow.TriggerDeclare, Revision: rev})
	from := base.State
	for i, s := range steps {
		evs = append(evs, workflow.Event{Case: base.ID, Lifecycle: base.Lifecycle, Seq: int64(i + 2), From: from, To: s.To,
			Trigger: s.Trigger, Actor: s.By, On: s.On, Args: s.Args, Cause: s.Cause, Revision: rev})
		from = s.To
	}
	return evs
}

// Play declares every case and fires every step through the engine in date
// order, with all its checks: roles, states, arguments and the rules in
// force on each date, caps included. It stops at the first refusal. It is
// slow (one Fire a step) and meant for validating datasets at small scales;
// the cases it leaves equal those of [Dataset.Import] but for their
// histories.
func (ds *Dataset) Play(ctx context.Context, e *workflow.Engine) error {
	for _, f := range ds.Families {
		if err := e.DeclareFamily(ctx, f.ID, workflow.FamilyInfo{Difficulty: f.Difficulty, Area: f.Area}); err != nil {
			return err
		}
	}
	for _, c := range ds.Children {
		if err := e.DeclareChild(ctx, c.ID, workflow.ChildInfo{Family: c.Family, Born: c.Born}); err != nil {
			return err
		}
	}
	for _, ff := range ds.FosterFamilies {
		if err := e.DeclareFosterFamily(ctx, ff.ID, workflow.FosterFamilyInfo{Form: ff.Form}); err != nil {
			return err
		}
	}
	for _, s := range ds.Steps() {
		if s.Trigger == workflow.TriggerActivate || s.Trigger == workflow.TriggerChildPlaced {
			continue // the engine activates a foster family with its first child, and records a placed child on its family
		}
		cmd := workflow.Command{Trigger: s.Trigger, Actor: s.By, On: s.On, Args: maps.Clone(s.Args)}
		out, err := e.Fire(ctx, s.Case, cmd)
		if err != nil {
			return fmt.Errorf("national: %s %s on %s: %w", s.Case, s.Trigger, s.On, err)
		}
		if out.Case.State != s.To {
			return fmt.Errorf("national: %s %s on %s: the engine went to %s, the dataset to %s", s.Case, s.Trigger, s.On, out.Case.State, s.To)
		}
	}
	return nil
}
