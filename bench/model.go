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

// modelConfig is the latency model of section 8 and how often to measure
// under it.
type modelConfig struct {
	rtt, jitter  time.Duration
	csMin, csMax time.Duration
	op, gap      time.Duration
	inside       bool // the emulator's own time counts inside each round trip (testenv.Model.EmulatorInside)
	runs         int
	targets      []int // fan-out sizes
	concurrency  int
}

// defaultModel is the model: 40 ms a call plus up to 10 ms, change
// sets computed in 2 to 8 s, a stack operation of 5 s whose last resource
// finishes 0.5 s before the stack.
func defaultModel() modelConfig {
	return modelConfig{rtt: 40 * time.Millisecond, jitter: 10 * time.Millisecond, csMin: 2 * time.Second, csMax: 8 * time.Second,
		op: 5 * time.Second, gap: 500 * time.Millisecond, inside: true, runs: 5, targets: []int{12, 100}, concurrency: 20}
}

// calls says what a call costs under the model, for the sections' text.
func (c modelConfig) calls() string {
	if c.inside {
		return fmt.Sprintf("every call %v plus up to %v in all, the emulator's own time inside it (a service's processing is part of a real call's latency, "+
			"and AWS's services answer one client's concurrent calls side by side, where the emulator takes them one at a time)", c.rtt, c.jitter)
	}
	return fmt.Sprintf("every call %v plus up to %v, the emulator's own time on top", c.rtt, c.jitter)
}

// modelRun is one timed run under the model with what the proxy and the
// model saw of it.
type modelRun struct {
	runResult
	calls   []testenv.Call
	depth   int
	ops     []testenv.Op
	afterLR time.Duration // exit minus the last resource's completion
	afterOp time.Duration // exit minus the stack's final state
}

// modelWorld is the model's own proxy in front of the shared emulator, so
// the hooks of the other sections do not apply.
type modelWorld struct {
	m     *testenv.Model
	proxy *testenv.Proxy
	env   []string
	dir   string
}

func (b *bench) newModelWorld() (*modelWorld, func(), error) {
	c := b.c.model
	m := &testenv.Model{RTT: c.rtt, Jitter: c.jitter, ChangeSetMin: c.csMin, ChangeSetMax: c.csMax, Operation: c.op, Gap: c.gap, EmulatorInside: c.inside}
	p, stop := testenv.StartProxy(b.moto.URL)
	p.Handle(m.Hook())
	dir := filepath.Join(b.dir, "model")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		stop()
		return nil, nil, err
	}
	env := make([]string, 0, len(b.env))
	for _, v := range b.env {
		if strings.HasPrefix(v, "AWS_ENDPOINT_URL=") {
			v = "AWS_ENDPOINT_URL=" + p.URL
		}
		env = append(env, v)
	}
	w := &modelWorld{m: m, proxy: p, env: env, dir: dir}
	return w, stop, w.label("v0")
}

// modelTemplate has two resources; the label changes one of them.
const modelTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Description: bench stack under the latency model
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: %s
  Queue:
    Type: AWS::SQS::Queue
`

// label rewrites model.yaml so that the next deploy changes one resource.
func (w *modelWorld) label(l string) error {
	return os.WriteFile(filepath.Join(w.dir, "model.yaml"), []byte(fmt.Sprintf(modelTemplate, l)), 0o644)
}

// run times one deploy and reads what the proxy and the model saw.
func (w *modelWorld) run(ctx context.Context, argv ...string) modelRun {
	return w.runWith(ctx, w.env, argv...)
}

// runWith is run with another environment (another account's credentials).
func (w *modelWorld) runWith(ctx context.Context, env []string, argv ...string) modelRun {
	w.proxy.ResetCalls()
	w.m.Reset()
	r := modelRun{runResult: timed(ctx, env, w.dir, argv...)}
	r.calls = w.proxy.Trace()
	r.depth, _ = testenv.Depth(r.calls)
	r.ops = w.m.Ops()
	if len(r.ops) > 0 {
		var lr, fin time.Time
		for _, op := range r.ops {
			lr, fin = later(lr, op.LastResource), later(fin, op.Final)
		}
		r.afterLR, r.afterOp = r.end.Sub(lr), r.end.Sub(fin)
	}
	return r
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// modelTool is one tool under the model: how it deploys model.yaml to a
// stack.
type modelTool struct {
	name string
	argv func(stack string) []string
}

// modelTools are the tools of section 8. deployer acts through a role in
// the target account, as a pipeline runs it (AssumeRole is on its path);
// the others act with the pipeline's keys. `cdk deploy` (helper cdk) joins
// here as one more modelTool whose argv deploys the same stack.
func (b *bench) modelTools() []modelTool {
	ts := []modelTool{{"deployer --role-arn", func(s string) []string {
		return []string{b.c.deployer, "cfn", "deploy", "--role-arn", testenv.TargetRole, "--stack", s, "--template", "model.yaml"}
	}}}
	if b.c.aws != "" {
		ts = append(ts, modelTool{"aws cloudformation deploy", func(s string) []string {
			return []string{b.c.aws, "cloudformation", "deploy", "--stack-name", s, "--template-file", "model.yaml", "--no-fail-on-empty-changeset"}
		}})
	}
	if b.c.sam != "" {
		ts = append(ts, modelTool{"sam deploy", func(s string) []string {
			return []string{b.c.sam, "deploy", "--stack-name", s, "--template-file", "model.yaml", "--no-fail-on-empty-changeset", "--region", testenv.Region}
		}})
	}
	return ts
}

// modelRow is the figures of one tool in one scenario.
type modelRow struct {
	scenario, tool string
	runs           []modelRun
}

func (row modelRow) wall() time.Duration {
	var ds []time.Duration
	for _, r := range row.runs {
		ds = append(ds, r.wall())
	}
	return median(ds)
}

func (row modelRow) write(out *strings.Builder) {
	var depths, calls []int
	var lr, fin []time.Duration
	var rss int64
	for _, r := range row.runs {
		depths, calls = append(depths, r.depth), append(calls, len(r.calls))
		if len(r.ops) > 0 {
			lr, fin = append(lr, r.afterLR), append(fin, r.afterOp)
		}
		rss = max(rss, r.maxRSSKB)
	}
	after := func(ds []time.Duration) string {
		if len(ds) == 0 {
			return "n/a"
		}
		return secs(median(ds))
	}
	fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %.0f MB | %d |\n", row.scenario, row.tool, secs(row.wall()),
		spread(depths), spread(calls), after(lr), after(fin), float64(rss)/1024, len(row.runs))
}

// lastCalls names the calls of a row's last run, for the reader.
func (row modelRow) lastCalls() string {
	if len(row.runs) == 0 {
		return ""
	}
	return testenv.CallNames(row.runs[len(row.runs)-1].calls)
}

// checkAll fails on the first run that did not exit 0.
func checkAll(rs []modelRun, what string) error {
	for _, r := range rs {
		if err := check(r.runResult, what); err != nil {
			return err
		}
	}
	return nil
}
