package main

import (
	"encoding/json"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withBuild makes the version verb see info (nil: no build information)
// and stamped as the version make dist stamps, until the test ends.
func withBuild(t *testing.T, info *debug.BuildInfo, stamped string) {
	t.Helper()
	oldRead, oldVersion := readBuildInfo, version
	t.Cleanup(func() { readBuildInfo, version = oldRead, oldVersion })
	readBuildInfo = func() (*debug.BuildInfo, bool) { return info, info != nil }
	version = stamped
}

// releaseBuild is the build information of a binary built from a clean
// checkout at a release tag.
func releaseBuild(modified bool) *debug.BuildInfo {
	dirty := "false"
	if modified {
		dirty = "true"
	}
	return &debug.BuildInfo{
		GoVersion: "go1.25.0",
		Main:      debug.Module{Path: "github.com/asysta/asysta", Version: "v0.1.0"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "windows"}, {Key: "GOARCH", Value: "amd64"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-01-15T09:30:00Z"},
			{Key: "vcs.modified", Value: dirty},
		},
	}
}

// develBuild is the build information of go run inside a checkout: no
// module version, no version control information.
var develBuild = &debug.BuildInfo{
	GoVersion: "go1.26.8",
	Main:      debug.Module{Path: "github.com/asysta/asysta", Version: develVersion},
	Settings:  []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}},
}

// TestVersion checks the text and JSON output against golden files.
func TestVersion(t *testing.T) {
	tests := []struct {
		name    string
		info    *debug.BuildInfo
		stamped string
		args    []string
		golden  string
	}{
		{name: "release", info: releaseBuild(false), args: []string{"version"}, golden: "version_release_en.txt"},
		{name: "release pl", info: releaseBuild(false), args: []string{"version", "--lang", "pl"}, golden: "version_release_pl.txt"},
		{name: "release json", info: releaseBuild(false), args: []string{"version", "--json"}, golden: "version_release.json"},
		{name: "modified", info: releaseBuild(true), args: []string{"version"}, golden: "version_modified_en.txt"},
		{name: "modified pl", info: releaseBuild(true), args: []string{"version", "--lang=pl"}, golden: "version_modified_pl.txt"},
		{name: "go run", info: develBuild, args: []string{"version"}, golden: "version_devel_en.txt"},
		{name: "go run pl", info: develBuild, args: []string{"version", "--lang", "pl"}, golden: "version_devel_pl.txt"},
		{name: "stamped by make dist", info: develBuild, stamped: "v0.1.0-3-g0123456-dirty", args: []string{"version"}, golden: "version_stamped_en.txt"},
		{name: "usage", info: develBuild, args: []string{"version", "-h"}, golden: "usage_version_en.txt"},
		{name: "usage pl", info: develBuild, args: []string{"help", "version", "--lang", "pl"}, golden: "usage_version_pl.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withBuild(t, tt.info, tt.stamped)
			res := runArgs(tt.args...)
			assert.Equal(t, exitOK, res.code, res.stderr)
			assert.Empty(t, res.stderr)
			if tt.golden != "" {
				assertGolden(t, tt.golden, res.stdout)
			}
		})
	}
}

// TestVersion_fields checks what the version is taken from: the stamped
// name first, then the module version, then "(devel)"; the Go version and
// platform fall back to the running program's without build information.
func TestVersion_fields(t *testing.T) {
	tests := []struct {
		name    string
		info    *debug.BuildInfo
		stamped string
		want    buildVersion
	}{
		{name: "go install of a release", info: releaseBuild(false), want: buildVersion{
			Version: "v0.1.0", Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2026-01-15T09:30:00Z",
			Go: "go1.25.0", Platform: "windows/amd64"}},
		{name: "uncommitted changes", info: releaseBuild(true), want: buildVersion{
			Version: "v0.1.0", Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2026-01-15T09:30:00Z",
			Modified: true, Go: "go1.25.0", Platform: "windows/amd64"}},
		{name: "stamped wins", info: releaseBuild(false), stamped: "v0.1.0-1-gabcdef0", want: buildVersion{
			Version: "v0.1.0-1-gabcdef0", Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2026-01-15T09:30:00Z",
			Go: "go1.25.0", Platform: "windows/amd64"}},
		{name: "go run", info: develBuild, want: buildVersion{Version: "(devel)", Go: "go1.26.8", Platform: "linux/arm64"}},
		{name: "empty module version", info: &debug.BuildInfo{GoVersion: "go1.25.3"}, want: buildVersion{Version: "(devel)", Go: "go1.25.3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withBuild(t, tt.info, tt.stamped)
			got := currentVersion()
			if tt.want.Platform == "" {
				assert.NotEmpty(t, got.Platform)
				got.Platform = ""
			}
			assert.Equal(t, tt.want, got)
		})
	}
	withBuild(t, nil, "")
	got := currentVersion()
	assert.Equal(t, develVersion, got.Version)
	assert.NotEmpty(t, got.Go, "without build information the running Go version is shown")
	assert.NotEmpty(t, got.Platform)
}

// TestVersion_json checks the JSON keys a script reads.
func TestVersion_json(t *testing.T) {
	withBuild(t, develBuild, "")
	res := runArgs("version", "--json")
	require.Equal(t, exitOK, res.code, res.stderr)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	assert.Equal(t, map[string]any{"version": "(devel)", "modified": false, "go": "go1.26.8", "platform": "linux/arm64"}, got,
		"revision and time are left out when unknown")
}

// TestVersion_usage checks that the verb takes no argument.
func TestVersion_usage(t *testing.T) {
	res := runArgs("version", "now")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "asysta version: unexpected argument now")
	res = runArgs("version", "now", "--lang", "pl")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "asysta version: nieoczekiwany argument now")
}
