package repotest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

// TestAccExamplesValidate runs `terraform validate` on every example
// directory with the provider built from this tree (dev_overrides: no
// registry, no network). Examples are what users paste; they must work.
func TestAccExamplesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run acceptance tests")
	}
	tf := terraformBinary(t)
	tfVersion := binaryVersion(t, tf)
	source := providerSource(t)
	rc := devOverrides(t)
	dirs := exampleDirs(t)
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
			queries, _ := filepath.Glob(filepath.Join(dir, "*.tfquery.hcl"))
			files = append(files, queries...)
			hasTerraformBlock := false
			var config strings.Builder
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				config.Write(b)
				hasTerraformBlock = hasTerraformBlock || strings.Contains(string(b), "required_providers")
				if err := os.WriteFile(filepath.Join(work, filepath.Base(f)), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if need := minimumVersion(config.String()); tfVersion.LessThan(need) {
				t.Skipf("%s needs Terraform %s or later; this is %s", dir, need, tfVersion)
			}
			// Resource examples are fragments shown on registry pages; give
			// them the provider requirement a real module has.
			if !hasTerraformBlock {
				req := fmt.Sprintf("terraform {\n  required_providers {\n    planetscale = {\n      source = %q\n    }\n  }\n}\n", source)
				if err := os.WriteFile(filepath.Join(work, "providers_test.tf"), []byte(req), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			args := []string{"validate", "-no-color"}
			if len(queries) > 0 {
				args = append(args, "-query")
			}
			cmd := exec.Command(tf, args...)
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1")
			if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Success!") {
				t.Errorf("terraform validate %s: %v\n%s", dir, err, out)
			}
		})
	}
}

// binaryVersion is the release a terraform or tofu binary reports, without
// a "-dev" suffix: a build from source names the release it was built from.
func binaryVersion(t *testing.T, tf string) *version.Version {
	t.Helper()
	cmd := exec.Command(tf, "version", "-json")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json printed %q: %v", tf, out, err)
	}
	parsed, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatalf("%s reports version %q: %v", tf, v.Version, err)
	}
	return parsed.Core()
}

var requiredVersion = regexp.MustCompile(`required_version\s*=\s*">=\s*([0-9.]+)"`)

// minimumVersion is the oldest Terraform an example can work with: what its
// required_version says, 1.8 for one that calls a provider function, 1.10
// for a fragment with an ephemeral block, and 1.14 for one with a list or
// action block.
func minimumVersion(config string) *version.Version {
	need := version.Must(version.NewVersion("0.0.0"))
	raise := func(v string) {
		if release := version.Must(version.NewVersion(v)); need.LessThan(release) {
			need = release
		}
	}
	if m := requiredVersion.FindStringSubmatch(config); m != nil {
		raise(m[1])
	}
	if strings.Contains(config, "provider::") {
		raise("1.8.0")
	}
	for block, release := range map[string]string{"ephemeral": "1.10.0", "list": "1.14.0", "action": "1.14.0"} {
		if regexp.MustCompile(`(?m)^` + block + ` "`).MatchString(config) {
			raise(release)
		}
	}
	return need
}

// terraformBinary is the terraform (or tofu) the tests run: the one named by
// TF_ACC_TERRAFORM_PATH, else the one on PATH; never a download.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		return tf
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no terraform on PATH; install Terraform >= 1.11 or set TF_ACC_TERRAFORM_PATH")
	}
	return tf
}

// The version an example needs comes from what it uses, so that an example
// is skipped (with the reason) below it instead of failing there.
func TestMinimumVersion(t *testing.T) {
	t.Parallel()
	for config, want := range map[string]string{
		`resource "planetscale_branch_password" "a" {}`:                              "0.0.0",
		"terraform {\n  required_version = \">= 1.7\"\n}":                            "1.7.0",
		`output "dsn" { value = provider::planetscale::connection_string(x, "go") }`: "1.8.0",
		"ephemeral \"planetscale_postgres_role\" \"r\" {}\n":                         "1.10.0",
		"list \"planetscale_postgres_role\" \"r\" {}\n":                              "1.14.0",
		"terraform {\n  required_version = \">= 1.8\"\n}\naction \"x\" \"y\" {}\n":   "1.14.0",
	} {
		if got := minimumVersion(config); got.String() != want {
			t.Errorf("minimumVersion(%q) = %s, want %s", config, got, want)
		}
	}
}
