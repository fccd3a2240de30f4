package targets

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// recordingHTTP answers every STS call with an identity and records when
// each request reached the wire.
type recordingHTTP struct {
	mu    sync.Mutex
	times []time.Duration
	start time.Time
}

func (h *recordingHTTP) Do(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.times = append(h.times, time.Since(h.start))
	h.mu.Unlock()
	body := `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>111111111111</Account><Arn>arn:aws:iam::111111111111:user/ci</Arn><UserId>AIDA</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/xml"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// TestPacerAPIOptionPacesSDKCalls drives a real SDK client through the API
// option: 30 calls at once from two regions of one account get each region's
// burst at once and the rest at the steady rate, and the regions do not
// share a budget.
func TestPacerAPIOptionPacesSDKCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pacer := NewPacer(map[string]Rate{"STS": {PerSecond: 10, Burst: 20}})
		run := func(region string) *recordingHTTP {
			h := &recordingHTTP{start: time.Now()}
			client := sts.New(sts.Options{
				Region:      region,
				Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
				HTTPClient:  h,
				APIOptions:  []func(*middleware.Stack) error{pacer.APIOption("111111111111")},
			})
			var wg sync.WaitGroup
			for range 30 {
				wg.Go(func() {
					if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			return h
		}
		var east, west *recordingHTTP
		var wg sync.WaitGroup
		wg.Go(func() { east = run("us-east-1") })
		wg.Go(func() { west = run("eu-west-1") })
		wg.Wait()
		for _, h := range []*recordingHTTP{east, west} {
			if len(h.times) != 30 {
				t.Fatalf("%d calls reached the wire, want 30", len(h.times))
			}
			immediate, last := 0, time.Duration(0)
			for _, d := range h.times {
				if d == 0 {
					immediate++
				}
				last = max(last, d)
			}
			if immediate != 20 || last != time.Second {
				t.Errorf("%d calls at once and the last at %v; want the burst of 20 at once and the 30th at 1s", immediate, last)
			}
		}
	})
}

func TestPacerUnpacedServiceAndShared(t *testing.T) {
	p := NewPacer(nil)
	if p.Limiter("S3", "111111111111", "us-east-1") != nil {
		t.Error("S3 is paced, want only the services with a rate")
	}
	a := p.Limiter("CloudFormation", "111111111111", "us-east-1")
	if a == nil || a != p.Limiter("CloudFormation", "111111111111", "us-east-1") {
		t.Error("one account and region get different buckets; targets would not share the budget")
	}
	if a == p.Limiter("CloudFormation", "222222222222", "us-east-1") {
		t.Error("two accounts share a bucket")
	}
}

func TestBucketWaitGivesBackOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBucket(Rate{PerSecond: 1, Burst: 1})
		if err := b.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		if err := b.Wait(ctx); err != context.DeadlineExceeded {
			t.Fatalf("err = %v, want the context's deadline", err)
		}
		start := time.Now()
		if err := b.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 900*time.Millisecond {
			t.Errorf("waited %v after a cancelled waiter, want 900ms (its place given back)", waited)
		}
	})
}

// TestSourcePacerLeavesTargetCallsToTheTargets: a fan-out's targets are
// assumed from the source config and keep its API options; their
// CloudFormation calls, in accounts of their own, must not wait for one
// budget "source" shared by every target (12 targets' no-op took 2.9 s, at
// 5 calls a second, instead of two round trips).
func TestSourcePacerLeavesTargetCallsToTheTargets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pacer := NewPacer(map[string]Rate{"STS": {PerSecond: 1, Burst: 1}})
		h := &recordingHTTP{start: time.Now()}
		client := sts.New(sts.Options{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
			HTTPClient:  h,
			APIOptions:  []func(*middleware.Stack) error{pacer.APIOption("source", "CloudFormation")},
		})
		for range 5 {
			if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range h.times {
			if d != 0 {
				t.Fatalf("calls reached the wire at %v; want every STS call at once when only CloudFormation is paced", h.times)
			}
		}
		paced := sts.New(sts.Options{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
			HTTPClient:  h,
			APIOptions:  []func(*middleware.Stack) error{pacer.APIOption("source", "STS")},
		})
		h.times, h.start = nil, time.Now()
		for range 3 {
			if _, err := paced.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
				t.Fatal(err)
			}
		}
		if last := h.times[len(h.times)-1]; last != 2*time.Second {
			t.Errorf("the third STS call at %v; want 2s at one a second with STS named", last)
		}
	})
}
