package pgstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// An event is stored as the JSON encoding/json gives it, with two
// exceptions that keep it exact (as [workflow.MemoryStore] keeps it):
// non-nil empty Args are stored as {} (not left out), so they come back
// empty rather than nil; and a whole float64 among the arguments and the
// decision's parameter values is written with a ".0" (jsonb keeps it), so
// that it comes back a float64 while a number without a fraction or an
// exponent comes back an int.
//
// rules.Trigger, rules.Kind and rules.Severity have UnmarshalText, but
// rules.Trigger's accepts only the triggers of the rules compiled in, and
// an empty kind or severity is an error: a history written under another
// rule set must stay readable, so decodeEvent reads those three through
// the mirror types below and restores them leniently.

// eventRecord is a workflow.Event as written: its Args are left out only
// when nil (the outer field shadows the embedded one for encoding/json).
type eventRecord struct {
	workflow.Event
	Args map[string]any `json:"args,omitzero"`
}

// encodeEvent returns the JSON of ev as stored.
func encodeEvent(ev workflow.Event) ([]byte, error) {
	if ev.Decision != nil && slices.ContainsFunc(ev.Decision.Params, func(p rules.ParamUse) bool { return hasWholeFloat(p.Value) }) {
		d := *ev.Decision
		d.Params = slices.Clone(d.Params)
		for i := range d.Params {
			d.Params[i].Value = markFloats(d.Params[i].Value)
		}
		ev.Decision = &d
	}
	rec := eventRecord{Event: ev, Args: ev.Args}
	if hasWholeFloat(map[string]any(ev.Args)) {
		rec.Args = markFloats(ev.Args).(map[string]any)
	}
	return json.Marshal(rec)
}

// hasWholeFloat reports a float64 with no fraction in v, a value of Args
// (bools, numbers, strings, and lists and maps of them).
func hasWholeFloat(v any) bool {
	switch v := v.(type) {
	case float64:
		return isWhole(v)
	case float32:
		return isWhole(float64(v))
	case map[string]any:
		for _, x := range v {
			if hasWholeFloat(x) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(v, hasWholeFloat)
	}
	return false
}

func isWhole(f float64) bool { return f == math.Trunc(f) && !math.IsInf(f, 0) }

// markFloats returns v with every whole float64 replaced by its JSON
// number with ".0" appended (or in exponent form), copying the maps and
// lists on the way.
func markFloats(v any) any {
	switch v := v.(type) {
	case float64:
		if isWhole(v) {
			s := strconv.FormatFloat(v, 'g', -1, 64)
			if !strings.ContainsAny(s, ".e") {
				s += ".0"
			}
			return json.Number(s)
		}
	case float32:
		if isWhole(float64(v)) {
			return markFloats(float64(v))
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = markFloats(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = markFloats(x)
		}
		return out
	}
	return v
}

// numbers turns the json.Numbers of v (decoded with UseNumber) into an
// int, when written without a fraction or exponent and in range, or else a
// float64.
func numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		s := string(v)
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 0); err == nil {
				return int(n)
			}
		}
		f, _ := v.Float64() // valid JSON: ±Inf only when out of range
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = numbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = numbers(x)
		}
	}
	return v
}

// storedEvent is a workflow.Event whose decision is read as storedDecision
// (the outer field shadows the embedded one for encoding/json).
type storedEvent struct {
	workflow.Event
	Args     map[string]any  `json:"args"`
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
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&se); err != nil {
		return workflow.Event{}, err
	}
	ev := se.Event
	ev.Args = se.Args
	if ev.Args != nil {
		numbers(ev.Args)
	}
	ev.Decision = nil
	if sd := se.Decision; sd != nil {
		d := sd.Decision
		for i := range d.Params {
			d.Params[i].Value = numbers(d.Params[i].Value)
		}
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
