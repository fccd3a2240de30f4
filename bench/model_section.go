package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// modelSection is section 8: every tool and scenario under the latency
// model, then deployer's fan-out, and the issue-23 targets.
func (b *bench) modelSection(ctx context.Context) error {
	c := b.c.model
	w, stop, err := b.newModelWorld()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(&b.out, "\n## 8. Under a latency model: round trips, change sets and events that take time\n\n"+
		"A proxy of its own in front of the emulator plays AWS's timing (`internal/testenv/model.go`): %s; "+
		"a change set reads CREATE_PENDING, then CREATE_IN_PROGRESS, for %v to %v (drawn per change set) before it is CREATE_COMPLETE (or FAILED) and executable; "+
		"an execution takes %v, its events appearing one by one over that time and stamped when they appear, the last resource completing %v before the stack; "+
		"moto writes only the stack's own events, so the model writes each changed resource's as CloudFormation does (`*_IN_PROGRESS`, then the final event; "+
		"an update's replaced and removed resources deleted in its cleanup), from the changes DescribeChangeSet listed. "+
		"Round trips = the longest chain of calls each sent after the previous one was answered (`testenv.Depth`); "+
		"after last resource / after stack = process exit minus the moment the model shows the last resource's / the stack's final event. "+
		"deployer acts through `--role-arn` (AssumeRole is on its path); aws-cli and sam act with the pipeline's keys. Figures are medians of %d runs; ranges where runs differed.\n\n"+
		"| scenario | tool | median wall time | round trips | calls | exit after last resource | exit after stack | peak RSS | runs |\n|---|---|---|---|---|---|---|---|---|\n",
		c.calls(), c.csMin, c.csMax, c.op, c.gap, c.runs)
	var rows []modelRow
	for _, t := range b.modelTools() {
		rs, err := b.modelScenarios(ctx, w, t)
		if err != nil {
			return err
		}
		rows = append(rows, rs...)
	}
	for _, scenario := range []string{"no-op", "one changed resource", "new stack"} {
		for _, row := range rows {
			if row.scenario == scenario {
				row.write(&b.out)
			}
		}
	}
	fmt.Fprintf(&b.out, "\nCalls of the last run of each:\n\n")
	for _, row := range rows {
		fmt.Fprintf(&b.out, "- %s, %s: %s\n", row.scenario, row.tool, row.lastCalls())
	}
	b.modelRows = rows
	return b.modelFanout(ctx, w)
}

// modelScenarios runs one tool through no-op, update and create.
func (b *bench) modelScenarios(ctx context.Context, w *modelWorld, t modelTool) ([]modelRow, error) {
	stack := b.stack("model")
	if err := w.label("v0"); err != nil {
		return nil, err
	}
	// Created, then deployed once more untimed: sam submits its own
	// rendering of the template, so its first run after a create may update.
	for _, what := range []string{"create", "warm-up"} {
		if err := check(w.run(ctx, t.argv(stack)...).runResult, t.name+" "+what); err != nil {
			return nil, err
		}
	}
	noop, update, create := modelRow{scenario: "no-op", tool: t.name}, modelRow{scenario: "one changed resource", tool: t.name},
		modelRow{scenario: "new stack", tool: t.name}
	for i := 0; i < b.c.model.runs; i++ {
		noop.runs = append(noop.runs, w.run(ctx, t.argv(stack)...))
	}
	for i := 0; i < b.c.model.runs; i++ {
		if err := w.label(fmt.Sprintf("v%d", i+1)); err != nil {
			return nil, err
		}
		update.runs = append(update.runs, w.run(ctx, t.argv(stack)...))
	}
	for i := 0; i < b.c.model.runs; i++ {
		create.runs = append(create.runs, w.run(ctx, t.argv(b.stack("model-new"))...))
	}
	for _, row := range []modelRow{noop, update, create} {
		if err := checkAll(row.runs, t.name+" "+row.scenario); err != nil {
			return nil, err
		}
	}
	return []modelRow{noop, update, create}, nil
}

// fleetFile writes a targets file of n targets: accounts of four regions.
func fleetFile(dir string, n int) (string, error) {
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"}
	var b strings.Builder
	b.WriteString("role: arn:aws:iam::{account}:role/deployer-target\nwaves:\n  - name: all\n    targets:\n")
	for i := 0; i*len(regions) < n; i++ {
		k := min(len(regions), n-i*len(regions))
		fmt.Fprintf(&b, "      - {account: \"%012d\", regions: [%s]}\n", 300000000000+i, strings.Join(regions[:k], ", "))
	}
	path := filepath.Join(dir, fmt.Sprintf("fleet-%d.yaml", n))
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// modelFanout runs deployer's fan-out of a new stack to each fleet size at
// the configured concurrency, once each (a run is several waves long).
func (b *bench) modelFanout(ctx context.Context, w *modelWorld) error {
	c := b.c.model
	fmt.Fprintf(&b.out, "\n### Many targets under the model\n\n"+
		"`deployer cfn deploy --targets FILE --max-concurrency %d` of a new stack to every target (one role per account, four regions each), once per size. "+
		"Baseline: five single-target creates one after another (5 x the median of the new-stack row of deployer above): 100 targets at concurrency 20 are five rounds of 20.\n\n"+
		"| targets | wall time | 5 x one target | ratio | calls | calls per target | exit after last resource | peak RSS |\n|---|---|---|---|---|---|---|---|\n", c.concurrency)
	var one time.Duration
	for _, row := range b.modelRows {
		if row.scenario == "new stack" && strings.HasPrefix(row.tool, "deployer") {
			one = row.wall()
		}
	}
	for _, n := range c.targets {
		file, err := fleetFile(w.dir, n)
		if err != nil {
			return err
		}
		r := w.run(ctx, b.c.deployer, "cfn", "deploy", "--targets", file, "--stack", b.stack("fleet"), "--template", "model.yaml",
			"--max-concurrency", fmt.Sprint(c.concurrency))
		if err := check(r.runResult, fmt.Sprintf("deployer %d targets", n)); err != nil {
			return err
		}
		ratio := r.wall().Seconds() / (5 * one.Seconds())
		fmt.Fprintf(&b.out, "| %d | %s | %s | %.2f | %d | %.1f | %s | %.1f MB |\n", n, secs(r.wall()), secs(5*one), ratio,
			len(r.calls), float64(len(r.calls))/float64(n), secs(r.afterLR), float64(r.maxRSSKB)/1024)
		b.fleet = append(b.fleet, fleetFigure{n: n, wall: r.wall(), base: 5 * one, rssMB: float64(r.maxRSSKB) / 1024})
	}
	return nil
}

// fleetFigure is one fan-out size's figures for the targets table.
type fleetFigure struct {
	n          int
	wall, base time.Duration
	rssMB      float64
}

// modelTargets adds issue 23's targets, measured under the model.
func (b *bench) modelTargets(row func(target, measured string, met, known bool)) {
	find := func(scenario, prefix string) (modelRow, bool) {
		for _, r := range b.modelRows {
			if r.scenario == scenario && strings.HasPrefix(r.tool, prefix) {
				return r, true
			}
		}
		return modelRow{}, false
	}
	dep, okD := find("no-op", "deployer")
	aws, okA := find("no-op", "aws cloudformation deploy")
	speed := "n/a"
	var x float64
	if okD && okA && dep.wall() > 0 {
		x = aws.wall().Seconds() / dep.wall().Seconds()
		speed = fmt.Sprintf("%s against %s: %.0fx", secs(dep.wall()), secs(aws.wall()), x)
	}
	row("under the model: no-op at least 30x faster than aws cloudformation deploy", speed, x >= 30, okD && okA)
	if up, ok := find("one changed resource", "deployer"); ok {
		var after []time.Duration
		for _, r := range up.runs {
			after = append(after, r.afterOp)
		}
		m := median(after)
		row("under the model: one-resource update exits within 1 s of the stack's completion (median)", secs(m), m <= time.Second, true)
	}
	for _, f := range b.fleet {
		if f.n != 100 {
			continue
		}
		r := f.wall.Seconds() / f.base.Seconds()
		row(fmt.Sprintf("under the model: 100 targets at concurrency %d within 1.5x of five sequential single-target deploys", b.c.model.concurrency),
			fmt.Sprintf("%s against %s: %.2fx", secs(f.wall), secs(f.base), r), r <= 1.5, f.base > 0)
		row("under the model: peak memory at 100 targets under 60 MB", fmt.Sprintf("%.1f MB", f.rssMB), f.rssMB < 60, f.rssMB > 0)
	}
}
