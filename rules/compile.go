package rules

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// maxNodes bounds the size of a rule's expression; municipal rules are a
// line or two.
const maxNodes = 1000

// memoryBudget bounds what one evaluation may allocate inside the VM.
const memoryBudget = 100_000

// maxDepth bounds the nesting of brackets in a rule's expression: expr's
// parser recurses on them, and a file of a million "(" would otherwise
// overflow the stack, which no recover can catch.
const maxDepth = 100

// safeBuiltins are the expr builtins a rule may call. The others either loop
// over collections (all, map, reduce, …), which multiplies the cost of every
// call in their body, or build values whose size the VM's memory budget does
// not count (replace, toJSON, …), so that one rule could run for minutes or
// allocate gigabytes. A rule's environment holds no collections; municipal
// rules need none of them. now is left out on purpose: the as-of date is
// always an input.
var safeBuiltins = []string{"len", "abs", "ceil", "floor", "round", "int", "float", "string",
	"trim", "trimPrefix", "trimSuffix", "upper", "lower", "indexOf", "lastIndexOf", "hasPrefix", "hasSuffix",
	"max", "min", "date", "duration", "first", "last", "get", "type"}

// sandbox is the options that keep one evaluation bounded in time and
// memory; see safeBuiltins and [paramPatch] (which also rejects let).
var sandbox = func() []expr.Option {
	opts := []expr.Option{expr.DisableAllBuiltins(), expr.MaxNodes(maxNodes)}
	for _, name := range safeBuiltins {
		opts = append(opts, expr.EnableBuiltin(name))
	}
	return opts
}()

var timeType = reflect.TypeOf(time.Time{})

// compiled is a rule's expression compiled for one lifecycle's environment.
type compiled struct {
	program *vm.Program
	params  []string // parameter IDs the expression reads, in order of first use
	reads   []string // the variables it reads ("family.children", or a whole "family")
}

// compileRule compiles r for every lifecycle its triggers belong to. It
// returns every problem found. at, when not nil, locates the rule's parts in
// its file.
func compileRule(r *Rule, at *rulePos, triggers []Trigger, catalogue map[string]*Parameter) (map[Lifecycle]*compiled, Errors) {
	out := make(map[Lifecycle]*compiled)
	tried := make(map[Lifecycle]bool)
	var errs Errors
	for _, t := range triggers {
		if tried[t.Lifecycle] {
			continue // one compilation (and one report of its errors) per lifecycle
		}
		tried[t.Lifecycle] = true
		c, err := compileFor(r, at, t.Lifecycle, catalogue)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[t.Lifecycle] = c
	}
	reported := map[[2]int]bool{} // one report of a read, on the first trigger that does not fill it
	for _, t := range triggers {
		if c := out[t.Lifecycle]; c != nil {
			if err := r.checkFilled(at, c, t); err != nil && !reported[[2]int{err.Line, err.Col}] {
				reported[[2]int{err.Line, err.Col}] = true
				errs = append(errs, err)
			}
		}
	}
	return out, errs
}

// compileFor compiles r against the environment of lifecycle l.
func compileFor(r *Rule, at *rulePos, l Lifecycle, catalogue map[string]*Parameter) (*compiled, *Error) {
	patch := &paramPatch{catalogue: catalogue}
	// The environment is declared as the struct, not a pointer to it: expr
	// then reads fields by position, with no lookup by name (callers still
	// pass a pointer). No expr.Timezone: date("YYYY-MM-DD") already parses
	// to midnight UTC, like every date here, and the timezone patch breaks
	// date() passed to a function (expr dereferences the *time.Location it
	// inserts, and date() then panics at run time).
	opts := append([]expr.Option{
		expr.Env(reflect.ValueOf(newEnv(l)).Elem().Interface()),
		expr.Patch(patch),
	}, sandbox...)
	opts = append(opts, functionOptions...)
	if r.Kind == KindGuard {
		opts = append(opts, expr.AsBool())
	}
	if off, ok := tooDeep(r.Expr); ok {
		return nil, r.exprError(at, file.Location{From: off}, CodeExprSyntax, textf(
			"wyrażenie jest zagnieżdżone głębiej niż %d poziomów nawiasów", "the expression nests brackets deeper than %d levels", maxDepth), nil)
	}
	program, err := compileSafely(r.Expr, opts)
	if patch.err != nil {
		return nil, r.exprError(at, patch.err.loc, CodeExprType, patch.err.msg, nil)
	}
	if err != nil {
		return nil, r.compileError(at, l, err)
	}
	if e := r.checkResultType(at, l, program); e != nil {
		return nil, e
	}
	c := &compiled{program: program, params: patch.used}
	for _, r := range reads(program.Node()) {
		c.reads = append(c.reads, r.path)
	}
	return c, nil
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
func (r *Rule) checkResultType(at *rulePos, l Lifecycle, p *vm.Program) *Error {
	t := p.Node().Type()
	var ok bool
	var want Text // the kind's result, in Polish and English
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
	got := typeName("unknown")
	if t != nil {
		got = typeName(t.String())
	}
	return r.exprError(at, file.Location{}, CodeExprType, Text{
		PL: fmt.Sprintf("reguła rodzaju %s powinna dawać wartość %s, a daje: %s (cykl życia %s)", r.Kind, want.PL, got.PL, l),
		EN: fmt.Sprintf("a %s rule must yield %s, this one yields %s (lifecycle %s)", r.Kind, want.EN, got.EN, l),
	}, nil)
}

// compileError turns an expr compile error into a positioned *Error.
func (r *Rule) compileError(at *rulePos, l Lifecycle, err error) *Error {
	var fe *file.Error
	var loc file.Location
	msg := err.Error()
	code := CodeExprSyntax
	if errors.As(err, &fe) {
		loc, msg, code = fe.Location, fe.Message, CodeExprType
	}
	if isSyntaxMessage(msg) {
		code = CodeExprSyntax
	}
	if strings.HasPrefix(msg, "expected bool") {
		code = CodeExprType // expr.AsBool's check, which carries no position
	}
	t := explainExpr(msg, l)
	return r.exprError(at, loc, code, Text{
		PL: "błąd w wyrażeniu (cykl życia " + string(l) + "): " + t.PL,
		EN: "expression error (lifecycle " + string(l) + "): " + t.EN,
	}, err)
}

func isSyntaxMessage(m string) bool {
	// The parser's and lexer's messages; the checker's (such as "invalid
	// operation: + (mismatched types int and string)") are type errors.
	for _, p := range []string{"unexpected token", "unexpected end", "unclosed", "invalid char escape", "invalid binary literal",
		"invalid float literal", "invalid hex literal", "invalid integer literal", "invalid octal literal", "bad number syntax",
		"literal is too large", "literal not terminated", "unrecognized character", "expected name", "map key must be"} {
		if strings.Contains(m, p) {
			return true
		}
	}
	return false
}

// exprError builds an error positioned at rune offset loc.From of the
// expression, mapped into the file, with a caret snippet.
func (r *Rule) exprError(at *rulePos, loc file.Location, code Code, msg Text, err error) *Error {
	line, col, text := exprLineCol(r.Expr, loc.From)
	e := &Error{File: r.Source.File, Line: r.Source.Line, Col: r.Source.Col, ID: r.ID, Code: code, Msg: msg, Err: err}
	switch {
	case at != nil && len(at.expr) > 0:
		pos := at.expr[min(max(loc.From, 0), len(at.expr)-1)]
		e.Line, e.Col = pos.Line, pos.Col
	case r.exprAt.line > 0:
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
	if let, ok := (*node).(*ast.VariableDeclaratorNode); ok {
		// A variable used twice doubles a value's size at no cost to the
		// memory budget: let a = s + s; let b = a + a; … runs out of memory.
		p.fail(let.Location(), Text{"let nie jest dostępne w regułach; zapisz wyrażenie wprost",
			"let is not available in rules; write the expression out"})
		return
	}
	if id, ok := (*node).(*ast.IdentifierNode); ok && id.Value == "$env" {
		// The whole environment would read past what the load checks
		// (unfilled variables, the parameter maps) and past what a guard
		// is known to read (RuleSet.Reads), so the engine would not fill it.
		p.fail(id.Location(), Text{"$env nie jest dostępne w regułach; czytaj zmienne wprost, np. family.children",
			"$env is not available in rules; read the variables by name, e.g. family.children"})
		return
	}
	if r, ok := (*node).(*ast.BinaryNode); ok && r.Operator == ".." && !smallRange(r) {
		// A range is built whole before anything reads it: 1..2000000000
		// passes the type check, then fails every evaluation.
		p.fail(r.Location(), textf("zakres (..) w regule musi mieć stałe granice i najwyżej %d elementów",
			"a range (..) in a rule must have constant bounds and at most %d elements", maxRange))
		return
	}
	if b, ok := (*node).(*ast.BuiltinNode); ok && !containsString(safeBuiltins, b.Name) {
		p.unavailable(b.Location(), b.Name)
		return
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	if _, method := call.Callee.(*ast.MemberNode); method {
		// Go's methods of a date (child.born.String(), .Format, .AddDate)
		// would bypass the date functions' bounds and turn a date of birth
		// into text.
		p.fail(call.Location(), Text{"wywołania metod (np. on.Year()) nie są dostępne w regułach; użyj funkcji dat: addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay",
			"method calls (such as on.Year()) are not available in rules; use the date functions: addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay"})
		return
	}
	id, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	if _, isBuiltin := builtin.Index[id.Value]; isBuiltin && !containsString(safeBuiltins, id.Value) {
		p.unavailable(call.Location(), id.Value) // disabled, so parsed as a plain call
		return
	}
	if id.Value != "param" {
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

// maxRange bounds the ranges (lo..hi) a rule may write.
const maxRange = 1000

// smallRange reports whether r, a range, has constant bounds at most
// maxRange elements apart.
func smallRange(r *ast.BinaryNode) bool {
	lo, ok1 := r.Left.(*ast.IntegerNode)
	hi, ok2 := r.Right.(*ast.IntegerNode)
	return ok1 && ok2 && hi.Value-lo.Value < maxRange
}

// unavailable reports a builtin left out of the sandbox (see safeBuiltins).
func (p *paramPatch) unavailable(loc file.Location, name string) {
	if name == "now" {
		p.fail(loc, Text{"now() nie jest dostępne w regułach: reguła nie czyta zegara; użyj on, daty, na którą jest oceniana",
			"now() is not available in rules: a rule never reads the clock; use on, the date it is evaluated for"})
		return
	}
	p.fail(loc, textf("funkcja %s nie jest dostępna w regułach; dostępne: %s oraz addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay, param",
		"the function %s is not available in rules; available: %s and addDays, addMonths, addYears, addWorkingDays, age, daysBetween, isWorkingDay, param",
		name, strings.Join(safeBuiltins, ", ")))
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

// tooDeep reports whether src nests brackets deeper than maxDepth, and the
// rune offset where it does. Brackets inside string literals count too: a
// rule has no reason to hold a hundred of them.
func tooDeep(src string) (int, bool) {
	depth, off := 0, 0
	for _, ch := range src {
		switch ch {
		case '(', '[', '{':
			if depth++; depth > maxDepth {
				return off, true
			}
		case ')', ']', '}':
			depth--
		}
		off++
	}
	return 0, false
}
