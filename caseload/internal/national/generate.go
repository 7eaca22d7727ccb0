package national

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Caps the generator keeps to (the statute from 2015 on): nobody is ever
// over them, counting every family or foster family a worker ever had.
const (
	assistantCap     = 15
	coordinatorCap   = 15
	institutionFill  = 12 // children per institution, under the cap of 14
	perOrganizer     = 40 // foster families per extra organiser
	minInhabitants   = 1000
	inhabitantsPerSW = 2000
)

// Options configure [GenerateWith].
type Options struct {
	Seed  int64
	Scale float64    // 0 means 1.0 (national)
	AsOf  rules.Date // zero means DefaultAsOf; one before MinAsOf is taken as MinAsOf
	// Figures are the national totals; nil means [National].
	Figures *Figures
}

// Generate returns the dataset of a seed at a scale (1.0: national) as of
// [DefaultAsOf]. The same seed and scale always give the same dataset.
func Generate(seed int64, scale float64) *Dataset {
	return GenerateWith(Options{Seed: seed, Scale: scale})
}

// GenerateWith returns the dataset the options describe.
func GenerateWith(o Options) *Dataset {
	if !(o.Scale > 0 && o.Scale <= math.MaxFloat64) { // zero, negative, NaN or infinite
		o.Scale = 1
	}
	switch {
	case o.AsOf.IsZero():
		o.AsOf = DefaultAsOf
	case o.AsOf.Before(MinAsOf):
		o.AsOf = MinAsOf // the histories would start before Epoch
	}
	fig := National()
	if o.Figures != nil {
		fig = *o.Figures
	}
	g := &gen{
		r:    rand.New(rand.NewPCG(uint64(o.Seed), 0x6173797374610001)),
		asOf: o.AsOf,
		ds:   &Dataset{Seed: o.Seed, Scale: o.Scale, AsOf: o.AsOf, Figures: fig.Scaled(o.Scale)},
		next: map[string]int{},
	}
	// At least one powiat and one gmina, whatever the figures say: the
	// generator places everything in them.
	g.ds.Figures.Powiats, g.ds.Figures.Gminas = max(g.ds.Figures.Powiats, 1), max(g.ds.Figures.Gminas, 1)
	g.f = g.ds.Figures
	g.units()
	g.gminaStaff()
	g.families()
	g.fosterCare()
	return g.ds
}

type gen struct {
	r    *rand.Rand
	asOf rules.Date
	ds   *Dataset
	f    Figures
	next map[string]int // ID counters per prefix

	gminaAt    map[string]int // gmina ID → index
	assistants []assistantPost
	// current[powiat] lists the families in assistant work in its gminas,
	// whose children may be in care.
	current map[string][]string
}

type assistantPost struct {
	id, gmina, area string
}

func (g *gen) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// pick returns an index chosen with the given weights (percentages).
func (g *gen) pick(weights ...int) int {
	n := g.r.IntN(100)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *gen) id(prefix, format string) string {
	g.next[prefix]++
	return prefix + fmt.Sprintf(format, g.next[prefix])
}

// ago returns the date n days before the as-of date.
func (g *gen) ago(n int) rules.Date { return g.asOf.AddDays(-n) }

// upTo caps a date at the as-of date.
func (g *gen) upTo(d rules.Date) rules.Date {
	if d.After(g.asOf) {
		return g.asOf
	}
	return d
}

// apportion splits total in proportion to weights by largest remainders.
func apportion(total int, weights []float64) []int {
	out := make([]int, len(weights))
	if total <= 0 || len(weights) == 0 {
		return out
	}
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	type rem struct {
		i    int
		frac float64
	}
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		x := float64(total) * w / sum
		out[i] = int(x)
		given += out[i]
		rems[i] = rem{i, x - math.Floor(x)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// units makes the gminas with their inhabitants (a heavy-tailed
// distribution) and groups them into powiats.
func (g *gen) units() {
	n, p := g.f.Gminas, g.f.Powiats
	weights := make([]float64, n)
	for i := range weights {
		weights[i] = math.Exp(1.1 * g.r.NormFloat64())
	}
	inh := apportion(max(0, g.f.Inhabitants-minInhabitants*n), weights)
	g.ds.Powiats = make([]Powiat, p)
	for i := range g.ds.Powiats {
		g.ds.Powiats[i].ID = fmt.Sprintf("P%03d", i+1)
	}
	g.ds.Gminas = make([]Gmina, n)
	g.gminaAt = make(map[string]int, n)
	for k, i := range g.r.Perm(n) {
		pw := &g.ds.Powiats[k*p/n]
		people := inh[i] + minInhabitants
		g.ds.Gminas[i] = Gmina{ID: fmt.Sprintf("G%04d", i+1), Powiat: pw.ID, Inhabitants: people, Areas: min(6, 1+people/20000)}
		g.gminaAt[g.ds.Gminas[i].ID] = i
		pw.Inhabitants += people
	}
}

// gminaStaff employs each OPS's head, social workers and assistants.
func (g *gen) gminaStaff() {
	weights := make([]float64, len(g.ds.Gminas))
	for i, gm := range g.ds.Gminas {
		weights[i] = float64(gm.Inhabitants)
	}
	var perGmina []int
	if g.f.Assistants >= len(g.ds.Gminas) {
		perGmina = apportion(g.f.Assistants-len(g.ds.Gminas), weights)
		for i := range perGmina {
			perGmina[i]++
		}
	} else {
		perGmina = apportion(g.f.Assistants, weights)
	}
	for i, gm := range g.ds.Gminas {
		post := func(id string, role workflow.Role, fte float64, area string) {
			g.ds.Workers = append(g.ds.Workers, workflow.Worker{ID: id, Role: role, FTE: fte, Employer: gm.ID, Area: area, From: StaffFrom})
		}
		post(headOf(gm.ID), workflow.OPSHead, 1, "")
		// Social workers: the art. 110 norm by inhabitants, one OPS in ten
		// short of it, one in five half an FTE over.
		fte := float64(max(3, (gm.Inhabitants+inhabitantsPerSW-1)/inhabitantsPerSW))
		switch {
		case g.chance(0.1):
			fte -= 0.5 * float64(g.between(1, 3))
		case g.chance(0.2):
			fte += 0.5
		}
		for k := 1; float64(k) <= math.Ceil(fte); k++ {
			part := min(1, fte-float64(k-1))
			post(fmt.Sprintf("%s-S%02d", gm.ID, k), workflow.SocialWorker, part, "")
		}
		for k := 1; k <= perGmina[i]; k++ {
			area := fmt.Sprintf("r%d", 1+(k-1)%gm.Areas)
			fte := 1.0
			if g.chance(0.1) {
				fte = 0.5
			}
			id := fmt.Sprintf("%s-A%02d", gm.ID, k)
			post(id, workflow.FamilyAssistant, fte, area)
			g.assistants = append(g.assistants, assistantPost{id: id, gmina: gm.ID, area: area})
		}
	}
}

func (g *gen) gmina(id string) *Gmina { return &g.ds.Gminas[g.gminaAt[id]] }

func (g *gen) newFamily(gmina string) *Family {
	gm := g.gmina(gmina)
	g.ds.Families = append(g.ds.Families, Family{ID: g.id(gmina+"-F", "%05d"), Gmina: gmina,
		Area: fmt.Sprintf("r%d", g.between(1, gm.Areas)), Difficulty: g.difficulty()})
	return &g.ds.Families[len(g.ds.Families)-1]
}

func (g *gen) difficulty() float64 {
	if g.chance(0.7) {
		return 1
	}
	return []float64{0.5, 1.5, 2, 2.5, 3}[g.r.IntN(5)]
}

// families makes the family cases: the current ones spread over the
// assistants (12 on average, never over 15), the ended ones in the
// assistants' spare places, the rest in gminas by their inhabitants.
func (g *gen) families() {
	g.current = map[string][]string{}
	na := len(g.assistants)
	total := min(g.f.FamiliesWithAssistant, assistantCap*na)
	loads := make([]int, na)
	for i := range loads {
		loads[i] = total / na
		if i < total%na {
			loads[i]++
		}
	}
	for range 3 * na {
		i, j := g.r.IntN(na), g.r.IntN(na)
		if loads[i] < assistantCap && loads[j] > 6 {
			loads[i]++
			loads[j]--
		}
	}
	for i, a := range g.assistants {
		for range loads[i] {
			fam := g.newFamily(a.gmina)
			g.currentFamily(fam, a)
			g.current[g.gmina(a.gmina).Powiat] = append(g.current[g.gmina(a.gmina).Powiat], fam.ID)
		}
	}
	// Ended families take the places left under each assistant's cap, so
	// that no assistant ever had more than 15 at once.
	var slots []int
	for i := range g.assistants {
		for range assistantCap - loads[i] {
			slots = append(slots, i)
		}
	}
	g.r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	monitoring, closed := g.f.Monitoring, g.f.Closed
	if monitoring+closed > len(slots) {
		monitoring = monitoring * len(slots) / (monitoring + closed)
		closed = len(slots) - monitoring
	}
	for k, a := range slots[:monitoring+closed] {
		state := workflow.Closed
		if k < monitoring {
			state = workflow.Monitoring
		}
		g.endedFamily(g.newFamily(g.assistants[a].gmina), g.assistants[a], state)
	}
	cum := make([]int, len(g.ds.Gminas))
	sum := 0
	for i, gm := range g.ds.Gminas {
		sum += gm.Inhabitants
		cum[i] = sum
	}
	anyGmina := func() string {
		return g.ds.Gminas[sort.SearchInts(cum, 1+g.r.IntN(sum))].ID
	}
	for _, st := range []struct {
		state workflow.State
		n     int
	}{{workflow.Referred, g.f.Referred}, {workflow.Analysis, g.f.Analysis}, {workflow.AssistantRequested, g.f.Waiting}, {workflow.Declined, g.f.Declined}} {
		for range st.n {
			g.openFamily(g.newFamily(anyGmina()), st.state)
		}
	}
}

// basis draws the legal basis of assistant work.
func (g *gen) basis() workflow.Basis {
	u := g.r.Float64()
	switch {
	case u < g.f.CourtOrderedShare:
		return workflow.BasisCourt
	case u < g.f.CourtOrderedShare+g.f.ZaZyciemShare:
		return workflow.BasisZaZyciem
	case u < g.f.CourtOrderedShare+g.f.ZaZyciemShare+g.f.MandatoryShare:
		return workflow.BasisMandatory
	}
	return workflow.BasisConsent
}

// opened fills the path of a family from its referral (or 'Za życiem'
// application) to the basis for assistant work, by date by.
func (g *gen) opened(fam *Family, b workflow.Basis, by rules.Date) {
	fam.Basis = b
	if b == workflow.BasisZaZyciem {
		fam.ZaZyciemKind = []string{"pregnancy", "child_impairment"}[g.pick(60, 40)]
		fam.Referred = by.AddDays(-g.between(0, 30))
		return
	}
	at := by.AddDays(-g.between(0, 30))
	switch b {
	case workflow.BasisCourt:
		fam.CourtOrdered = at
		fam.CourtRef = fmt.Sprintf("III Nsm %d/%02d", g.between(1, 2000), at.Year%100)
		fam.ReportEvery = []int{3, 6, 6, 6, 12}[g.r.IntN(5)]
		fam.Interviewed = at.AddDays(-g.between(1, 20))
	case workflow.BasisMandatory:
		fam.Mandatory, fam.Requested = true, at
		fam.Interviewed = at.AddDays(-g.between(1, 20))
	default:
		fam.Consent = at
		fam.Requested = at.AddDays(-g.between(0, 10))
		fam.Interviewed = fam.Requested.AddDays(-g.between(1, 20))
	}
	fam.Urgent = g.chance(0.1)
	if fam.Urgent {
		fam.Referred = fam.Interviewed.AddDays(-g.between(0, 2))
	} else {
		fam.Referred = fam.Interviewed.AddDays(-g.between(1, 20))
	}
}

// rhythm returns when a periodic act due on due, last done on t, is done:
// mostly on time, sometimes late.
func (g *gen) rhythm(t, due rules.Date) rules.Date {
	next := due.AddDays(-g.between(0, 20))
	if g.chance(0.08) {
		next = due.AddDays(g.between(1, 45))
	}
	if !next.After(t) {
		next = t.AddDays(1)
	}
	return next
}

// assisted fills assistant work from assignment to stop (inclusive):
// the plan, the last periodic assessment and the last report to the court.
func (g *gen) assisted(fam *Family, a assistantPost, assigned, stop rules.Date, mayPlan bool) {
	fam.Assistant, fam.Assigned = a.id, assigned
	if approve := assigned.AddDays(g.between(7, 30)); !approve.After(stop) && !(mayPlan && g.chance(0.5)) {
		fam.PlanApproved = approve
	}
	for t := assigned; ; {
		next := g.rhythm(t, t.AddMonths(6))
		if next.After(stop) {
			break
		}
		fam.LastAssessed, fam.LastResult = next, []string{"positive", "negative"}[g.pick(90, 10)]
		t = next
	}
	if fam.Basis != workflow.BasisCourt {
		return
	}
	for t := fam.CourtOrdered; ; {
		next := g.rhythm(t, t.AddMonths(fam.ReportEvery))
		if !next.After(assigned) { // reports are the assistant's, once assigned
			next = assigned.AddDays(g.between(1, 20))
		}
		if next.After(stop) {
			break
		}
		fam.LastCourtReport = next
		t = next
	}
}

// currentFamily is a family in assistant work on the as-of date, assigned
// in the last three years.
func (g *gen) currentFamily(fam *Family, a assistantPost) {
	assigned := g.ago(g.between(1, 3*365))
	g.opened(fam, g.basis(), assigned)
	g.assisted(fam, a, assigned, g.asOf, assigned.After(g.ago(30)))
	fam.State = workflow.AssistantPlanning
	if !fam.PlanApproved.IsZero() {
		fam.State = workflow.AssistantImplementing
	}
}

var endReasons = []string{"no_cooperation", "moved_away", "child_placed_permanently", "court_decision", "other"}

// endedFamily is a family whose assistant work ended: in monitoring, or
// closed (through monitoring, a withdrawn consent or another reason).
func (g *gen) endedFamily(fam *Family, a assistantPost, state workflow.State) {
	var ended rules.Date
	path := 0 // 0: end_work with goals achieved; 1: … then end_monitoring; 2: withdraw_consent; 3: another end_work reason
	if state == workflow.Monitoring {
		ended = g.ago(g.between(1, 365))
	} else {
		ended = g.ago(g.between(31, 730))
		path = 1 + g.pick(25, 15, 60)
	}
	assigned := ended.AddDays(-g.between(60, 900))
	if earliest := Epoch.AddDays(100); assigned.Before(earliest) {
		assigned = earliest // the path before the assignment stays after Epoch
	}
	b := g.basis()
	if path == 2 && b != workflow.BasisConsent {
		path = 3 // a court-ordered family cannot end work by withdrawing consent
	}
	g.opened(fam, b, assigned)
	g.assisted(fam, a, assigned, ended.AddDays(-1), false)
	fam.State, fam.Ended = state, ended
	switch path {
	case 0, 1:
		fam.EndReason = "goals_achieved"
		if path == 1 {
			fam.MonitoringEnded = g.upTo(ended.AddDays(g.between(30, 300)))
		}
	case 2:
		fam.EndReason = "consent_withdrawn"
	default:
		fam.EndReason = endReasons[g.r.IntN(len(endReasons))]
	}
}

// openFamily is a family with no assistant: referred, in analysis,
// waiting for an assistant or declined.
func (g *gen) openFamily(fam *Family, state workflow.State) {
	fam.State = state
	fam.Urgent = state == workflow.Referred && g.chance(0.1)
	switch state {
	case workflow.Referred:
		fam.Referred = g.ago(g.between(0, 25))
	case workflow.Analysis:
		fam.Referred = g.ago(g.between(15, 120))
		fam.Interviewed = g.upTo(fam.Referred.AddDays(g.between(1, 14)))
	case workflow.Declined:
		fam.Referred = g.ago(g.between(30, 400))
		fam.Interviewed = fam.Referred.AddDays(g.between(1, 14))
		fam.Requested = fam.Interviewed.AddDays(g.between(1, 10))
		fam.Ended, fam.EndReason = g.upTo(fam.Requested.AddDays(g.between(1, 20))), "consent_refused"
	default: // waiting for an assistant
		switch g.pick(15, 5, 80) {
		case 0:
			fam.Basis = workflow.BasisCourt
			fam.Referred = g.ago(g.between(30, 200))
			fam.Interviewed = fam.Referred.AddDays(g.between(1, 14))
			fam.CourtOrdered = g.upTo(fam.Interviewed.AddDays(g.between(1, 20)))
			fam.CourtRef = fmt.Sprintf("III Nsm %d/%02d", g.between(1, 2000), fam.CourtOrdered.Year%100)
			fam.ReportEvery = []int{3, 6, 6, 12}[g.r.IntN(4)]
		case 1:
			fam.Basis, fam.ZaZyciemKind = workflow.BasisZaZyciem, []string{"pregnancy", "child_impairment"}[g.pick(60, 40)]
			fam.Referred = g.ago(g.between(0, 60))
		default:
			fam.Basis = workflow.BasisConsent
			fam.Referred = g.ago(g.between(30, 150))
			fam.Interviewed = fam.Referred.AddDays(g.between(1, 14))
			fam.Requested = fam.Interviewed.AddDays(g.between(1, 10))
			fam.Consent = g.upTo(fam.Requested.AddDays(g.between(0, 10)))
		}
	}
}

// The forms of foster families, their shares (per cent) and how many
// children they hold (each count equally likely).
var fosterForms = []struct {
	form     string
	share    int
	children []int
}{
	{workflow.FormKinship, 45, []int{1, 1, 1, 1, 2, 2, 2, 3, 3, 4}},
	{workflow.FormNonProfessional, 25, []int{1, 1, 1, 2, 2, 2, 2, 3, 3, 3}},
	{workflow.FormProfessional, 12, []int{2, 2, 2, 3, 3, 3, 3, 3, 3, 3}},
	{workflow.FormEmergency, 8, []int{1, 1, 1, 2, 2, 2, 2, 3, 3, 3}},
	{workflow.FormFamilyChildrensHome, 10, []int{4, 5, 6, 7, 8}},
}

type fosterPlan struct {
	ff       *FosterFamily
	children int
}

// fosterCare makes each powiat's foster families, coordinators,
// organisers, institutions and children in care.
func (g *gen) fosterCare() {
	weights := make([]float64, len(g.ds.Powiats))
	for i, p := range g.ds.Powiats {
		weights[i] = float64(p.Inhabitants)
	}
	ffPer := apportion(g.f.FosterFamilies, weights)
	shares := make([]int, len(fosterForms))
	for i, f := range fosterForms {
		shares[i] = f.share
	}
	plans := make([][]fosterPlan, len(g.ds.Powiats))
	inFamilies := 0
	g.ds.FosterFamilies = make([]FosterFamily, 0, g.f.FosterFamilies)
	for i, p := range g.ds.Powiats {
		for range ffPer[i] {
			f := fosterForms[g.pick(shares...)]
			g.ds.FosterFamilies = append(g.ds.FosterFamilies, FosterFamily{ID: g.id(p.ID+"-R", "%04d"), Powiat: p.ID, Form: f.form})
			n := f.children[g.r.IntN(len(f.children))]
			plans[i] = append(plans[i], fosterPlan{children: n})
			inFamilies += n
		}
	}
	// Never more children in foster families than in care.
	for inFamilies > g.f.ChildrenInCare && inFamilies > len(g.ds.FosterFamilies) {
		i := g.r.IntN(len(plans))
		if len(plans[i]) == 0 {
			continue
		}
		if k := g.r.IntN(len(plans[i])); plans[i][k].children > 1 {
			plans[i][k].children--
			inFamilies--
		}
	}
	k := 0
	for i := range plans {
		for j := range plans[i] {
			plans[i][j].ff = &g.ds.FosterFamilies[k]
			k++
		}
	}
	instPer := apportion(g.f.ChildrenInCare-inFamilies, weights)
	ffCount := make([]float64, len(g.ds.Powiats))
	for i := range ffPer {
		ffCount[i] = float64(ffPer[i]) + 1e-9 // a powiat with none still gets its share of remainders
	}
	var coordPer []int
	if g.f.Coordinators >= len(g.ds.Powiats) {
		coordPer = apportion(g.f.Coordinators-len(g.ds.Powiats), ffCount)
		for i := range coordPer {
			coordPer[i]++
		}
	} else {
		coordPer = apportion(g.f.Coordinators, ffCount)
	}
	for i, p := range g.ds.Powiats {
		g.powiat(p, plans[i], coordPer[i], instPer[i])
	}
}

func (g *gen) powiat(p Powiat, plans []fosterPlan, coordinators, inInstitutions int) {
	post := func(id string, role workflow.Role) {
		g.ds.Workers = append(g.ds.Workers, workflow.Worker{ID: id, Role: role, FTE: 1, Employer: p.ID, From: StaffFrom})
	}
	for k := 1; k <= 1+len(plans)/perOrganizer; k++ {
		post(fmt.Sprintf("%s-O%d", p.ID, k), workflow.FosterCareOrganizer)
	}
	coords := make([]string, coordinators)
	supported := make([]int, coordinators)
	for k := range coords {
		coords[k] = fmt.Sprintf("%s-K%02d", p.ID, k+1)
		post(coords[k], workflow.FosterCareCoordinator)
	}
	span := Epoch.DaysUntil(g.asOf)
	for _, pl := range plans {
		ff := pl.ff
		if ff.Form == workflow.FormEmergency {
			ff.Active = g.ago(g.between(0, 270))
		} else {
			ff.Active = g.ago(g.between(30, span))
		}
		if len(coords) > 0 && g.chance(g.f.CoordinatedShare) {
			k := 0
			for j := range coords {
				if supported[j] < supported[k] {
					k = j
				}
			}
			if supported[k] < coordinatorCap {
				supported[k]++
				from := ff.Active.AddDays(g.between(-30, 30))
				if from.Before(Epoch) {
					from = Epoch
				}
				ff.Coordinator, ff.CoordinatorFrom = coords[k], g.upTo(from)
			}
		}
		for c := range pl.children {
			placed := ff.Active
			if c > 0 {
				placed = ff.Active.AddDays(g.between(0, ff.Active.DaysUntil(g.asOf)))
			}
			child := g.child(p.ID, ff.Form, ff.ID, placed)
			if c == 0 {
				ff.FirstChild = child.ID
			}
		}
		g.fosterAssessments(ff)
	}
	institutions := (inInstitutions + institutionFill - 1) / institutionFill
	var ids []string
	for range institutions {
		id := g.id(p.ID+"-I", "%03d")
		ids = append(ids, id)
		g.ds.Institutions = append(g.ds.Institutions, Institution{ID: id, Powiat: p.ID})
		// A director's employer is their institution: they act on its
		// children only (docs/legal.md, "Decided readings").
		g.ds.Workers = append(g.ds.Workers, workflow.Worker{ID: directorOf(id), Role: workflow.InstitutionDirector, FTE: 1, Employer: id, From: StaffFrom})
	}
	for k := range inInstitutions {
		span := min(7*365, span)
		g.child(p.ID, workflow.FormInstitution, ids[k%institutions], g.ago(g.between(1, span)))
	}
}

// child makes a child placed on placed with a carer, with the periodic
// acts up to the as-of date and, for a few, a return home proposed or a
// referral for adoption.
func (g *gen) child(powiat, form, carer string, placed rules.Date) *Child {
	c := Child{ID: g.id(powiat+"-C", "%06d"), Powiat: powiat, Form: form, Carer: carer, Placed: placed,
		CourtRef: fmt.Sprintf("III Nsm %d/%02d", g.between(1, 3000), placed.Year%100)}
	youngest := g.asOf.AddYears(-18).AddDays(1) // under 18 on the as-of date
	switch {
	case form != workflow.FormInstitution:
		lo := maxDate(youngest, placed.AddYears(-15))
		c.Born = lo.AddDays(g.between(0, lo.DaysUntil(placed)))
	case g.chance(0.05): // younger, with an exception of art. 95 ust. 2
		lo := maxDate(youngest, placed.AddYears(-9))
		c.Born = lo.AddDays(g.between(0, lo.DaysUntil(placed.AddYears(-3))))
		c.Exception = []string{"siblings", "health"}[g.r.IntN(2)]
	default: // over 10 on the placement date (art. 95 ust. 1)
		hi := placed.AddYears(-10).AddDays(-2)
		c.Born = youngest.AddDays(g.between(0, youngest.DaysUntil(hi)))
	}
	if list := g.current[powiat]; len(list) > 0 && g.chance(0.15) {
		c.Family = list[g.r.IntN(len(list))]
	}
	stop := g.asOf
	inCare := placed.DaysUntil(g.asOf)
	switch {
	case form == workflow.FormEmergency:
		if inCare > 110 && g.chance(0.7) {
			c.Extended = placed.AddDays(g.between(100, min(120, inCare)))
		}
	case inCare > 90 && g.chance(0.03):
		c.ProposedReturn = g.ago(g.between(1, min(60, inCare-31)))
		stop = c.ProposedReturn.AddDays(-1)
	case inCare > 400 && g.chance(0.02):
		c.Settled = placed.AddDays(g.between(120, min(300, inCare-60)))
		c.ReferredForAdoption = c.Settled.AddDays(g.between(1, 30))
		stop = c.ReferredForAdoption.AddDays(-1)
	case inCare > 548 && g.chance(0.6), inCare > 365 && g.chance(0.2):
		// Most children long in care have their legal status settled.
		c.Settled = placed.AddDays(g.between(120, min(700, inCare-1)))
	}
	for t := placed; ; {
		months := 6
		if rules.AgeOn(c.Born, t) < 3 {
			months = 3
		}
		next := g.rhythm(t, t.AddMonths(months))
		if next.After(stop) {
			break
		}
		c.LastReview, t = next, next
	}
	if form != workflow.FormInstitution {
		for t := placed; ; {
			next := g.rhythm(t, t.AddMonths(6))
			if next.After(stop) {
				break
			}
			c.LastCourtReport, t = next, next
		}
	}
	g.ds.Children = append(g.ds.Children, c)
	return &g.ds.Children[len(g.ds.Children)-1]
}

// fosterAssessments are a foster family's assessments (art. 134 UWR): a
// year after its first child, a year later, then every three years, six
// months after a negative one.
func (g *gen) fosterAssessments(ff *FosterFamily) {
	t := ff.Active
	for n := 0; ; n++ {
		months := 36
		switch {
		case n > 0 && ff.Assessments[n-1].Result == "negative":
			months = 6
		case n <= 1:
			months = 12
		}
		next := g.rhythm(t, t.AddMonths(months))
		if next.After(g.asOf) {
			return
		}
		by := organizerOf(ff.Powiat)
		if ff.Coordinator != "" && !next.Before(ff.CoordinatorFrom) {
			by = ff.Coordinator
		}
		ff.Assessments = append(ff.Assessments, Assessment{On: next, Result: []string{"positive", "negative"}[g.pick(92, 8)], By: by})
		t = next
	}
}

func maxDate(a, b rules.Date) rules.Date {
	if a.After(b) {
		return a
	}
	return b
}
