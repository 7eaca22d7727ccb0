package caseload

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// StaffingInput describes one OPS (or PCPR) for a staffing report: its ID
// as workers' Employer, and the figures the norms are computed from.
type StaffingInput struct {
	Unit        string `json:"unit"`
	Name        string `json:"name,omitempty"`
	Inhabitants int    `json:"inhabitants"`
	// SocialWorkFamilies is the number of families and single-person
	// households covered by social work; 0 when not known, in which case
	// only the inhabitants' ratio is applied.
	SocialWorkFamilies int `json:"social_work_families,omitempty"`
}

// SocialWorkerNorm is the art. 110 ust. 11–12 UPS norm for one OPS.
type SocialWorkerNorm struct {
	FTE float64 `json:"fte"` // social workers employed, in full-time equivalents
	// ByInhabitants and ByFamilies are the FTE each ratio requires;
	// ByFamilies is 0 when the number of families is not known.
	ByInhabitants int `json:"by_inhabitants"`
	ByFamilies    int `json:"by_families,omitempty"`
	Minimum       int `json:"minimum"`
	// Required is what the OPS needs: the lower of the two ratios (the
	// statute says "or"), and never less than Minimum.
	Required int    `json:"required"`
	Met      bool   `json:"met"`
	Basis    string `json:"basis"`
	// CasesInSocialWork counts the family cases the unit's social workers
	// have in social work in asysta, for information: the norm counts every
	// family and household in social work, of which these are a part, so
	// it is never computed from them.
	CasesInSocialWork int `json:"cases_in_social_work"`
}

// Violation is one breach found by a report, with the rule or parameter
// that it breaches.
type Violation struct {
	Rule   string     `json:"rule"`
	Worker string     `json:"worker,omitempty"`
	Msg    rules.Text `json:"message"`
}

// StaffingReport is the staffing norms of one OPS or PCPR on a date, for
// the annual report to the council (art. 179 UWR).
type StaffingReport struct {
	Unit          string           `json:"unit"`
	Name          string           `json:"name,omitempty"`
	On            rules.Date       `json:"on"`
	Revision      string           `json:"revision"`
	SocialWorkers SocialWorkerNorm `json:"social_workers"`
	// SocialWorkerLoads are the family cases each social worker has in
	// social work (no cap: for information).
	SocialWorkerLoads []Load      `json:"social_worker_loads"`
	Assistants        []Load      `json:"assistants"`
	Coordinators      []Load      `json:"coordinators"`
	Violations        []Violation `json:"violations"`
}

// Staffing reports the norms of one unit on a date: the social workers the
// statute requires against those employed, and every assistant's and
// coordinator's load against the cap, each breach with its rule ID.
func (c *Caseload) Staffing(ctx context.Context, in StaffingInput, on rules.Date) (StaffingReport, error) {
	rs := c.e.RuleSet()
	rep := StaffingReport{Unit: in.Unit, Name: in.Name, On: on, Revision: rs.Revision()}
	norm, err := socialWorkerNorm(rs, in, on)
	if err != nil {
		return rep, err
	}
	staff := c.reg.Employees(in.Unit, on, func(w workflow.Worker) bool {
		return w.Role == workflow.SocialWorker || w.Role == workflow.FamilyAssistant || w.Role == workflow.FosterCareCoordinator
	})
	loads, err := c.loadsOf(ctx, staff, on, rs)
	if err != nil {
		return rep, err
	}
	for i, w := range staff {
		l := loads[i]
		if w.Role == workflow.SocialWorker {
			norm.FTE += w.EffectiveFTE()
			norm.CasesInSocialWork += l.SocialWorkFamilies
			rep.SocialWorkerLoads = append(rep.SocialWorkerLoads, l)
			continue
		}
		rep.addLoad(l)
	}
	norm.Met = norm.FTE+1e-9 >= float64(norm.Required)
	rep.SocialWorkers = norm
	rep.checkNorm()
	return rep, nil
}

func socialWorkerNorm(rs *rules.RuleSet, in StaffingInput, on rules.Date) (SocialWorkerNorm, error) {
	get := func(id string) (int, error) {
		v, ok := rs.Param(id, on)
		if !ok || v.Int() <= 0 {
			return 0, &notInForceError{id: id, on: on}
		}
		return v.Int(), nil
	}
	perInh, err1 := get("social_worker.inhabitants_per_fte")
	perFam, err2 := get("social_worker.families_per_fte")
	minFTE, err3 := get("social_worker.min_fte")
	if err := firstErr(err1, err2, err3); err != nil {
		return SocialWorkerNorm{}, err
	}
	n := SocialWorkerNorm{ByInhabitants: ceilDiv(in.Inhabitants, perInh), Minimum: minFTE, Basis: "art. 110 ust. 11–12 UPS"}
	n.Required = n.ByInhabitants
	if in.SocialWorkFamilies > 0 {
		n.ByFamilies = ceilDiv(in.SocialWorkFamilies, perFam)
		n.Required = min(n.ByInhabitants, n.ByFamilies)
	}
	n.Required = max(n.Required, n.Minimum)
	return n, nil
}

func ceilDiv(a, b int) int { return int(math.Ceil(float64(a) / float64(b))) }

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (rep *StaffingReport) addLoad(l Load) {
	if l.Role == workflow.FosterCareCoordinator {
		rep.Coordinators = append(rep.Coordinators, l)
	} else {
		rep.Assistants = append(rep.Assistants, l)
	}
	if l.Over() {
		rep.Violations = append(rep.Violations, Violation{Rule: l.CapRule, Worker: l.Worker, Msg: rules.Text{
			PL: fmt.Sprintf("%s prowadzi %d spraw przy limicie %d: nowe przydziały są wstrzymane", l.Worker, l.Count(), l.Cap),
			EN: fmt.Sprintf("%s holds %d cases against a cap of %d: new assignments are refused", l.Worker, l.Count(), l.Cap)}})
	}
}

func (rep *StaffingReport) checkNorm() {
	n := rep.SocialWorkers
	if n.FTE+1e-9 < float64(n.Minimum) {
		rep.Violations = append(rep.Violations, Violation{Rule: "social_worker.min_fte", Msg: rules.Text{
			PL: fmt.Sprintf("ośrodek zatrudnia %s etatu pracowników socjalnych, a minimum to %d", decimalPL(n.FTE), n.Minimum),
			EN: fmt.Sprintf("the centre employs %.2f FTE of social workers against a minimum of %d", n.FTE, n.Minimum)}})
	}
	// The ratio is breached when it asks for more than the minimum and the
	// centre has less, whether or not it also falls below the minimum.
	if !n.Met && n.Required > n.Minimum {
		rule := "social_worker.inhabitants_per_fte"
		if n.ByFamilies > 0 && n.ByFamilies < n.ByInhabitants {
			rule = "social_worker.families_per_fte"
		}
		rep.Violations = append(rep.Violations, Violation{Rule: rule, Msg: rules.Text{
			PL: fmt.Sprintf("ośrodek zatrudnia %s etatu pracowników socjalnych, a norma wymaga %d", decimalPL(n.FTE), n.Required),
			EN: fmt.Sprintf("the centre employs %.2f FTE of social workers; the norm requires %d", n.FTE, n.Required)}})
	}
}

// notInForceError is a staffing norm's parameter missing on a date, e.g.
// before the statutory catalogue starts. It matches [rules.ErrNotInForce].
type notInForceError struct {
	id string
	on rules.Date
}

// Error returns the problem in English.
func (e *notInForceError) Error() string { return e.Localize(rules.English) }

// Localize returns the problem in lang.
func (e *notInForceError) Localize(lang rules.Lang) string {
	return rules.Text{PL: fmt.Sprintf("caseload: parametr %s nie obowiązuje w dniu %s", e.id, e.on),
		EN: fmt.Sprintf("caseload: parameter %s is not in force on %s", e.id, e.on)}.In(lang)
}

// Unwrap returns rules.ErrNotInForce.
func (e *notInForceError) Unwrap() error { return rules.ErrNotInForce }

// decimalPL prints x with two decimals and a decimal comma, as Polish
// writes it: 0,50.
func decimalPL(x float64) string { return strings.Replace(fmt.Sprintf("%.2f", x), ".", ",", 1) }
