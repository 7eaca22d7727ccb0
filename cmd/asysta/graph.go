package main

import (
	"fmt"
	"slices"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// init registers the graph verb.
func init() {
	register(&command{
		name: "graph",
		synopsis: rules.Text{
			PL: "family|child|foster_family [--format dot|mermaid] [--lang pl|en]",
			EN: "family|child|foster_family [--format dot|mermaid] [--lang pl|en]",
		},
		summary: rules.Text{
			PL: "diagram cyklu życia sprawy (DOT albo Mermaid) z tabel, które konfigurują maszyny stanów",
			EN: "the lifecycle diagram (DOT or Mermaid), from the tables that configure the state machines",
		},
		run: runGraph,
	})
}

// graphLifecycles are the lifecycles graph draws, in the usage's order.
var graphLifecycles = []rules.Lifecycle{rules.LifecycleFamily, rules.LifecycleChild, rules.LifecycleFosterFamily}

// graphFormats renders a lifecycle in each --format.
var graphFormats = map[string]func(rules.Lifecycle, rules.Lang) (string, error){
	"dot":     workflow.DOTIn,
	"mermaid": workflow.MermaidIn,
}

// runGraph prints the diagram of one lifecycle on stdout.
func runGraph(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	format := fs.String("format", "dot", inv.tr("format diagramu: `dot|mermaid`", "the diagram's format: `dot|mermaid`"))
	names, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	switch {
	case len(names) == 0:
		return fs.fail(rules.Text{PL: "podaj cykl życia: family, child albo foster_family",
			EN: "give a lifecycle: family, child or foster_family"})
	case len(names) > 1:
		return fs.fail(rules.Text{PL: "nieoczekiwany argument " + names[1], EN: "unexpected argument " + names[1]})
	case !slices.Contains(graphLifecycles, rules.Lifecycle(names[0])):
		return fs.fail(rules.Text{PL: fmt.Sprintf("nieznany cykl życia %q; dozwolone: family, child, foster_family", names[0]),
			EN: fmt.Sprintf("unknown lifecycle %q; allowed: family, child, foster_family", names[0])})
	case graphFormats[*format] == nil:
		return fs.fail(rules.Text{PL: fmt.Sprintf("nieznany format %q; dozwolone: dot, mermaid", *format),
			EN: fmt.Sprintf("unknown format %q; allowed: dot, mermaid", *format)})
	}
	out, err := graphFormats[*format](rules.Lifecycle(names[0]), inv.lang)
	if err != nil {
		inv.errorf("nie można narysować cyklu życia: %v", "cannot draw the lifecycle: %v", err)
		return exitProblem
	}
	if _, err := fmt.Fprint(inv.stdout, out); err != nil {
		inv.errorf("nie można zapisać wyniku: %v", "cannot write the output: %v", err)
		return exitProblem
	}
	return exitOK
}
