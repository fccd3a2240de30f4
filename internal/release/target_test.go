package release

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseTargets(t *testing.T) {
	got, err := ParseTargets("linux/amd64, linux/arm64 darwin/arm64\nlinux/amd64")
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "arm64"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseTargets (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "linux", "linux/riscv64", "plan9/amd64"} {
		if _, err := ParseTargets(bad); err == nil {
			t.Errorf("ParseTargets(%q) succeeded, want an error", bad)
		}
	}
}

func TestArchiveNames(t *testing.T) {
	// scripts/install.sh builds the same names.
	if got := (Target{"linux", "arm64"}).archiveName("v1.2.3"); got != "deployer_v1.2.3_linux_arm64.tar.gz" {
		t.Errorf("linux archive = %s", got)
	}
	if got := (Target{"windows", "amd64"}).archiveName("v1.2.3"); got != "deployer_v1.2.3_windows_amd64.zip" {
		t.Errorf("windows archive = %s", got)
	}
}

func TestStampValidate(t *testing.T) {
	if err := testStamp.validate(); err != nil {
		t.Errorf("testStamp: %v", err)
	}
	bad := []Stamp{
		{Version: "v1 -X main.x=y", Commit: testStamp.Commit, Date: testStamp.Date},
		{Version: "../v1", Commit: testStamp.Commit, Date: testStamp.Date},
		{Version: "v1", Commit: "HEAD", Date: testStamp.Date},
		{Version: "v1", Commit: testStamp.Commit},
	}
	for _, s := range bad {
		if err := s.validate(); err == nil {
			t.Errorf("validate(%+v) succeeded, want an error", s)
		}
	}
}

func TestBuildCmd(t *testing.T) {
	b := builder{goBin: "/usr/bin/go", moduleDir: "/src", pkg: "./cmd/deployer",
		env: []string{"HOME=/root", "GOFLAGS=-race", "GOAMD64=v3", "CGO_ENABLED=1", "GOOS=plan9"}}
	s := Stamp{Version: "v1.2.3", Commit: testStamp.Commit, Date: time.Date(2026, 11, 22, 11, 0, 0, 0, time.FixedZone("CET", 3600))}
	cmd := b.buildCmd(context.Background(), Target{"linux", "arm64"}, s, "/out/deployer")

	wantArgs := []string{"/usr/bin/go", "build", "-trimpath", "-buildvcs=false", "-ldflags",
		"-s -w -buildid= -X " + versionPkg + ".version=v1.2.3 -X " + versionPkg + ".commit=" + testStamp.Commit +
			" -X " + versionPkg + ".date=2026-11-22T10:00:00Z -X main.version=v1.2.3",
		"-o", "/out/deployer", "./cmd/deployer"}
	if diff := cmp.Diff(wantArgs, cmd.Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	if cmd.Dir != "/src" {
		t.Errorf("Dir = %q, want /src", cmd.Dir)
	}
	wantEnv := []string{"CGO_ENABLED=0", "GOAMD64=v1", "GOARCH=arm64", "GOARM64=v8.0", "GOFLAGS=-mod=readonly", "GOOS=linux", "HOME=/root"}
	gotEnv := slices.Sorted(slices.Values(cmd.Env))
	if diff := cmp.Diff(wantEnv, gotEnv); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
}
