// Command provider-rusage stands in for a provider binary during the
// benchmark: Terraform starts it in the provider's place, it runs the real
// provider (the path in BENCH_REAL_PROVIDER) with the same arguments,
// environment and standard streams, and when the provider exits it appends
// the provider's CPU time and peak memory to the file in BENCH_RUSAGE_FILE.
// Terraform starts several provider processes per command; the benchmark
// sums their CPU and takes the highest peak.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	realProvider, out := os.Getenv("BENCH_REAL_PROVIDER"), os.Getenv("BENCH_RUSAGE_FILE")
	if realProvider == "" || out == "" {
		fmt.Fprintln(os.Stderr, "provider-rusage: BENCH_REAL_PROVIDER and BENCH_RUSAGE_FILE must be set")
		os.Exit(2)
	}
	cmd := exec.Command(realProvider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Interrupts reach the provider as they would without this process.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "provider-rusage: %v\n", err)
		os.Exit(1)
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		line := fmt.Sprintf("%d %d %d\n", usage.Utime.Nano()/1e3, usage.Stime.Nano()/1e3, usage.Maxrss)
		if f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			_, _ = f.WriteString(line)
			_ = f.Close()
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
