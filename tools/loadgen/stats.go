package main

import (
	"slices"
	"time"
)

// latencies collects durations; quantiles are exact (sorted), which is fine
// for the counts a bounded run produces.
type latencies []time.Duration

func (l latencies) summary() latencySummary {
	if len(l) == 0 {
		return latencySummary{}
	}
	s := slices.Clone(l)
	slices.Sort(s)
	q := func(p float64) float64 { return ms(s[min(len(s)-1, int(p*float64(len(s))))]) }
	return latencySummary{P50: q(0.50), P99: q(0.99), Max: ms(s[len(s)-1]), N: len(s)}
}

// latencySummary is in milliseconds.
type latencySummary struct {
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
	N   int     `json:"n"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
