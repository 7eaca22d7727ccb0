// Command asysta works with the statutory parameters and rules of family
// support and foster care (ustawa o wspieraniu rodziny i systemie pieczy
// zastępczej) and with the municipal and county configuration files that
// tighten them.
//
// Usage:
//
//	asysta VERB [flags] [arguments]
//
// The verbs:
//
//	check   validate configuration files; print every problem as
//	        FILE:LINE:COL: ID: message [CODE]
//	params  list the parameters in force on a date, with value, unit,
//	        source, legal basis and the date each applies from
//	graph   print a lifecycle's diagram (family, child or foster_family)
//	        in DOT or Mermaid, generated from the state machines' tables
//	test    run scenario files (or folders of them); print each failed
//	        expectation with file:line, then "N passed, N failed"
//	calendar  the open and overdue obligations in the state a scenario
//	        leaves, by worker and due date, with a lead time
//	staffing  a centre's staffing norms (art. 110 UPS) and its assistants'
//	        and coordinators' loads in the state a scenario leaves
//	stats   the half-yearly figures of an OPS or PCPR for a period, computed
//	        from the cases' histories, each with the case IDs behind it
//	impact  what proposed configuration files would do from a date: the
//	        changes, workers over a cap, due dates, a backtest; writes nothing
//	schema  print the JSON Schema of configuration files, for editors
//	        (the bytes of docs/config.schema.json)
//	version print the version, the source revision the binary was built
//	        from and the Go version
//	help    print this usage, or a verb's: asysta help VERB
//
// Every verb takes --lang pl|en (default: from LC_ALL, LC_MESSAGES or LANG)
// and most take --json for machine-readable output. Flags may come before or
// after the arguments. Exit status: 0 success, 1 the files or the data have
// problems, 2 the command line is wrong.
//
// Each verb lives in a file of its own and registers itself with
// [register] from an init function.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/asysta/asysta/rules"
)

// Exit statuses shared by every verb.
const (
	exitOK      = 0 // success
	exitProblem = 1 // the files or the data have problems
	exitUsage   = 2 // the command line is wrong
)

// command is one verb of asysta.
type command struct {
	name     string
	synopsis rules.Text // arguments after the verb, e.g. "[--json] FILE..."
	summary  rules.Text // one line for the verb list
	exits    rules.Text // the verb's exit statuses, for its usage; zero: the command's own
	// run executes the verb (cmd itself) on its arguments, those after the
	// verb, and returns the exit status.
	run func(inv *invocation, cmd *command, args []string) int
}

// commands holds the registered verbs by name.
var commands = map[string]*command{}

// register adds a verb; each verb's file calls it from init.
func register(c *command) {
	if commands[c.name] != nil {
		panic("asysta: verb registered twice: " + c.name)
	}
	commands[c.name] = c
}

// invocation is one run of the command: its output streams, clock and the
// language of its messages.
type invocation struct {
	stdout, stderr io.Writer
	now            func() time.Time
	env            func(string) string
	lang           rules.Lang // the language of messages
	envLang        rules.Lang // the language the environment asks for
}

// main runs the command on the process's arguments, streams, environment
// and clock.
func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv, time.Now))
}

// run executes the command line args (without the program name) and
// returns the exit status. env reads environment variables and now the
// clock; they are parameters so that tests can fix them.
func run(args []string, stdout, stderr io.Writer, env func(string) string, now func() time.Time) int {
	if env == nil {
		env = os.Getenv
	}
	if now == nil {
		now = time.Now
	}
	inv := &invocation{stdout: stdout, stderr: stderr, now: now, env: env}
	inv.envLang = langFromEnv(env)
	inv.lang = sniffLang(args, inv.envLang)
	if len(args) == 0 {
		inv.usage(stderr)
		return exitUsage
	}
	verb := args[0]
	switch verb {
	case "-h", "-help", "--help":
		verb = "help"
	}
	cmd := commands[verb]
	if cmd == nil {
		inv.errorf("nieznane polecenie %q", "unknown verb %q", args[0])
		inv.usage(stderr)
		return exitUsage
	}
	return cmd.run(inv, cmd, args[1:])
}

// init registers the help verb.
func init() {
	register(&command{
		name:     "help",
		synopsis: rules.Text{PL: "[--lang pl|en] [POLECENIE]", EN: "[--lang pl|en] [VERB]"},
		summary:  rules.Text{PL: "ten opis albo opis polecenia", EN: "this usage, or a verb's"},
		run:      runHelp,
	})
}

// runHelp prints the usage of the command, or of the verb named in args,
// to stdout.
func runHelp(inv *invocation, cmd *command, args []string) int {
	vf := inv.newFlags(cmd)
	names, status, ok := vf.parse(args)
	if !ok {
		return status
	}
	switch {
	case len(names) == 0:
		inv.usage(inv.stdout)
		return exitOK
	case len(names) > 1:
		return vf.fail(rules.Text{PL: "nieoczekiwany argument " + names[1], EN: "unexpected argument " + names[1]})
	}
	verb := commands[names[0]]
	if verb == nil {
		inv.errorf("nieznane polecenie %q", "unknown verb %q", names[0])
		inv.usage(inv.stderr)
		return exitUsage
	}
	return verb.run(inv, verb, []string{"-h"})
}

// usage prints the command's usage and the list of verbs to w.
func (inv *invocation) usage(w io.Writer) {
	fmt.Fprintln(w, inv.tr("Użycie: asysta POLECENIE [flagi] [argumenty]", "Usage: asysta VERB [flags] [arguments]"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, inv.tr("Polecenia:", "Verbs:"))
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary.In(inv.lang))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, inv.tr("Flagi polecenia: asysta help POLECENIE. Każde polecenie przyjmuje --lang pl|en.",
		"A verb's flags: asysta help VERB. Every verb takes --lang pl|en."))
	fmt.Fprintln(w, inv.tr("Kody wyjścia: 0 sukces, 1 problemy w plikach lub danych, 2 błędne wywołanie.",
		"Exit status: 0 success, 1 problems in the files or data, 2 a wrong command line."))
}

// tr returns the Polish or the English text, in the invocation's language.
func (inv *invocation) tr(pl, en string) string {
	return rules.Text{PL: pl, EN: en}.In(inv.lang)
}

// errorf prints "asysta: message" to stderr in the invocation's language;
// pl and en are formats given the same arguments.
func (inv *invocation) errorf(pl, en string, args ...any) {
	fmt.Fprintf(inv.stderr, "asysta: %s\n", fmt.Sprintf(inv.tr(pl, en), args...))
}

// langFromEnv returns the language the environment asks for: the first of
// LC_ALL, LC_MESSAGES and LANG that is set decides, as in
// [rules.LangFromEnv], but read through env so that tests can set it.
func langFromEnv(env func(string) string) rules.Lang { return rules.LangFrom(env) }

// sniffLang finds a valid --lang among args before they are parsed, so that
// usage and flag errors are already in the language asked for. It returns
// def when there is none.
func sniffLang(args []string, def rules.Lang) rules.Lang {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if lang, ok := rules.ParseLang(value); ok {
			def = lang
		}
	}
	return def
}

// verbFlags is the flag set of one verb, with the flags every verb shares.
type verbFlags struct {
	*flag.FlagSet
	inv  *invocation
	cmd  *command
	lang string
}

// newFlags returns a flag set for cmd holding the shared --lang flag. Flag
// descriptions are written in the invocation's language. The flag package's
// own English messages are discarded: parse reports errors itself, in the
// user's language, on stderr.
func (inv *invocation) newFlags(cmd *command) *verbFlags {
	fs := flag.NewFlagSet("asysta "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	vf := &verbFlags{FlagSet: fs, inv: inv, cmd: cmd}
	fs.StringVar(&vf.lang, "lang", string(inv.envLang), inv.tr("komunikaty w języku `pl|en`", "write messages in `pl|en`"))
	return vf
}

// jsonFlag adds the shared --json flag.
func (vf *verbFlags) jsonFlag() *bool {
	return vf.Bool("json", false, vf.inv.tr("wynik w formacie JSON", "print JSON"))
}

// parse parses args, flags and positional arguments in any order, and sets
// the invocation's language. It returns the positional arguments, or ok
// false and the exit status: 0 after -h (usage on stdout), 2 on a bad flag
// (message and usage on stderr).
func (vf *verbFlags) parse(args []string) (positional []string, status int, ok bool) {
	positional, err := parseInterspersed(vf.FlagSet, args)
	if errors.Is(err, flag.ErrHelp) {
		vf.usage(vf.inv.stdout)
		return nil, exitOK, false
	}
	if err != nil {
		return nil, vf.fail(localizeFlagError(err)), false
	}
	lang, valid := rules.ParseLang(vf.lang)
	if !valid {
		return nil, vf.fail(rules.Text{PL: fmt.Sprintf("nieznany język %q; dozwolone: pl, en", vf.lang),
			EN: fmt.Sprintf("unknown language %q; allowed: pl, en", vf.lang)}), false
	}
	vf.inv.lang = lang
	return positional, exitOK, true
}

// fail prints a usage error and the verb's usage to stderr and returns the
// usage exit status.
func (vf *verbFlags) fail(msg rules.Text) int {
	fmt.Fprintf(vf.inv.stderr, "asysta %s: %s\n", vf.cmd.name, msg.In(vf.inv.lang))
	vf.usage(vf.inv.stderr)
	return exitUsage
}

// usage prints the verb's synopsis, summary and flags to w. A flag's
// placeholder is the `quoted` word of its description, as in
// [flag.PrintDefaults], but the defaults are described in the user's
// language.
func (vf *verbFlags) usage(w io.Writer) {
	inv := vf.inv
	fmt.Fprintf(w, "%s asysta %s %s\n\n", inv.tr("Użycie:", "Usage:"), vf.cmd.name, vf.cmd.synopsis.In(inv.lang))
	fmt.Fprintf(w, "%s\n\n%s\n", vf.cmd.summary.In(inv.lang), inv.tr("Flagi:", "Flags:"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	vf.VisitAll(func(f *flag.Flag) {
		placeholder, text := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if len(f.Name) == 1 {
			left = "-" + f.Name // -v
		}
		if placeholder != "" {
			left += " " + placeholder
		}
		if f.DefValue != "" && f.DefValue != "false" {
			text += fmt.Sprintf(inv.tr(" (domyślnie: %s)", " (default: %s)"), f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", left, text)
	})
	tw.Flush()
	if !vf.cmd.exits.IsZero() {
		fmt.Fprintf(w, "\n%s %s\n", inv.tr("Kody wyjścia:", "Exit status:"), vf.cmd.exits.In(inv.lang))
	}
}

// parseInterspersed parses flags that come before, between or after the
// positional arguments; "--" ends the flags. It returns the positional
// arguments in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// flagErrors translates the messages of the flag package.
var flagErrors = []struct {
	re     *regexp.Regexp
	pl, en string
}{
	{regexp.MustCompile(`^flag provided but not defined: (-\S+)$`), "nieznana flaga %s", "unknown flag %s"},
	{regexp.MustCompile(`^flag needs an argument: (-\S+)$`), "flaga %s wymaga wartości", "flag %s needs a value"},
	{regexp.MustCompile(`^invalid boolean value (".*") for (-\S+):`), "błędna wartość logiczna %s flagi %s", "bad boolean value %s for flag %s"},
	{regexp.MustCompile(`^invalid value (".*") for flag (-\S+):`), "błędna wartość %s flagi %s", "bad value %s for flag %s"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "błędna składnia flagi: %s", "bad flag syntax: %s"},
}

// localizeFlagError returns a flag package error in Polish and English. A
// message it does not know is kept as it is in both.
func localizeFlagError(err error) rules.Text {
	msg := err.Error()
	for _, fe := range flagErrors {
		m := fe.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			args[i] = s
		}
		return rules.Text{PL: fmt.Sprintf(fe.pl, args...), EN: fmt.Sprintf(fe.en, args...)}
	}
	return rules.Text{PL: msg, EN: msg}
}

// writeJSON prints v as indented JSON, leaving <, > and & as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// emptyIfNil returns list, or an empty list for nil, so that JSON shows
// [] rather than null.
func emptyIfNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// jsonFailed reports on stderr that the JSON output could not be encoded
// or written (the output on stdout is incomplete), as the other verbs do,
// and returns the exit status for it.
func (inv *invocation) jsonFailed(err error) int {
	inv.errorf("nie można zapisać wyniku: %v", "cannot write the output: %v", err)
	return exitProblem
}

// pluralPL picks the Polish form for n: one (1 problem), few (2–4, 22–24,
// … problemy) or many (0, 5–21, 25–31, … problemów).
func pluralPL(n int, one, few, many string) string {
	switch {
	case n == 1:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return few
	}
	return many
}

// count renders n with its noun in the invocation's language: Polish forms
// one, few, many; English singular and plural.
func (inv *invocation) count(n int, one, few, many, enOne, enMany string) string {
	if inv.lang == rules.Polish {
		return fmt.Sprintf("%d %s", n, pluralPL(n, one, few, many))
	}
	if n == 1 {
		return fmt.Sprintf("%d %s", n, enOne)
	}
	return fmt.Sprintf("%d %s", n, enMany)
}
