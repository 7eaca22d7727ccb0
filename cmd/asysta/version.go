package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/asysta/asysta/rules"
)

// version is the release name that `make dist` stamps into its binaries
// with -ldflags "-X main.version=VERSION" (VERSION is `git describe --tags
// --always --dirty`). It is empty in every other build.
var version string

// develVersion is what the go tool records as the module version of a
// binary built inside a checkout without version control information (go
// run, go build -buildvcs=false), and what asysta version prints when
// nothing better is known.
const develVersion = "(devel)"

// readBuildInfo reads the build information embedded in the binary; tests
// replace it to fix what the verb sees.
var readBuildInfo = debug.ReadBuildInfo

// init registers the version verb.
func init() {
	register(&command{
		name:     "version",
		synopsis: rules.Text{PL: "[--json] [--lang pl|en]", EN: "[--json] [--lang pl|en]"},
		summary: rules.Text{
			PL: "wersja asysta, rewizja kodu, z której zbudowano program, i wersja Go",
			EN: "the version of asysta, the source revision it was built from and the Go version",
		},
		run: runVersion,
	})
}

// buildVersion is what asysta version prints; its JSON form is the output
// of --json.
type buildVersion struct {
	// Version is the release: the one stamped by make dist, else the module
	// version go install recorded (v0.1.0, or a pseudo-version), else
	// "(devel)".
	Version string `json:"version"`
	// Revision is the commit the binary was built from, Time its commit
	// time (RFC 3339), and Modified whether the checkout had uncommitted
	// changes; all three are empty or false when the build recorded no
	// version control information.
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified"`
	// Go is the version of the Go toolchain that built the binary.
	Go string `json:"go"`
	// Platform is the operating system and architecture the binary runs
	// on, e.g. windows/amd64.
	Platform string `json:"platform"`
}

// currentVersion describes the running binary from its build information
// and the stamped version.
func currentVersion() buildVersion {
	v := buildVersion{Version: develVersion, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := readBuildInfo()
	if ok {
		v.Go = info.GoVersion
		goos, goarch := runtime.GOOS, runtime.GOARCH
		if info.Main.Version != "" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		v.Platform = goos + "/" + goarch
	}
	// The stamped name wins: make dist names its folders and files after
	// it, and the binary should say the same.
	if version != "" {
		v.Version = version
	}
	return v
}

// runVersion prints the version of the binary, as text or JSON.
func runVersion(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	asJSON := fs.jsonFlag()
	names, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(names) > 0 {
		return fs.fail(rules.Text{PL: "nieoczekiwany argument " + names[0], EN: "unexpected argument " + names[0]})
	}
	v := currentVersion()
	if *asJSON {
		if err := writeJSON(inv.stdout, v); err != nil {
			return inv.jsonFailed(err)
		}
		return exitOK
	}
	revision := inv.tr("nieznana (program zbudowano bez informacji z systemu kontroli wersji)",
		"unknown (built without version control information)")
	if v.Revision != "" {
		revision = v.Revision
		if v.Time != "" {
			revision += " (" + v.Time + ")"
		}
		if v.Modified {
			revision += inv.tr(", z niezatwierdzonymi zmianami", ", with uncommitted changes")
		}
	}
	_, err := fmt.Fprintf(inv.stdout, "asysta %s\n%s %s\n%s %s, %s\n", v.Version,
		inv.tr("rewizja:", "revision:"), revision,
		inv.tr("zbudowano:", "built with:"), v.Go, v.Platform)
	if err != nil {
		inv.errorf("nie można zapisać wyniku: %v", "cannot write the output: %v", err)
		return exitProblem
	}
	return exitOK
}
