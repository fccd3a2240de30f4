package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/deployer-dev/deployer/internal/targets"
)

// fanoutOut, when set, receives the simulation's figures as a markdown
// section: go test ./bench -run TestFanoutSimulation -fanout.out FILE.
var fanoutOut = flag.String("fanout.out", "", "write the fan-out simulation's figures (markdown) to this file")

// The server-side throttle of the model. AWS publishes neither figure; they
// are set tighter than the pacer's so that an unpaced run shows throttling.
var simLimits = map[string]targets.Rate{
	"CloudFormation": {PerSecond: 10, Burst: 20},
	"STS":            {PerSecond: 20, Burst: 40},
}

type simRow struct {
	concurrency   int
	paced         bool
	wall          time.Duration
	peakSTS       int
	peakCFN       int
	callsPerTgt   float64
	throttled     int
	peakHeapBytes uint64
	succeeded     int
}

// TestFanoutSimulation runs the targets engine over 1,000 simulated targets
// (250 accounts x 4 regions, a canary wave of 8 then the rest) against the
// fake CloudFormation and STS of fanout_model_test.go, at several
// concurrencies, on synctest's fake clock. It checks the figures the issue
// sets (memory under 100 MB, calls within the pacer's budget) and, with
// -fanout.out, writes them for the README. -short simulates 200 targets.
func TestFanoutSimulation(t *testing.T) {
	n, levels := 1000, []int{1, 8, 32, 64}
	if testing.Short() {
		n, levels = 200, []int{8, 64}
	}
	plan := simPlan(n)
	var rows []simRow
	for _, c := range levels {
		rows = append(rows, simulate(t, plan, c, true))
	}
	rows = append(rows, simulate(t, plan, levels[len(levels)-1], false))
	for _, r := range rows {
		if r.paced && r.succeeded != n {
			t.Errorf("concurrency %d paced %v: %d of %d targets succeeded", r.concurrency, r.paced, r.succeeded, n)
		}
		if r.peakHeapBytes > 100<<20 {
			t.Errorf("concurrency %d: peak heap %d MB, the target is under 100 MB", r.concurrency, r.peakHeapBytes>>20)
		}
		// A bucket of 10/s with a burst of 20 lets at most 30 calls into
		// one second.
		if r.paced && (r.peakSTS > 30 || r.throttled > 0) {
			t.Errorf("concurrency %d paced: %d STS calls in one second, %d throttled; want at most 30 and none", r.concurrency, r.peakSTS, r.throttled)
		}
	}
	for i := 1; i < len(levels); i++ {
		if rows[i].wall >= rows[i-1].wall {
			t.Errorf("concurrency %d took %v, not less than concurrency %d (%v)", rows[i].concurrency, rows[i].wall, rows[i-1].concurrency, rows[i-1].wall)
		}
	}
	report := fanoutMarkdown(n, rows)
	t.Log("\n" + report)
	if *fanoutOut != "" {
		if err := os.WriteFile(*fanoutOut, []byte(report), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func simPlan(n int) []targets.Wave {
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	var ts []targets.Target
	for i := range n {
		wave := "rest"
		if i < 8 {
			wave = "canary"
		}
		ts = append(ts, targets.Target{Wave: wave, Account: fmt.Sprintf("%012d", 200000000000+i/len(regions)), Region: regions[i%len(regions)]})
	}
	return targets.Group(ts)
}

// simulate runs one configuration in its own bubble and measures it.
func simulate(t *testing.T, plan []targets.Wave, concurrency int, paced bool) simRow {
	row := simRow{concurrency: concurrency, paced: paced}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	synctest.Test(t, func(t *testing.T) {
		server := &simServer{limits: simLimits, buckets: map[string]*serverBucket{}, perSecond: map[string]map[int64]int{}}
		var pacer *targets.Pacer
		if paced {
			pacer = targets.NewPacer(nil)
		}
		var calls sync.Map
		stop := make(chan struct{})
		var sampled sync.WaitGroup
		var peak uint64
		sampled.Go(func() {
			for {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc+m.StackInuse)
				select {
				case <-stop:
					return
				case <-time.After(30 * time.Second):
				}
			}
		})
		start := time.Now()
		sum := targets.Run(t.Context(), plan, targets.Options{MaxConcurrency: concurrency, Tolerance: targets.Tolerance{Percent: 100, IsPercent: true}}, simDeploy(server, pacer, "111111111111", 7, &calls))
		row.wall = time.Since(start)
		close(stop)
		sampled.Wait()
		row.peakHeapBytes = peak
		row.succeeded = sum.Tally().Succeeded
		row.peakSTS, row.peakCFN = server.peak("STS"), server.peak("CloudFormation")
		row.throttled = server.throttled
		total, count := 0, 0
		calls.Range(func(_, v any) bool { total += v.(int); count++; return true })
		row.callsPerTgt = float64(total) / float64(max(count, 1))
	})
	return row
}

func fanoutMarkdown(n int, rows []simRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Fan-out simulation: %d targets\n\n", n)
	fmt.Fprintf(&b, "Fake CloudFormation and STS on a fake clock (`go test ./bench -run TestFanoutSimulation`): %d accounts x 4 regions, a canary wave of 8 then the rest, failure tolerance 100%% so every target runs; per target one AssumeRole in the CI account, a change set ready after 3-10 s, a stack that settles after 1-4 min, polled as internal/cfn polls. Model throttle: CloudFormation 10 calls/s (burst 20) and STS 20/s (burst 40) per account and region; the pacer's defaults are CloudFormation 5/s (burst 10), STS 10/s (burst 20). Go %s, %s/%s.\n\n", n/4, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	b.WriteString("| concurrency | paced | wall time (simulated) | peak STS calls/s (CI account) | peak CloudFormation calls/s per account/region | calls per target | throttled calls | targets failed | peak heap + stacks |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d | %v | %s | %d | %d | %.1f | %d | %d | %.1f MB |\n", r.concurrency, map[bool]string{true: "yes", false: "no"}[r.paced],
			r.wall.Round(time.Second), r.peakSTS, r.peakCFN, r.callsPerTgt, r.throttled, n-r.succeeded, float64(r.peakHeapBytes)/(1<<20))
	}
	return b.String()
}
