package main

import (
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestProfileSplitsARunByItsRoundTrips: two AssumeRoles together, then
// three reads, one of which left before the second AssumeRole's answer;
// start-up, round trips, the emulator's share and exit come out as the
// timestamps say.
func TestProfileSplitsARunByItsRoundTrips(t *testing.T) {
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	r := modelRun{runResult: runResult{start: t0, end: at(160)}, calls: []testenv.Call{
		{Key: "sts:AssumeRole", Start: at(20), End: at(70)},
		{Key: "sts:AssumeRole", Start: at(21), End: at(75)},
		{Key: "ssm:POST", Start: at(71), End: at(120)},
		{Key: "cloudformation:DescribeStacks", Start: at(72), End: at(150)},
		{Key: "s3:HEAD", Start: at(76), End: at(130)},
	}}
	emu := map[string][]time.Duration{"sts:AssumeRole": {5 * time.Millisecond, 9 * time.Millisecond},
		"cloudformation:DescribeStacks": {30 * time.Millisecond}, "s3:HEAD": {4 * time.Millisecond}}
	p := profile(r, emu)
	if p.startup != 20*time.Millisecond || p.exit != 10*time.Millisecond || len(p.rounds) != 2 {
		t.Fatalf("startup %v, exit %v, %d round trips; want 20ms, 10ms and 2", p.startup, p.exit, len(p.rounds))
	}
	if p.rounds[0].span != 55*time.Millisecond || p.rounds[0].emulator != 9*time.Millisecond ||
		p.rounds[1].span != 79*time.Millisecond || p.rounds[1].emulator != 30*time.Millisecond {
		t.Errorf("round trips %+v; want 55ms (emulator 9ms) and 79ms (emulator 30ms)", p.rounds)
	}
	got := p.String()
	for _, want := range []string{"exec to first call 20 ms", "round trip 1: 55 ms (emulator up to 9 ms; sts:AssumeRole x2)",
		"then 0 ms of its own work", "round trip 2: 79 ms (emulator up to 30 ms; cloudformation:DescribeStacks, s3:HEAD, ssm:POST)", "last answer to exit 10 ms"} {
		if !strings.Contains(got, want) {
			t.Errorf("profile %q lacks %q", got, want)
		}
	}
	if m, n := medianPhases([]phases{p, p, {startup: time.Second}}); n != 2 || m.startup != p.startup {
		t.Errorf("median of two runs of one shape and one odd run: %d kept, startup %v; want 2 and %v", n, m.startup, p.startup)
	}
}
