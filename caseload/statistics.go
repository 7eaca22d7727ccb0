package caseload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// StatsQuery selects the figures of one unit for one period.
type StatsQuery struct {
	// Unit is the OPS or PCPR: the Employer of its workers. "" takes every
	// unit together (a whole country's figures).
	Unit string
	// From and To bound the period, both days included.
	From, To rules.Date
}

// HalfYear returns the half-year that d falls in: 1 January – 30 June or
// 1 July – 31 December, the periods of the half-yearly report.
func HalfYear(d rules.Date) (from, to rules.Date) {
	if d.Month <= time.June {
		return rules.NewDate(d.Year, time.January, 1), rules.NewDate(d.Year, time.June, 30)
	}
	return rules.NewDate(d.Year, time.July, 1), rules.NewDate(d.Year, time.December, 31)
}

// Figure kinds: what a figure's value is.
const (
	KindCount = "count" // a number of cases (or of workers)
	KindFTE   = "fte"   // a sum of full-time equivalents (etaty)
	KindRatio = "ratio" // one count divided by another
)

// Figure is one figure of the half-yearly statistics with the IDs behind
// it, so that it can be checked case by case (docs/statistics.md defines
// each ID).
type Figure struct {
	// ID is the figure's stable identifier, e.g. "family.supported.consent".
	ID    string     `json:"id"`
	Label rules.Text `json:"label"`
	Kind  string     `json:"kind"`
	// Value is the count, the FTE sum or the ratio.
	Value float64 `json:"value"`
	// Cases are the IDs of the cases counted, sorted; for
	// obligation.overdue figures one entry per overdue obligation (a case
	// with two overdue plan actions appears twice).
	Cases []string `json:"cases"`
	// Workers are the IDs of the workers counted (staff figures and the
	// divisor of ratios), sorted.
	Workers []string `json:"workers"`
}

// Statistics are the figures of one unit for one period, computed from the
// cases' histories: any past period can be recomputed and gives the same
// figures as long as the histories and the staff records are the same.
type Statistics struct {
	Unit    string     `json:"unit"`
	From    rules.Date `json:"from"`
	To      rules.Date `json:"to"`
	Figures []Figure   `json:"figures"`
}

// Figure returns the figure with the ID.
func (s *Statistics) Figure(id string) (Figure, bool) {
	for _, f := range s.Figures {
		if f.ID == id {
			return f, true
		}
	}
	return Figure{}, false
}

// FigureIDs lists the ID of every figure [Caseload.Statistics] computes,
// in report order.
func FigureIDs() []string {
	ids := make([]string, len(figureDefs))
	for i, d := range figureDefs {
		ids[i] = d.id
	}
	return ids
}

// The end reasons of assistant work: end_work's reasons, and
// consent_withdrawn for a withdrawal of consent that closes the case.
var workEndReasons = []string{"goals_achieved", "no_cooperation", "moved_away", "child_placed_permanently", "court_decision", "consent_withdrawn", "other"}

// The bases of assistant work, in report order.
var reportBases = []workflow.Basis{workflow.BasisConsent, workflow.BasisCourt, workflow.BasisZaZyciem, workflow.BasisMandatory}

// Where children leaving care went: the state their care ended in.
var leftTo = []workflow.State{workflow.Returned, workflow.Adopted, workflow.LeftCare}

// The forms of care of a child, and of foster families.
var (
	childForms  = []string{workflow.FormKinship, workflow.FormNonProfessional, workflow.FormProfessional, workflow.FormEmergency, workflow.FormFamilyChildrensHome, workflow.FormInstitution}
	fosterForms = childForms[:5]
)

type figureDef struct {
	id   string
	kind string
	pl   string
	en   string
}

// figureDefs are the figures in report order, with their labels.
var figureDefs = func() []figureDef {
	var d []figureDef
	add := func(id, kind, pl, en string) { d = append(d, figureDef{id, kind, pl, en}) }
	add("family.supported", KindCount, "rodziny objęte wsparciem asystenta w okresie", "families supported by an assistant in the period")
	basisPL := map[workflow.Basis]string{workflow.BasisConsent: "za zgodą rodziny", workflow.BasisCourt: "zobowiązane przez sąd",
		workflow.BasisZaZyciem: "„Za życiem”", workflow.BasisMandatory: "przydział obowiązkowy"}
	basisEN := map[workflow.Basis]string{workflow.BasisConsent: "with the family's consent", workflow.BasisCourt: "by a court order",
		workflow.BasisZaZyciem: "'Za życiem'", workflow.BasisMandatory: "mandatory assignment"}
	for _, b := range reportBases {
		add("family.supported."+string(b), KindCount, "  – "+basisPL[b], "  – "+basisEN[b])
	}
	add("family.court_obligation", KindCount, "rodziny wspierane z obowiązkiem nałożonym przez sąd", "supported families with a court obligation")
	add("family.assisted_last_day", KindCount, "rodziny z asystentem w ostatnim dniu okresu", "families with an assistant on the last day")
	add("assistant.employed", KindCount, "asystenci rodziny zatrudnieni w ostatnim dniu okresu", "family assistants employed on the last day")
	add("assistant.fte", KindFTE, "etaty asystentów rodziny w ostatnim dniu okresu", "family assistants' FTE on the last day")
	add("family.per_assistant", KindRatio, "rodziny na jednego asystenta w ostatnim dniu okresu", "families per assistant on the last day")
	add("family.work_ended", KindCount, "rodziny, z którymi zakończono pracę w okresie", "families whose assistant work ended in the period")
	reasonPL := map[string]string{"goals_achieved": "osiągnięcie celów", "no_cooperation": "brak współpracy", "moved_away": "zmiana miejsca zamieszkania",
		"child_placed_permanently": "trwałe umieszczenie dziecka w pieczy", "court_decision": "decyzja sądu", "consent_withdrawn": "wycofanie zgody", "other": "inna przyczyna"}
	reasonEN := map[string]string{"goals_achieved": "goals achieved", "no_cooperation": "no cooperation", "moved_away": "moved away",
		"child_placed_permanently": "child placed permanently", "court_decision": "court decision", "consent_withdrawn": "consent withdrawn", "other": "other reason"}
	for _, r := range workEndReasons {
		add("family.work_ended."+r, KindCount, "  – "+reasonPL[r], "  – "+reasonEN[r])
	}
	add("family.work_duration.under_1_year", KindCount, "  praca trwała krócej niż rok", "  the work lasted under 1 year")
	add("family.work_duration.1_to_2_years", KindCount, "  praca trwała od roku do 2 lat", "  the work lasted 1 to 2 years")
	add("family.work_duration.over_2_years", KindCount, "  praca trwała 2 lata i dłużej", "  the work lasted 2 years or more")
	add("family.monitoring", KindCount, "rodziny monitorowane w okresie", "families in monitoring in the period")
	add("interview.done", KindCount, "wywiady przeprowadzone w okresie", "interviews done in the period")
	add("interview.late", KindCount, "  w tym po terminie", "  of which past their deadline")
	add("child.in_care", KindCount, "dzieci w pieczy zastępczej w ostatnim dniu okresu", "children in foster care on the last day")
	formPL := map[string]string{workflow.FormKinship: "spokrewniona rodzina zastępcza", workflow.FormNonProfessional: "niezawodowa rodzina zastępcza",
		workflow.FormProfessional: "zawodowa rodzina zastępcza", workflow.FormEmergency: "rodzina zastępcza zawodowa pełniąca funkcję pogotowia rodzinnego",
		workflow.FormFamilyChildrensHome: "rodzinny dom dziecka", workflow.FormInstitution: "placówka opiekuńczo-wychowawcza"}
	formEN := map[string]string{workflow.FormKinship: "kinship foster family", workflow.FormNonProfessional: "non-professional foster family",
		workflow.FormProfessional: "professional foster family", workflow.FormEmergency: "emergency family home",
		workflow.FormFamilyChildrensHome: "family children's home", workflow.FormInstitution: "care institution"}
	for _, f := range childForms {
		add("child.in_care."+f, KindCount, "  – "+formPL[f], "  – "+formEN[f])
	}
	add("child.placed", KindCount, "dzieci umieszczone w pieczy w okresie", "children placed in care in the period")
	add("child.left", KindCount, "dzieci, które opuściły pieczę w okresie", "children who left care in the period")
	leftPL := map[workflow.State]string{workflow.Returned: "powrót do rodziny", workflow.Adopted: "przysposobienie", workflow.LeftCare: "usamodzielnienie lub inne"}
	leftEN := map[workflow.State]string{workflow.Returned: "returned to their family", workflow.Adopted: "adopted", workflow.LeftCare: "left care (independence or other)"}
	for _, s := range leftTo {
		add("child.left."+string(s), KindCount, "  – "+leftPL[s], "  – "+leftEN[s])
	}
	add("child.stay_extended", KindCount, "pobyty w pogotowiu rodzinnym lub placówce interwencyjnej przedłużone w okresie", "emergency stays extended in the period")
	add("foster_family.total", KindCount, "rodziny zastępcze i rodzinne domy dziecka w ostatnim dniu okresu", "foster families and family children's homes on the last day")
	for _, f := range fosterForms {
		add("foster_family.total."+f, KindCount, "  – "+formPL[f], "  – "+formEN[f])
	}
	add("coordinator.employed", KindCount, "koordynatorzy rodzinnej pieczy zastępczej w ostatnim dniu okresu", "foster-care coordinators on the last day")
	add("coordinator.fte", KindFTE, "etaty koordynatorów w ostatnim dniu okresu", "coordinators' FTE on the last day")
	add("foster_family.per_coordinator", KindRatio, "rodziny zastępcze na jednego koordynatora w ostatnim dniu okresu", "foster families per coordinator on the last day")
	add("obligation.overdue", KindCount, "obowiązki, których termin minął w okresie", "obligations that went overdue in the period")
	for _, o := range workflow.Obligations {
		l := workflow.ObligationLabel(o)
		add("obligation.overdue."+o, KindCount, "  – "+l.PL, "  – "+l.EN)
	}
	return d
}()

// history is one case's events and its snapshot after each of them, as
// the engine's replay rebuilds it.
type history struct {
	events []workflow.Event
	snaps  []*workflow.Case
}

// at returns the index of the last event on or before d (the case at the
// end of day d), or -1 before the declaration. The declaration has no
// date and comes before every day.
func (h *history) at(d rules.Date) int {
	i := -1
	for k, ev := range h.events {
		if ev.On.After(d) {
			break
		}
		i = k
	}
	return i
}

// during returns the indexes of the snapshots the case went through during
// [from, to]: the one in force when the period began and those after each
// event dated within it.
func (h *history) during(from, to rules.Date) []int {
	var out []int
	if i := h.at(from.AddDays(-1)); i >= 0 {
		out = append(out, i)
	}
	for k, ev := range h.events {
		if k > 0 && !ev.On.Before(from) && !ev.On.After(to) {
			out = append(out, k)
		}
	}
	return out
}

// replayHistory rebuilds the case after each of its events.
func replayHistory(e *workflow.Engine, cur *workflow.Case, evs []workflow.Event) (*history, error) {
	snaps, err := e.ReplaySteps(cur, evs)
	if err != nil {
		return nil, err
	}
	return &history{events: evs, snaps: snaps}, nil
}

// tally collects the IDs behind each figure.
type tally struct {
	cases   map[string][]string
	workers map[string][]string
	fte     map[string]float64
}

func (t *tally) add(id, caseID string) { t.cases[id] = append(t.cases[id], caseID) }

// ErrNoScan is returned by Statistics and Impact when the engine's store
// cannot list its cases (it does not implement [workflow.Scanner]; both
// stores of asysta do).
var ErrNoScan = errors.New("caseload: the store cannot list its cases")

// Statistics computes the figures of one unit for one period from the
// histories of every case (the engine's store must implement
// [workflow.Scanner]) and the staff records of the registry. A case
// belongs to a unit through its workers (docs/statistics.md, "Which unit
// a case belongs to"): a family through the social worker who opened its
// case, a child through the organizer who placed it, a foster family
// through its coordinator, or the organizer who first acted on it.
// docs/statistics.md defines every figure.
func (c *Caseload) Statistics(ctx context.Context, q StatsQuery) (*Statistics, error) {
	if q.From.IsZero() || q.To.IsZero() || q.To.Before(q.From) {
		return nil, errorf(nil, "okres statystyki: potrzebne daty od i do, nie odwrotnie", "statistics period: want a from and a to date, in that order")
	}
	sc, ok := c.e.Store().(workflow.Scanner)
	if !ok {
		return nil, ErrNoScan
	}
	t := &tally{cases: map[string][]string{}, workers: map[string][]string{}, fte: map[string]float64{}}
	err := sc.Scan(ctx, func(cur *workflow.Case) error {
		evs, err := c.e.History(ctx, cur.ID)
		if err != nil {
			return err
		}
		h, err := replayHistory(c.e, cur, evs)
		if err != nil {
			return err
		}
		end := h.at(q.To)
		if end < 0 || !c.belongs(ctx, h, end, q.Unit) {
			return nil
		}
		switch cur.Lifecycle {
		case rules.LifecycleFamily:
			familyFigures(t, cur.ID, h, q)
		case rules.LifecycleChild:
			childFigures(t, cur.ID, h, q)
		case rules.LifecycleFosterFamily:
			fosterFigures(t, cur.ID, h, end)
		}
		overdueFigures(t, cur.ID, h, q)
		return nil
	})
	if err != nil {
		return nil, errorf(err, "statystyka %s", "statistics of %s", orAll(q.Unit))
	}
	c.staffFigures(t, q)
	return t.statistics(q), nil
}

func orAll(unit string) string {
	if unit == "" {
		return "*"
	}
	return unit
}

// belongs reports whether the case, as it stands at the end of the period
// (snapshot end), belongs to the unit.
func (c *Caseload) belongs(ctx context.Context, h *history, end int, unit string) bool {
	if unit == "" {
		return true
	}
	employer := func(id string) string {
		if id == "" {
			return ""
		}
		w, err := c.reg.Worker(ctx, id)
		if err != nil {
			return ""
		}
		return w.Employer
	}
	s := h.snaps[end]
	switch {
	case s.Family != nil:
		if s.Family.SocialWorker != "" {
			return employer(s.Family.SocialWorker) == unit
		}
		return employer(s.Family.Assistant) == unit
	case s.Child != nil:
		// The organizer of the last placement up to the period's end.
		for k := end; k > 0; k-- {
			if ev := h.events[k]; ev.Trigger == workflow.TriggerPlace {
				return employer(ev.Actor.ID) == unit
			}
		}
		return false
	case s.FosterFamily != nil:
		if s.FosterFamily.Coordinator != "" {
			return employer(s.FosterFamily.Coordinator) == unit
		}
		for k := 1; k <= end; k++ {
			if ev := h.events[k]; ev.Actor.Role == workflow.FosterCareOrganizer {
				return employer(ev.Actor.ID) == unit
			}
		}
	}
	return false
}

// familyFigures counts a family case's part in the assistant figures.
func familyFigures(t *tally, id string, h *history, q StatsQuery) {
	var supported *workflow.Case
	court, monitored := false, false
	for _, k := range h.during(q.From, q.To) {
		s := h.snaps[k]
		if s.State.In(workflow.AssistantWork) {
			supported = s
			court = court || s.Family.Basis == workflow.BasisCourt
		}
		monitored = monitored || s.State == workflow.Monitoring
	}
	if supported != nil {
		t.add("family.supported", id)
		t.add("family.supported."+string(supported.Family.Basis), id)
		if court {
			t.add("family.court_obligation", id)
		}
	}
	if monitored {
		t.add("family.monitoring", id)
	}
	if end := h.at(q.To); h.snaps[end].State.In(workflow.AssistantWork) {
		t.add("family.assisted_last_day", id)
	}
	// The last end of assistant work in the period, and when that work
	// began.
	ended, began := -1, -1
	for k := 1; k < len(h.events); k++ {
		ev := h.events[k]
		if ev.On.After(q.To) {
			break
		}
		in, was := ev.To.In(workflow.AssistantWork), ev.From.In(workflow.AssistantWork)
		if in && !was {
			began = k
		}
		if was && !in && !ev.On.Before(q.From) {
			ended = k
		}
	}
	if ended > 0 && began > 0 {
		t.add("family.work_ended", id)
		t.add("family.work_ended."+h.snaps[ended].Family.EndReason, id)
		start, stop := h.events[began].On, h.events[ended].On
		switch {
		case stop.Before(start.AddYears(1)):
			t.add("family.work_duration.under_1_year", id)
		case stop.Before(start.AddYears(2)):
			t.add("family.work_duration.1_to_2_years", id)
		default:
			t.add("family.work_duration.over_2_years", id)
		}
	}
	for k := 1; k < len(h.events); k++ {
		ev := h.events[k]
		if ev.Trigger != workflow.TriggerCompleteInterview || ev.On.Before(q.From) || ev.On.After(q.To) {
			continue
		}
		t.add("interview.done", id)
		if o, ok := h.snaps[k-1].Obligation(workflow.OblInterview); ok && o.Overdue(ev.On) {
			t.add("interview.late", id)
		}
	}
}

// childFigures counts a child's part in the foster-care figures.
func childFigures(t *tally, id string, h *history, q StatsQuery) {
	if s := h.snaps[h.at(q.To)]; inCare(s.State) {
		t.add("child.in_care", id)
		t.add("child.in_care."+s.Child.Form, id)
	}
	placed, left, extended := false, workflow.State(""), false
	for k := 1; k < len(h.events); k++ {
		ev := h.events[k]
		if ev.On.Before(q.From) || ev.On.After(q.To) {
			continue
		}
		switch {
		case ev.Trigger == workflow.TriggerPlace:
			placed = true
		case ev.Trigger == workflow.TriggerExtendStay:
			extended = true
		case inCare(ev.From) && slices.Contains(leftTo, ev.To):
			left = ev.To
		}
	}
	if placed {
		t.add("child.placed", id)
	}
	if left != "" {
		t.add("child.left", id)
		t.add("child.left."+string(left), id)
	}
	if extended {
		t.add("child.stay_extended", id)
	}
}

// fosterFigures counts a foster family on the last day of the period.
func fosterFigures(t *tally, id string, h *history, end int) {
	switch s := h.snaps[end]; s.State {
	case workflow.Qualified, workflow.Active, workflow.Suspended:
		t.add("foster_family.total", id)
		t.add("foster_family.total."+s.FosterFamily.Form, id)
		if s.FosterFamily.Coordinator != "" {
			t.add("foster_family.coordinated", id)
		}
	}
}

// overdueFigures counts the case's obligations that went overdue in the
// period: due on a day from the day before the period to its last but
// one day, and still open at the end of that day.
func overdueFigures(t *tally, id string, h *history, q StatsQuery) {
	type key struct {
		id, ref string
		due     rules.Date
	}
	seen := map[key]bool{}
	lo, hi := q.From.AddDays(-1), q.To.AddDays(-1)
	for _, s := range h.snaps {
		for _, o := range s.Obligations {
			k := key{o.ID, o.Ref, o.Due}
			if seen[k] || o.Due.Before(lo) || o.Due.After(hi) {
				continue
			}
			seen[k] = true
			i := h.at(o.Due)
			if i < 0 {
				continue
			}
			if _, open := openAt(h.snaps[i], k.id, k.ref, k.due); open {
				t.add("obligation.overdue", id)
				t.add("obligation.overdue."+o.ID, id)
			}
		}
	}
}

func openAt(c *workflow.Case, id, ref string, due rules.Date) (workflow.Obligation, bool) {
	for _, o := range c.Obligations {
		if o.ID == id && o.Ref == ref && o.Due == due {
			return o, true
		}
	}
	return workflow.Obligation{}, false
}

// staffFigures counts the unit's assistants and coordinators employed on
// the last day of the period, and the ratios.
func (c *Caseload) staffFigures(t *tally, q StatsQuery) {
	for _, role := range []workflow.Role{workflow.FamilyAssistant, workflow.FosterCareCoordinator} {
		keep := func(w workflow.Worker) bool { return w.Role == role }
		var ws []workflow.Worker
		if q.Unit == "" {
			ws = c.reg.Workers(q.To, keep)
		} else {
			ws = c.reg.Employees(q.Unit, q.To, keep)
		}
		prefix := "assistant"
		if role == workflow.FosterCareCoordinator {
			prefix = "coordinator"
		}
		for _, w := range ws {
			t.workers[prefix+".employed"] = append(t.workers[prefix+".employed"], w.ID)
			t.workers[prefix+".fte"] = append(t.workers[prefix+".fte"], w.ID)
			t.fte[prefix+".fte"] += w.EffectiveFTE()
		}
	}
	t.cases["family.per_assistant"] = t.cases["family.assisted_last_day"]
	t.workers["family.per_assistant"] = t.workers["assistant.employed"]
	t.cases["foster_family.per_coordinator"] = t.cases["foster_family.coordinated"]
	t.workers["foster_family.per_coordinator"] = t.workers["coordinator.employed"]
}

// statistics turns the tally into the report's figures.
func (t *tally) statistics(q StatsQuery) *Statistics {
	st := &Statistics{Unit: q.Unit, From: q.From, To: q.To, Figures: make([]Figure, 0, len(figureDefs))}
	for _, d := range figureDefs {
		f := Figure{ID: d.id, Label: rules.Text{PL: d.pl, EN: d.en}, Kind: d.kind,
			Cases: sorted(t.cases[d.id]), Workers: sorted(t.workers[d.id])}
		switch d.kind {
		case KindCount:
			f.Value = float64(len(f.Cases) + len(f.Workers))
		case KindFTE:
			f.Value = round2(t.fte[d.id])
		case KindRatio:
			if len(f.Workers) > 0 {
				f.Value = round2(float64(len(f.Cases)) / float64(len(f.Workers)))
			}
		}
		st.Figures = append(st.Figures, f)
	}
	return st
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return out
}

func round2(x float64) float64 {
	return float64(int64(x*100+0.5)) / 100
}

// FormatStatistics renders the figures for people, in lang: one line a
// figure with its value, ID and label; with explain (a figure's ID, or a
// prefix such as "child.left"), only the figures under it, each followed
// by the IDs behind it.
func FormatStatistics(st *Statistics, lang rules.Lang, explain string) string {
	var b strings.Builder
	unit := st.Unit
	if unit == "" {
		unit = rules.Text{PL: "wszystkie jednostki", EN: "every unit"}.In(lang)
	}
	fmt.Fprintf(&b, "%s: %s, %s – %s\n\n", rules.Text{PL: "Statystyka", EN: "Statistics"}.In(lang), unit, st.From, st.To)
	width := 0
	for _, f := range st.Figures {
		width = max(width, len(f.ID))
	}
	for _, f := range st.Figures {
		if explain != "" && f.ID != explain && !strings.HasPrefix(f.ID, explain+".") {
			continue
		}
		fmt.Fprintf(&b, "%8s  %-*s  %s\n", FormatValue(f, lang), width, f.ID, f.Label.In(lang))
		if explain == "" {
			continue
		}
		if len(f.Cases) > 0 {
			fmt.Fprintf(&b, "%10s%s: %s\n", "", rules.Text{PL: "sprawy", EN: "cases"}.In(lang), strings.Join(f.Cases, " "))
		}
		if len(f.Workers) > 0 {
			fmt.Fprintf(&b, "%10s%s: %s\n", "", rules.Text{PL: "pracownicy", EN: "workers"}.In(lang), strings.Join(f.Workers, " "))
		}
	}
	return b.String()
}

// FormatValue renders a figure's value: a whole number for a count, two
// decimals for FTE and ratios (with a decimal comma in Polish).
func FormatValue(f Figure, lang rules.Lang) string {
	if f.Kind == KindCount {
		return fmt.Sprintf("%d", int(f.Value))
	}
	if lang == rules.Polish {
		return decimalPL(f.Value)
	}
	return fmt.Sprintf("%.2f", f.Value)
}
