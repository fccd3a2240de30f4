package testenv

import (
	"testing"
	"time"
)

func TestDepthCountsOverlappingCallsOnce(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(key string, from, to int) Call {
		return Call{Key: key, Start: t0.Add(time.Duration(from) * time.Millisecond), End: t0.Add(time.Duration(to) * time.Millisecond)}
	}
	cases := []struct {
		name  string
		calls []Call
		want  int
	}{
		{"none", nil, 0},
		{"one", []Call{at("sts:AssumeRole", 0, 40)}, 1},
		{"then three together", []Call{at("sts:AssumeRole", 0, 40), at("a", 41, 80), at("b", 42, 85), at("c", 41, 90)}, 2},
		{"one after another", []Call{at("a", 0, 40), at("b", 40, 80), at("c", 81, 120)}, 3},
		{"a long call beside two short ones", []Call{at("long", 0, 100), at("a", 1, 40), at("b", 41, 80)}, 2},
	}
	for _, c := range cases {
		got, chain := Depth(c.calls)
		if got != c.want || len(chain) != c.want {
			t.Errorf("%s: depth %d (chain %v), want %d", c.name, got, chain, c.want)
		}
	}
}
