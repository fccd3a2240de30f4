package version

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	const sha = "abc1234def5678abc1234def5678abc1234def56"
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/deployer-dev/deployer", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: sha},
			{Key: "vcs.time", Value: "2026-11-20T08:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name string
		s    stamp
		bi   *debug.BuildInfo
		want Info
	}{
		{
			name: "stamped release wins over build info",
			s:    stamp{version: "v1.2.3", commit: sha, date: "2026-11-22T10:00:00Z"},
			bi:   vcs,
			want: Info{Version: "v1.2.3", Commit: sha, Date: "2026-11-22T10:00:00Z", GoVersion: "go1.26.8", Platform: "linux/amd64"},
		},
		{
			name: "checkout build falls back to vcs settings",
			bi:   vcs,
			want: Info{Version: "dev", Commit: sha + "-dirty", Date: "2026-11-20T08:00:00Z", GoVersion: "go1.26.8", Platform: "linux/amd64"},
		},
		{
			name: "go install records the module version",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Version: "v1.0.0"}},
			want: Info{Version: "v1.0.0", Commit: "unknown", Date: "unknown", GoVersion: "go1.26.1", Platform: "linux/amd64"},
		},
		{
			name: "no build info at all",
			want: Info{Version: "dev", Commit: "unknown", Date: "unknown", GoVersion: "go1.99", Platform: "linux/amd64"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.s, tt.bi, "go1.99", "linux/amd64")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resolve() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		info Info
		want string
	}{
		{
			Info{Version: "v1.2.3", Commit: "abc1234def5678", Date: "2026-11-22T10:00:00Z", GoVersion: "go1.26.8", Platform: "linux/amd64"},
			"deployer v1.2.3 (commit abc1234, built 2026-11-22T10:00:00Z, go1.26.8, linux/amd64)",
		},
		{
			Info{Version: "dev", Commit: "abc1234def5678-dirty", Date: "unknown", GoVersion: "go1.26.8", Platform: "darwin/arm64"},
			"deployer dev (commit abc1234-dirty, built unknown, go1.26.8, darwin/arm64)",
		},
		{
			Info{Version: "dev", Commit: "unknown", Date: "unknown", GoVersion: "go1.26.8", Platform: "windows/amd64"},
			"deployer dev (commit unknown, built unknown, go1.26.8, windows/amd64)",
		},
	}
	for _, tt := range tests {
		if got := tt.info.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestJSONNames(t *testing.T) {
	b, err := json.Marshal(Info{Version: "v1", Commit: "c", Date: "d", GoVersion: "go1", Platform: "p"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":"v1","commit":"c","date":"d","go":"go1","platform":"p"}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
}

func TestGetDescribesThisBinary(t *testing.T) {
	got := Get()
	if got.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("Platform = %q, want %s/%s", got.Platform, runtime.GOOS, runtime.GOARCH)
	}
	if !strings.HasPrefix(got.GoVersion, "go") {
		t.Errorf("GoVersion = %q, want a toolchain name", got.GoVersion)
	}
	if got.Version == "" || got.Commit == "" || got.Date == "" {
		t.Errorf("Get() left a field empty: %+v", got)
	}
}
