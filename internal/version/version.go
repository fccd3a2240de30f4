// Package version tells which build of deployer is running: the release it
// was stamped with, the commit, the build date, the Go toolchain and the
// platform.
//
// A release build stamps the three package variables with the linker:
//
//	-X github.com/deployer-dev/deployer/internal/version.version=v1.2.3
//	-X github.com/deployer-dev/deployer/internal/version.commit=<full sha>
//	-X github.com/deployer-dev/deployer/internal/version.date=2026-11-22T10:00:00Z
//
// A build that was not stamped (go install, go build in a clone) falls back
// to what the Go toolchain recorded in the binary: the module version that
// go install resolved, and vcs.revision and vcs.time when it was built from
// a checkout with VCS stamping on.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by the linker in release builds (see the package comment); empty
// otherwise. They are variables, not constants, because -X only sets
// string variables.
var (
	version string
	commit  string
	date    string
)

// unknown stands for a field neither the linker nor the build info filled.
const unknown = "unknown"

// Info describes the running binary. Its JSON form is what
// `deployer version --json` prints.
type Info struct {
	// Version is the release, such as "v1.2.3", or "dev" for an
	// unstamped build of a checkout.
	Version string `json:"version"`
	// Commit is the full revision the binary was built from, or "unknown".
	Commit string `json:"commit"`
	// Date is the build date in RFC 3339, UTC; release builds use the
	// commit's time so that rebuilding gives the same bytes.
	Date string `json:"date"`
	// GoVersion is the toolchain that built the binary, such as "go1.26.8".
	GoVersion string `json:"go"`
	// Platform is GOOS/GOARCH, such as "linux/arm64".
	Platform string `json:"platform"`
}

// Get returns the Info of the running binary.
func Get() Info {
	bi, _ := debug.ReadBuildInfo() // nil when the binary has none
	return resolve(stamp{version: version, commit: commit, date: date}, bi, runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
}

// String is the one line `deployer version` prints, such as
// "deployer v1.2.3 (commit abc1234, built 2026-11-22T10:00:00Z, go1.26.8, linux/amd64)".
func (i Info) String() string {
	return fmt.Sprintf("deployer %s (commit %s, built %s, %s, %s)",
		i.Version, shortCommit(i.Commit), i.Date, i.GoVersion, i.Platform)
}

// stamp holds the linker-set values, passed in so tests need no -ldflags.
type stamp struct{ version, commit, date string }

// resolve prefers the stamp, then the build info, then placeholders. bi may
// be nil (a binary built without module support).
func resolve(s stamp, bi *debug.BuildInfo, goVersion, platform string) Info {
	info := Info{Version: s.version, Commit: s.commit, Date: s.date, GoVersion: goVersion, Platform: platform}
	if bi != nil {
		// go install module@v1.2.3 records the version; a checkout records "(devel)".
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		settings := map[string]string{}
		for _, kv := range bi.Settings {
			settings[kv.Key] = kv.Value
		}
		if info.Commit == "" && settings["vcs.revision"] != "" {
			info.Commit = settings["vcs.revision"]
			if settings["vcs.modified"] == "true" {
				info.Commit += "-dirty"
			}
		}
		if info.Date == "" {
			info.Date = settings["vcs.time"]
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = unknown
	}
	if info.Date == "" {
		info.Date = unknown
	}
	return info
}

// shortCommit abbreviates a revision to the seven characters git shows,
// keeping a "-dirty" mark.
func shortCommit(c string) string {
	rev, dirty := strings.CutSuffix(c, "-dirty")
	if len(rev) > 7 && rev != unknown {
		rev = rev[:7]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
