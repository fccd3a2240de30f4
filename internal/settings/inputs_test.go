package settings

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

func TestRegularFileNamesWhatItFound(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "t.yaml")
	fifo := filepath.Join(dir, "pipe")
	if err := os.WriteFile(file, []byte("Resources: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for path, want := range map[string]string{file: "", dir: "not a directory", fifo: "not a named pipe", filepath.Join(dir, "none"): "cannot read"} {
		err := RegularFile(path)
		if (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), strings.TrimPrefix(want, "not ")) {
			t.Errorf("%s: got %v, want %q", path, err, want)
		}
	}
}

func TestParametersNameTheSettingOfABadValue(t *testing.T) {
	_, err := Parameters("--parameters", "DEPLOYER_PARAMETER_OVERRIDES", nil, []string{"A=1", "B"})
	if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "DEPLOYER_PARAMETER_OVERRIDES: ") {
		t.Errorf("got %v, want exit 2 naming the variable", err)
	}
}

func TestKnownRegionFlagThenSDKVariables(t *testing.T) {
	var c AssumeConfig
	if got := c.KnownRegion([]string{"AWS_DEFAULT_REGION=eu-west-1", "AWS_REGION=eu-central-1"}); got != "eu-central-1" {
		t.Errorf("got %s, want AWS_REGION's", got)
	}
	c.Source.Region = "ap-south-1"
	if got := c.KnownRegion([]string{"AWS_REGION=eu-central-1"}); got != "ap-south-1" {
		t.Errorf("got %s, want the setting's", got)
	}
	if got := (AssumeConfig{}).KnownRegion(nil); got != "us-east-1" {
		t.Errorf("got %s, want us-east-1", got)
	}
}
