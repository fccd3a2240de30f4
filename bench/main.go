// Command bench measures deployer side by side with the tools users would
// pick instead (aws-cli v1 "aws cloudformation deploy", and the
// assume-role shell snippet), on identical work against the emulator and the
// test proxy, and writes bench/results.md. "make bench" runs it; a smoke
// mode runs in CI so it cannot rot. Section 8 measures every tool under a
// latency model (internal/testenv.Model); -quick runs it alone.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// config says what to measure and how often.
type config struct {
	deployer string
	binName  string // the path as given, for the report
	aws      string // empty: deployer-only (smoke)
	out      string
	runs     int             // runs of quick scenarios
	waits    []time.Duration // progress stretches for scenario 2
	waitRuns int
	long     time.Duration // scenario 3
	smoke    bool
	sam      string // sam CLI for the packaging and issue-14 comparisons; empty to skip it
	only     string // "package" or "noop": only those sections
	// peerWaits are the progress stretches of the issue-14 latency table.
	peerWaits []time.Duration
	model     modelConfig // section 8
	cdk       cdkConfig   // section 9
}

func main() {
	var c config
	var waits string
	flag.StringVar(&c.deployer, "deployer", "bin/deployer", "deployer binary")
	flag.StringVar(&c.aws, "aws", ".venv/bin/aws", "aws-cli v1 binary (empty to skip the comparison)")
	flag.StringVar(&c.out, "out", "bench/results.md", "results file")
	flag.IntVar(&c.runs, "runs", 9, "runs of each quick measurement")
	flag.StringVar(&waits, "waits", "5s,30s,120s", "CloudFormation progress stretches to measure")
	flag.IntVar(&c.waitRuns, "wait-runs", 3, "runs of each stretched create")
	flag.DurationVar(&c.long, "long", 600*time.Second, "the long wait of scenario 3")
	flag.BoolVar(&c.smoke, "smoke", false, "tiny settings, for CI")
	flag.StringVar(&c.sam, "sam", "", "sam CLI binary for the packaging and no-op comparisons (empty to skip it)")
	flag.StringVar(&c.only, "only", "", `"package" runs only the packaging section, "noop" only the no-op side by side and the latency at T off every poll grid, "model" only the latency model, "cdk" only deployer cdk deploy beside cdk deploy`)
	peerWaits := flag.String("peer-waits", "7s,47s,95s", "progress stretches of the latency table with every peer")
	c.model = defaultModel()
	flag.DurationVar(&c.model.rtt, "model-rtt", c.model.rtt, "latency model: round trip of every call")
	flag.DurationVar(&c.model.jitter, "model-jitter", c.model.jitter, "latency model: up to this much added to each round trip")
	flag.DurationVar(&c.model.csMin, "model-cs-min", c.model.csMin, "latency model: shortest change-set computation")
	flag.DurationVar(&c.model.csMax, "model-cs-max", c.model.csMax, "latency model: longest change-set computation")
	flag.DurationVar(&c.model.op, "model-op", c.model.op, "latency model: how long an execution takes")
	flag.BoolVar(&c.model.inside, "model-emulator-inside", c.model.inside, "latency model: the emulator's own time counts inside each call's round trip (false: on top of it, as before 2026-12-04)")
	flag.IntVar(&c.model.runs, "model-runs", c.model.runs, "latency model: runs of each tool and scenario (the median is reported)")
	fleet := flag.String("model-targets", "12,100", "latency model: fan-out sizes")
	flag.IntVar(&c.model.concurrency, "model-concurrency", c.model.concurrency, "latency model: fan-out concurrency")
	quick := flag.Bool("quick", false, "a short run: the latency model alone (as -only model), 3 runs each")
	parts := flag.String("cdk-parts", "fn,five,fleet", "section 9: the test app's FnStack (fn), the five-stack app (five), one agnostic stack to many accounts (fleet); -model-runs sets the runs")
	flag.IntVar(&c.cdk.concurrency, "cdk-concurrency", 5, "section 9: --concurrency of both tools for the five-stack app")
	flag.IntVar(&c.cdk.accounts, "cdk-accounts", 12, "section 9: accounts of the fleet part")
	flag.DurationVar(&c.cdk.opMax, "cdk-op-max", 15*time.Second, "section 9: executions last -model-op up to this, drawn per execution (cdk deploy reads a stack every 5 s)")
	flag.BoolVar(&c.cdk.noopOnly, "cdk-noop-only", false, "section 9: report the no-ops alone (the first deploy that sets them up still runs), for quick comparisons of start-up work")
	flag.Parse()
	outSet := false
	flag.Visit(func(f *flag.Flag) { outSet = outSet || f.Name == "out" })
	if c.only == "cdk" {
		c.aws, c.sam = "", "" // section 9 compares with cdk alone
		if !outSet {
			c.out = "bench/cdk-results.md" // not the full run's results.md
		}
	}
	if *quick {
		c.only = "model"
		c.model.runs = 3
	}
	var err error
	if c.waits, err = durations(waits); err == nil {
		c.peerWaits, err = durations(*peerWaits)
	}
	if err == nil {
		c.model.targets, err = counts(*fleet)
	}
	if err == nil {
		c.cdk.parts, err = cdkParts(*parts)
	}
	if err == nil && (c.cdk.concurrency < 1 || c.cdk.accounts < 1) {
		err = fmt.Errorf("-cdk-concurrency and -cdk-accounts: expected positive numbers")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// run sets up the emulator and proxy, measures, and writes the results.
func run(ctx context.Context, c config) error {
	var err error
	c.binName = c.deployer
	if c.deployer, err = filepath.Abs(c.deployer); err != nil {
		return err
	}
	if c.aws != "" {
		if c.aws, err = filepath.Abs(c.aws); err != nil {
			return err
		}
		if _, err := exec.LookPath(c.aws); err != nil {
			return fmt.Errorf("aws-cli not found at %s (make bench installs it): %w", c.aws, err)
		}
	}
	if c.sam != "" {
		if c.sam, err = filepath.Abs(c.sam); err != nil {
			return err
		}
	}
	m, err := testenv.LaunchMoto()
	if err != nil {
		return fmt.Errorf("start moto: %w", err)
	}
	defer m.Stop()
	p, stop := testenv.StartProxy(m.URL)
	defer stop()
	b, err := newBench(c, m, p)
	if err != nil {
		return err
	}
	defer os.RemoveAll(b.dir)

	b.title()
	steps := []func(context.Context) error{b.noop, b.stretched, b.longWait, b.assumeAndExec, b.startup, b.bigStack,
		b.noopCalls, b.peerLatency, b.modelSection}
	// The smoke test skips packaging until "deployer cfn package" exists.
	if !c.smoke {
		// The CDK section bootstraps with the real CDK CLI and runs it
		// under the latency model: minutes, so not in the smoke test.
		steps = append(steps, b.packaging, b.cdkSection)
	}
	switch c.only {
	case "package":
		steps = []func(context.Context) error{b.packaging}
	case "noop":
		steps = []func(context.Context) error{b.noopCalls, b.peerLatency}
	case "model":
		steps = []func(context.Context) error{b.startup, b.modelSection}
	case "cdk":
		steps = []func(context.Context) error{b.cdkSection}
	}
	for _, s := range steps {
		if err := s(ctx); err != nil {
			return err
		}
	}
	if c.only != "package" {
		b.targets()
	}
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(c.out, []byte(b.out.String()), 0o644)
}

// counts parses a comma-separated list of positive numbers such as "12,100".
func counts(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n < 1 {
			return nil, fmt.Errorf("%q: expected positive numbers separated by commas", list)
		}
		out = append(out, n)
	}
	return out, nil
}

// durations parses a comma-separated list such as "7s,47s,95s".
func durations(list string) ([]time.Duration, error) {
	var out []time.Duration
	for _, w := range strings.Split(list, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(w))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", list, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func (b *bench) title() {
	by := "`make bench`"
	switch b.c.only {
	case "model":
		by = "`make bench-quick` (the latency model alone)"
	case "cdk":
		by = "`go run ./bench -only cdk` (section 9 alone)"
	}
	fmt.Fprintf(&b.out, "# deployer benchmark results\n\nGenerated by %s on %s: %d CPUs, %s/%s, %s.\n", by,
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	if b.awsVersion != "" {
		fmt.Fprintf(&b.out, "Compared with %s (PyPI awscli, the `deploy` code path v2 shares).\n", b.awsVersion)
	}
	fmt.Fprintf(&b.out, "Everything runs against moto behind the test proxy; the proxy stretches CloudFormation's progress and reports when the stack reached its final state. Figures are medians; ratio = deployer / other (below 1 is faster).\n")
}
