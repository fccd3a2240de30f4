package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// callCount is one run's AWS calls by service, as the proxy counted them.
type callCount struct {
	cfn, sts, other int
	names           string // e.g. "DescribeStacks GetTemplate ..." for the report
}

// countCalls reads the proxy's counts of the run that just ended.
func countCalls(calls map[string]int) callCount {
	var c callCount
	var names []string
	for k, n := range calls {
		service, action, _ := strings.Cut(k, ":")
		switch service {
		case "cloudformation":
			c.cfn += n
		case "sts":
			c.sts += n
		default:
			c.other += n
		}
		if action == "" {
			action = "(REST)"
		}
		if n > 1 {
			action = fmt.Sprintf("%s x%d", action, n)
		}
		names = append(names, service+":"+action)
	}
	sort.Strings(names)
	c.names = strings.Join(names, ", ")
	return c
}

// spread is "n" when every run made n calls, else "min-max".
func spread(xs []int) string {
	lo, hi := slices.Min(xs), slices.Max(xs)
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// noopCalls is issue 14's no-op: the stack exists and nothing changed, each
// tool run on it several times, wall time and every AWS call counted. The
// cross-account row is deployer as a pipeline runs it, into the target
// account through --role-arn; the others act with the pipeline's own keys
// (the peers have no role assumption of their own, so they are spared it).
func (b *bench) noopCalls(ctx context.Context) error {
	fmt.Fprintf(&b.out, "\n## 6. No-op deploy side by side: wall time and AWS calls\n\n"+
		"The stack exists and nothing changed since the same tool's last run (one untimed run of each tool comes first: "+
		"sam deploy submits its own rendering of the template, so its first run after another tool's is an update). "+
		"Calls are counted at the proxy, per run (a range when runs differed); the last column lists the last run's.\n\n"+
		"| tool | median wall time | CloudFormation calls | STS calls | other calls | runs | calls made |\n|---|---|---|---|---|---|---|\n")
	stack := b.stack("noop3")
	if err := check(b.deployerDeploy(ctx, stack), "create noop3 stack"); err != nil {
		return err
	}
	cross := tool{"deployer --role-arn (target account)", func(ctx context.Context, s string) runResult {
		return timed(ctx, b.env, b.dir, b.c.deployer, "cfn", "deploy", "--role-arn", testenv.TargetRole,
			"--stack", s, "--template", "small.yaml")
	}}
	if err := check(cross.deploy(ctx, stack), "create noop3 stack in the target account"); err != nil {
		return err
	}
	med := map[string]time.Duration{}
	for _, t := range append(b.peerTools(), cross) {
		// An untimed run first: sam deploy submits its own rendering of the
		// template, so its first run after another tool's is an update.
		if err := check(t.deploy(ctx, stack), t.name+" warm-up"); err != nil {
			return err
		}
		var ds []time.Duration
		var last callCount
		var cfns, stss, others []int
		for i := 0; i < b.c.runs; i++ {
			b.proxy.ResetCalls()
			r := t.deploy(ctx, stack)
			if err := check(r, t.name+" no-op"); err != nil {
				return err
			}
			ds = append(ds, r.wall())
			last = countCalls(b.proxy.Calls())
			cfns, stss, others = append(cfns, last.cfn), append(stss, last.sts), append(others, last.other)
		}
		med[t.name] = median(ds)
		fmt.Fprintf(&b.out, "| %s | %s | %s | %s | %s | %d | %s |\n", t.name, secs(med[t.name]),
			spread(cfns), spread(stss), spread(others), len(ds), last.names)
		switch t.name {
		case "deployer":
			b.noopCFN = slices.Max(cfns)
		case cross.name:
			b.noopSTS, b.noopCFNCross = slices.Max(stss), slices.Max(cfns)
		}
	}
	fmt.Fprintf(&b.out, "\n")
	for _, peer := range []struct{ tool, short string }{{"aws cloudformation deploy", "aws"}, {"sam deploy", "sam"}} {
		if other, ok := med[peer.tool]; ok {
			r := med["deployer"].Seconds() / other.Seconds()
			if peer.short == "aws" {
				b.noopRatioAWS = r
			}
			fmt.Fprintf(&b.out, "ratio deployer/%s: **%.3f** (%.0fx faster)  \n", peer.short, r, 1/r)
		}
	}
	return nil
}
