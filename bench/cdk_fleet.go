package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// fleet is one environment-agnostic stack (a function from Code.fromAsset)
// to N accounts, each bootstrapped by the real cdk bootstrap --trust:
// deployer cdk deploy --targets FILE in one run, with the pipeline's keys
// and every target's bootstrap roles, against cdk deploy once per account
// in sequence, each with that account's own credentials, as a pipeline
// runs it (cdk fills an agnostic stack's account from its credentials).
// The cdk side's figures are the sums over its N runs. One run of each
// scenario: first deploy, no-op, one asset changed.
func (s *cdkBench) fleet(ctx context.Context) error {
	n := s.b.c.cdk.accounts
	src := filepath.Join(testenv.RepoRoot(), "bench", "testdata", "cdkapps")
	v1, v2, err := s.assemblies(ctx, "agnostic", src, []string{"BENCH_APP=agnostic"})
	if err != nil {
		return err
	}
	accts := make([]string, n)
	for i := range accts {
		accts[i] = fmt.Sprintf("%012d", 310000000001+i)
	}
	if err := s.bootstrap(ctx, accts); err != nil {
		return err
	}
	file, err := cdkTargetsFile(s.w.dir, accts)
	if err != nil {
		return err
	}
	envs := make([][]string, n)
	for i, a := range accts {
		if envs[i], err = s.b.accountEnv(ctx, s.env, a); err != nil {
			return err
		}
	}
	deployer := func(app string) []string {
		return []string{s.b.c.deployer, "cdk", "deploy", "--app", app, "--require-approval", "never", "--targets", file, "Service"}
	}
	cdk := func(app string) []string {
		return []string{s.cdkBin, "deploy", "--app", app, "--require-approval", "never", "Service"}
	}
	// Both sides start from no stack, deployer first; each side's no-op and
	// asset change follow its own first deploy.
	var figs [2][3]cdkFigure
	for side := 0; side < 2; side++ {
		for _, a := range accts {
			if err := s.deleteStacks(ctx, a, "Service"); err != nil {
				return err
			}
		}
		for k, app := range []string{v1, v1, v2} {
			what := fmt.Sprintf("%d accounts, %s", n, []string{"first deploy", "no-op", "asset change"}[k])
			seed := []uint64{seedFirst, seedNoop, seedChange}[k]
			if side == 0 {
				figs[0][[]int{2, 0, 1}[k]], err = s.measure(ctx, "deployer cdk deploy --targets, "+what, seed, 1, func(int) []string { return deployer(app) }, "")
			} else {
				s.w.m.Seed(seed) // the 12 runs draw what deployer's one run drew, in turn
				figs[1][[]int{2, 0, 1}[k]], err = s.sequence(ctx, "cdk deploy per account, "+what, envs, cdk(app))
			}
			if err != nil {
				return err
			}
		}
	}
	app := fmt.Sprintf("agnostic stack to %d accounts", n)
	s.about = append(s.about, fmt.Sprintf("The agnostic stack (a function from `Code.fromAsset`) goes to %d accounts: deployer in one run, `cdk deploy --targets FILE` "+
		"(one wave, `max-concurrency: %d`, no role lines) with the pipeline's keys; cdk deploy once per account, one after another, "+
		"each with that account's own credentials (`AWS_SESSION_TOKEN` too), as a pipeline runs it: its figures are the sums of the %d runs "+
		"(its exit after the end: the sum of each run's).", n, n, n))
	for k, scenario := range []string{"no-op", "one asset changed", "first deploy"} {
		s.rows = append(s.rows, cdkRow{app: app, scenario: scenario, d: figs[0][k], c: figs[1][k]})
	}
	return nil
}

// sequence runs argv once per environment, one after another, and sums
// their wall times, round trips, calls and exits after the end into one
// figure.
func (s *cdkBench) sequence(ctx context.Context, what string, envs [][]string, argv []string) (cdkFigure, error) {
	var f cdkFigure
	var wall, depth, calls, after int64
	executed := false
	for i, env := range envs {
		r := s.w.runWith(ctx, env, argv...)
		if err := check(r.runResult, fmt.Sprintf("%s (account %d)", what, i+1)); err != nil {
			return f, err
		}
		wall, depth, calls = wall+int64(r.wall()), depth+int64(r.depth), calls+int64(len(r.calls))
		if len(r.ops) > 0 {
			after, executed = after+int64(r.afterOp), true
		}
	}
	f.walls, f.depth, f.calls = append(f.walls, time.Duration(wall)), []int{int(depth)}, []int{int(calls)}
	if executed {
		f.after = []time.Duration{time.Duration(after)}
	}
	fmt.Fprintf(os.Stderr, "bench: %s: %s, %d calls, %d round trips in all (load %s)\n", what, secs(f.walls[0]), calls, depth, loadAverage())
	return f, nil
}

// cdkTargetsFile is a targets file of one wave holding every account, all
// at once, with no role lines: the roles come from the manifest.
func cdkTargetsFile(dir string, accts []string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "max-concurrency: %d\nwaves:\n  - name: all\n    targets:\n", len(accts))
	for _, a := range accts {
		fmt.Fprintf(&b, "      - {account: %q, regions: [%s]}\n", a, testenv.Region)
	}
	path := filepath.Join(dir, "cdk-fleet.yaml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}
