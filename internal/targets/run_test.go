package targets

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// plan builds waves of n targets each, accounts numbered from 1.
func plan(sizes ...int) []Wave {
	var ts []Target
	acct := 0
	for w, n := range sizes {
		for range n {
			acct++
			ts = append(ts, Target{Wave: fmt.Sprintf("w%d", w+1), Account: fmt.Sprintf("%012d", acct), Region: "us-east-1"})
		}
	}
	return Group(ts)
}

// fakeDeploy sleeps (on the synctest clock) and ends with the status chosen
// for the target's account, recording what ran and the most in flight.
type fakeDeploy struct {
	mu       sync.Mutex
	status   map[string]Status // by account; default Succeeded
	sleep    func(t Target) time.Duration
	order    []string
	inFlight int
	peak     int
}

func (f *fakeDeploy) deploy(ctx context.Context, t Target) Result {
	f.mu.Lock()
	f.order = append(f.order, t.Account)
	f.inFlight++
	f.peak = max(f.peak, f.inFlight)
	st, ok := f.status[t.Account]
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }()
	d := time.Minute
	if f.sleep != nil {
		d = f.sleep(t)
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
		return Result{Status: Interrupted, Reason: "interrupted while waiting for the stack"}
	}
	if !ok {
		st = Succeeded
	}
	return Result{Status: st, Counts: Counts{Add: 1}, Stack: "app"}
}

func statuses(s Summary) []Status {
	var out []Status
	for _, r := range s.Results {
		out = append(out, r.Status)
	}
	return out
}

func TestRunWavesInOrderWithinTheConcurrencyBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeDeploy{sleep: func(t Target) time.Duration {
			// Uneven durations, so slots free up out of order.
			var n int
			fmt.Sscan(t.Account, &n)
			return time.Duration(1+n%5) * time.Minute
		}}
		var mu sync.Mutex
		waveOf := map[string]string{}
		var finishedOrder []string
		p := plan(7, 13)
		for _, w := range p {
			for _, tg := range w.Targets {
				waveOf[tg.Account] = w.Name
			}
		}
		prog := progressFunc(func(r Result) { mu.Lock(); finishedOrder = append(finishedOrder, r.Target.Wave); mu.Unlock() })
		sum := Run(t.Context(), p, Options{MaxConcurrency: 3, Progress: prog}, f.deploy)
		if f.peak != 3 {
			t.Errorf("peak in flight = %d, want exactly the bound 3", f.peak)
		}
		seenW2 := false
		for _, a := range f.order {
			if waveOf[a] == "w2" {
				seenW2 = true
			} else if seenW2 {
				t.Fatalf("a wave-1 target started after wave 2 began: %v", f.order)
			}
		}
		for i, w := range finishedOrder {
			if w == "w1" && i >= 7 {
				t.Errorf("wave 1 target finished after wave 2 targets: %v", finishedOrder)
			}
		}
		if sum.ExitCode() != 0 || len(sum.Results) != 20 || sum.Tally().Succeeded != 20 {
			t.Errorf("summary %s, exit %d", sum.Line(), sum.ExitCode())
		}
		all := Flatten(p)
		for i, r := range sum.Results {
			if r.Target.ID() != all[i].ID() {
				t.Errorf("result %d is %s, want %s (plan order)", i, r.Target.ID(), all[i].ID())
			}
			if r.Duration < time.Minute || r.Duration > 5*time.Minute {
				t.Errorf("%s took %v on the fake clock, want 1-5 min", r.Target.ID(), r.Duration)
			}
		}
	})
}

type progressFunc func(Result)

func (progressFunc) Started(Target)      {}
func (p progressFunc) Finished(r Result) { p(r) }

func TestRunToleranceStopsTheRun(t *testing.T) {
	cases := []struct {
		name     string
		sizes    []int
		failing  []int // account numbers
		tol      Tolerance
		want     []Status
		stopped  string
		exitCode int
	}{
		{"count within tolerance", []int{3, 2}, []int{2}, Tolerance{Count: 1},
			[]Status{Succeeded, Failed, Succeeded, Succeeded, Succeeded}, "", 1},
		{"zero tolerance stops after the first wave", []int{3, 2}, []int{2}, Tolerance{},
			[]Status{Succeeded, Failed, NotStarted, NotStarted, NotStarted}, "w1", 1},
		{"count exceeded mid-wave", []int{5, 2}, []int{1, 3}, Tolerance{Count: 1},
			[]Status{Failed, Succeeded, Failed, NotStarted, NotStarted, NotStarted, NotStarted}, "w1", 1},
		{"percent rounds down", []int{10}, []int{1, 2}, Tolerance{Percent: 20, IsPercent: true},
			[]Status{Failed, Failed, Succeeded, Succeeded, Succeeded, Succeeded, Succeeded, Succeeded, Succeeded, Succeeded}, "", 1},
		{"percent exceeded", []int{9, 1}, []int{1, 2}, Tolerance{Percent: 20, IsPercent: true},
			[]Status{Failed, Failed, NotStarted, NotStarted, NotStarted, NotStarted, NotStarted, NotStarted, NotStarted, NotStarted}, "w1", 1},
		{"refusals count and exit 5", []int{2, 1}, []int{-1}, Tolerance{},
			[]Status{Refused, NotStarted, NotStarted}, "w1", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeDeploy{status: map[string]Status{}}
				for _, a := range c.failing {
					if a < 0 {
						f.status[fmt.Sprintf("%012d", -a)] = Refused
						continue
					}
					f.status[fmt.Sprintf("%012d", a)] = Failed
				}
				// One at a time, so which targets start is deterministic.
				sum := Run(t.Context(), plan(c.sizes...), Options{MaxConcurrency: 1, Tolerance: c.tol}, f.deploy)
				if diff := cmp.Diff(c.want, statuses(sum)); diff != "" {
					t.Errorf("statuses (-want +got):\n%s", diff)
				}
				if sum.StoppedAfter != c.stopped || sum.ExitCode() != c.exitCode {
					t.Errorf("stopped after %q, exit %d; want %q, %d", sum.StoppedAfter, sum.ExitCode(), c.stopped, c.exitCode)
				}
				for _, r := range sum.Results {
					if r.Status == NotStarted && r.Reason != "not started: wave "+c.stopped+" exceeded its failure tolerance" {
						t.Errorf("not-started reason %q", r.Reason)
					}
				}
			})
		})
	}
}

// TestRunToleranceLetsRunningTargetsFinish: when the failure arrives, the
// targets already in flight are not abandoned.
func TestRunToleranceLetsRunningTargetsFinish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeDeploy{status: map[string]Status{"000000000001": Failed}, sleep: func(t Target) time.Duration {
			if t.Account == "000000000001" {
				return time.Minute
			}
			return 3 * time.Minute
		}}
		sum := Run(t.Context(), plan(6), Options{MaxConcurrency: 3}, f.deploy)
		want := []Status{Failed, Succeeded, Succeeded, NotStarted, NotStarted, NotStarted}
		if diff := cmp.Diff(want, statuses(sum)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
	})
}

func TestRunInterrupt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f := &fakeDeploy{}
		time.AfterFunc(90*time.Second, cancel) // during the second pair of the first wave
		sum := Run(ctx, plan(5, 2), Options{MaxConcurrency: 2}, f.deploy)
		want := []Status{Succeeded, Succeeded, Interrupted, Interrupted, NotStarted, NotStarted, NotStarted}
		if diff := cmp.Diff(want, statuses(sum)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if !sum.Interrupted || sum.Results[6].Reason != "not started: the run was interrupted" {
			t.Errorf("interrupted %v, reason %q", sum.Interrupted, sum.Results[6].Reason)
		}
		if sum.Duration != 90*time.Second {
			t.Errorf("run took %v, want it to end when the running targets stopped (90s)", sum.Duration)
		}
	})
}

func TestRunUsesTheInjectedClock(t *testing.T) {
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var mu sync.Mutex
	ticks := 0
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		ticks++
		return base.Add(time.Duration(ticks) * time.Second)
	}
	sum := Run(context.Background(), plan(1), Options{Now: now}, func(context.Context, Target) Result { return Result{Status: NoChanges} })
	if !sum.Started.Equal(base.Add(time.Second)) || sum.Results[0].Duration != time.Second || sum.Duration != 3*time.Second {
		t.Errorf("started %v, target took %v, run took %v", sum.Started, sum.Results[0].Duration, sum.Duration)
	}
	if sum.ExitCode() != 0 {
		t.Errorf("no-changes exit %d, want 0", sum.ExitCode())
	}
}

func TestRunEmptyStatusIsAFailure(t *testing.T) {
	sum := Run(context.Background(), plan(1), Options{}, func(context.Context, Target) Result { return Result{} })
	if r := sum.Results[0]; r.Status != Failed || r.Reason == "" {
		t.Errorf("result %+v, want failed with a reason", r)
	}
}

func TestExitCode(t *testing.T) {
	cases := []struct {
		statuses []Status
		want     int
	}{
		{[]Status{Succeeded, NoChanges}, 0},
		{[]Status{Succeeded, Refused}, 5},
		{[]Status{Refused, Failed}, 1},
		{[]Status{Succeeded, Interrupted}, 1},
		{[]Status{Succeeded, NotStarted}, 1},
		{nil, 0},
	}
	for _, c := range cases {
		var s Summary
		for _, st := range c.statuses {
			s.Results = append(s.Results, Result{Status: st})
		}
		if got := s.ExitCode(); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.statuses, got, c.want)
		}
	}
}
