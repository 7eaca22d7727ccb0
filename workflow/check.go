package workflow

import (
	"context"
	"fmt"

	"github.com/asysta/asysta/rules"
)

// Check runs every check Fire would run (role, state, arguments, rules)
// without changing anything, and returns the rules' decision. A refusal
// is returned as the same typed error Fire would give; a denial also
// returns its decision. Use it to show a worker what would happen, or to
// test an assignment before proposing it.
func (e *Engine) Check(ctx context.Context, caseID string, cmd Command) (dec rules.Decision, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("workflow: %s %s: internal error: %v", caseID, cmd.Trigger, r)
		}
	}()
	c, err := e.store.Get(ctx, caseID)
	if err != nil {
		return dec, caseError(caseID, err)
	}
	if cmd.Version != 0 && cmd.Version != c.Version {
		return dec, &ConflictError{Case: caseID, Want: cmd.Version, Got: c.Version}
	}
	cl := newCall(ctx, e, c, cmd)
	if err := cl.check(); err != nil {
		return dec, err
	}
	if dec, err = cl.decide(); err != nil {
		return dec, err
	}
	if !dec.Allowed {
		return dec, &DeniedError{Case: caseID, Decision: dec}
	}
	return dec, nil
}
