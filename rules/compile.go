package rules

import (
	"errors"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// maxNodes bounds the size of a rule's expression; municipal rules are a
// line or two.
const maxNodes = 1000

// memoryBudget bounds what one evaluation may allocate inside the VM.
const memoryBudget = 100_000

var timeType = reflect.TypeOf(time.Time{})

// compiled is a rule's expression compiled for one lifecycle's environment.
type compiled struct {
	program *vm.Program
	params  []string // parameter IDs the expression reads, in order of first use
}

// compileRule compiles r for every lifecycle its triggers belong to. It
// returns every problem found.
func compileRule(r *Rule, triggers []Trigger, catalogue map[string]*Parameter) (map[Lifecycle]*compiled, Errors) {
	out := make(map[Lifecycle]*compiled)
	var errs Errors
	for _, t := range triggers {
		if out[t.Lifecycle] != nil {
			continue
		}
		c, err := compileFor(r, t.Lifecycle, catalogue)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[t.Lifecycle] = c
	}
	return out, errs
}

// compileFor compiles r against the environment of lifecycle l.
func compileFor(r *Rule, l Lifecycle, catalogue map[string]*Parameter) (*compiled, *Error) {
	patch := &paramPatch{catalogue: catalogue}
	opts := append([]expr.Option{
		expr.Env(newEnv(l)),
		expr.DisableBuiltin("now"),
		expr.Timezone("UTC"),
		expr.MaxNodes(maxNodes),
		expr.Patch(patch),
	}, functionOptions...)
	if r.Kind == KindGuard {
		opts = append(opts, expr.AsBool())
	}
	program, err := compileSafely(r.Expr, opts)
	if patch.err != nil {
		return nil, r.exprError(patch.err.loc, CodeExprType, patch.err.msg, nil)
	}
	if err != nil {
		return nil, r.compileError(l, err)
	}
	if e := r.checkResultType(l, program); e != nil {
		return nil, e
	}
	return &compiled{program: program, params: patch.used}, nil
}

// compileSafely runs expr.Compile, turning a panic inside it into an error:
// configuration input must never crash the loader.
func compileSafely(src string, opts []expr.Option) (p *vm.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, errors.New("the expression cannot be compiled")
		}
	}()
	return expr.Compile(src, opts...)
}

// checkResultType checks that a limit yields a number and a due rule a date.
func (r *Rule) checkResultType(l Lifecycle, p *vm.Program) *Error {
	t := p.Node().Type()
	var ok bool
	var want Text
	switch r.Kind {
	case KindLimit:
		ok = t != nil && (t.Kind() == reflect.Int || t.Kind() == reflect.Float64)
		want = Text{"liczby", "a number"}
	case KindDue:
		ok = t == timeType
		want = Text{"daty", "a date"}
	default:
		return nil
	}
	if ok {
		return nil
	}
	got := "unknown"
	if t != nil {
		got = t.String()
	}
	return r.exprError(file.Location{}, CodeExprType, textf(
		"reguła rodzaju %s powinna dawać wartość %s, a daje %s (cykl życia %s)",
		"a %s rule must yield %s, this one yields %s (lifecycle %s)",
		r.Kind, want.PL, got, l), nil)
}

// compileError turns an expr compile error into a positioned *Error.
func (r *Rule) compileError(l Lifecycle, err error) *Error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return r.exprError(file.Location{}, CodeExprSyntax, textf("%s", "%s", err.Error()), err)
	}
	code := CodeExprType
	if isSyntaxMessage(fe.Message) {
		code = CodeExprSyntax
	}
	msg := fe.Message
	if strings.HasPrefix(msg, "expected bool") {
		msg = "a guard must yield a bool (true lets the trigger through); " + msg
	}
	return r.exprError(fe.Location, code, Text{
		PL: "błąd w wyrażeniu (cykl życia " + string(l) + "): " + msg,
		EN: "expression error (lifecycle " + string(l) + "): " + msg,
	}, err)
}

func isSyntaxMessage(m string) bool {
	for _, p := range []string{"unexpected token", "unexpected end", "unclosed", "invalid", "literal not terminated", "unrecognized character"} {
		if strings.Contains(m, p) {
			return true
		}
	}
	return false
}

// exprError builds an error positioned at rune offset loc.From of the
// expression, mapped into the file, with a caret snippet.
func (r *Rule) exprError(loc file.Location, code Code, msg Text, err error) *Error {
	line, col, text := exprLineCol(r.Expr, loc.From)
	e := &Error{File: r.Source.File, Line: r.Source.Line, Col: r.Source.Col, ID: r.ID, Code: code, Msg: msg, Err: err}
	if r.exprAt.line > 0 {
		e.Line, e.Col = r.exprAt.fileLineCol(line, col)
	}
	e.Snippet = " | " + text + "\n | " + strings.Repeat(" ", col-1) + "^"
	return e
}

// exprLineCol returns the 1-based line and column of rune offset off in src,
// and the text of that line.
func exprLineCol(src string, off int) (line, col int, text string) {
	line, col = 1, 1
	start := 0
	for i, ch := range src {
		if off == 0 {
			break
		}
		off--
		if ch == '\n' {
			line, col, start = line+1, 1, i+1
			continue
		}
		col++
	}
	end := strings.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src) - start
	}
	text = strings.ReplaceAll(src[start:start+end], "\t", " ")
	return line, min(col, utf8.RuneCountInString(text)+1), text
}

// fileLineCol maps a line and column inside an expression to the file.
func (p exprPos) fileLineCol(line, col int) (int, int) {
	switch {
	case p.block:
		return p.line + line, p.col + col - 1
	case line > 1:
		return p.line + line - 1, col
	case p.quoted:
		return p.line, p.col + col
	}
	return p.line, p.col + col - 1
}

// paramPatch rewrites param("id") into a typed read of the parameter maps in
// Base, so that a parameter's type is checked at load and reading it costs
// a map lookup. Unknown IDs and non-literal arguments are load errors.
type paramPatch struct {
	catalogue map[string]*Parameter
	used      []string
	err       *patchError
}

type patchError struct {
	loc file.Location
	msg Text
}

// Visit implements ast.Visitor.
func (p *paramPatch) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	if id, ok := call.Callee.(*ast.IdentifierNode); !ok || id.Value != "param" {
		return
	}
	arg, ok := singleString(call.Arguments)
	if !ok {
		p.fail(call.Location(), Text{`param przyjmuje jeden identyfikator parametru w cudzysłowie, np. param("assistant.max_families")`,
			`param takes one quoted parameter ID, e.g. param("assistant.max_families")`})
		ast.Patch(node, &ast.IntegerNode{Value: 0})
		return
	}
	param := p.catalogue[arg]
	if param == nil {
		p.fail(call.Arguments[0].Location(), textf("nieznany parametr %q; zob. asysta params", "unknown parameter %q; see asysta params", arg))
		ast.Patch(node, &ast.IntegerNode{Value: 0})
		return
	}
	field := "__param_int"
	if param.Type == TypeBool {
		field = "__param_bool"
	}
	if !containsString(p.used, arg) {
		p.used = append(p.used, arg)
	}
	ast.Patch(node, &ast.MemberNode{Node: &ast.IdentifierNode{Value: field}, Property: &ast.StringNode{Value: arg}})
}

func (p *paramPatch) fail(loc file.Location, msg Text) {
	if p.err == nil {
		p.err = &patchError{loc: loc, msg: msg}
	}
}

func singleString(args []ast.Node) (string, bool) {
	if len(args) != 1 {
		return "", false
	}
	s, ok := args[0].(*ast.StringNode)
	if !ok {
		return "", false
	}
	return s.Value, true
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
