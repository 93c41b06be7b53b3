package repotest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

// terraformSnippet is a ```terraform block of a documentation template.
var terraformSnippet = regexp.MustCompile("(?s)```terraform\n(.*?)```")

// TestAccGuideSnippetsParse checks every configuration written inline in the
// documentation: it must parse and be formatted as terraform fmt writes it.
// Whole configurations live in examples/ instead, where TestAccExamplesValidate
// validates them (and the migration guide's is applied by an acceptance
// test); inline ones are fragments that may use other providers (time,
// postgresql) which cannot be installed offline.
func TestAccGuideSnippetsParse(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run acceptance tests")
	}
	tf := terraformBinary(t)
	// Terraform parses a block it does not know (ephemeral, list, action)
	// as any block, but not the call syntax of provider-defined functions,
	// which came in 1.8.
	parsesFunctionCalls := !binaryVersion(t, tf).LessThan(version.Must(version.NewVersion("1.8.0")))
	templates, _ := filepath.Glob("templates/*/*.tmpl")
	found := 0
	for _, tmpl := range templates {
		b, err := os.ReadFile(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range terraformSnippet.FindAllStringSubmatch(string(b), -1) {
			found++
			if !parsesFunctionCalls && strings.Contains(m[1], "provider::") {
				t.Logf("%s, terraform snippet %d calls a provider-defined function, which Terraform before 1.8 cannot parse: skipped", tmpl, i+1)
				continue
			}
			file := filepath.Join(t.TempDir(), fmt.Sprintf("snippet%d.tf", i))
			if err := os.WriteFile(file, []byte(m[1]), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(tf, "fmt", "-check", "-diff", "-no-color", file)
			cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s, terraform snippet %d does not parse or is not formatted: %v\n%s\n%s", tmpl, i+1, err, out, strings.TrimSpace(m[1]))
			}
		}
	}
	if found < 5 {
		t.Fatalf("found %d snippets in %d templates: the search looks in the wrong place", found, len(templates))
	}
}
