package poll

import (
	"context"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func TestBackoffStaysAtMinWhileWarmThenGrowsToMax(t *testing.T) {
	c := NewFake(t0)
	b := &Backoff{Min: time.Second, Max: 8 * time.Second, Factor: 2, Warm: time.Minute, Clock: c}
	if d := b.Next(false); d != time.Second {
		t.Fatalf("first delay %v, want 1s", d)
	}
	c.Advance(30 * time.Second)
	if d := b.Next(false); d != time.Second {
		t.Errorf("during warm-up %v, want 1s", d)
	}
	c.Advance(time.Minute)
	var got []time.Duration
	for range 4 {
		got = append(got, b.Next(false))
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("idle delays %v, want %v", got, want)
		}
	}
	if d := b.Next(true); d != time.Second {
		t.Errorf("after progress %v, want 1s again", d)
	}
}

func TestBackoffJitterOnlyLengthens(t *testing.T) {
	b := &Backoff{Min: time.Second, Max: time.Second, Factor: 1, Jitter: 0.5, Clock: NewFake(t0)}
	for range 100 {
		if d := b.Next(false); d < time.Second || d > 1500*time.Millisecond {
			t.Fatalf("delay %v outside [1s, 1.5s]", d)
		}
	}
}

func TestHeartbeatDueAfterSilence(t *testing.T) {
	c := NewFake(t0)
	h := NewHeartbeat(c, time.Minute)
	c.Advance(59 * time.Second)
	if _, due := h.Due(); due {
		t.Fatal("due before a minute of silence")
	}
	h.Said()
	c.Advance(59 * time.Second)
	if _, due := h.Due(); due {
		t.Fatal("due although something was said 59 s ago")
	}
	c.Advance(time.Second)
	elapsed, due := h.Due()
	if !due || elapsed != 119*time.Second {
		t.Fatalf("got %v %v, want due after 1m59s", elapsed, due)
	}
	if _, due := h.Due(); due {
		t.Error("due twice in a row: a heartbeat counts as saying something")
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Real{}).Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("real: %v, want canceled", err)
	}
	f := NewFake(t0)
	if err := f.Sleep(ctx, time.Hour); err != context.Canceled || !f.Now().Equal(t0) {
		t.Errorf("fake: %v at %v, want canceled and no time passed", err, f.Now())
	}
}

func TestBackoffGrowsWhileIdleAndResetsOnProgress(t *testing.T) {
	b := &Backoff{Min: 1, Max: 10, Factor: 2, Clock: NewFake(t0)}
	var got []time.Duration
	for range 6 {
		got = append(got, b.Next(false))
	}
	got = append(got, b.Next(true))
	want := []time.Duration{1, 2, 4, 8, 10, 10, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
}

// TestDefaultNeverPollsTwiceInASecond: the account's pipelines share
// CloudFormation's Describe* limits.
func TestDefaultNeverPollsTwiceInASecond(t *testing.T) {
	c := NewFake(t0)
	b := Default()
	b.Clock = c
	for i := range 1000 {
		d := b.Next(i%7 == 0)
		if d < b.Min || d > time.Duration(float64(b.Max)*1.1) {
			t.Fatalf("delay %v outside [%v, %v]", d, b.Min, time.Duration(float64(b.Max)*1.1))
		}
		c.Advance(d)
	}
}
