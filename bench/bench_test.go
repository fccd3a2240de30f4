package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestMain stops the shared emulator once every test is done (a test that
// stopped it would leave the tests after it without one).
func TestMain(m *testing.M) { testenv.Main(m) }

// TestSmoke runs the benchmark program end to end with tiny settings and
// deployer alone, so it cannot rot between "make bench" runs.
func TestSmoke(t *testing.T) {
	testenv.StartMoto(t) // fails or skips with the harness's message when moto is missing
	out := filepath.Join(t.TempDir(), "results.md")
	c := config{deployer: testenv.Binary(t), out: out, runs: 2, waits: []time.Duration{2 * time.Second}, waitRuns: 1, long: 3 * time.Second, smoke: true,
		peerWaits: []time.Duration{2 * time.Second},
		model: modelConfig{rtt: 5 * time.Millisecond, csMin: 100 * time.Millisecond, csMax: 300 * time.Millisecond, op: time.Second,
			gap: 200 * time.Millisecond, runs: 1, targets: []int{3}, concurrency: 3}}
	if err := run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## 1. No-op deploy", "| 2s | deployer |", "## 4. Role assumption", "`deployer --version`", "Peak RSS", "| static binary under 25 MB |",
		"## 6. No-op deploy side by side", "| deployer --role-arn (target account) |", "| 2s | deployer |", "at most 3 CloudFormation calls | 3; 3 with --role-arn | yes |",
		"## 8. Under a latency model", "| no-op | deployer --role-arn | ", "| one changed resource | deployer --role-arn | ", "| 3 | "} {
		if !strings.Contains(string(b), want) {
			t.Errorf("results lack %q:\n%s", want, b)
		}
	}
}
