package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestReadRusageSumsCPUAndTakesThePeak(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rusage")
	// Three provider processes: user µs, sys µs, max RSS KiB.
	if err := os.WriteFile(path, []byte("1500000 500000 40000\n250000 250000 61000\n0 100000 1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cpu, peak := readRusage(path)
	if math.Abs(cpu-2.6) > 1e-9 || peak != 61000 {
		t.Errorf("readRusage = %v s, %d KiB; want 2.6 s, 61000 KiB", cpu, peak)
	}
	if cpu, peak := readRusage(filepath.Join(t.TempDir(), "none")); cpu != 0 || peak != 0 {
		t.Errorf("no file gave %v, %d", cpu, peak)
	}
}

func TestMedianTakesEachMetricsOwnMedian(t *testing.T) {
	t.Parallel()
	m := median([]measurement{
		{seconds: 9, cpuSeconds: 1, peakRSSKiB: 30, status429: 0},
		{seconds: 1, cpuSeconds: 5, peakRSSKiB: 10, status429: 2},
		{seconds: 5, cpuSeconds: 3, peakRSSKiB: 20, status429: 0},
	})
	if m.seconds != 5 || m.cpuSeconds != 3 || m.peakRSSKiB != 20 || m.status429 != 2 {
		t.Errorf("median = %+v, want 5 s, 3 s CPU, 20 KiB and the worst 429 count, 2", m)
	}
}

func TestLimitBudget(t *testing.T) {
	t.Parallel()
	// 400 creates at 540 a minute take 44.4 s; 10% more is 48.9 s.
	got := limitBudget(scenario{limitPerMinute: 600}, &bench{n: 200})
	if math.Abs(got-48.888) > 0.01 {
		t.Errorf("budget = %.3f s, want 48.889", got)
	}
}
