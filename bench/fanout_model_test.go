package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/deployer-dev/deployer/internal/targets"
)

// This file is the fake AWS of the fan-out simulation: per-call latency, a
// server-side token bucket per service, account and region that throttles,
// the SDK's retry on throttling, and a deploy that makes the calls
// internal/cfn makes. It runs inside a synctest bubble, so every sleep is on
// the fake clock and 1,000 targets of minutes each take seconds.

// simServer stands for CloudFormation and STS: latency per call, throttling
// per key, and a count of calls per key and virtual second.
type simServer struct {
	limits map[string]targets.Rate // server-side throttle by service

	mu        sync.Mutex
	buckets   map[string]*serverBucket
	perSecond map[string]map[int64]int // key -> unix second -> calls
	calls     int
	throttled int
}

type serverBucket struct {
	tokens float64
	last   time.Time
}

var errThrottled = errors.New("Throttling: Rate exceeded")

// call records one request reaching service in account/region at the
// current time and reports whether it was throttled. It holds no lock while
// sleeping the latency.
func (s *simServer) call(ctx context.Context, service, account, region string, latency time.Duration) error {
	key := service + " " + account + "/" + region
	now := time.Now()
	s.mu.Lock()
	s.calls++
	sec := s.perSecond[key]
	if sec == nil {
		sec = map[int64]int{}
		s.perSecond[key] = sec
	}
	sec[now.Unix()]++
	throttled := false
	if lim, ok := s.limits[service]; ok {
		b := s.buckets[key]
		if b == nil {
			b = &serverBucket{tokens: float64(lim.Burst), last: now}
			s.buckets[key] = b
		}
		b.tokens = min(b.tokens+now.Sub(b.last).Seconds()*lim.PerSecond, float64(lim.Burst))
		b.last = now
		if b.tokens >= 1 {
			b.tokens--
		} else {
			throttled = true
			s.throttled++
		}
	}
	s.mu.Unlock()
	select {
	case <-time.After(latency):
	case <-ctx.Done():
		return ctx.Err()
	}
	if throttled {
		return errThrottled
	}
	return nil
}

// peak returns the most calls any key of service saw in one second.
func (s *simServer) peak(service string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := 0
	for key, secs := range s.perSecond {
		if len(key) < len(service) || key[:len(service)] != service {
			continue
		}
		for _, n := range secs {
			p = max(p, n)
		}
	}
	return p
}

// simClient is one target's view: the run's pacer in front of the server,
// and the SDK standard retryer's behaviour on throttling (up to 3 attempts,
// exponential backoff with full jitter, capped at 20 s).
type simClient struct {
	server  *simServer
	pacer   *targets.Pacer // nil: no pacing
	account string
	region  string
	rng     *rand.Rand
	calls   int
}

func (c *simClient) do(ctx context.Context, service, account, region string, latency time.Duration) error {
	for attempt := 0; ; attempt++ {
		if c.pacer != nil {
			if b := c.pacer.Limiter(service, account, region); b != nil {
				if err := b.Wait(ctx); err != nil {
					return err
				}
			}
		}
		c.calls++
		err := c.server.call(ctx, service, account, region, latency)
		if !errors.Is(err, errThrottled) || attempt == 2 {
			return err
		}
		backoff := min(time.Duration(float64(time.Second<<attempt)*c.rng.Float64()), 20*time.Second)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// simDeploy makes the calls of one change-set deploy: assume the target's
// role (STS in the source account), look at the stack, create the change
// set, poll it until ready, execute, then poll the stack until it settles
// with the polling policy of internal/cfn (DefaultBackoff: every second for
// two minutes, then growing by 1.5 to 12 s while nothing changes, up to 10%
// jitter added), and read the outputs.
func simDeploy(server *simServer, pacer *targets.Pacer, sourceAccount string, seed uint64, calls *sync.Map) targets.DeployFunc {
	return func(ctx context.Context, t targets.Target) targets.Result {
		rng := rand.New(rand.NewPCG(seed, uint64(len(t.Account))^hash(t.ID())))
		c := &simClient{server: server, pacer: pacer, account: t.Account, region: t.Region, rng: rng}
		defer func() { calls.Store(t.ID(), c.calls) }()
		fail := func(err error) targets.Result {
			return targets.Result{Status: targets.Failed, Reason: err.Error()}
		}
		cfn := func(latency time.Duration) error {
			return c.do(ctx, "CloudFormation", t.Account, t.Region, latency)
		}
		if err := c.do(ctx, "STS", sourceAccount, "us-east-1", 150*time.Millisecond); err != nil {
			return fail(err)
		}
		for _, l := range []time.Duration{80 * time.Millisecond, 250 * time.Millisecond} { // DescribeStacks, CreateChangeSet
			if err := cfn(l); err != nil {
				return fail(err)
			}
		}
		// The change set is ready after 3-10 s; polled every second.
		ready := time.Now().Add(3*time.Second + time.Duration(rng.Float64()*7*float64(time.Second)))
		for time.Now().Before(ready) {
			time.Sleep(time.Second)
			if err := cfn(80 * time.Millisecond); err != nil {
				return fail(err)
			}
		}
		if err := cfn(150 * time.Millisecond); err != nil { // ExecuteChangeSet
			return fail(err)
		}
		// The stack takes 1-4 minutes; events arrive at random moments.
		start := time.Now()
		done := start.Add(time.Minute + time.Duration(rng.Float64()*3*float64(time.Minute)))
		delay := time.Second
		for time.Now().Before(done) {
			time.Sleep(time.Duration(float64(delay) * (1 + 0.1*rng.Float64())))
			if err := cfn(100 * time.Millisecond); err != nil { // DescribeStackEvents
				return fail(err)
			}
			if time.Since(start) >= 2*time.Minute && rng.Float64() > 0.2 {
				delay = min(time.Duration(float64(delay)*1.5), 12*time.Second)
			} else {
				delay = time.Second
			}
		}
		if err := cfn(80 * time.Millisecond); err != nil { // DescribeStacks for outputs
			return fail(err)
		}
		return targets.Result{Status: targets.Succeeded, Counts: targets.Counts{Modify: 1}, Stack: "app"}
	}
}

func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}
