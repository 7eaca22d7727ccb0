package workflow

import (
	"slices"

	"github.com/asysta/asysta/rules"
)

// TriggerInfo describes one trigger of a lifecycle as its record defines
// it (docs/workflow.md): who may fire it, where it leads, the arguments it
// takes and the obligations it opens and closes. It is read-only data for
// people and tools (asysta explain); the engine does not read it.
type TriggerInfo struct {
	Lifecycle rules.Lifecycle
	Name      string
	// Internal is set for a trigger the engine fires itself
	// (foster_family.activate).
	Internal bool
	Roles    []Role
	// Assigned: a family_assistant may fire it only on a family whose
	// assistant they are.
	Assigned bool
	Args     []ArgInfo
	Paths    []PathInfo
	// Opens lists the obligations the trigger opens or renews, each with
	// its due rule; Closes those it closes (some only in some cases: see
	// docs/glossary.md, "Obligations").
	Opens  []Duty
	Closes []string
}

// ArgInfo is one argument of a trigger.
type ArgInfo struct {
	Name     string
	Required bool
	Values   []string // the allowed codes of an enumerated argument
}

// PathInfo is one way a trigger leads: from any of the states From (the
// empty state is a declared family without a case) to one of To (several
// when the arguments or the case choose). Stays means the case keeps its
// state.
type PathInfo struct {
	From      []State
	To        []State
	Stays     bool
	Condition string // a state-level condition, e.g. "basis ≠ court_order"; "" for none
}

// Duty is an obligation a trigger opens, with the due rule that computes
// its due date.
type Duty struct {
	Obligation string
	Rule       string
}

// Describe returns the description of a trigger of a lifecycle, internal
// triggers included, or false for one that does not exist.
func Describe(l rules.Lifecycle, trigger string) (TriggerInfo, bool) {
	defs, err := definitions()
	if err != nil || defs[l] == nil {
		return TriggerInfo{}, false
	}
	r := defs[l].record(trigger)
	if r == nil {
		return TriggerInfo{}, false
	}
	info := TriggerInfo{Lifecycle: l, Name: r.name, Internal: r.internal, Roles: slices.Clone(r.roles), Assigned: r.assigned}
	for _, a := range r.args {
		info.Args = append(info.Args, ArgInfo{Name: a.name, Required: a.required, Values: slices.Clone(a.enum)})
	}
	for _, p := range r.paths {
		pi := PathInfo{From: slices.Clone(p.from)}
		switch {
		case p.choose != nil:
			pi.To = slices.Clone(p.targets)
		case p.to != "":
			pi.To = []State{p.to}
		default:
			pi.Stays = true
		}
		if p.when != nil {
			pi.Condition = p.when.name
		}
		info.Paths = append(info.Paths, pi)
	}
	for _, d := range r.duties {
		if d.rule == "" {
			if !slices.Contains(info.Closes, d.obligation) {
				info.Closes = append(info.Closes, d.obligation)
			}
			continue
		}
		if du := (Duty{d.obligation, d.rule}); !slices.Contains(info.Opens, du) {
			info.Opens = append(info.Opens, du)
		}
	}
	return info, true
}
