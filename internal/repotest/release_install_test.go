//go:build releasetest

package repotest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// TestReleaseInstall is `make release-test`: it builds a goreleaser snapshot
// for this machine's platform from .goreleaser.yml (signing skipped), checks
// the files the registry reads, and installs the zip with terraform and with
// tofu from a packed filesystem mirror, the only installation method their
// CLI configuration allows. A misnamed archive, a wrong checksums file or
// manifest fails here, not at the first user's `terraform init`.
func TestReleaseInstall(t *testing.T) {
	goreleaser, tofu := os.Getenv("PLANETSCALE_GORELEASER"), os.Getenv("PLANETSCALE_TOFU")
	if goreleaser == "" || tofu == "" {
		t.Fatal("run it with make release-test, which sets PLANETSCALE_GORELEASER and PLANETSCALE_TOFU to the goreleaser and tofu it builds")
	}
	rel := buildSnapshot(t, goreleaser)
	checkChecksums(t, rel)
	checkManifest(t, rel)
	for _, inst := range []installer{
		{name: "terraform", binary: terraformBinary(t), host: "registry.terraform.io"},
		{name: "tofu", binary: tofu, host: "registry.opentofu.org"},
	} {
		t.Run(inst.name, func(t *testing.T) { checkInstall(t, rel, inst) })
	}
}

// snapshot is what goreleaser built, with the names the registry and the
// installers require.
type snapshot struct {
	source       string // credsmith/planetscale
	providerType string // planetscale
	version      string
	archive      string            // path of the zip for this platform
	binary       string            // path of the provider binary the zip holds
	sumsFile     string            // path of the SHA256SUMS file
	sums         map[string]string // file name → hex SHA-256, from sumsFile
}

// platform is this machine's os_arch, as the installers name platforms.
var platform = runtime.GOOS + "_" + runtime.GOARCH

// buildSnapshot runs `goreleaser release --snapshot --skip=sign` on a copy
// of .goreleaser.yml that builds for this platform only (goreleaser's
// --single-target exists for `build`, which makes no archives) and writes
// to a temporary dist directory.
func buildSnapshot(t *testing.T, goreleaser string) snapshot {
	t.Helper()
	source := providerSource(t)
	rel := snapshot{source: source, providerType: path.Base(source)}
	dist := filepath.Join(t.TempDir(), "dist")
	config := singleTargetConfig(t, dist)

	started := time.Now()
	cmd := exec.Command(goreleaser, "release", "--snapshot", "--clean", "--skip=sign", "--config", config)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("goreleaser release --snapshot --skip=sign (.goreleaser.yml for %s only): %v\n%s", platform, err, out)
	}
	t.Logf("goreleaser built a %s snapshot in %s", platform, time.Since(started).Round(time.Second))

	var metadata struct{ Version string }
	readJSON(t, filepath.Join(dist, "metadata.json"), &metadata)
	rel.version = metadata.Version
	if rel.version != strings.ToLower(rel.version) {
		t.Fatalf("dist/metadata.json: the snapshot version %q has upper-case letters; terraform and tofu lower-case "+
			"the versions they find in a mirror, so `version = %q` would match nothing: snapshot.version_template in "+
			".goreleaser.yml must give a lower-case version", rel.version, rel.version)
	}

	var artifacts []struct{ Name, Path, Goos, Goarch, Type string }
	readJSON(t, filepath.Join(dist, "artifacts.json"), &artifacts)
	wantArchive := fmt.Sprintf("terraform-provider-%s_%s_%s.zip", rel.providerType, rel.version, platform)
	wantSums := fmt.Sprintf("terraform-provider-%s_%s_SHA256SUMS", rel.providerType, rel.version)
	var made []string
	for _, a := range artifacts {
		made = append(made, a.Name)
		switch {
		case a.Type == "Archive" && a.Name == wantArchive:
			rel.archive = a.Path
		case a.Type == "Binary" && a.Goos == runtime.GOOS && a.Goarch == runtime.GOARCH:
			rel.binary = a.Path
		case a.Type == "Checksum" && a.Name == wantSums:
			rel.sumsFile = a.Path
		}
	}
	if rel.archive == "" {
		t.Fatalf("dist/%s: no such archive (goreleaser made %v); terraform and tofu install, and the registry requires, "+
			"terraform-provider-<type>_<version>_<os>_<arch>.zip: fix archives.name_template in .goreleaser.yml", wantArchive, made)
	}
	if rel.sumsFile == "" {
		t.Fatalf("dist/%s: no such checksums file (goreleaser made %v); the registry requires terraform-provider-<type>_<version>_SHA256SUMS: "+
			"fix checksum.name_template in .goreleaser.yml", wantSums, made)
	}
	if rel.binary == "" {
		t.Fatalf("dist/artifacts.json lists no %s binary (goreleaser made %v)", platform, made)
	}
	rel.sums = readSums(t, rel.sumsFile)
	return rel
}

// singleTargetConfig writes .goreleaser.yml with every build restricted to
// this platform and dist set to the given directory, and returns its path.
// Everything else (names, checksums, ldflags, hooks) is the release's own.
func singleTargetConfig(t *testing.T, dist string) string {
	t.Helper()
	b, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf(".goreleaser.yml is not a YAML mapping: %v", err)
	}
	root := doc.Content[0]
	setKey(root, "dist", &yaml.Node{Kind: yaml.ScalarNode, Value: dist})
	builds := mappingValue(root, "builds")
	if builds == nil || builds.Kind != yaml.SequenceNode {
		t.Fatal(".goreleaser.yml has no builds list")
	}
	for _, build := range builds.Content {
		setKey(build, "goos", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: runtime.GOOS}}})
		setKey(build, "goarch", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: runtime.GOARCH}}})
		setKey(build, "ignore", &yaml.Node{Kind: yaml.SequenceNode})
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(t.TempDir(), "goreleaser-"+platform+".yml")
	if err := os.WriteFile(config, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return config
}

// mappingValue is the value of key in a YAML mapping node, nil if absent.
func mappingValue(mapping *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		if mapping.Content[i].Value == key {
			return mapping.Content[i+1]
		}
	}
	return nil
}

func setKey(mapping *yaml.Node, key string, value *yaml.Node) {
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		if mapping.Content[i].Value == key {
			mapping.Content[i+1] = value
			return
		}
	}
	mapping.Content = append(mapping.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, value)
}

// checkChecksums: the archive's line in SHA256SUMS is its SHA-256, the
// hash terraform and tofu record as zh: from the registry.
func checkChecksums(t *testing.T, rel snapshot) {
	t.Helper()
	name := filepath.Base(rel.archive)
	if got, want := rel.sums[name], fileSHA256(t, rel.archive); got != want {
		t.Errorf("dist/%s: the line for %s is %q; want the archive's SHA-256 %s", filepath.Base(rel.sumsFile), name, got, want)
	}
}

// checkManifest: the registry reads terraform-provider-<type>_<version>_manifest.json
// from the release, listed in SHA256SUMS, and takes the protocols the
// provider serves from it; the protocol must be the one the built binary
// announces in its plugin handshake.
func checkManifest(t *testing.T, rel snapshot) {
	t.Helper()
	const manifest = "terraform-registry-manifest.json"
	name := fmt.Sprintf("terraform-provider-%s_%s_manifest.json", rel.providerType, rel.version)
	sums := filepath.Base(rel.sumsFile)
	if got, ok := rel.sums[name]; !ok {
		t.Errorf("dist/%s: no line for %s (it lists %v); the registry requires the manifest under that name, with its checksum: "+
			"checksum.extra_files in .goreleaser.yml must add %s as %s", sums, name, slices.Sorted(maps.Keys(rel.sums)), manifest, name)
	} else if want := fileSHA256(t, manifest); got != want {
		t.Errorf("dist/%s: the line for %s is %q; want the SHA-256 of %s, %s", sums, name, got, manifest, want)
	}

	// The release uploads the manifest under the name SHA256SUMS lists.
	var cfg struct {
		Checksum struct {
			ExtraFiles []extraFile `yaml:"extra_files"`
		}
		Release struct {
			ExtraFiles []extraFile `yaml:"extra_files"`
		}
	}
	b, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	for _, listed := range cfg.Checksum.ExtraFiles {
		if listed.Glob == manifest && !slices.Contains(cfg.Release.ExtraFiles, listed) {
			t.Errorf(".goreleaser.yml: release.extra_files %+v does not upload %s as %q, the name checksum.extra_files gives it in SHA256SUMS",
				cfg.Release.ExtraFiles, manifest, listed.NameTemplate)
		}
	}

	var shape struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	f, err := os.Open(manifest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&shape); err != nil {
		t.Fatalf(`%s (released as %s): %v; want {"version": 1, "metadata": {"protocol_versions": [...]}}`, manifest, name, err)
	}
	want := []string{pluginProtocol(t, rel.binary) + ".0"}
	if shape.Version != 1 || !slices.Equal(shape.Metadata.ProtocolVersions, want) {
		t.Errorf("%s (released as %s): version %d, protocol_versions %q; the registry expects version 1 and protocol_versions %q, "+
			"the plugin protocol the built provider announces", manifest, name, shape.Version, shape.Metadata.ProtocolVersions, want)
	}
}

type extraFile struct {
	Glob         string `yaml:"glob"`
	NameTemplate string `yaml:"name_template"`
}

// pluginProtocol starts the provider binary as terraform does and returns
// the core protocol version of its go-plugin handshake line
// (CORE|APP|NETWORK|ADDRESS|PROTOCOL).
func pluginProtocol(t *testing.T, binary string) string {
	t.Helper()
	// A binary that never answers is killed, which ends the read below.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(os.Environ(), "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", binary, err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	fields := strings.Split(line, "|")
	if err != nil || len(fields) < 5 {
		t.Fatalf("%s printed %q as its plugin handshake (%v)", binary, line, err)
	}
	return fields[1]
}

// installer is terraform or tofu, with the registry host its short
// provider sources mean.
type installer struct {
	name, binary, host string
}

// checkInstall installs the snapshot from a packed filesystem mirror, as
// both a new user and one whose lock file came from the registry, and
// checks what got installed.
func checkInstall(t *testing.T, rel snapshot, inst installer) {
	work := t.TempDir()
	address := inst.host + "/" + rel.source
	mirror := filepath.Join(work, "mirror")
	if err := os.MkdirAll(filepath.Join(mirror, address), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, rel.archive, filepath.Join(mirror, address, filepath.Base(rel.archive)))
	cliConfig := filepath.Join(work, "cli.tfrc")
	writeFile(t, cliConfig, fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror))

	network := newNetworkRecorder(t)
	mock := acctest.NewMock(t)
	dir := filepath.Join(work, "config")
	writeFile(t, filepath.Join(dir, "main.tf"), fmt.Sprintf(`terraform {
  required_providers {
    planetscale = {
      source  = %q
      version = %q
    }
  }
}
%s
data "planetscale_branch_passwords" "main" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
}
`, rel.source, rel.version, mock.ProviderConfig()))

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(inst.binary, args...)
		cmd.Dir = dir
		cmd.Env = installerEnv(cliConfig, network.url)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s, installing %s from the mirror %s: %v (requests for the network: %q)\n%s",
				inst.name, strings.Join(args, " "), filepath.Base(rel.archive), mirror, err, network.requests(), out)
		}
		return string(out)
	}
	lockFile := filepath.Join(dir, ".terraform.lock.hcl")
	lockArgs := []string{"providers", "lock", "-no-color", "-fs-mirror=" + mirror, "-platform=" + platform}

	started := time.Now()
	// A new user: no lock file.
	run("init", "-input=false", "-no-color")
	run(lockArgs...)
	version, hashes := readLock(t, lockFile, address)
	if version != rel.version {
		t.Errorf("%s: version %q; want the snapshot's %q", lockFile, version, rel.version)
	}
	h1 := slices.IndexFunc(hashes, func(h string) bool { return strings.HasPrefix(h, "h1:") })
	if h1 < 0 {
		t.Fatalf("%s: hashes %q hold no h1: hash of the installed package", lockFile, hashes)
	}
	installed := filepath.Join(dir, ".terraform", "providers", address, rel.version, platform, filepath.Base(rel.binary))
	if _, err := os.Stat(installed); err != nil {
		t.Fatalf("%s init did not install the provider binary from %s: %v", inst.name, filepath.Base(rel.archive), err)
	}
	if got, want := fileSHA256(t, installed), fileSHA256(t, rel.binary); got != want {
		t.Errorf("%s: SHA-256 %s; want %s, the binary goreleaser built (%s)", installed, got, want, rel.binary)
	}
	checkSchema(t, run("providers", "schema", "-json"), address, rel.providerType)

	// The provider reports its version in the User-Agent of every request.
	run("plan", "-input=false", "-no-color")
	wantAgent := fmt.Sprintf("terraform-provider-%s/%s ", rel.providerType, rel.version)
	requests := mock.Requests("")
	if len(requests) == 0 {
		t.Errorf("%s plan sent the mock API no request", inst.name)
	}
	for _, r := range requests {
		if !strings.HasPrefix(r.UserAgent, wantAgent) {
			t.Errorf("%s %s: User-Agent %q; want it to begin %q (main.version, set by the ldflags in .goreleaser.yml)", r.Method, r.Path, r.UserAgent, wantAgent)
		}
	}

	// A user whose lock file a registry install wrote: the registry gives the
	// installer SHA256SUMS, from which it records a zh: hash for every line
	// (from a mirror it records only h1:). Installing must check the archive
	// against them and keep them.
	var registryLock strings.Builder
	fmt.Fprintf(&registryLock, "provider %q {\n  version     = %q\n  constraints = %q\n  hashes = [\n", address, rel.version, rel.version)
	for _, name := range slices.Sorted(maps.Keys(rel.sums)) {
		fmt.Fprintf(&registryLock, "    \"zh:%s\",\n", rel.sums[name])
	}
	registryLock.WriteString("  ]\n}\n")
	writeFile(t, lockFile, registryLock.String())
	if err := os.RemoveAll(filepath.Join(dir, ".terraform")); err != nil {
		t.Fatal(err)
	}
	run("init", "-input=false", "-no-color")
	run(lockArgs...)
	_, locked := readLock(t, lockFile, address)
	archive := filepath.Base(rel.archive)
	if zh := "zh:" + rel.sums[archive]; !slices.Contains(locked, zh) {
		t.Errorf("%s: hashes %q; want the zh: hash of %s from %s, %s", lockFile, locked, archive, filepath.Base(rel.sumsFile), zh)
	}
	if !slices.Contains(locked, hashes[h1]) {
		t.Errorf("%s: hashes %q; want the %s a new user's install recorded", lockFile, locked, hashes[h1])
	}
	t.Logf("%s installed %s from the mirror (twice), locked it, read its schema and planned in %s", inst.name, archive, time.Since(started).Round(100*time.Millisecond))

	if reached := network.requests(); len(reached) > 0 {
		t.Errorf("%s reached for the network (%q); it must install from the mirror alone", inst.name, reached)
	}
}

// checkSchema: the provider answers the schema request with every resource
// the docs describe.
func checkSchema(t *testing.T, out, address, providerType string) {
	t.Helper()
	var schema struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]json.RawMessage `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal([]byte(out), &schema); err != nil {
		t.Fatalf("providers schema -json printed %.200q: %v", out, err)
	}
	served := schema.ProviderSchemas[address].ResourceSchemas
	docs, _ := filepath.Glob("docs/resources/*.md")
	if len(docs) < 2 {
		t.Fatalf("docs/resources holds %v; want a page per resource", docs)
	}
	for _, doc := range docs {
		resource := providerType + "_" + strings.TrimSuffix(filepath.Base(doc), ".md")
		if _, ok := served[resource]; !ok {
			t.Errorf("providers schema -json: %s serves no %s (documented in %s); it serves %v", address, resource, doc, slices.Sorted(maps.Keys(served)))
		}
	}
}

// installerEnv is the environment without the caller's TF_*, PLANETSCALE_*
// and proxy settings, with the given CLI configuration and every HTTP(S)
// request outside this machine sent to the network recorder (loopback
// addresses, the mock API's, are never proxied).
func installerEnv(cliConfig, proxy string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "PLANETSCALE_") || strings.HasSuffix(upper, "_PROXY") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "HTTP_PROXY="+proxy, "HTTPS_PROXY="+proxy)
}

// networkRecorder is an HTTP proxy that forwards nothing and remembers
// what was asked of it.
type networkRecorder struct {
	url  string
	mu   sync.Mutex
	seen []string
}

func newNetworkRecorder(t *testing.T) *networkRecorder {
	n := &networkRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		n.seen = append(n.seen, r.Method+" "+r.Host)
		n.mu.Unlock()
		http.Error(w, "release-test: no network", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	n.url = srv.URL
	return n
}

func (n *networkRecorder) requests() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.seen)
}

var (
	lockBlock = regexp.MustCompile(`(?s)provider "([^"]+)" \{(.*?)\n\}`)
	lockField = regexp.MustCompile(`version\s*=\s*"([^"]+)"`)
	lockHash  = regexp.MustCompile(`"((?:h1|zh):[^"]+)"`)
)

// readLock returns the version and hashes a lock file records for address.
func readLock(t *testing.T, file, address string) (string, []string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range lockBlock.FindAllStringSubmatch(string(b), -1) {
		if m[1] != address {
			continue
		}
		var hashes []string
		for _, h := range lockHash.FindAllStringSubmatch(m[2], -1) {
			hashes = append(hashes, h[1])
		}
		version := ""
		if v := lockField.FindStringSubmatch(m[2]); v != nil {
			version = v[1]
		}
		return version, hashes
	}
	t.Fatalf("%s has no provider %q block:\n%s", file, address, b)
	return "", nil
}

// readSums parses a SHA256SUMS file: "<hex>  <name>" lines.
func readSums(t *testing.T, file string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("%s: line %q is not \"<sha256>  <file>\"", filepath.Base(file), line)
		}
		sums[name] = sum
	}
	return sums
}

func fileSHA256(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}
