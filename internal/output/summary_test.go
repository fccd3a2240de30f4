package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/targets"
)

func fanoutSummary(status targets.Status) targets.Summary {
	return targets.Summary{Results: []targets.Result{
		{Target: targets.Target{Wave: "dev", Account: "111111111111", Region: "us-east-1"}, Status: targets.Succeeded},
		{Target: targets.Target{Wave: "dev", Account: "222222222222", Region: "us-east-1"}, Status: status, Reason: "boom"},
	}}
}

// TestFanoutFinishWritesTableFilesAndExitCode: the table goes to stderr,
// both files are written, and a failed target is the summary's exit code.
func TestFanoutFinishWritesTableFilesAndExitCode(t *testing.T) {
	dir := t.TempDir()
	var errw bytes.Buffer
	f := Fanout{Blocks: &Blocks{W: &errw}, Err: &errw, Files: NewWriter(),
		SummaryFile: filepath.Join(dir, "summary.json"), JUnitFile: filepath.Join(dir, "report.xml")}
	err := f.Finish(context.Background(), fanoutSummary(targets.Failed))
	if exitcode.Of(err) != exitcode.Failed {
		t.Fatalf("got %v (exit %d), want exit 1", err, exitcode.Of(err))
	}
	if !strings.Contains(errw.String(), "TARGET") || !strings.Contains(errw.String(), "222222222222") {
		t.Errorf("stderr has no table:\n%s", errw.String())
	}
	for _, p := range []string{f.SummaryFile, f.JUnitFile} {
		if data, err := os.ReadFile(p); err != nil || len(data) == 0 {
			t.Errorf("%s: %v, %d bytes", p, err, len(data))
		}
	}
	if err := f.Finish(context.Background(), fanoutSummary(targets.NoChanges)); err != nil {
		t.Errorf("all targets fine: got %v, want nil", err)
	}
}

// TestFanoutFinishJSONIsOneLine: with JSON logs the table is replaced by
// one log line carrying the summary as a field.
func TestFanoutFinishJSONIsOneLine(t *testing.T) {
	var errw bytes.Buffer
	f := Fanout{Blocks: &Blocks{W: &errw}, Err: &errw, JSON: true, Files: NewWriter()}
	_ = f.Finish(context.Background(), fanoutSummary(targets.Failed))
	lines := strings.Split(strings.TrimSpace(errw.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1:\n%s", len(lines), errw.String())
	}
	var line struct {
		Summary json.RawMessage `json:"summary"`
		Message string          `json:"message"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil || len(line.Summary) == 0 || line.Message == "" {
		t.Errorf("line %q: %v", lines[0], err)
	}
}

// TestFanoutFinishInterruptKeepsTheSignalsCode: an interrupted run ends
// with the signal's code, not the summary's.
func TestFanoutFinishInterruptKeepsTheSignalsCode(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(&exitcode.Interrupted{Signal: syscall.SIGTERM})
	sum := fanoutSummary(targets.Interrupted)
	sum.Interrupted = true
	var errw bytes.Buffer
	err := Fanout{Blocks: &Blocks{W: &errw}, Err: &errw, Files: NewWriter()}.Finish(ctx, sum)
	var in *exitcode.Interrupted
	if !errors.As(err, &in) || in.Signal != syscall.SIGTERM {
		t.Errorf("got %v, want the interrupt", err)
	}
}

func TestExecuteCommandAssumesTheSameRoles(t *testing.T) {
	got := ExecuteCommand([]string{"arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"}, "arn:cs")
	want := "deployer exec --role-arn arn:aws:iam::1:role/a --role-arn arn:aws:iam::2:role/b -- aws cloudformation execute-change-set --change-set-name arn:cs"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
