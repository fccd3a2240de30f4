package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestDeployerNoticesTheEndUnderTheModel deploys a stack with deployer
// through the latency model of section 8, a create then an update of one
// resource, and measures as the bench does (process exit minus the stack's
// final state, Op.Final). The model writes the resources' events, so
// deployer sees every resource the change set named finish, polls every
// 250 ms until the stack's own final status and exits less than 0.5 s after
// it; at its one poll a second it exited 0.85-0.96 s after (an execution of
// 2.3 s is polled at 1 and 2 s, its end read at 3 s). The proxy's trace
// shows the same without the clock's margins: the event reads after the
// last resource finished come 250 ms apart, not a second.
func TestDeployerNoticesTheEndUnderTheModel(t *testing.T) {
	moto := testenv.StartMoto(t)
	p := testenv.NewProxy(t, moto.URL)
	b, err := newBench(config{deployer: testenv.Binary(t), model: modelConfig{rtt: 5 * time.Millisecond,
		csMin: 100 * time.Millisecond, csMax: 200 * time.Millisecond, op: 2300 * time.Millisecond, gap: 500 * time.Millisecond}}, moto, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(b.dir) })
	w, stop, err := b.newModelWorld()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	deployer := b.modelTools()[0]
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i, what := range []string{"create", "update"} {
		if err := w.label(fmt.Sprintf("v%d", i)); err != nil {
			t.Fatal(err)
		}
		r := w.run(ctx, deployer.argv("settling")...)
		if err := check(r.runResult, "deployer "+what); err != nil {
			t.Fatal(err)
		}
		if len(r.ops) != 1 {
			t.Fatalf("%s: the model played %d operations, want 1", what, len(r.ops))
		}
		op := r.ops[0]
		// The follower's reads after the last resource finished, until the
		// stack's end: 250 ms apart once it has read that, where they were
		// a second apart.
		var reads []string
		var prev time.Time
		for _, c := range r.calls {
			if c.Key != "cloudformation:DescribeStackEvents" || c.Start.Before(op.LastResource) || c.Start.After(op.Final.Add(time.Second)) {
				continue
			}
			reads = append(reads, fmt.Sprintf("%+.2fs", c.Start.Sub(op.Final).Seconds()))
			if !prev.IsZero() && c.Start.Sub(prev) > 600*time.Millisecond {
				t.Errorf("%s: deployer read the events %v after its previous read, once the last resource had finished; want the settling polls, 250 ms apart",
					what, c.Start.Sub(prev).Round(time.Millisecond))
			}
			prev = c.Start
		}
		if r.afterOp >= 500*time.Millisecond || r.afterOp < 0 {
			t.Errorf("%s: deployer exited %v after the stack's final status, want under 0.5 s; its reads of the events after the last resource, from the end: %s",
				what, r.afterOp.Round(time.Millisecond), strings.Join(reads, " "))
		}
		t.Logf("%s: exit %v after the end, %v after the last resource; event reads around the end: %s", what,
			r.afterOp.Round(time.Millisecond), r.afterLR.Round(time.Millisecond), strings.Join(reads, " "))
	}
}
