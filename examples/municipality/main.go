// Command municipality applies a fictional gmina's configuration file
// (gmina.yaml beside it) to the statute: it checks the file, shows what it
// changes, and plays three assignments and a closure under it — a cap
// lowered to 12, a weighted-caseload rule, a warning for part-time
// assistants and six months of monitoring after the work ends.
//
//	go run ./examples/municipality [-lang pl|en]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

func main() {
	lang := flag.String("lang", string(rules.LangFromEnv()), "language: pl or en")
	flag.Parse()
	l, _ := rules.ParseLang(*lang)
	if err := run(context.Background(), os.Stdout, l, configPath()); err != nil {
		fmt.Fprintln(os.Stderr, "municipality:", workflow.Localize(err, l))
		os.Exit(1)
	}
}

// configPath finds gmina.yaml next to this file, wherever it is run from.
func configPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "gmina.yaml")
}

func run(ctx context.Context, w io.Writer, lang rules.Lang, path string) error {
	rs, err := load(path)
	if err != nil {
		if errs := rules.AsErrors(err); errs != nil {
			return fmt.Errorf("%s", errs.Localize(lang))
		}
		return err
	}
	p := printer{w: w, lang: lang}
	p.changes(rs, rules.MustParseDate("2025-01-15"))
	e, err := engine(rs)
	if err != nil {
		return err
	}
	return p.story(ctx, e)
}

// load reads the file and names it by its base name, so that sources read
// "gmina.yaml:15" wherever the example runs.
func load(path string) (*rules.RuleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg, err := rules.ParseConfig(filepath.Base(path), data)
	if err != nil {
		return nil, err
	}
	return rules.New(cfg)
}

// printer writes in one language.
type printer struct {
	w    io.Writer
	lang rules.Lang
}

func (p printer) say(pl, en string, a ...any) {
	if p.lang == rules.Polish {
		fmt.Fprintf(p.w, pl+"\n", a...)
		return
	}
	fmt.Fprintf(p.w, en+"\n", a...)
}

// changes lists the parameters the file sets on a date and its rules.
func (p printer) changes(rs *rules.RuleSet, on rules.Date) {
	p.say("Plik %s: parametry zmienione w dniu %s", "File %s: parameters it changes on %s", filepath.Base(rs.Configs()[0].File), on)
	for _, v := range rs.Params(on) {
		if v.Source.IsStatute() {
			continue
		}
		statute, _ := rules.Statute().Param(v.ID, on)
		p.say("  %-40s %v (ustawa: %v)", "  %-40s %v (statute: %v)", v.ID, v.Value, statute.Value)
	}
	for _, prog := range rs.Programs() {
		if r := prog.Rule(); !r.Source.IsStatute() {
			p.say("  reguła %s (%s, %s)", "  rule %s (%s, %s)", r.ID, r.Severity, r.Message.In(p.lang))
		}
	}
}
