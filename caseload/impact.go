package caseload

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// ImpactQuery is a proposed change of the files: the rule set in force,
// the rule set of the proposed files and the date the change would take
// effect.
type ImpactQuery struct {
	On       rules.Date
	Current  *rules.RuleSet // the files in force; nil: the engine's rule set
	Proposed *rules.RuleSet
	// Revisions are older rule sets that the histories' events were
	// decided under, when the engine does not know them already; the
	// backtest replays each event under its own revision.
	Revisions []*rules.RuleSet
}

// Impact is what a change of the files would do to a caseload, computed
// without writing anything (docs/configuration.md, "What a change would
// do").
type Impact struct {
	On       rules.Date `json:"on"`
	Current  string     `json:"current_revision"`
	Proposed string     `json:"proposed_revision"`
	// Params and Rules are the parameters and rules in force on On whose
	// value or definition the proposed files change.
	Params []ParamChange `json:"params"`
	Rules  []RuleChange  `json:"rules"`
	// OverCap are the workers whose current load exceeds their cap under
	// the proposed files on On: they keep their cases and take no new
	// one until they are below it.
	OverCap []OverCap `json:"over_cap"`
	// Renewals are the open obligations whose next due date would differ
	// once renewed under the proposed files, by worker.
	Renewals []Renewal `json:"renewals"`
	// Refused are the events on or after On that the proposed files
	// would have refused; DueChanges the due dates the backtest's events
	// on or after On would have set differently.
	Refused    []Refusal   `json:"refused"`
	DueChanges []DueChange `json:"due_changes"`
}

// ParamChange is a parameter whose value on the date differs: Old or New
// is nil when the parameter is absent from one side.
type ParamChange struct {
	ID  string            `json:"id"`
	Old *rules.ParamValue `json:"old"`
	New *rules.ParamValue `json:"new"`
}

// RuleChange is a rule in force on the date that the proposed files add,
// remove or change (its expression, kind, severity, triggers, basis or
// message).
type RuleChange struct {
	ID     string    `json:"id"`
	Change string    `json:"change"` // added, removed, changed
	Old    *RuleInfo `json:"old"`
	New    *RuleInfo `json:"new"`
}

// RuleInfo is what a rule change shows of a rule.
type RuleInfo struct {
	On       []string   `json:"on"`
	Kind     string     `json:"kind"`
	Severity string     `json:"severity"`
	Expr     string     `json:"expr"`
	Message  rules.Text `json:"message,omitzero"`
	Source   string     `json:"source"`
	Basis    string     `json:"basis"`
}

// OverCap is a worker over the proposed cap, with the cases behind the
// count; OldCap is the cap under the files in force.
type OverCap struct {
	workflow.Load
	OldCap int `json:"old_cap"`
}

// Renewal is an open obligation whose next due date would differ: renewed
// on Renewed (its due date, or the change's date when it is already
// overdue) by Trigger, it would fall due on Old under the files in force
// and on New under the proposed ones.
type Renewal struct {
	Worker     string          `json:"worker"`
	Case       string          `json:"case"`
	Lifecycle  rules.Lifecycle `json:"lifecycle"`
	Obligation string          `json:"obligation"`
	Due        rules.Date      `json:"due"`
	Trigger    string          `json:"trigger"`
	Renewed    rules.Date      `json:"renewed"`
	Old        rules.Date      `json:"old"`
	New        rules.Date      `json:"new"`
}

// Refusal is an event of a case's history that the proposed files would
// have refused: the unmet rule IDs for a denial, else the problem.
type Refusal struct {
	Case    string     `json:"case"`
	Seq     int64      `json:"seq"`
	Trigger string     `json:"trigger"`
	On      rules.Date `json:"on"`
	Actor   string     `json:"actor"`
	Rules   []string   `json:"rules"`
	Problem rules.Text `json:"problem,omitzero"`
}

// DueChange is a due date an event would have set differently under the
// proposed files: Old or New is zero when the obligation would not have
// been opened on that side.
type DueChange struct {
	Case       string     `json:"case"`
	Seq        int64      `json:"seq"`
	Trigger    string     `json:"trigger"`
	On         rules.Date `json:"on"`
	Obligation string     `json:"obligation"`
	Ref        string     `json:"ref,omitempty"`
	Old        rules.Date `json:"old,omitzero"`
	New        rules.Date `json:"new,omitzero"`
}

// Impact computes what the proposed files would do from q.On: the
// parameters and rules that change, the workers over a lowered cap, the
// obligations whose renewal would fall due on another day, and a
// backtest of every case's history. The backtest replays the histories
// onto a scratch store in date order: events before q.On as they were
// recorded (each under its own revision), events on or after it fired
// again under the proposed files. An event the proposed files refuse is
// reported and then applied as recorded, so that the rest of the history
// is still checked. Nothing is written to the engine's store. The store
// must implement [workflow.Scanner].
func (c *Caseload) Impact(ctx context.Context, q ImpactQuery) (*Impact, error) {
	if q.Proposed == nil || q.On.IsZero() {
		return nil, errorf(nil, "skutki zmiany: potrzebne proponowane pliki i data wejścia w życie", "impact: want the proposed files and the date they take effect")
	}
	if q.Current == nil {
		q.Current = c.e.RuleSet()
	}
	imp := &Impact{On: q.On, Current: q.Current.Revision(), Proposed: q.Proposed.Revision(),
		Params: paramChanges(q.Current, q.Proposed, q.On), Rules: ruleChanges(q.Current, q.Proposed, q.On)}
	var err error
	if imp.OverCap, err = c.overCap(ctx, q); err != nil {
		return nil, errorf(err, "skutki zmiany", "impact")
	}
	sc, ok := c.e.Store().(workflow.Scanner)
	if !ok {
		return nil, ErrNoScan
	}
	var cases []*workflow.Case
	if err := sc.Scan(ctx, func(cs *workflow.Case) error { cases = append(cases, cs); return nil }); err != nil {
		return nil, errorf(err, "skutki zmiany", "impact")
	}
	slices.SortFunc(cases, func(a, b *workflow.Case) int { return strings.Compare(a.ID, b.ID) })
	hist := make(map[string]*history, len(cases))
	for _, cs := range cases {
		evs, err := c.e.History(ctx, cs.ID)
		if err != nil {
			return nil, errorf(err, "skutki zmiany", "impact")
		}
		if hist[cs.ID], err = replayHistory(c.e, cs, evs); err != nil {
			return nil, errorf(err, "skutki zmiany", "impact")
		}
	}
	if imp.Renewals, err = c.renewals(ctx, q, cases, hist); err != nil {
		return nil, errorf(err, "skutki zmiany", "impact")
	}
	if err := c.backtest(ctx, q, cases, hist, imp); err != nil {
		return nil, errorf(err, "skutki zmiany: symulacja historii", "impact: backtest")
	}
	return imp, nil
}

// paramChanges lists the parameters whose value on d differs.
func paramChanges(cur, prop *rules.RuleSet, d rules.Date) []ParamChange {
	old, neu := map[string]rules.ParamValue{}, map[string]rules.ParamValue{}
	for _, v := range cur.Params(d) {
		old[v.ID] = v
	}
	for _, v := range prop.Params(d) {
		neu[v.ID] = v
	}
	out := []ParamChange{}
	for _, id := range slices.Sorted(maps.Keys(mergeKeys(old, neu))) {
		o, inOld := old[id]
		n, inNew := neu[id]
		if inOld && inNew && reflect.DeepEqual(o.Value, n.Value) {
			continue
		}
		pc := ParamChange{ID: id}
		if inOld {
			pc.Old = &o
		}
		if inNew {
			pc.New = &n
		}
		out = append(out, pc)
	}
	return out
}

func mergeKeys[V any](a, b map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// ruleChanges lists the rules in force on d that are added, removed or
// changed.
func ruleChanges(cur, prop *rules.RuleSet, d rules.Date) []RuleChange {
	inForce := func(rs *rules.RuleSet) map[string]*RuleInfo {
		m := map[string]*RuleInfo{}
		for _, p := range rs.Programs() {
			if r := p.Rule(); r.InForce(d) {
				m[r.ID] = &RuleInfo{On: r.On, Kind: r.Kind.String(), Severity: r.Severity.String(), Expr: strings.TrimSpace(r.Expr),
					Message: r.Message, Source: r.Source.String(), Basis: r.Basis}
			}
		}
		return m
	}
	old, neu := inForce(cur), inForce(prop)
	out := []RuleChange{}
	for _, id := range slices.Sorted(maps.Keys(mergeKeys(old, neu))) {
		o, n := old[id], neu[id]
		switch {
		case o == nil:
			out = append(out, RuleChange{ID: id, Change: "added", New: n})
		case n == nil:
			out = append(out, RuleChange{ID: id, Change: "removed", Old: o})
		case !sameRule(o, n):
			out = append(out, RuleChange{ID: id, Change: "changed", Old: o, New: n})
		}
	}
	return out
}

// sameRule compares two rules but for where they are written.
func sameRule(a, b *RuleInfo) bool {
	x, y := *a, *b
	x.Source, y.Source = "", ""
	return reflect.DeepEqual(x, y)
}

// overCap lists the assistants and coordinators employed on q.On whose
// current load exceeds the proposed cap.
func (c *Caseload) overCap(ctx context.Context, q ImpactQuery) ([]OverCap, error) {
	out := []OverCap{}
	capped := func(w workflow.Worker) bool {
		return w.Role == workflow.FamilyAssistant || w.Role == workflow.FosterCareCoordinator
	}
	for _, w := range c.reg.Workers(q.On, capped) {
		l, err := workflow.LoadOf(ctx, c.e.Store(), q.Proposed, w, q.On)
		if err != nil {
			return nil, err
		}
		if l.Cap == 0 || l.Count() <= l.Cap {
			continue
		}
		oc := OverCap{Load: l}
		if v, ok := q.Current.Param(l.CapRule, q.On); ok {
			oc.OldCap = v.Int()
		}
		out = append(out, oc)
	}
	return out, nil
}

// renewer is the trigger that renews an obligation periodically, and its
// arguments (an assessment is taken to be positive).
type renewer struct {
	trigger string
	args    workflow.Args
}

// renewers are the obligations renewed by a periodic act. The others are
// set once, when opened, and change only when opened again.
var renewers = map[rules.Lifecycle]map[string]renewer{
	rules.LifecycleFamily: {
		workflow.OblFamilyAssessment: {workflow.TriggerAssess, workflow.Args{"result": "positive"}},
		workflow.OblCourtReport:      {workflow.TriggerReportToCourt, nil},
	},
	rules.LifecycleChild: {
		workflow.OblChildReview: {workflow.TriggerReview, nil},
		workflow.OblCourtReport: {workflow.TriggerReportToCourt, nil},
	},
	rules.LifecycleFosterFamily: {
		workflow.OblFosterFamilyAssessment: {workflow.TriggerAssess, workflow.Args{"result": "positive"}},
	},
}

// renewals fires each renewable open obligation's renewing trigger on a
// scratch copy of its case, under both rule sets, on its due date (or on
// q.On when it is already overdue), and keeps those that would fall due
// on another day. The actor is the family's assistant, or the organizer
// who last acted on a child or foster family.
func (c *Caseload) renewals(ctx context.Context, q ImpactQuery, cases []*workflow.Case, hist map[string]*history) ([]Renewal, error) {
	out := []Renewal{}
	coordinators := map[string]string{}
	for _, cs := range cases {
		if cs.FosterFamily != nil {
			coordinators[cs.ID] = cs.FosterFamily.Coordinator
		}
	}
	for _, cs := range cases {
		for _, o := range cs.Obligations {
			rn, ok := renewers[cs.Lifecycle][o.ID]
			if !ok {
				continue
			}
			actor, ok := renewingActor(cs, hist[cs.ID])
			if !ok {
				continue
			}
			on := o.Due
			if on.Before(q.On) {
				on = q.On
			}
			cmd := workflow.Command{Trigger: rn.trigger, Actor: actor, On: on, Args: maps.Clone(rn.args)}
			old, errOld := c.renewedDue(ctx, q.Current, cs, cmd, o.ID)
			neu, errNew := c.renewedDue(ctx, q.Proposed, cs, cmd, o.ID)
			if errOld != nil || errNew != nil || old == neu {
				continue // not renewable by that actor on that day, or the same date
			}
			out = append(out, Renewal{Worker: workerOf(workflow.WorkerKey(cs), coordinators), Case: cs.ID, Lifecycle: cs.Lifecycle, Obligation: o.ID, Due: o.Due,
				Trigger: rn.trigger, Renewed: on, Old: old, New: neu})
		}
	}
	slices.SortFunc(out, func(a, b Renewal) int {
		return cmp.Or(strings.Compare(a.Worker, b.Worker), a.Due.Compare(b.Due), strings.Compare(a.Case, b.Case), strings.Compare(a.Obligation, b.Obligation))
	})
	return out, nil
}

// renewingActor returns who renews the case's obligations.
func renewingActor(cs *workflow.Case, h *history) (workflow.Actor, bool) {
	if cs.Family != nil {
		return workflow.Actor{ID: cs.Family.Assistant, Role: workflow.FamilyAssistant}, cs.Family.Assistant != ""
	}
	for k := len(h.events) - 1; k > 0; k-- {
		if a := h.events[k].Actor; a.Role == workflow.FosterCareOrganizer {
			return a, true
		}
	}
	return workflow.Actor{}, false
}

// renewedDue fires cmd on a scratch copy of cs under rs and returns the
// due date of obligation afterwards.
func (c *Caseload) renewedDue(ctx context.Context, rs *rules.RuleSet, cs *workflow.Case, cmd workflow.Command, obligation string) (rules.Date, error) {
	store := workflow.NewMemoryStore()
	decl := workflow.Event{Case: cs.ID, Lifecycle: cs.Lifecycle, Seq: 1, To: cs.State, Trigger: workflow.TriggerDeclare, Revision: rs.Revision()}
	if err := store.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: cs.Clone(), Events: []workflow.Event{decl}}}}); err != nil {
		return rules.Date{}, err
	}
	e, err := workflow.New(workflow.WithRules(rs), workflow.WithStore(store), workflow.WithDirectory(c.reg))
	if err != nil {
		return rules.Date{}, err
	}
	out, err := e.Fire(ctx, cs.ID, cmd)
	if err != nil {
		return rules.Date{}, err
	}
	o, ok := out.Case.Obligation(obligation)
	if !ok {
		return rules.Date{}, errors.New("caseload: the renewal closed the obligation")
	}
	return o.Due, nil
}

// backtestRun is the backtest's scratch engine and where each case is.
type backtestRun struct {
	e     *workflow.Engine
	on    rules.Date
	hist  map[string]*history
	next  map[string]int            // index of the case's next original event
	last  map[string]*workflow.Case // the case in the scratch store
	cases map[string]*workflow.Case // the cases as stored, for their declared facts
	imp   *Impact
}

// backtest replays every history onto a scratch store in date order (cases
// by ID within a day; an event another case's transition caused after that
// case's events of the day).
func (c *Caseload) backtest(ctx context.Context, q ImpactQuery, cases []*workflow.Case, hist map[string]*history, imp *Impact) error {
	known := append([]*rules.RuleSet{q.Current}, q.Revisions...)
	e, err := workflow.New(workflow.WithRules(q.Proposed), workflow.WithRevisions(known...), workflow.WithStore(workflow.NewMemoryStore()),
		workflow.WithDirectory(c.reg))
	if err != nil {
		return err
	}
	s := &backtestRun{e: e, on: q.On, hist: hist, next: map[string]int{}, last: map[string]*workflow.Case{},
		cases: map[string]*workflow.Case{}, imp: imp}
	type item struct {
		id string
		k  int
	}
	var all []item
	for _, cs := range cases {
		s.cases[cs.ID] = cs
		for k := range hist[cs.ID].events {
			all = append(all, item{cs.ID, k})
		}
	}
	at := func(it item) workflow.Event { return hist[it.id].events[it.k] }
	slices.SortStableFunc(all, func(a, b item) int {
		return cmp.Or(at(a).On.Compare(at(b).On), strings.Compare(a.id, b.id), cmp.Compare(a.k, b.k))
	})
	imp.Refused, imp.DueChanges = []Refusal{}, []DueChange{}
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && at(all[j]).On == at(all[i]).On {
			j++
		}
		pending := all[i:j]
		for len(pending) > 0 {
			var rest []item
			for _, it := range pending {
				if !s.ready(it.id, it.k) {
					rest = append(rest, it)
					continue
				}
				if err := s.step(ctx, it.id, it.k); err != nil {
					return err
				}
			}
			if len(rest) == len(pending) { // a cause that never comes: apply in order
				for _, it := range rest {
					if err := s.step(ctx, it.id, it.k); err != nil {
						return err
					}
				}
				break
			}
			pending = rest
		}
		i = j
	}
	return nil
}

// ready reports whether the case's event k is its next one and, for an
// event another case's transition caused, whether that case's events of
// the day have been applied.
func (s *backtestRun) ready(id string, k int) bool {
	if s.next[id] != k {
		return false
	}
	ev := s.hist[id].events[k]
	cause := s.hist[ev.Cause]
	if ev.Cause == "" || cause == nil {
		return true
	}
	n := s.next[ev.Cause]
	return n >= len(cause.events) || cause.events[n].On.After(ev.On)
}

// version returns the case's version in the scratch store (0: not there).
func (s *backtestRun) stored(ctx context.Context, id string) (*workflow.Case, error) {
	c, err := s.e.Store().Get(ctx, id)
	if errors.Is(err, workflow.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// step applies original event k of case id: as recorded before the
// change's date, fired again under the proposed files from it.
func (s *backtestRun) step(ctx context.Context, id string, k int) error {
	h := s.hist[id]
	ev := h.events[k]
	s.next[id] = k + 1
	if k == 0 || ev.On.Before(s.on) {
		return s.commit(ctx, id, h.snaps[k], ev)
	}
	before := s.last[id]
	if ev.Cause != "" {
		cur, err := s.stored(ctx, id)
		if err != nil {
			return err
		}
		if cur != nil && cur.Version > int64(k) { // the cause's firing made it: compare what it opened
			s.last[id] = cur
			s.compareDues(id, k, before, cur)
			return nil
		}
		return s.recorded(ctx, id, ev)
	}
	args := maps.Clone(ev.Args)
	delete(args, "carer_kind") // the engine records it; a user cannot give it
	out, err := s.e.Fire(ctx, id, workflow.Command{Trigger: ev.Trigger, Actor: ev.Actor, On: ev.On, Args: args})
	if err != nil {
		s.imp.Refused = append(s.imp.Refused, refusal(ev, err))
		return s.recorded(ctx, id, ev)
	}
	s.last[id] = out.Case
	s.compareDues(id, k, before, out.Case)
	return nil
}

// commit writes a snapshot and its event after what the scratch store
// holds of the case.
func (s *backtestRun) commit(ctx context.Context, id string, snap *workflow.Case, ev workflow.Event) error {
	before, err := s.stored(ctx, id)
	if err != nil {
		return err
	}
	var v int64
	if before != nil {
		v = before.Version
	}
	ev.Seq = v + 1
	w := workflow.Write{Case: snap.Clone(), Expected: v, Events: []workflow.Event{ev}, Before: before}
	if err := s.e.Store().Commit(ctx, workflow.Batch{Writes: []workflow.Write{w}}); err != nil {
		return err
	}
	snap = snap.Clone()
	snap.Version = ev.Seq
	s.last[id] = snap
	return nil
}

// recorded applies an event as it was recorded, under its own revision,
// after what the scratch store holds of the case.
func (s *backtestRun) recorded(ctx context.Context, id string, ev workflow.Event) error {
	evs, err := s.e.History(ctx, id)
	if err != nil {
		return err
	}
	ev.Seq = int64(len(evs) + 1)
	snap, err := s.e.ReplayEvents(s.cases[id], append(evs, ev))
	if err != nil {
		return err
	}
	return s.commit(ctx, id, snap, ev)
}

// refusal describes a refused event.
func refusal(ev workflow.Event, err error) Refusal {
	r := Refusal{Case: ev.Case, Seq: ev.Seq, Trigger: ev.Trigger, On: ev.On, Actor: ev.Actor.ID, Rules: []string{}}
	if de := (*workflow.DeniedError)(nil); errors.As(err, &de) {
		for _, u := range de.Decision.Unmet() {
			r.Rules = append(r.Rules, u.Rule)
		}
		return r
	}
	r.Problem = rules.Text{PL: workflow.Localize(err, rules.Polish), EN: workflow.Localize(err, rules.English)}
	return r
}

// compareDues records the obligations event k opened or renewed with
// another due date in the scratch store than in the original history.
func (s *backtestRun) compareDues(id string, k int, simBefore, simAfter *workflow.Case) {
	h := s.hist[id]
	ev := h.events[k]
	orig := opened(h.snaps[k-1], h.snaps[k])
	sim := opened(simBefore, simAfter)
	for key, o := range orig {
		if n := sim[key]; n != o {
			s.imp.DueChanges = append(s.imp.DueChanges, DueChange{Case: id, Seq: ev.Seq, Trigger: ev.Trigger, On: ev.On,
				Obligation: key[0], Ref: key[1], Old: o, New: n})
		}
	}
	for key, n := range sim {
		if _, ok := orig[key]; !ok {
			s.imp.DueChanges = append(s.imp.DueChanges, DueChange{Case: id, Seq: ev.Seq, Trigger: ev.Trigger, On: ev.On,
				Obligation: key[0], Ref: key[1], New: n})
		}
	}
}

// opened returns the obligations in after that before did not hold as
// they are, by ID and Ref, with their due dates.
func opened(before, after *workflow.Case) map[[2]string]rules.Date {
	out := map[[2]string]rules.Date{}
	for _, o := range after.Obligations {
		if before == nil || !slices.Contains(before.Obligations, o) {
			out[[2]string{o.ID, o.Ref}] = o.Due
		}
	}
	return out
}

// FormatImpact renders an impact for people, in lang.
func FormatImpact(imp *Impact, lang rules.Lang) string {
	var b strings.Builder
	tr := func(pl, en string) string { return rules.Text{PL: pl, EN: en}.In(lang) }
	fmt.Fprintf(&b, tr("Skutki zmiany plików od %s\n", "Impact of the proposed files from %s\n"), imp.On)
	fmt.Fprintf(&b, "\n%s\n", tr("Parametry:", "Parameters:"))
	if len(imp.Params) == 0 {
		fmt.Fprintf(&b, "  %s\n", tr("bez zmian", "no change"))
	}
	val := func(v *rules.ParamValue) string {
		if v == nil {
			return "—"
		}
		src := v.Source.String()
		if src == "statute" {
			src = tr("ustawa", "statute")
		}
		return fmt.Sprintf("%v (%s)", v.Value, src)
	}
	for _, p := range imp.Params {
		basis := ""
		if p.New != nil {
			basis = p.New.Basis
		} else if p.Old != nil {
			basis = p.Old.Basis
		}
		fmt.Fprintf(&b, "  %s: %s → %s; %s\n", p.ID, val(p.Old), val(p.New), basis)
	}
	fmt.Fprintf(&b, "\n%s\n", tr("Reguły:", "Rules:"))
	if len(imp.Rules) == 0 {
		fmt.Fprintf(&b, "  %s\n", tr("bez zmian", "no change"))
	}
	changes := map[string]string{"added": tr("dodana", "added"), "removed": tr("usunięta", "removed"), "changed": tr("zmieniona", "changed")}
	for _, r := range imp.Rules {
		fmt.Fprintf(&b, "  %s (%s)\n", r.ID, changes[r.Change])
		for _, side := range []struct {
			label string
			r     *RuleInfo
		}{{tr("było:", "was:"), r.Old}, {tr("będzie:", "new:"), r.New}} {
			if side.r == nil {
				continue
			}
			where := side.r.Severity + ", " + side.r.Source
			if side.r.Basis != "" {
				where += "; " + side.r.Basis
			}
			fmt.Fprintf(&b, "    %-7s %s [%s]\n", side.label, side.r.Expr, where)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", tr("Pracownicy ponad nowy limit (zachowują sprawy, nie przyjmą nowej):",
		"Workers over the new cap (they keep their cases and take no new one):"))
	if len(imp.OverCap) == 0 {
		fmt.Fprintf(&b, "  %s\n", tr("brak", "none"))
	}
	for _, o := range imp.OverCap {
		fmt.Fprintf(&b, "  %s: %d > %d (%s %d; %s): %s\n", o.Worker, o.Count(), o.Cap, tr("dotąd", "was"), o.OldCap, o.CapRule, strings.Join(o.Cases, " "))
	}
	fmt.Fprintf(&b, "\n%s\n", tr("Terminy po odnowieniu (stary → nowy), według pracowników:", "Due dates once renewed (old → new), by worker:"))
	if len(imp.Renewals) == 0 {
		fmt.Fprintf(&b, "  %s\n", tr("bez zmian", "no change"))
	}
	for _, r := range imp.Renewals {
		fmt.Fprintf(&b, "  %-8s %-8s %-26s %s %s %s: %s → %s\n", orDash(r.Worker), r.Case, r.Obligation, r.Trigger, tr("w dniu", "on"), r.Renewed, r.Old, r.New)
	}
	fmt.Fprintf(&b, "\n%s\n", tr("Symulacja historii: zdarzenia, których nowe pliki by nie dopuściły:", "Backtest: events the proposed files would have refused:"))
	if len(imp.Refused) == 0 {
		fmt.Fprintf(&b, "  %s\n", tr("brak", "none"))
	}
	for _, r := range imp.Refused {
		why := strings.Join(r.Rules, ", ")
		if why == "" {
			why = r.Problem.In(lang)
		}
		fmt.Fprintf(&b, "  %s  %-8s #%d %s (%s): %s\n", r.On, r.Case, r.Seq, r.Trigger, r.Actor, why)
	}
	fmt.Fprintf(&b, "\n%s\n", tr("Symulacja historii: terminy, które byłyby inne (stary → nowy):", "Backtest: due dates that would have differed (old → new):"))
	if len(imp.DueChanges) == 0 {
		fmt.Fprintf(&b, "  %s\n", tr("brak", "none"))
	}
	date := func(d rules.Date) string {
		if d.IsZero() {
			return "—"
		}
		return d.String()
	}
	for _, d := range imp.DueChanges {
		name := d.Obligation
		if d.Ref != "" {
			name += " " + d.Ref
		}
		fmt.Fprintf(&b, "  %s  %-8s #%d %s: %s %s → %s\n", d.On, d.Case, d.Seq, d.Trigger, name, date(d.Old), date(d.New))
	}
	return b.String()
}
