// Package repotest checks the repository's files against each other: the
// registry address, the examples and the release configuration.
package repotest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The tests run from the repository root.
func init() {
	if err := os.Chdir("../.."); err != nil {
		panic(err)
	}
}

// providerSource reads the registry address from main.go, where it is
// written once, as the source address users put in required_providers.
func providerSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, `const registryAddress = "registry.terraform.io/`); ok {
			return strings.TrimSuffix(v, `"`)
		}
	}
	t.Fatal("registryAddress not found in main.go")
	return ""
}

// The registry address is written once, in main.go; everything a user
// copies must use the same source address.
func TestRegistryAddressIsUsedEverywhere(t *testing.T) {
	source := providerSource(t)
	files := []string{"README.md", "examples/provider/provider.tf", "examples/demo/main.tf"}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), source) {
			t.Errorf("%s does not mention the provider source %q from main.go", f, source)
		}
	}
	err := filepath.WalkDir("examples", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tf") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "source") && strings.Contains(string(b), "/planetscale\"") && !strings.Contains(string(b), `"`+source+`"`) {
			t.Errorf("%s names another provider source than %q", p, source)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
