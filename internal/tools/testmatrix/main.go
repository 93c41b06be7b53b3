// Command testmatrix runs the acceptance tests once per Terraform or
// OpenTofu binary and prints, for each, the version it reported and how
// many tests passed, were skipped (and why) and failed.
//
//	go run ./internal/tools/testmatrix [-race NAME,...] [-run REGEXP] NAME=PATH ...
//
// A NAME starting with "tofu" runs with OpenTofu's registry host. The tests
// of one binary run together; binaries run one after another, so their
// logs do not interleave. It exits non-zero when any test failed.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// event is one line of `go test -json`.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// result is what one binary's run came to.
type result struct {
	name, path, version string
	passed, failed      []string
	skipped             map[string]string // test → the reason it gave
	elapsed             time.Duration
	err                 error
}

func main() {
	race := flag.String("race", "", "comma-separated NAMEs whose run uses the race detector")
	run := flag.String("run", "^TestAcc", "which tests to run (go test -run)")
	timeout := flag.String("timeout", "30m", "go test -timeout, per binary")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: testmatrix [-race NAME,...] [-run REGEXP] NAME=PATH ...")
		os.Exit(2)
	}
	packages := []string{"./internal/provider/...", "./internal/repotest/"}

	var results []*result
	for _, arg := range flag.Args() {
		name, path, ok := strings.Cut(arg, "=")
		if !ok || path == "" {
			fmt.Fprintf(os.Stderr, "testmatrix: %q is not NAME=PATH\n", arg)
			os.Exit(2)
		}
		r := runOne(name, path, slices.Contains(strings.Split(*race, ","), name), *run, *timeout, packages)
		results = append(results, r)
	}

	fmt.Println()
	fmt.Println("Acceptance tests by Terraform/OpenTofu version:")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "binary\tversion\tpassed\tskipped\tfailed\ttime")
	failed := false
	for _, r := range results {
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%s\n", r.name, r.version, len(r.passed), len(r.skipped), len(r.failed), r.elapsed.Round(time.Second))
		failed = failed || len(r.failed) > 0 || r.err != nil
	}
	_ = w.Flush()
	for _, r := range results {
		if len(r.skipped) > 0 {
			fmt.Printf("\nSkipped on %s (%s):\n", r.name, r.version)
			for _, test := range sortedKeys(r.skipped) {
				fmt.Printf("  %s: %s\n", test, r.skipped[test])
			}
		}
		if len(r.failed) > 0 {
			fmt.Printf("\nFAILED on %s (%s): %s\n", r.name, r.version, strings.Join(r.failed, ", "))
		}
		if r.err != nil {
			fmt.Printf("\nFAILED on %s: %v\n", r.name, r.err)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func runOne(name, path string, race bool, run, timeout string, packages []string) *result {
	r := &result{name: name, path: path, skipped: map[string]string{}}
	out, err := exec.Command(path, "version").Output()
	if err != nil {
		r.err = fmt.Errorf("%s version: %w", path, err)
		return r
	}
	r.version = reportedVersion(string(out))
	detector := ""
	if race {
		detector = ", with -race"
	}
	fmt.Printf("=== %s: %s (%s%s)\n", name, r.version, path, detector)

	args := []string{"test", "-json", "-count=1", "-timeout", timeout, "-run", run}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, packages...)...)
	cmd.Env = append(os.Environ(), "TF_ACC=1", "TF_ACC_TERRAFORM_PATH="+path, "CHECKPOINT_DISABLE=1")
	if strings.HasPrefix(name, "tofu") {
		cmd.Env = append(cmd.Env, "TF_ACC_PROVIDER_HOST=registry.opentofu.org")
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.err = err
		return r
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		r.err = err
		return r
	}
	readEvents(stdout, r)
	if err := cmd.Wait(); err != nil && len(r.failed) == 0 {
		// A build failure or a panic outside a test fails no named test.
		r.err = fmt.Errorf("go test: %w", err)
	}
	r.elapsed = time.Since(start)
	fmt.Printf("=== %s: %d passed, %d skipped, %d failed in %s\n", name, len(r.passed), len(r.skipped), len(r.failed), r.elapsed.Round(time.Second))
	return r
}

// readEvents tallies test results and prints the output of failed tests
// (and of package-level failures) as go test -v would.
func readEvents(stream io.Reader, r *result) {
	output := map[string]*bytes.Buffer{}
	scanner := bufio.NewScanner(stream)
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		var e event
		if err := json.Unmarshal(scanner.Bytes(), &e); err != nil {
			fmt.Println(scanner.Text())
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			if output[key] == nil {
				output[key] = &bytes.Buffer{}
			}
			output[key].WriteString(e.Output)
		case "pass":
			if e.Test != "" {
				r.passed = append(r.passed, e.Test)
			}
			delete(output, key)
		case "skip":
			if e.Test != "" {
				r.skipped[e.Test] = skipReason(output[key])
			}
			delete(output, key)
		case "fail":
			if e.Test != "" {
				r.failed = append(r.failed, e.Test)
			}
			if buf := output[key]; buf != nil {
				fmt.Print(buf.String())
			}
			delete(output, key)
		}
	}
}

// skipReason is the last line a skipped test logged before "--- SKIP".
func skipReason(buf *bytes.Buffer) string {
	if buf == nil {
		return "(no reason given)"
	}
	reason := "(no reason given)"
	for _, line := range strings.Split(buf.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- SKIP") {
			continue
		}
		// "file_test.go:12: reason" → "reason"
		if _, rest, ok := strings.Cut(line, ": "); ok && strings.Contains(line[:len(line)-len(rest)], ".go:") {
			line = rest
		}
		reason = line
	}
	return reason
}

// reportedVersion is the "Terraform v1.5.7" or "OpenTofu v1.12.6" line of
// `version`, which a CLI configuration warning may precede.
func reportedVersion(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			return strings.TrimSpace(line)
		}
	}
	return strings.TrimSpace(out)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
