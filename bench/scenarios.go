package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// 1. no-op deploy: the stack exists and nothing changed.
func (b *bench) noop(ctx context.Context) error {
	fmt.Fprintf(&b.out, "\n## 1. No-op deploy (stack exists, nothing changed)\n\n| tool | median wall time | runs |\n|---|---|---|\n")
	stack := b.stack("noop")
	if err := check(b.deployerDeploy(ctx, stack), "create noop stack"); err != nil {
		return err
	}
	med := map[string]time.Duration{}
	for _, t := range b.tools() {
		var ds []time.Duration
		for i := 0; i < b.c.runs; i++ {
			r := t.deploy(ctx, stack)
			if err := check(r, t.name+" no-op"); err != nil {
				return err
			}
			ds = append(ds, r.wall())
		}
		med[t.name] = median(ds)
		fmt.Fprintf(&b.out, "| %s | %s | %d |\n", t.name, secs(med[t.name]), len(ds))
	}
	if other, ok := med["aws cloudformation deploy"]; ok {
		b.noopRatio = med["deployer"].Seconds() / other.Seconds()
		fmt.Fprintf(&b.out, "\nratio deployer/aws: **%s** (%.1fx faster)\n", ratio(med["deployer"], other), 1/b.noopRatio)
	}
	return nil
}

// 2. create whose progress the proxy stretches to T: completion-detection
// latency and CloudFormation calls.
func (b *bench) stretched(ctx context.Context) error {
	fmt.Fprintf(&b.out, "\n## 2. Create with CloudFormation progress stretched to T\n\n"+
		"Latency = process exit minus the moment the proxy first reports the final state.\n\n"+
		"| T | tool | median latency | median CloudFormation calls | peak read calls in any 1 s while waiting | runs |\n|---|---|---|---|---|---|\n")
	for _, T := range b.c.waits {
		b.stretch(T)
		for _, t := range b.tools() {
			st, err := b.stretchedCreates(ctx, T, t)
			if err != nil {
				return err
			}
			lats, calls, peak := st.lats, st.calls, st.peak
			fmt.Fprintf(&b.out, "| %v | %s | %s | %.0f | %d | %d |\n", T, t.name, secs(median(lats)), medianInt(calls), peak, len(lats))
			if t.name == "deployer" {
				b.latency[T] = median(lats)
				b.peakReads[T] = peak
			}
		}
	}
	b.stretch(0)
	if b.c.aws != "" {
		fmt.Fprintf(&b.out, "\naws cloudformation deploy waits 30 s between stack polls after executing, so when T is a multiple of 30 s "+
			"its poll lands just after the final state (small latency above); for any other T it notices up to 30 s late, "+
			"15 s on average (the T = 5 s row).\n")
	}
	return nil
}

// 3. a long wait: calls per minute once past the first two minutes.
func (b *bench) longWait(ctx context.Context) error {
	T := b.c.long
	fmt.Fprintf(&b.out, "\n## 3. Long wait (T = %v): steady-state calls per minute\n\n"+
		"Counted from minute 2 to the final state. One run per tool (each takes T).\n\n"+
		"| tool | CloudFormation calls/min after minute 2 | total calls |\n|---|---|---|\n", T)
	b.stretch(T)
	defer b.stretch(0)
	for _, t := range b.tools() {
		b.proxy.ResetCalls()
		r := t.deploy(ctx, b.stack("long"))
		if err := check(r, t.name+" long wait"); err != nil {
			return err
		}
		all := b.proxy.CallTimes("cloudformation:")
		from, to := r.start.Add(2*time.Minute), b.progress.TerminalAt()
		perMin := "n/a (T under 3 min)"
		if to.Sub(from) >= time.Minute {
			v := float64(inWindow(all, from, to)) / to.Sub(from).Minutes()
			perMin = fmt.Sprintf("%.1f", v)
			if t.name == "deployer" {
				b.steadyPerMin = v
			}
		}
		fmt.Fprintf(&b.out, "| %s | %s | %d |\n", t.name, perMin, inWindow(all, r.start, r.end))
	}
	return nil
}

// namedRun is one command of a side-by-side comparison.
type namedRun struct {
	name string
	run  func() runResult
}

// 4. role assumption plus a trivial child, against the shell snippet.
func (b *bench) assumeAndExec(ctx context.Context) error {
	fmt.Fprintf(&b.out, "\n## 4. Role assumption plus a trivial child\n\n| command | median wall time | runs |\n|---|---|---|\n")
	cases := []namedRun{{"deployer exec -- true", func() runResult {
		return timed(ctx, b.env, b.dir, b.c.deployer, "exec", "--role-arn", testenv.TargetRole, "--", "true")
	}}}
	if b.c.aws != "" {
		snippet := `creds=$(aws sts assume-role --role-arn ` + testenv.TargetRole + ` --role-session-name bench --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) && ` +
			`export AWS_ACCESS_KEY_ID=$(echo "$creds" | cut -f1) AWS_SECRET_ACCESS_KEY=$(echo "$creds" | cut -f2) AWS_SESSION_TOKEN=$(echo "$creds" | cut -f3) && true`
		cases = append(cases, namedRun{"aws sts assume-role | cut | export; true", func() runResult {
			return timed(ctx, b.env, b.dir, "sh", "-c", snippet)
		}})
	}
	med := map[string]time.Duration{}
	for _, c := range cases {
		var ds []time.Duration
		for i := 0; i < b.c.runs; i++ {
			r := c.run()
			if err := check(r, c.name); err != nil {
				return err
			}
			ds = append(ds, r.wall())
		}
		med[c.name] = median(ds)
		fmt.Fprintf(&b.out, "| `%s` | %s | %d |\n", strings.ReplaceAll(c.name, "|", `\|`), secs(med[c.name]), len(ds))
	}
	if len(cases) == 2 {
		fmt.Fprintf(&b.out, "\nratio deployer/snippet: **%s**\n", ratio(med[cases[0].name], med[cases[1].name]))
	}
	return nil
}

// 5a. start-up and binary size.
func (b *bench) startup(ctx context.Context) error {
	fmt.Fprintf(&b.out, "\n## 5. Start-up, binary size, memory\n\n| command | median wall time | runs |\n|---|---|---|\n")
	n := 2 * b.c.runs
	cases := []namedRun{{"deployer --version", func() runResult { return timed(ctx, b.env, b.dir, b.c.deployer, "--version") }}}
	if b.c.aws != "" {
		cases = append(cases, namedRun{"aws --version", func() runResult { return timed(ctx, b.env, b.dir, b.c.aws, "--version") }})
	}
	med := map[string]time.Duration{}
	for _, c := range cases {
		var ds []time.Duration
		for i := 0; i < n; i++ {
			r := c.run()
			if err := check(r, c.name); err != nil {
				return err
			}
			ds = append(ds, r.wall())
		}
		med[c.name] = median(ds)
		fmt.Fprintf(&b.out, "| `%s` | %.1f ms | %d |\n", c.name, float64(med[c.name].Microseconds())/1000, len(ds))
	}
	if other, ok := med["aws --version"]; ok {
		b.startupRatio = med["deployer --version"].Seconds() / other.Seconds()
		fmt.Fprintf(&b.out, "\nratio deployer/aws: **%s** (%.0fx faster)\n", ratio(med["deployer --version"], other), 1/b.startupRatio)
	}
	st, err := os.Stat(b.c.deployer)
	if err != nil {
		return err
	}
	b.binaryMB = float64(st.Size()) / (1 << 20)
	fmt.Fprintf(&b.out, "\nBinary: `%s`, %.1f MB (static, stripped: `make build`).\n", b.c.binName, b.binaryMB)
	return nil
}

// 5b. peak RSS while following a 500-resource stack's event stream.
func (b *bench) bigStack(ctx context.Context) error {
	resources, over := 500, 20*time.Second
	if b.c.smoke {
		resources, over = 50, 2*time.Second
	}
	b.events.arm(resources, over)
	b.stretch(over)
	r := b.deployerDeploy(ctx, b.stack("big"))
	b.events.disarm()
	b.stretch(0)
	if err := check(r, "deployer big stack"); err != nil {
		return err
	}
	b.rssMB = float64(r.maxRSSKB) / 1024
	fmt.Fprintf(&b.out, "\nPeak RSS of `deployer cfn deploy` while it followed %d resources' events (%d events over %v): **%.1f MB**.\n",
		resources, 2*resources, over, b.rssMB)
	return nil
}

// bigEvents injects the events of many resources into DescribeStackEvents,
// each appearing when its time comes, with stable ids as CloudFormation's.
type bigEvents struct {
	mu    sync.Mutex
	n     int
	over  time.Duration
	start time.Time
}

func (e *bigEvents) arm(n int, over time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n, e.over, e.start = n, over, time.Time{}
}

func (e *bigEvents) disarm() { e.arm(0, 0) }

func (e *bigEvents) hook() testenv.Hook {
	return func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		e.mu.Lock()
		n, over := e.n, e.over
		if n > 0 && r.Action == "ExecuteChangeSet" {
			e.start = time.Now()
		}
		start := e.start
		e.mu.Unlock()
		if n == 0 || start.IsZero() || r.Action != "DescribeStackEvents" {
			return nil
		}
		resp := forward()
		id := testenv.StackIDOf(resp.Body)
		var evs []testenv.StackEvent
		elapsed := time.Since(start)
		for i := n - 1; i >= 0; i-- {
			at := time.Duration(i) * over / time.Duration(n)
			if elapsed < at {
				continue
			}
			logical := fmt.Sprintf("Queue%03d", i)
			base := testenv.StackEvent{StackID: id, StackName: "big", LogicalID: logical, PhysicalID: logical, Type: "AWS::SQS::Queue"}
			done, inProgress := base, base
			done.Status, done.ID, done.Time = "CREATE_COMPLETE", logical+"-done", start.Add(at+time.Millisecond)
			inProgress.Status, inProgress.ID, inProgress.Time = "CREATE_IN_PROGRESS", logical+"-start", start.Add(at)
			evs = append(evs, done, inProgress)
		}
		resp.Body = testenv.InjectEvents(resp.Body, evs...)
		return resp
	}
}
