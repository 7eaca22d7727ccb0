package workflow

import (
	"context"
	"math"
	"slices"

	"github.com/asysta/asysta/rules"
)

// Load is a worker's load on a date, counted as the cap rules count it:
// the families an assistant works with toward assistant.max_families, the
// foster families a coordinator supports toward
// coordinator.max_foster_families, the families a social worker has in
// social work (no cap per worker).
type Load struct {
	Worker string     `json:"worker"`
	Role   Role       `json:"role"`
	On     rules.Date `json:"on"`
	// Cases are the IDs of the counted cases, sorted.
	Cases []string `json:"cases"`
	// Weight is the summed difficulty of an assistant's counted families.
	Weight float64 `json:"weight,omitempty"`
	// ZaZyciemNotCounted are the 'Za życiem' families of an assistant left
	// out of the count because assistant.count_za_zyciem_in_cap is false.
	ZaZyciemNotCounted []string `json:"za_zyciem_not_counted,omitempty"`
	// Cap is the cap in force for the role on the date (0: the role has
	// none), with the rule that enforces it and where its value comes from.
	Cap       int    `json:"cap"`
	CapRule   string `json:"cap_rule,omitempty"`
	CapSource string `json:"cap_source,omitempty"`
}

// Count returns the number of counted cases.
func (l Load) Count() int { return len(l.Cases) }

// Load returns the load of the worker with the ID on date on, under the
// rules in force. An unknown worker gives an error wrapping
// [ErrUnknownWorker]; a role without a load (an ops_head, say) gives a
// Load with no cases and no cap.
func (e *Engine) Load(ctx context.Context, worker string, on rules.Date) (_ Load, err error) {
	if ctx == nil {
		return Load{}, ErrNilContext
	}
	defer recovered(&err, worker, "load")
	w, err := e.dir.Worker(ctx, worker)
	if err != nil {
		return Load{}, err
	}
	return LoadOf(ctx, e.store, e.RuleSet(), w, on)
}

// LoadOf is [Engine.Load] for a worker already read, over store s under
// rule set rs: a report that weighs many workers takes the rule set once,
// so that a reload in the middle cannot mix two revisions' caps. The
// families are counted by [FamilyLoad], the count the assistant's cap
// rule uses.
func LoadOf(ctx context.Context, s Store, rs *rules.RuleSet, w Worker, on rules.Date) (Load, error) {
	ls, err := LoadsOf(ctx, s, rs, []Worker{w}, on)
	if err != nil {
		return Load{}, err
	}
	return ls[0], nil
}

// LoadsOf is [LoadOf] for many workers at once, in their order: the
// store is asked once ([Store.IndexMany]), not once per worker.
func LoadsOf(ctx context.Context, s Store, rs *rules.RuleSet, ws []Worker, on rules.Date) ([]Load, error) {
	out := make([]Load, len(ws))
	keys := make([]string, len(ws))
	var ask []string
	for i, w := range ws {
		out[i] = Load{Worker: w.ID, Role: w.Role, On: on, Cases: []string{}}
		keys[i], out[i].CapRule = LoadKey(w)
		if keys[i] != "" {
			ask = append(ask, keys[i])
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	filed, err := s.IndexMany(ctx, ask)
	if err != nil {
		return nil, err
	}
	count := true
	if v, ok := rs.Param("assistant.count_za_zyciem_in_cap", on); ok {
		count = v.Bool()
	}
	for i := range out {
		if keys[i] != "" {
			out[i].count(filed[keys[i]], count)
			if v, ok := rs.Param(out[i].CapRule, on); ok && out[i].CapRule != "" {
				out[i].Cap, out[i].CapSource = v.Int(), v.Source.String()
			}
		}
	}
	return out, nil
}

// LoadKey returns the index key under which a worker's load is filed and
// the rule that caps it: an assistant's families (assistant.max_families),
// a coordinator's foster families (coordinator.max_foster_families), a
// social worker's families (no cap); "" for a role without a load.
func LoadKey(w Worker) (key, capRule string) {
	switch w.Role {
	case FamilyAssistant:
		return AssistantKey(w.ID), "assistant.max_families"
	case FosterCareCoordinator:
		return CoordinatorKey(w.ID), "coordinator.max_foster_families"
	case SocialWorker:
		return SocialWorkerKey(w.ID), ""
	}
	return "", ""
}

// TallyLoad counts a worker of role r's load from the tallies of their
// key ([Store.Tally]) as [LoadsOf] counts it: an assistant's families
// toward the cap and their difficulty, and the 'Za życiem' families left
// out when countZaZyciem is false; every case for another role.
func TallyLoad(r Role, ts []Tally, countZaZyciem bool) (counted int, weight float64, zaZyciemNotCounted int) {
	for _, t := range ts {
		e := Entry{State: t.State, ZaZyciem: t.ZaZyciem}
		switch {
		case r != FamilyAssistant:
			counted += t.Cases
		case e.CountsToward(countZaZyciem):
			counted, weight = counted+t.Cases, weight+t.Difficulty
		case e.CountsToward(true):
			zaZyciemNotCounted += t.Cases
		}
	}
	return counted, RoundWeight(weight), zaZyciemNotCounted
}

// RoundWeight rounds a sum of families' difficulties to a millionth: the
// weight of an assistant's load ([FamilyLoad], [LoadsOf], [TallyLoad]).
// Difficulties such as 0.1 are not exact in binary, so their sum depends,
// in its last bits, on the order they are added in (a case's ID, a state,
// a database's scan); rounded, it does not, and a cap rule on
// worker.weight decides alike wherever the load was counted.
func RoundWeight(w float64) float64 { return math.Round(w*1e6) / 1e6 }

// count fills the load's cases from the entries filed under its worker's
// key, an assistant's counted as [FamilyLoad] counts them.
func (l *Load) count(entries []Entry, countZaZyciem bool) {
	for _, e := range entries {
		switch {
		case l.Role != FamilyAssistant:
			l.Cases = append(l.Cases, e.Case)
		case e.CountsToward(countZaZyciem):
			l.Cases, l.Weight = append(l.Cases, e.Case), l.Weight+e.Difficulty
		case e.CountsToward(true):
			l.ZaZyciemNotCounted = append(l.ZaZyciemNotCounted, e.Case)
		}
	}
	l.Weight = RoundWeight(l.Weight)
	slices.Sort(l.Cases)
	slices.Sort(l.ZaZyciemNotCounted)
}
