package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// cdkConfig says which parts of section 9 run, and how.
type cdkConfig struct {
	parts       []string      // "fn", "five", "fleet"
	concurrency int           // --concurrency of both tools for the five-stack app
	accounts    int           // targets of the fleet part
	noopOnly    bool          // report no-ops alone
	opMax       time.Duration // executions last the model's op up to this, drawn
}

// cdkTargetAcct is where the pinned apps go.
const cdkTargetAcct = "222222222222"

// cdkBench is section 9's world: the latency model's proxy (with the
// emulator's own time taken per call), the pinned CDK CLI, and the rows.
type cdkBench struct {
	b      *bench
	w      *modelWorld
	emu    *emulatorClock
	cdkBin string
	env    []string // both tools': the model world's, as CI runs them
	rows   []cdkRow
	notes  []string // where a no-op's time goes, per app and tool
	about  []string // what a part ran, below the table
	load   []string
}

// cdkRow is one scenario of one app, both tools.
type cdkRow struct {
	app, scenario string
	d, c          cdkFigure // deployer, cdk
}

// cdkFigure is one tool's runs of a scenario; after is, for runs that
// executed change sets, exit minus the last stack's final state in the
// model: the tool's own lag, whatever the model drew for the change sets.
type cdkFigure struct {
	walls, after []time.Duration
	depth, calls []int
}

func (f cdkFigure) wall() time.Duration { return median(f.walls) }

// lag is the median of after, or "n/a" for runs that executed nothing.
func (f cdkFigure) lag() string {
	if len(f.after) == 0 {
		return "n/a"
	}
	return secs(median(f.after))
}

// cdkTool is one side of the comparison: argv to deploy app with extra
// arguments (stack selection, concurrency).
type cdkTool struct {
	name string
	argv func(app string, extra []string) []string
}

func (s *cdkBench) tools() []cdkTool {
	return []cdkTool{
		{"deployer cdk deploy", func(app string, extra []string) []string {
			return append([]string{s.b.c.deployer, "cdk", "deploy", "--app", app, "--require-approval", "never"}, extra...)
		}},
		{"cdk deploy", func(app string, extra []string) []string {
			return append([]string{s.cdkBin, "deploy", "--app", app, "--require-approval", "never"}, extra...)
		}},
	}
}

// cdkSection is section 9: deployer cdk deploy beside the pinned cdk deploy
// (aws-cdk 2.1149.0) under the latency model of section 8, on apps
// synthesized with aws-cdk-lib 2.276.0 and plain node, in accounts
// bootstrapped by the real cdk bootstrap --trust. Parts: the test app's
// FnStack (fn), a five-stack app with dependencies (five), one agnostic
// stack to many accounts against one cdk deploy per account (fleet).
func (b *bench) cdkSection(ctx context.Context) error {
	root := testenv.RepoRoot()
	s := &cdkBench{b: b, emu: &emulatorClock{}, cdkBin: filepath.Join(root, "tools", "cdk", "node_modules", ".bin", "cdk")}
	if _, err := os.Stat(s.cdkBin); err != nil {
		return fmt.Errorf("cdk section: %w (make bench installs the pinned CDK packages)", err)
	}
	w, stop, err := b.newModelWorld()
	if err != nil {
		return err
	}
	defer stop()
	s.w = w
	w.m.OperationMax = b.c.cdk.opMax
	w.proxy.Handle(s.emu.hook())
	// CI=true as CI systems set it: cdk then neither refreshes nor prints
	// its notices; deployer does not read it.
	s.env = append(append([]string(nil), w.env...), "CI=true")
	s.load = append(s.load, "start "+loadAverage())
	m := b.c.model
	fmt.Fprintf(&b.out, "\n## 9. CDK apps: deployer cdk deploy beside cdk deploy\n\n"+
		"Apps synthesized with aws-cdk-lib 2.276.0 and plain `node`; accounts bootstrapped by the real `cdk bootstrap --trust %s`; "+
		"both tools through the latency model of section 8 (%s, change sets computed in %v to %v, executions %v to %v drawn per execution "+
		"(cdk deploy reads the stack every 5 s, so one fixed length would line its reads up with every end), "+
		"the last resource %v before the stack, each changed resource's events written by the model as CloudFormation writes them, which moto does not), medians of %d runs (no-ops: %d; first deploys and the many-accounts part: one run each); "+
		"the model is seeded per run, so each tool's k-th run waits for the same drawn change-set and execution times (paired runs: their difference is the tools'). "+
		"Both tools get the same environment: the pipeline account's keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`), `AWS_REGION`, "+
		"`AWS_ENDPOINT_URL` (the model's proxy), `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` = /dev/null, a fresh `HOME`, and `CI=true` "+
		"as CI systems set it; stdout discarded (cdk checks for new versions only on a terminal). Each acts through the bootstrap roles. "+
		"Round trips: the longest chain of calls each sent after the one before it was answered. "+
		"Exit after the end: process exit minus the moment the model's last stack operation reached its final state, which does not depend "+
		"on the times the model drew.\n\n"+
		"| app | scenario | deployer cdk deploy | cdk deploy | cdk / deployer | exit after the end (deployer; cdk) | round trips (deployer; cdk) | calls (deployer; cdk) |\n|---|---|---|---|---|---|---|---|\n",
		testenv.PipelineAcct, m.calls(), m.csMin, m.csMax, m.op, max(m.op, b.c.cdk.opMax), m.gap, max(m.runs, 1), 3*max(m.runs, 1))
	parts := map[string]func(context.Context) error{"fn": s.fnStack, "five": s.fiveStacks, "fleet": s.fleet}
	for _, p := range b.c.cdk.parts {
		if err := parts[p](ctx); err != nil {
			return fmt.Errorf("cdk section, %s: %w", p, err)
		}
		s.load = append(s.load, "after "+p+" "+loadAverage())
	}
	for _, r := range s.rows {
		fmt.Fprintf(&b.out, "| %s | %s | %s | %s | %.1fx | %s; %s | %s; %s | %s; %s |\n", r.app, r.scenario, secs(r.d.wall()), secs(r.c.wall()),
			r.c.wall().Seconds()/r.d.wall().Seconds(), r.d.lag(), r.c.lag(), spread(r.d.depth), spread(r.c.depth), spread(r.d.calls), spread(r.c.calls))
	}
	if len(s.about) > 0 {
		fmt.Fprintf(&b.out, "\n%s\n", strings.Join(s.about, "\n\n"))
	}
	if len(s.notes) > 0 {
		fmt.Fprintf(&b.out, "\nWhere a no-op's time goes (medians, from the proxy's timestamps; the emulator's share is its own time to answer, %s):\n\n%s\n",
			map[bool]string{true: "inside the round trip", false: "on top of the model's round trip"}[m.inside], strings.Join(s.notes, "\n"))
	}
	fmt.Fprintf(&b.out, "\nLoad average (1, 5, 15 min) on %d CPUs: %s.\n", cpus(), strings.Join(s.load, "; "))
	b.cdkRows = s.rows
	return nil
}

// fnStack is the test app's FnStack (a function from Code.fromAsset and a
// file asset); one asset changed: the function's code.
func (s *cdkBench) fnStack(ctx context.Context) error {
	src := filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "app")
	v1, v2, err := s.assemblies(ctx, "fn", src, nil)
	if err != nil {
		return err
	}
	if err := s.bootstrap(ctx, []string{cdkTargetAcct}); err != nil {
		return err
	}
	s.about = append(s.about, "FnStack: the test app's stack with a function from `Code.fromAsset` and a file asset, named on the command line.")
	return s.scenarios(ctx, "FnStack", v1, v2, []string{"FnStack"}, func(ctx context.Context) error {
		return s.deleteStacks(ctx, cdkTargetAcct, "FnStack")
	})
}

// fiveStacks is the five-stack app (Network and Storage, Queue after
// Network, Service after all three, Config after Service), every stack
// with --all and the same --concurrency for both tools.
func (s *cdkBench) fiveStacks(ctx context.Context) error {
	src := filepath.Join(testenv.RepoRoot(), "bench", "testdata", "cdkapps")
	v1, v2, err := s.assemblies(ctx, "five", src, []string{"BENCH_APP=five"})
	if err != nil {
		return err
	}
	if err := s.bootstrap(ctx, []string{cdkTargetAcct}); err != nil {
		return err
	}
	name := "five stacks"
	s.about = append(s.about, fmt.Sprintf("The five-stack app: Network and Storage, Queue after Network, Service (a function from `Code.fromAsset`) after all three, "+
		"Config after Service, joined by exports and imports; both tools deploy it with `--all --concurrency %d`.", s.b.c.cdk.concurrency))
	return s.scenarios(ctx, name, v1, v2, []string{"--all", "--concurrency", fmt.Sprint(s.b.c.cdk.concurrency)}, func(ctx context.Context) error {
		return s.deleteStacks(ctx, cdkTargetAcct, "Config", "Service", "Queue", "Storage", "Network")
	})
}

// scenarios measures app with both tools: a first deploy (after reset, one
// run), no-ops, and one asset changed (the v2 assembly, then v1 again, in
// turn).
func (s *cdkBench) scenarios(ctx context.Context, app, v1, v2 string, extra []string, reset func(context.Context) error) error {
	runs := max(s.b.c.model.runs, 1)
	var figs [2][3]cdkFigure
	for i, t := range s.tools() {
		if err := reset(ctx); err != nil {
			return err
		}
		var err error
		if figs[i][2], err = s.measure(ctx, t.name+" "+app+" first deploy", seedFirst, 1, func(int) []string { return t.argv(v1, extra) }, ""); err != nil {
			return err
		}
		// No-ops are cheap and, at a tenth of a second, moved most by the
		// other jobs on the machine: three times the runs.
		if figs[i][0], err = s.measure(ctx, t.name+" "+app+" no-op", seedNoop, 3*runs, func(int) []string { return t.argv(v1, extra) }, app+", "+t.name); err != nil {
			return err
		}
		if s.b.c.cdk.noopOnly {
			continue
		}
		change := func(k int) []string { return t.argv([]string{v2, v1}[k%2], extra) }
		if figs[i][1], err = s.measure(ctx, t.name+" "+app+" asset change", seedChange, runs, change, ""); err != nil {
			return err
		}
	}
	for k, scenario := range []string{"no-op", "one asset changed", "first deploy"} {
		if k > 0 && s.b.c.cdk.noopOnly {
			break
		}
		s.rows = append(s.rows, cdkRow{app: app, scenario: scenario, d: figs[0][k], c: figs[1][k]})
	}
	return nil
}

// Seeds of the model's change-set and execution times, per scenario: run
// k of each tool draws from seed+k, so the two tools' runs are paired (the
// same waits), and their difference is the tools' own.
const (
	seedFirst uint64 = 100 * (iota + 1)
	seedNoop
	seedChange
)

// measure runs argv(k) n times, run k with the model seeded at seed+k;
// with note set, each run's time is split by its calls and the medians
// kept as a note.
func (s *cdkBench) measure(ctx context.Context, what string, seed uint64, n int, argv func(k int) []string, note string) (cdkFigure, error) {
	var f cdkFigure
	var ps []phases
	for k := 0; k < n; k++ {
		s.emu.reset()
		s.w.m.Seed(seed + uint64(k))
		r := s.w.runWith(ctx, s.env, argv(k)...)
		if err := check(r.runResult, what); err != nil {
			return f, err
		}
		f.walls, f.depth, f.calls = append(f.walls, r.wall()), append(f.depth, r.depth), append(f.calls, len(r.calls))
		if len(r.ops) > 0 {
			f.after = append(f.after, r.afterOp)
		}
		if note != "" {
			ps = append(ps, profile(r, s.emu.snapshot()))
		}
		fmt.Fprintf(os.Stderr, "bench: %s: %s, %d calls, %d round trips (load %s)\n", what, secs(r.wall()), len(r.calls), r.depth, loadAverage())
	}
	if note != "" {
		mp, kept := medianPhases(ps)
		s.notes = append(s.notes, fmt.Sprintf("- %s (%d of %d runs of this shape): %s.", note, kept, n, mp))
	}
	return f, nil
}

// cdkTargets adds issue 27's bench targets, from section 9.
func (b *bench) cdkTargets(row func(target, measured string, met, known bool)) {
	var noop, slower []string
	noopMet, fasterMet := true, true
	for _, r := range b.cdkRows {
		x := r.c.wall().Seconds() / r.d.wall().Seconds()
		if r.scenario == "no-op" {
			noop = append(noop, fmt.Sprintf("%s %.1fx (%s vs %s)", r.app, x, secs(r.d.wall()), secs(r.c.wall())))
			noopMet = noopMet && x >= 10
			continue
		}
		slower = append(slower, fmt.Sprintf("%s, %s %.1fx (exit after the end %s vs %s)", r.app, r.scenario, x, r.d.lag(), r.c.lag()))
		fasterMet = fasterMet && x > 1
	}
	known := len(b.cdkRows) > 0
	row("CDK: no-op at least 10x faster than cdk deploy", strings.Join(noop, "; "), noopMet, known)
	row("CDK: first deploy and one asset changed faster than cdk deploy", strings.Join(slower, "; "), fasterMet, known)
}

// loadAverage is /proc/loadavg's three figures, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// cdkParts checks a -cdk-parts list.
func cdkParts(list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains([]string{"fn", "five", "fleet"}, p) {
			return nil, fmt.Errorf("-cdk-parts %q: expected fn, five and fleet separated by commas", list)
		}
		out = append(out, p)
	}
	return out, nil
}
