// Command bench measures the provider against three floors in one run and
// writes BENCHMARKS.md:
//
//   - floor-same-schema: planetscale's own schemas with CRUD that calls no
//     API, so the difference is what our code costs (HTTP, pacing, mapping,
//     caching, ModifyPlan);
//   - floor-one-attribute: a framework provider with one resource and one
//     attribute, so the difference is what our schema and code cost;
//   - terraform_data: Terraform core with no provider at all.
//
// Each phase (apply, plan with refresh, destroy) runs for N branch passwords
// and N Postgres roles, and 2N resources of each floor. Provider processes
// are started through provider-rusage, which records their CPU time and peak
// memory. It reports numbers and never fails on a slow machine.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// A variant is one configuration of 2N resources run through every phase.
type variant struct {
	name string
	// provider is the main package whose binary Terraform runs (through
	// provider-rusage); empty for terraform_data.
	provider string
	// binary is the name Terraform looks for in the dev override directory.
	binary string
	source string
	config func(url, pacing string, n int) string
	// env is added to the environment of the variant's terraform commands.
	env []string
}

// quietSDK is what the provider's silenceDiscardedLogs sets when nobody
// asked for logs (see logging.go at the repository root).
var quietSDK = []string{"TF_LOG_SDK=OFF", "TF_LOG_PROVIDER_PLANETSCALE=OFF"}

var (
	ours = variant{
		name: "planetscale", provider: ".", binary: "terraform-provider-planetscale",
		source: "credsmith/planetscale", config: planetscaleConfig,
	}
	// The same-schema floor is served as ours is, with the SDK's logging
	// off, so that the difference is only our code.
	sameSchemaFloor = variant{
		name: "same-schema floor", provider: "./internal/tools/bench/floor-same-schema", binary: "terraform-provider-planetscale",
		source: "credsmith/planetscale", config: planetscaleConfig, env: quietSDK,
	}
	oneAttributeFloor = variant{
		name: "one-attribute floor", provider: "./internal/tools/bench/floor-one-attribute", binary: "terraform-provider-floor",
		source: "credsmith/floor", config: oneAttributeConfig,
	}
	// The one-attribute floor as it is, and as it would be with the SDK's
	// logging off: the difference is the framework's TRACE output.
	quietOneAttributeFloor = withQuietSDK(oneAttributeFloor, "one-attribute floor, SDK logs off")
	terraformData          = variant{name: "terraform_data", config: terraformDataConfig}
)

func withQuietSDK(v variant, name string) variant {
	v.name, v.env = name, quietSDK
	return v
}

var phases = []struct {
	name string
	args []string
}{
	{"apply", []string{"apply", "-auto-approve"}},
	{"plan (refresh)", []string{"plan"}},
	{"destroy", []string{"destroy", "-auto-approve"}},
}

// measurement is one phase of one variant: the median of the runs.
type measurement struct {
	seconds    float64
	cpuSeconds float64 // user+sys of every provider process
	peakRSSKiB int64   // the largest of the provider processes
	writes     int     // POST, PATCH and DELETE requests seen by the mock API
	reads      int     // GET requests
	status429  int
	// mockCPUSeconds is what this process (the mock API) used meanwhile:
	// CPU a real API would spend elsewhere, here taken from the same cores.
	mockCPUSeconds float64
}

type scenario struct {
	title   string
	latency time.Duration
	// limitPerMinute makes the mock answer 429 beyond this many requests a
	// minute per token, with the provider pacing at its default; 0 means no
	// limit and no pacing.
	limitPerMinute int
	variants       []variant
}

type bench struct {
	terraform   string
	work        string
	n           int
	parallelism int
	runs        int
	profileDir  string
}

func main() {
	n := flag.Int("n", 200, "branch passwords and Postgres roles each (2n resources in all)")
	latencies := flag.String("latencies", "0,100ms", "comma-separated mock API latencies")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	runs := flag.Int("runs", 5, "runs of each phase; the tables show the median")
	out := flag.String("out", "BENCHMARKS.md", "markdown file to write")
	atLimit := flag.Bool("at-limit", true, "also create 2n credentials against a mock enforcing PlanetScale's 600 requests a minute, with the provider's default pacing")
	floors := flag.Bool("floors", true, "run the floors too; without them only planetscale's numbers are reported, for a quick before/after of a change")
	profile := flag.Bool("profile", true, "after the timed runs, profile the provider through one more run at latency 0 and add the top entries to the report")
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
	b := &bench{terraform: tf, work: work, n: *n, parallelism: *parallelism, runs: max(1, *runs)}

	all := []variant{ours, sameSchemaFloor, oneAttributeFloor, quietOneAttributeFloor, terraformData}
	if !*floors {
		all = all[:1]
	}
	for _, v := range all {
		b.build(v)
	}

	var scenarios []scenario
	for _, l := range strings.Split(*latencies, ",") {
		l = strings.TrimSpace(l)
		d, err := time.ParseDuration(l)
		if err != nil && l != "0" {
			log.Fatalf("bench: latency %q: %v", l, err)
		}
		sc := scenario{title: fmt.Sprintf("latency %s", d), latency: d, variants: all}
		if d > 0 && *floors {
			// Latency's target is against the plain floor alone.
			sc.variants = []variant{ours, oneAttributeFloor}
		}
		scenarios = append(scenarios, sc)
	}
	if *atLimit {
		// The floors send no requests, so a limit means nothing to them.
		scenarios = append(scenarios, scenario{
			title:          "at the API's limit: the mock enforces 600 requests a minute, the provider paces at its default",
			limitPerMinute: 600, variants: []variant{ours},
		})
	}

	results := map[string]map[string][]measurement{} // scenario title → variant → per phase
	var report strings.Builder
	for _, sc := range scenarios {
		runs := b.runs
		if sc.limitPerMinute > 0 {
			runs = 1 // one paced run says it; five would take four minutes
		}
		log.Printf("scenario: %s, n=%d, %d run(s)", sc.title, b.n, runs)
		results[sc.title] = b.runScenario(sc, runs)
		writeScenario(&report, sc, results[sc.title], b)
	}
	var profileReport string
	if *profile {
		b.profileDir = filepath.Join(work, "profiles")
		log.Printf("profiling the provider at latency 0")
		b.runScenario(scenario{title: "profile", variants: []variant{ours}}, 1)
		profileReport = b.profileReport()
	}
	if *floors {
		writeTargets(&report, scenarios, results, b)
		writeWhy(&report, scenarios, results, b)
	}
	report.WriteString(profileReport)

	header := fmt.Sprintf("# Benchmarks\n\nMeasured by `make bench` on %s: %s, %d cores; %s; %s.\n\n"+
		"Each phase runs for %d branch passwords and %d Postgres roles against the mock API, and for %d resources of each floor, in the same run:\n\n"+
		"- **same-schema floor**: a provider with planetscale's provider and resource schemas (the same attributes, validators, plan modifiers and timeouts block) "+
		"whose create copies the plan to state and whose read and delete do nothing (`internal/tools/bench/floor-same-schema`). Ours against it is the cost of our own code: HTTP, pacing, mapping, caching, ModifyPlan.\n"+
		"- **one-attribute floor**: a framework provider with one resource of one attribute (`internal/tools/bench/floor-one-attribute`). Ours against it adds the cost of our schema.\n"+
		"- **terraform_data**: Terraform core with no provider.\n\n"+
		"Times are the median of %d runs, wall clock of the whole `terraform` command. Provider CPU is user+sys of every provider process of the command "+
		"(Terraform starts several), peak RSS the largest of them, both from `provider-rusage`, which Terraform starts in the provider's place. "+
		"Requests are per resource, as the mock API saw them.\n\n",
		time.Now().UTC().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), terraformVersion(tf), runtime.Version(), b.n, b.n, 2*b.n, b.runs)
	mustWrite(*out, header+report.String())
	fmt.Print(header + report.String())
}

// build compiles the variant's provider and puts provider-rusage in its
// place in a dev override directory of its own.
func (b *bench) build(v variant) {
	if v.provider == "" {
		return
	}
	dir := b.variantDir(v)
	log.Printf("building %s", v.name)
	goBuild(filepath.Join(dir, "real-provider"), v.provider)
	goBuild(filepath.Join(dir, "bin", v.binary), "./internal/tools/bench/provider-rusage")
	mustWrite(filepath.Join(dir, "terraformrc"), fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", v.source, filepath.Join(dir, "bin")))
}

func goBuild(out, pkg string) {
	if msg, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
		log.Fatalf("bench: building %s: %v\n%s", pkg, err, msg)
	}
}

func (b *bench) variantDir(v variant) string {
	return filepath.Join(b.work, strings.ReplaceAll(v.name, " ", "-"))
}

func (b *bench) runScenario(sc scenario, runs int) map[string][]measurement {
	mock := mockapi.NewWithDefaultWorld()
	if sc.latency > 0 {
		mock.Inject(mockapi.Fault{Latency: sc.latency})
	}
	// Without a limit at the mock, the provider's own pacing is off too, so
	// the rows measure the provider, not the pacing.
	pacing := "max_requests_per_minute = 0"
	if sc.limitPerMinute > 0 {
		mock.SetRateLimit(sc.limitPerMinute, 10)
		pacing = ""
	}
	// Checked against the API document like every other use of the mock; a
	// benchmark of exchanges the API would refuse would measure nothing.
	server, err := contract.Start(mock)
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		server.Close()
		for _, v := range server.Validator.Violations() {
			log.Fatalf("bench: the API document rejects an exchange: %s", v)
		}
	}()

	dirs := map[string]string{}
	byVariant := map[string][][]measurement{} // variant → phase → runs
	for _, v := range sc.variants {
		dir := filepath.Join(b.variantDir(v), fmt.Sprintf("scenario-%d-%d", sc.latency, sc.limitPerMinute))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		mustWrite(filepath.Join(dir, "main.tf"), v.config(server.URL+"/v1", pacing, b.n))
		dirs[v.name] = dir
		byVariant[v.name] = make([][]measurement, len(phases))
	}
	// Each phase runs for every variant before the next phase, so that the
	// numbers compared in a row were taken minutes apart, not the whole
	// scenario apart.
	for range runs {
		for i, ph := range phases {
			if sc.limitPerMinute > 0 && ph.name != "apply" {
				continue // the limit's target is about creates
			}
			for _, v := range sc.variants {
				mock.ResetRequests()
				before := selfCPUSeconds()
				m := b.run(v, dirs[v.name], ph.args)
				m.mockCPUSeconds = selfCPUSeconds() - before
				for _, r := range mock.Requests("") {
					if r.Method == "GET" {
						m.reads++
					} else {
						m.writes++
					}
					if r.Status == 429 {
						m.status429++
					}
				}
				byVariant[v.name][i] = append(byVariant[v.name][i], m)
				log.Printf("  %-34s %-15s %6.2fs, provider CPU %5.2fs, peak RSS %3d MiB, %d writes, %d reads",
					v.name, ph.name, m.seconds, m.cpuSeconds, m.peakRSSKiB/1024, m.writes, m.reads)
			}
		}
	}
	medians := map[string][]measurement{}
	for name, byPhase := range byVariant {
		for _, ms := range byPhase {
			medians[name] = append(medians[name], median(ms))
		}
	}
	return medians
}

// run times one terraform command of a variant and reads what its provider
// processes used.
func (b *bench) run(v variant, dir string, args []string) measurement {
	usage := filepath.Join(dir, "rusage")
	_ = os.Remove(usage)
	env := append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	if v.provider != "" {
		env = append(env,
			"TF_CLI_CONFIG_FILE="+filepath.Join(b.variantDir(v), "terraformrc"),
			"BENCH_REAL_PROVIDER="+filepath.Join(b.variantDir(v), "real-provider"),
			"BENCH_RUSAGE_FILE="+usage)
		if b.profileDir != "" && v.name == ours.name {
			dir := filepath.Join(b.profileDir, args[0])
			if err := os.MkdirAll(dir, 0o755); err != nil {
				log.Fatal(err)
			}
			env = append(env, "PLANETSCALE_PROVIDER_PROFILE_DIR="+dir)
		}
	} else {
		env = append(env, "TF_CLI_CONFIG_FILE=/dev/null")
	}
	env = append(env, v.env...)
	cmd := exec.Command(b.terraform, append(args, "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", b.parallelism))...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	m := measurement{seconds: time.Since(start).Seconds()}
	if err != nil {
		log.Printf("bench: %s: terraform %s: %v\n%s", v.name, args[0], err, tail(out.String(), 2000))
	}
	m.cpuSeconds, m.peakRSSKiB = readRusage(usage)
	return m
}

// readRusage sums the CPU and takes the highest peak RSS of the lines
// provider-rusage wrote: "user-µs sys-µs maxrss-KiB" per process.
func readRusage(path string) (cpuSeconds float64, peakKiB int64) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		user, _ := strconv.ParseInt(f[0], 10, 64)
		sys, _ := strconv.ParseInt(f[1], 10, 64)
		rss, _ := strconv.ParseInt(f[2], 10, 64)
		cpuSeconds += float64(user+sys) / 1e6
		peakKiB = max(peakKiB, rss)
	}
	return cpuSeconds, peakKiB
}

func selfCPUSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}

func median(ms []measurement) measurement {
	if len(ms) == 0 {
		return measurement{}
	}
	pick := func(less func(a, b measurement) int) measurement {
		s := slices.Clone(ms)
		slices.SortFunc(s, less)
		return s[len(s)/2]
	}
	m := pick(func(a, b measurement) int { return cmpFloat(a.seconds, b.seconds) })
	m.cpuSeconds = pick(func(a, b measurement) int { return cmpFloat(a.cpuSeconds, b.cpuSeconds) }).cpuSeconds
	m.peakRSSKiB = pick(func(a, b measurement) int { return int(a.peakRSSKiB - b.peakRSSKiB) }).peakRSSKiB
	m.mockCPUSeconds = pick(func(a, b measurement) int { return cmpFloat(a.mockCPUSeconds, b.mockCPUSeconds) }).mockCPUSeconds
	for _, x := range ms {
		m.status429 = max(m.status429, x.status429)
	}
	return m
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func planetscaleConfig(url, pacing string, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
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
`, url, mockapi.DefaultServiceTokenID, mockapi.DefaultServiceToken, pacing, n, n)
}

func oneAttributeConfig(_, _ string, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    floor = {
      source = "credsmith/floor"
    }
  }
}

resource "floor_value" "bench" {
  count = %d
  value = "x-${count.index}"
}
`, 2*n)
}

func terraformDataConfig(_, _ string, n int) string {
	return fmt.Sprintf("resource \"terraform_data\" \"bench\" {\n  count = %d\n  input = \"x-${count.index}\"\n}\n", 2*n)
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
