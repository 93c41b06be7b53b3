package repotest

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The release files must give the Terraform Registry what it needs. CI also
// runs `goreleaser check`; this test holds without goreleaser installed.
func TestReleaseConfig(t *testing.T) {
	var manifest struct {
		Version  int
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		}
	}
	b, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Version != 1 || !slices.Equal(manifest.Metadata.ProtocolVersions, []string{"6.0"}) {
		t.Errorf("manifest = %+v, want version 1 and protocol 6.0", manifest)
	}

	var cfg struct {
		Version int
		Builds  []struct {
			Env     []string
			Flags   []string
			Ldflags []string
			Goos    []string
			Goarch  []string
			Ignore  []struct{ Goos, Goarch string }
		}
		Archives []struct {
			Formats []string
		}
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string
			ExtraFiles   []struct{ Glob string } `yaml:"extra_files"`
		}
		Signs []struct {
			Artifacts string
		}
	}
	b, err = os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 2 || len(cfg.Builds) != 1 {
		t.Fatalf("want goreleaser version 2 with one build, got %+v", cfg)
	}
	build := cfg.Builds[0]
	if !slices.Contains(build.Env, "CGO_ENABLED=0") || !slices.Contains(build.Flags, "-trimpath") {
		t.Errorf("build env %v flags %v: want CGO_ENABLED=0 and -trimpath", build.Env, build.Flags)
	}
	if len(build.Ldflags) == 0 || !strings.Contains(build.Ldflags[0], "-X main.version={{.Version}}") {
		t.Errorf("ldflags %v do not set main.version", build.Ldflags)
	}
	for _, os := range []string{"linux", "darwin", "windows", "freebsd"} {
		if !slices.Contains(build.Goos, os) {
			t.Errorf("no %s builds", os)
		}
	}
	for _, arch := range []string{"amd64", "arm64", "arm", "386"} {
		if !slices.Contains(build.Goarch, arch) {
			t.Errorf("no %s builds", arch)
		}
	}
	if len(cfg.Archives) != 1 || !slices.Equal(cfg.Archives[0].Formats, []string{"zip"}) {
		t.Errorf("archives %+v, want zip", cfg.Archives)
	}
	if cfg.Checksum.Algorithm != "sha256" || !strings.HasSuffix(cfg.Checksum.NameTemplate, "_SHA256SUMS") ||
		len(cfg.Checksum.ExtraFiles) != 1 || cfg.Checksum.ExtraFiles[0].Glob != "terraform-registry-manifest.json" {
		t.Errorf("checksum %+v: want SHA256SUMS covering the registry manifest", cfg.Checksum)
	}
	if len(cfg.Signs) != 1 || cfg.Signs[0].Artifacts != "checksum" {
		t.Errorf("signs %+v: want the checksums signed", cfg.Signs)
	}
}
