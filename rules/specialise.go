package rules

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// specialise compiles the rule once more for every distinct set of values
// its parameters take across the rule set's epochs, with param("id")
// replaced by the constant in force. Evaluation then picks the program of
// the epoch its date falls in: no map read, and expr folds what the
// constants decide. Epochs with the same values share one program.
func (c *compiled) specialise(r *Rule, at *rulePos, l Lifecycle, epochs []epoch) *Error {
	if len(c.params) == 0 {
		return nil
	}
	byValues := map[string]*vm.Program{}
	natives := map[*vm.Program]*native{}
	c.byEpoch = make([]*vm.Program, len(epochs))
	c.nativeByEpoch = make([]*native, len(epochs))
	for i := range epochs {
		key := epochKey(c.params, &epochs[i])
		p := byValues[key]
		if p == nil {
			var err error
			p, err = compileSafely(r.Expr, compileOptions(r, l, constPatch{values: epochs[i].values}))
			if err != nil {
				return r.compileError(at, l, err)
			}
			byValues[key] = p
			natives[p] = nativeOf(p, envType(l))
		}
		c.byEpoch[i], c.nativeByEpoch[i] = p, natives[p]
	}
	return nil
}

// epochKey identifies the values of params in one epoch.
func epochKey(params []string, ep *epoch) string {
	var b strings.Builder
	for _, id := range params {
		fmt.Fprintf(&b, "%v;", ep.values[id].Value)
	}
	return b.String()
}

// programAt returns the program to run in epoch i.
func (c *compiled) programAt(i int) *vm.Program {
	if c.byEpoch == nil || i < 0 || i >= len(c.byEpoch) {
		return c.program
	}
	return c.byEpoch[i]
}

// nativeAt returns the native form of programAt(i), or nil.
func (c *compiled) nativeAt(i int) *native {
	if c.byEpoch == nil || i < 0 || i >= len(c.byEpoch) {
		return c.native
	}
	return c.nativeByEpoch[i]
}

// constPatch replaces param("id") with the value in force in one epoch.
// The rule has already compiled with paramPatch, so every call is a
// literal, known ID.
type constPatch struct{ values map[string]ParamValue }

// Visit implements ast.Visitor.
func (p constPatch) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	if id, ok := call.Callee.(*ast.IdentifierNode); !ok || id.Value != "param" {
		return
	}
	arg, _ := singleString(call.Arguments)
	switch v := p.values[arg].Value.(type) {
	case bool:
		ast.Patch(node, &ast.BoolNode{Value: v})
	case int:
		ast.Patch(node, &ast.IntegerNode{Value: v})
	}
}
