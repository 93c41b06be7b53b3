package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The registry address is written once, in main.go; everything a user
// copies must use the same source address.
func TestRegistryAddressIsUsedEverywhere(t *testing.T) {
	source := strings.TrimPrefix(registryAddress, "registry.terraform.io/")
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
