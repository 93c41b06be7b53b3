package repotest

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// workflow is the part of a GitHub Actions workflow these tests read.
type workflow struct {
	Jobs map[string]struct {
		Strategy struct {
			Matrix struct {
				Include []map[string]string
			}
		}
		Steps []struct {
			Uses string
			With map[string]string
		}
	}
}

func readWorkflow(t *testing.T, file string) workflow {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return wf
}

// actionInputs returns the value of an input of every step that uses the
// action, with ${{ matrix.version }} replaced by each matrix entry's
// version whose binary is binary.
func actionInputs(wf workflow, action, input, binary string) []string {
	var values []string
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			if !strings.HasPrefix(step.Uses, action+"@") {
				continue
			}
			v := step.With[input]
			if v != "${{ matrix.version }}" {
				values = append(values, v)
				continue
			}
			for _, entry := range job.Strategy.Matrix.Include {
				if entry["binary"] == binary {
					values = append(values, entry["version"])
				}
			}
		}
	}
	return values
}

// pinnedVersion finds the version a file pins with the given pattern's
// first group.
func pinnedVersion(t *testing.T, file, pattern string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(pattern).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no version matching %s", file, pattern)
	}
	return string(m[1])
}

// The workflows run the goreleaser and OpenTofu releases that make
// release-test and make testacc-matrix run here, so a release is built
// as it was tested.
func TestWorkflowsUseThePinnedTools(t *testing.T) {
	goreleaser := pinnedVersion(t, "internal/tools/goreleaser.sh", `goreleaser/v2@(v[0-9.]+)`)
	got := actionInputs(readWorkflow(t, ".github/workflows/release.yml"), "goreleaser/goreleaser-action", "version", "")
	if diff := cmp.Diff([]string{goreleaser}, got); diff != "" {
		t.Errorf(".github/workflows/release.yml: goreleaser-action versions (-internal/tools/goreleaser.sh's +workflow's):\n%s", diff)
	}

	tofu := strings.TrimPrefix(pinnedVersion(t, "internal/tools/opentofu/go.mod", `github.com/opentofu/opentofu (v[0-9.]+)`), "v")
	for _, v := range actionInputs(readWorkflow(t, ".github/workflows/test.yml"), "opentofu/setup-opentofu", "tofu_version", "tofu") {
		if v != tofu {
			t.Errorf(".github/workflows/test.yml: setup-opentofu installs %q; want %q, the release internal/tools/opentofu/go.mod pins", v, tofu)
		}
	}
}
