package pgstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// An event is stored as the JSON encoding/json gives it. Part of a
// rules.Decision encodes to text that encoding/json cannot decode back:
// rules.Trigger ("family.assess"), rules.Kind ("guard") and rules.Severity
// ("block") have MarshalText but no UnmarshalText. decodeEvent reads those
// through the mirror types below and restores them.

// storedEvent is a workflow.Event whose decision is read as storedDecision
// (the outer field shadows the embedded one for encoding/json).
type storedEvent struct {
	workflow.Event
	Decision *storedDecision `json:"decision,omitempty"`
}

type storedDecision struct {
	rules.Decision
	Trigger string       `json:"trigger"`
	Rules   []storedRule `json:"rules"`
}

type storedRule struct {
	rules.RuleResult
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
}

// decodeEvent decodes an event as stored.
func decodeEvent(raw []byte) (workflow.Event, error) {
	var se storedEvent
	if err := json.Unmarshal(raw, &se); err != nil {
		return workflow.Event{}, err
	}
	ev := se.Event
	ev.Decision = nil
	if sd := se.Decision; sd != nil {
		d := sd.Decision
		lc, name, ok := strings.Cut(sd.Trigger, ".")
		if !ok && sd.Trigger != "" {
			return workflow.Event{}, fmt.Errorf("decision trigger %q: want lifecycle.name", sd.Trigger)
		}
		d.Trigger = rules.Trigger{Lifecycle: rules.Lifecycle(lc), Name: name}
		d.Rules = nil
		if sd.Rules != nil {
			d.Rules = make([]rules.RuleResult, len(sd.Rules))
		}
		for i, r := range sd.Rules {
			rr := r.RuleResult
			switch r.Kind {
			case "guard", "":
				rr.Kind = rules.KindGuard
			case "limit":
				rr.Kind = rules.KindLimit
			case "due":
				rr.Kind = rules.KindDue
			default:
				return workflow.Event{}, fmt.Errorf("decision rule %s: unknown kind %q", rr.Rule, r.Kind)
			}
			switch r.Severity {
			case "block", "":
				rr.Severity = rules.Block
			case "warn":
				rr.Severity = rules.Warn
			default:
				return workflow.Event{}, fmt.Errorf("decision rule %s: unknown severity %q", rr.Rule, r.Severity)
			}
			d.Rules[i] = rr
		}
		ev.Decision = &d
	}
	return ev, nil
}
