package targets

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Rate is a token bucket: a steady number of calls a second and a burst.
type Rate struct {
	PerSecond float64
	Burst     int
}

// DefaultRates pace calls per service, account and region. AWS publishes no
// per-operation rate for CloudFormation's control-plane API and none for
// STS's AssumeRole; both throttle with a token bucket per account and region
// (AWS Security Blog, "How to monitor and query IAM resources at scale, part
// 2"; re:Post knowledge center "How do I prevent Rate exceeded errors in
// CloudFormation?"). The figures are ours: low enough that a run of 64
// targets in one account stays clear of throttling in the simulation
// (docs/drafts/targets.md), high enough that pacing costs a single deploy
// nothing (it makes about one call a second while polling).
var DefaultRates = map[string]Rate{
	"CloudFormation": {PerSecond: 5, Burst: 10},
	"STS":            {PerSecond: 10, Burst: 20},
}

// Pacer hands out one token bucket per service, account and region, shared
// by every target of the run, so fifty targets in one account queue for
// that account's budget instead of throttling each other. The SDK's
// adaptive retryer still handles the throttles that other callers of the
// account cause.
type Pacer struct {
	rates   map[string]Rate
	mu      sync.Mutex
	buckets map[string]*Bucket
}

// NewPacer returns a pacer with the given rates by SDK service ID
// ("CloudFormation", "STS"); services without a rate are not paced. Nil
// means DefaultRates.
func NewPacer(rates map[string]Rate) *Pacer {
	if rates == nil {
		rates = DefaultRates
	}
	return &Pacer{rates: rates, buckets: map[string]*Bucket{}}
}

// Limiter returns the bucket of a service in an account and region, or nil
// when the service is not paced.
func (p *Pacer) Limiter(service, account, region string) *Bucket {
	r, ok := p.rates[service]
	if !ok || r.PerSecond <= 0 {
		return nil
	}
	key := service + "/" + account + "/" + region
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.buckets[key]
	if b == nil {
		b = NewBucket(r)
		p.buckets[key] = b
	}
	return b
}

// APIOption returns an SDK API option (for aws.Config.APIOptions or a
// client's options) that waits for the account's bucket before every
// attempt, retries included. The service and region are read from the
// call, so one option serves the target's CloudFormation client and, with
// the source account, the STS client that assumes its role. Given
// services, only their calls are paced.
func (p *Pacer) APIOption(account string, services ...string) func(*middleware.Stack) error {
	pace := middleware.FinalizeMiddlewareFunc("deployer/Pace", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		service := awsmiddleware.GetServiceID(ctx)
		if len(services) > 0 && !slices.Contains(services, service) {
			return next.HandleFinalize(ctx, in)
		}
		if b := p.Limiter(service, account, awsmiddleware.GetRegion(ctx)); b != nil {
			if err := b.Wait(ctx); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("wait for the %s call budget: %w", service, err)
			}
		}
		return next.HandleFinalize(ctx, in)
	})
	return func(s *middleware.Stack) error {
		// After the retry middleware, so every attempt is paced, not only
		// the first.
		if _, ok := s.Finalize.Get("Retry"); ok {
			return s.Finalize.Insert(pace, "Retry", middleware.After)
		}
		return s.Finalize.Add(pace, middleware.After)
	}
}

// Bucket is a token bucket that makes callers wait their turn in order.
type Bucket struct {
	rate   Rate
	mu     sync.Mutex
	tokens float64
	last   time.Time
}

// NewBucket returns a full bucket.
func NewBucket(r Rate) *Bucket {
	return &Bucket{rate: r, tokens: float64(max(r.Burst, 1))}
}

// Wait takes a token, sleeping until one is due. Tokens are reserved in
// call order: a caller may drive the count below zero and waits for the
// refill of its own place in the queue, so no caller starves.
func (b *Bucket) Wait(ctx context.Context) error {
	b.mu.Lock()
	now := time.Now()
	if !b.last.IsZero() {
		b.tokens = min(b.tokens+now.Sub(b.last).Seconds()*b.rate.PerSecond, float64(max(b.rate.Burst, 1)))
	}
	b.last = now
	b.tokens--
	wait := time.Duration(0)
	if b.tokens < 0 {
		wait = time.Duration(-b.tokens / b.rate.PerSecond * float64(time.Second))
	}
	b.mu.Unlock()
	if wait == 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		b.tokens++ // give back the place we did not use
		b.mu.Unlock()
		return ctx.Err()
	}
}
