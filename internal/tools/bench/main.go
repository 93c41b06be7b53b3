// Command bench measures the provider against Terraform itself: it applies,
// refreshes and destroys N branch passwords and N Postgres roles against the
// mock API, and the same phases for 2N terraform_data resources (Terraform
// core with no provider: the floor), in one run, and writes BENCHMARKS.md.
//
// It reports numbers; it does not fail on a slow machine. Run it with
// `make bench`.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

type phaseResult struct {
	name          string
	seconds       float64
	floor         float64
	requests      int
	peakRSSKiB    int64
	status429     int
	resourceCount int
}

type scenario struct {
	title   string
	latency time.Duration
	// limitPerMinute makes the mock answer 429 beyond this many requests a
	// minute per token; 0 means no limit.
	limitPerMinute int
}

func main() {
	n := flag.Int("n", 200, "branch passwords and Postgres roles each (2n resources in all)")
	latencies := flag.String("latencies", "0,100ms", "comma-separated mock API latencies")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	out := flag.String("out", "BENCHMARKS.md", "markdown file to write")
	atLimit := flag.Bool("at-limit", true, "also run against a mock enforcing PlanetScale's 600 requests a minute, with the provider's default pacing")
	flag.Parse()

	tf, err := exec.LookPath("terraform")
	if err != nil {
		log.Fatal("bench: terraform is not on PATH")
	}
	work, err := os.MkdirTemp("", "planetscale-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "bin")
	log.Printf("building the provider")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-planetscale"), ".").CombinedOutput(); err != nil {
		log.Fatalf("bench: building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(work, "terraformrc")
	mustWrite(rc, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerSource(), bin))

	var scenarios []scenario
	for _, l := range strings.Split(*latencies, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(l))
		if err != nil && strings.TrimSpace(l) != "0" {
			log.Fatalf("bench: latency %q: %v", l, err)
		}
		scenarios = append(scenarios, scenario{title: fmt.Sprintf("latency %s", d), latency: d})
	}
	if *atLimit {
		scenarios = append(scenarios, scenario{title: "at the documented limit: mock enforces 600 requests a minute, provider paces at its default", limitPerMinute: 600})
	}

	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	var report strings.Builder
	all := map[scenario][]phaseResult{}
	for _, sc := range scenarios {
		log.Printf("scenario: %s, n=%d", sc.title, *n)
		results := runScenario(tf, env, work, sc, *n, *parallelism)
		all[sc] = results
		writeTable(&report, sc, results, *parallelism)
	}
	writeTargets(&report, scenarios, all, *parallelism)
	header := fmt.Sprintf("# Benchmarks\n\nMeasured by `make bench` on %s: %s, %d cores; %s; %s.\n\n"+
		"Each row times one phase for %d branch passwords and %d Postgres roles against the mock API, and the same phase for %d "+
		"`terraform_data` resources (Terraform core with no provider, the floor), in the same run. "+
		"Requests are API requests per resource seen by the mock; RSS is the provider process's peak resident memory.\n\n",
		time.Now().UTC().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), terraformVersion(tf), runtime.Version(), *n, *n, 2**n)
	mustWrite(*out, header+report.String())
	fmt.Print(header + report.String())
}

func runScenario(tf string, env []string, work string, sc scenario, n, parallelism int) []phaseResult {
	mock := mockapi.NewWithDefaultWorld()
	if sc.latency > 0 {
		mock.Inject(mockapi.Fault{Latency: sc.latency})
	}
	// Without a limit at the mock, the provider's own pacing is turned off
	// too, so the rows measure the provider, not the pacing.
	pacing := "max_requests_per_minute = 0"
	if sc.limitPerMinute > 0 {
		mock.SetRateLimit(sc.limitPerMinute, 10)
		pacing = ""
	}
	server := httptest.NewServer(mock)
	defer server.Close()

	dir := filepath.Join(work, fmt.Sprintf("scenario-%d-%d", sc.latency, sc.limitPerMinute))
	floorDir := dir + "-floor"
	for _, d := range []string{dir, floorDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			log.Fatal(err)
		}
	}
	mustWrite(filepath.Join(dir, "main.tf"), providerConfig(server.URL+"/v1", pacing, n))
	mustWrite(filepath.Join(floorDir, "main.tf"), fmt.Sprintf("resource \"terraform_data\" \"floor\" {\n  count = %d\n  input = \"x-${count.index}\"\n}\n", 2*n))

	phases := []struct {
		name string
		args []string
	}{
		{"apply", []string{"apply", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", parallelism)}},
		{"plan (refresh)", []string{"plan", "-input=false", fmt.Sprintf("-parallelism=%d", parallelism)}},
		{"destroy", []string{"destroy", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", parallelism)}},
	}
	var results []phaseResult
	for _, ph := range phases {
		floor, _ := run(tf, floorDir, env, ph.args)
		mock.ResetRequests()
		sampler := startRSSSampler()
		seconds, _ := run(tf, dir, env, ph.args)
		peak := sampler.stop()
		status429 := 0
		for _, r := range mock.Requests("") {
			if r.Status == 429 {
				status429++
			}
		}
		results = append(results, phaseResult{
			name: ph.name, seconds: seconds, floor: floor,
			requests: mock.RequestCount(""), peakRSSKiB: peak, status429: status429, resourceCount: 2 * n,
		})
		log.Printf("  %-15s %6.2fs (floor %6.2fs), %d requests, peak RSS %d MiB", ph.name, seconds, floor, mock.RequestCount(""), peak/1024)
	}
	return results
}

func providerConfig(url, pacing string, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    planetscale = {
      source = %q
    }
  }
}

provider "planetscale" {
  server_url       = %q
  service_token_id = %q
  service_token    = %q
  %s
}

resource "planetscale_branch_password" "bench" {
  count        = %d
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "reader"
}

resource "planetscale_postgres_role" "bench" {
  count           = %d
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  inherited_roles = ["pg_read_all_data"]
}
`, providerSource(), url, mockapi.DefaultServiceTokenID, mockapi.DefaultServiceToken, pacing, n, n)
}

func run(tf, dir string, env []string, args []string) (float64, error) {
	cmd := exec.Command(tf, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start).Seconds()
	if err != nil {
		log.Printf("bench: terraform %s in %s: %v\n%s", args[0], dir, err, tail(out.String(), 2000))
	}
	return elapsed, err
}

// rssSampler polls /proc for the provider's processes and keeps the highest
// VmHWM (peak resident set) seen.
type rssSampler struct {
	peak atomic.Int64
	done chan struct{}
	wg   sync.WaitGroup
}

func startRSSSampler() *rssSampler {
	s := &rssSampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-ticker.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte("terraform-provider-planetscale")) {
			continue
		}
		f, err := os.Open(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if fields := strings.Fields(sc.Text()); len(fields) >= 2 && fields[0] == "VmHWM:" {
				if kib, err := strconv.ParseInt(fields[1], 10, 64); err == nil && kib > s.peak.Load() {
					s.peak.Store(kib)
				}
			}
		}
		f.Close()
	}
}

func (s *rssSampler) stop() int64 {
	close(s.done)
	s.wg.Wait()
	return s.peak.Load()
}

func writeTable(w *strings.Builder, sc scenario, results []phaseResult, parallelism int) {
	fmt.Fprintf(w, "## %s, parallelism %d\n\n", sc.title, parallelism)
	fmt.Fprintf(w, "| phase | provider (s) | floor (s) | ratio | API requests per resource | 429s | provider peak RSS (MiB) |\n")
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f | %.2f | %d | %.1f |\n",
			r.name, r.seconds, r.floor, r.seconds/r.floor, float64(r.requests)/float64(r.resourceCount), r.status429, float64(r.peakRSSKiB)/1024)
	}
	fmt.Fprintln(w)
	if sc.limitPerMinute > 0 {
		for _, r := range results {
			if strings.HasPrefix(r.name, "plan") {
				saved := r.resourceCount - r.requests
				fmt.Fprintf(w, "The list-batched refresh sent %d requests where one GET per credential would send %d: "+
					"at the provider's pace of %.0f requests a minute that saves about %.0f s per refresh, and leaves the rest of the token's budget to other pipelines.\n\n",
					r.requests, r.resourceCount, float64(sc.limitPerMinute)*0.9, float64(saved)/(float64(sc.limitPerMinute)*0.9/60))
			}
		}
	}
}

// writeTargets compares the run with the project's targets. They are
// reported, never asserted: a slow machine must not fail anything.
func writeTargets(w *strings.Builder, scenarios []scenario, all map[scenario][]phaseResult, parallelism int) {
	fmt.Fprintf(w, "## Targets\n\n| target | measured | met |\n|---|---|---|\n")
	row := func(target, measured string, met bool) {
		verdict := "yes"
		if !met {
			verdict = "no"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", target, measured, verdict)
	}
	var peak int64
	for _, sc := range scenarios {
		for _, r := range all[sc] {
			peak = max(peak, r.peakRSSKiB)
			if sc.limitPerMinute > 0 {
				row(fmt.Sprintf("no 429 from our own traffic at the limit (%s)", r.name), fmt.Sprintf("%d", r.status429), r.status429 == 0)
				continue
			}
			perResource := float64(r.requests) / float64(r.resourceCount)
			switch {
			case sc.latency == 0:
				row(fmt.Sprintf("%s ≤ 1.5 × floor (latency 0)", r.name), fmt.Sprintf("%.2f ×", r.seconds/r.floor), r.seconds <= 1.5*r.floor)
			case r.name == "apply":
				budget := r.floor + 1.1*float64(r.resourceCount)/float64(parallelism)*sc.latency.Seconds()
				row(fmt.Sprintf("apply ≤ floor + 1.1 × (%d / %d) × %s", r.resourceCount, parallelism, sc.latency),
					fmt.Sprintf("%.2f s (budget %.2f s)", r.seconds, budget), r.seconds <= budget)
			}
			if sc.latency == 0 {
				want := 1.0
				if strings.HasPrefix(r.name, "plan") {
					want = 0.1
				}
				row(fmt.Sprintf("API requests per resource, %s ≤ %.1f", r.name, want), fmt.Sprintf("%.2f", perResource), perResource <= want+0.05)
			}
		}
	}
	row("provider peak RSS ≤ 40 MB", fmt.Sprintf("%.1f MiB", float64(peak)/1024), float64(peak)/1024 <= 40)
	fmt.Fprintln(w)
}

func providerSource() string {
	b, err := os.ReadFile("main.go")
	if err != nil {
		log.Fatal("bench: run from the repository root (make bench)")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, `const registryAddress = "registry.terraform.io/`); ok {
			return strings.TrimSuffix(v, `"`)
		}
	}
	log.Fatal("bench: registryAddress not found in main.go")
	return ""
}

func terraformVersion(tf string) string {
	out, _ := exec.Command(tf, "version").Output()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			return line
		}
	}
	return "terraform (unknown version)"
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func mustWrite(path, content string) {
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		log.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
