package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// profileDirEnv names a directory where the provider writes a CPU profile
// and a heap profile of its whole run, one pair per provider process
// (Terraform starts several per command). It is for performance work: see
// BENCHMARKS.md. The profiles hold function names and sizes, never a value
// the provider handled.
const profileDirEnv = "PLANETSCALE_PROVIDER_PROFILE_DIR"

// startProfiles starts the CPU profile when profileDirEnv is set and returns
// the function that writes both profiles; it must run after Serve returns.
// A failure to profile is reported on stderr (Terraform's log) and never
// stops the provider.
func startProfiles() (stop func()) {
	dir := os.Getenv(profileDirEnv)
	if dir == "" {
		return func() {}
	}
	prefix := filepath.Join(dir, fmt.Sprintf("provider-%d", os.Getpid()))
	err := os.MkdirAll(dir, 0o755)
	var cpu *os.File
	if err == nil {
		cpu, err = os.Create(prefix + ".cpu.pprof")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: not profiling: %v\n", profileDirEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintf(os.Stderr, "%s: not profiling: %v\n", profileDirEnv, err)
		cpu.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		cpu.Close()
		heap, err := os.Create(prefix + ".heap.pprof")
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: heap profile: %v\n", profileDirEnv, err)
			return
		}
		defer heap.Close()
		// The heap profile's alloc_space covers the whole run; a GC first
		// makes inuse_space exact as of exit.
		runtime.GC()
		if err := pprof.WriteHeapProfile(heap); err != nil {
			fmt.Fprintf(os.Stderr, "%s: heap profile: %v\n", profileDirEnv, err)
		}
	}
}
