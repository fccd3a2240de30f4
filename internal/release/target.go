// Package release builds deployer's release: a reproducible archive per
// platform (the binary, LICENSE and README.md), checksums.txt in the format
// of sha256sum, and a CycloneDX SBOM of the Go modules compiled in.
//
// Reproducible means two runs from the same commit with the same Go
// toolchain write the same bytes: the binaries are built with -trimpath,
// CGO_ENABLED=0 and an empty build ID, the build date is the commit's time,
// and the archives have sorted entries, fixed times, owner 0 and no gzip
// name or time.
package release

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Target is one platform of a release, such as linux/arm64.
type Target struct {
	OS   string
	Arch string
}

// String is the GOOS/GOARCH form, as in "linux/arm64".
func (t Target) String() string { return t.OS + "/" + t.Arch }

// supported lists the platforms whose binaries verifyBinary can check.
var supported = map[Target]bool{
	{"linux", "amd64"}: true, {"linux", "arm64"}: true,
	{"darwin", "amd64"}: true, {"darwin", "arm64"}: true,
	{"windows", "amd64"}: true, {"windows", "arm64"}: true,
}

// ParseTargets reads platforms separated by spaces or commas, such as
// "linux/amd64 darwin/arm64".
func ParseTargets(s string) ([]Target, error) {
	var targets []Target
	seen := map[Target]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		goos, goarch, ok := strings.Cut(f, "/")
		t := Target{OS: goos, Arch: goarch}
		if !ok || !supported[t] {
			return nil, fmt.Errorf("unsupported target %q (expected GOOS/GOARCH, one of linux, darwin or windows with amd64 or arm64)", f)
		}
		if !seen[t] {
			seen[t] = true
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("no targets given")
	}
	return targets, nil
}

// binaryName is the executable's name inside the archive.
func (t Target) binaryName() string {
	if t.OS == "windows" {
		return "deployer.exe"
	}
	return "deployer"
}

// archiveName is the archive's file name; Windows gets a zip because that is
// what its users can open without extra tools. scripts/install.sh builds the
// same name: change both together.
func (t Target) archiveName(version string) string {
	ext := ".tar.gz"
	if t.OS == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("deployer_%s_%s_%s%s", version, t.OS, t.Arch, ext)
}

// Stamp is what the linker writes into internal/version.
type Stamp struct {
	// Version, such as "v1.2.3"; it is also part of the file names.
	Version string
	// Commit is the full revision.
	Commit string
	// Date is the commit's time; it is the build date and every archived
	// file's modification time.
	Date time.Time
}

var (
	versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)
	commitPattern  = regexp.MustCompile(`^[0-9a-f]{7,64}$`)
)

// validate refuses values that would break the -ldflags string or a file name.
func (s Stamp) validate() error {
	if !versionPattern.MatchString(s.Version) {
		return fmt.Errorf("version %q: want letters, digits and . _ + - only, such as v1.2.3", s.Version)
	}
	if !commitPattern.MatchString(s.Commit) {
		return fmt.Errorf("commit %q: want a hexadecimal revision", s.Commit)
	}
	if s.Date.IsZero() {
		return fmt.Errorf("no build date: want the commit's time")
	}
	return nil
}

// dateString is the build date as internal/version prints it.
func (s Stamp) dateString() string { return s.Date.UTC().Format(time.RFC3339) }
