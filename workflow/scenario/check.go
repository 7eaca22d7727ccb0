package scenario

import (
	"context"
	"fmt"
	"strconv"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// check verifies one expectation on the world on date on.
func (r *runner) check(ctx context.Context, on rules.Date, c Check) {
	if c.Kind == CheckLoad {
		r.checkLoad(ctx, on, c)
		return
	}
	cs, err := r.e.Case(ctx, c.Case)
	if err != nil {
		r.failCheck(c, rules.Text{PL: "sprawy " + c.Case, EN: "case " + c.Case}, describe(err))
		return
	}
	switch c.Kind {
	case CheckState:
		if !cs.State.In(workflow.State(c.State)) {
			r.failCheck(c, texts("%s w stanie %s", "%s in state %s", c.Case, c.State), texts("stan %s", "state %s", stateName(cs.State)))
		}
	case CheckDue:
		o, ok := obligationOf(cs, c)
		switch {
		case !ok:
			r.failCheck(c, texts("%s %s z terminem %s", "%s %s due %s", c.Case, c.Obligation, c.Date),
				texts("brak otwartego obowiązku %s", "no open %s", c.Obligation))
		case o.Due != c.Date:
			r.failCheck(c, texts("%s %s z terminem %s", "%s %s due %s", c.Case, c.Obligation, c.Date),
				texts("termin %s", "due %s", o.Due))
		}
	case CheckNotDue:
		if o, ok := obligationOf(cs, c); ok {
			r.failCheck(c, texts("braku otwartego obowiązku %s %s", "no open %s %s", c.Case, c.Obligation),
				texts("otwarty z terminem %s", "open, due %s", o.Due))
		}
	case CheckOverdue:
		o, ok := obligationOf(cs, c)
		if !ok || !o.Overdue(on) {
			got := texts("brak otwartego obowiązku", "not open")
			if ok {
				got = texts("termin %s, jeszcze nie minął", "due %s, not yet overdue", o.Due)
			}
			r.failCheck(c, texts("%s %s po terminie w dniu %s", "%s %s overdue on %s", c.Case, c.Obligation, on), got)
		}
	}
}

// obligationOf returns the open obligation a check names: by its ID and,
// when the check gives one, its ref.
func obligationOf(cs *workflow.Case, c Check) (workflow.Obligation, bool) {
	if c.Ref != "" {
		return cs.ObligationRef(c.Obligation, c.Ref)
	}
	return cs.Obligation(c.Obligation)
}

// checkLoad compares a worker's load: families counted toward an
// assistant's cap, or foster families supported by a coordinator.
func (r *runner) checkLoad(ctx context.Context, on rules.Date, c Check) {
	l, err := r.e.Load(ctx, c.Worker, on)
	switch {
	case err != nil:
		r.failCheck(c, texts("obciążenia %s", "the load of %s", c.Worker), describe(err))
	case l.Cap == 0 && l.Role != workflow.SocialWorker:
		r.failCheck(c, texts("obciążenia %s", "the load of %s", c.Worker),
			texts("rola %s nie ma limitu spraw", "role %s has no caseload cap", l.Role))
	case l.Count() != c.Load:
		r.failCheck(c, texts("obciążenia %s równego %d", "load of %s = %d", c.Worker, c.Load), texts("%d", "%d", l.Count()))
	}
}

func texts(pl, en string, a ...any) rules.Text {
	return rules.Text{PL: fmt.Sprintf(pl, a...), EN: fmt.Sprintf(en, a...)}
}

func stateName(s workflow.State) string {
	if s == "" {
		return strconv.Quote("") + " (no case)"
	}
	return string(s)
}
