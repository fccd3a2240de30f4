package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyBinary(t *testing.T) {
	bin := miniDistBinary(t)
	if _, err := verifyBinary(bin, hostTarget(), testStamp); err != nil {
		t.Errorf("the release's own binary: %v", err)
	}
	other := Target{OS: "linux", Arch: "arm64"}
	if hostTarget() == other {
		other = Target{OS: "linux", Arch: "amd64"}
	}
	if _, err := verifyBinary(bin, other, testStamp); err == nil || !strings.Contains(err.Error(), "CPU") {
		t.Errorf("a host binary checked as %s: %v, want a CPU mismatch", other, err)
	}
	if _, err := verifyBinary(bin, Target{OS: "windows", Arch: hostTarget().Arch}, testStamp); err == nil {
		t.Error("an ELF binary passed as a windows one")
	}
	wrong := testStamp
	wrong.Version = "v9.9.9-not-stamped"
	if _, err := verifyBinary(bin, hostTarget(), wrong); err == nil {
		t.Error("a binary without the version stamp passed")
	}
}

// miniDistBinary unpacks the binary of the shared release.
func miniDistBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, archive := hostFiles(t)
	members, err := readTarGz(files[archive])
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "deployer")
	if err := os.WriteFile(bin, members["deployer"], 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}
