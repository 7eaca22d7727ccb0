package main

import (
	"github.com/asysta/asysta/rules"
)

// init registers the schema verb.
func init() {
	register(&command{
		name:     "schema",
		synopsis: rules.Text{PL: "[--lang pl|en]", EN: "[--lang pl|en]"},
		summary: rules.Text{
			PL: "schemat JSON plików konfiguracyjnych (ten sam co docs/config.schema.json), dla edytorów",
			EN: "the JSON Schema of configuration files (the same as docs/config.schema.json), for editors",
		},
		run: runSchema,
	})
}

// runSchema prints the configuration schema, [rules.ConfigSchema], on
// stdout: the bytes of docs/config.schema.json of this version.
func runSchema(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	names, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(names) > 0 {
		return fs.fail(rules.Text{PL: "nieoczekiwany argument " + names[0], EN: "unexpected argument " + names[0]})
	}
	if _, err := inv.stdout.Write(rules.ConfigSchema()); err != nil {
		inv.errorf("nie można zapisać wyniku: %v", "cannot write the output: %v", err)
		return exitProblem
	}
	return exitOK
}
