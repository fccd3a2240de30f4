package release

import (
	"encoding/json"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSBOMListsEveryLinkedModule(t *testing.T) {
	const main = "github.com/deployer-dev/deployer"
	common := &debug.Module{Path: "github.com/aws/aws-sdk-go-v2", Version: "v1.47.7", Sum: "h1:abc="}
	infos := map[Target]*debug.BuildInfo{
		{"linux", "amd64"}: {GoVersion: "go1.26.8", Main: debug.Module{Path: main}, Deps: []*debug.Module{
			common,
			{Path: "golang.org/x/sys", Version: "v0.29.0", Sum: "h1:sys="},
		}},
		{"darwin", "arm64"}: {GoVersion: "go1.26.8", Main: debug.Module{Path: main}, Deps: []*debug.Module{
			common,
			{Path: "example.com/old", Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v2.0.0+incompatible", Sum: "h1:fork="}},
		}},
	}
	out, err := writeSBOM(testStamp, main, infos)
	if err != nil {
		t.Fatal(err)
	}
	again, err := writeSBOM(testStamp, main, infos)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(again) {
		t.Error("two SBOMs of the same builds differ")
	}

	var bom cdxBOM
	if err := json.Unmarshal(out, &bom); err != nil {
		t.Fatalf("the SBOM is not JSON: %v", err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" {
		t.Errorf("format %s %s, want CycloneDX 1.5", bom.BOMFormat, bom.SpecVersion)
	}
	if bom.Metadata.Timestamp != "2026-11-22T10:00:00Z" {
		t.Errorf("timestamp %s, want the commit time", bom.Metadata.Timestamp)
	}
	if got := bom.Metadata.Component.PURL; got != "pkg:golang/github.com/deployer-dev/deployer@v0.0.0-test" {
		t.Errorf("main purl %s", got)
	}
	type row struct{ Name, Version, PURL, Platforms string }
	var got []row
	for _, c := range bom.Components {
		got = append(got, row{c.Name, c.Version, c.PURL, c.Properties[0].Value})
	}
	want := []row{
		{"example.com/fork", "v2.0.0+incompatible", "pkg:golang/example.com/fork@v2.0.0%2Bincompatible", "darwin/arm64"},
		{"github.com/aws/aws-sdk-go-v2", "v1.47.7", "pkg:golang/github.com/aws/aws-sdk-go-v2@v1.47.7", "darwin/arm64 linux/amd64"},
		{"golang.org/x/sys", "v0.29.0", "pkg:golang/golang.org/x/sys@v0.29.0", "linux/amd64"},
		{"stdlib", "go1.26.8", "pkg:golang/stdlib@v1.26.8", "darwin/arm64 linux/amd64"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	if n := len(bom.Dependencies[0].DependsOn); n != len(want) {
		t.Errorf("deployer depends on %d components, want %d", n, len(want))
	}
}

func TestSBOMRefusesAnotherModule(t *testing.T) {
	infos := map[Target]*debug.BuildInfo{{"linux", "amd64"}: {Main: debug.Module{Path: "example.com/other"}}}
	if _, err := writeSBOM(testStamp, "github.com/deployer-dev/deployer", infos); err == nil {
		t.Error("an SBOM of another module's binary was written, want an error")
	}
}
