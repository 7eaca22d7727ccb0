package workflow

import (
	"slices"

	"github.com/asysta/asysta/rules"
)

// States returns every state of a lifecycle, superstates included, in the
// contract's order. For the family lifecycle the first is "", the declared
// family with no case yet.
func States(l rules.Lifecycle) []State {
	defs, err := definitions()
	if err != nil || defs[l] == nil {
		return nil
	}
	return slices.Clone(defs[l].states)
}

// Triggers returns the triggers a user may fire in a lifecycle, in the
// contract's order (the engine's own activate is left out).
func Triggers(l rules.Lifecycle) []string {
	defs, err := definitions()
	if err != nil || defs[l] == nil {
		return nil
	}
	var out []string
	for _, name := range defs[l].triggers() {
		if trs := defs[l].byTrigger(name); !trs[0].internal {
			out = append(out, name)
		}
	}
	return out
}

// RolesFor returns the roles that may fire a trigger of a lifecycle.
func RolesFor(l rules.Lifecycle, trigger string) []Role {
	defs, err := definitions()
	if err != nil || defs[l] == nil {
		return nil
	}
	if trs := defs[l].byTrigger(trigger); len(trs) > 0 {
		return slices.Clone(trs[0].roles)
	}
	return nil
}
