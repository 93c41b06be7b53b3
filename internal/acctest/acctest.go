// Package acctest is the plumbing for acceptance tests: provider factories,
// a mock PlanetScale API per test, and the provider block pointing at it.
package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/localdb"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/provider"
)

// ProviderFactories serve the provider in-process to the terraform binary
// the tests run.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"planetscale": providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

var (
	terraformOnce sync.Once
	terraformErr  error
)

// PreCheck stops a test early when there is no terraform to run. It pins
// TF_ACC_TERRAFORM_PATH to the terraform found on PATH so that
// terraform-plugin-testing never falls back to downloading one.
func PreCheck(t *testing.T) {
	t.Helper()
	terraformOnce.Do(func() {
		if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
			if _, err := os.Stat(p); err != nil {
				terraformErr = fmt.Errorf("TF_ACC_TERRAFORM_PATH=%s: %w", p, err)
			}
			return
		}
		p, err := exec.LookPath("terraform")
		if err != nil {
			terraformErr = fmt.Errorf("no terraform on PATH; install Terraform >= 1.11 or set TF_ACC_TERRAFORM_PATH (%w)", err)
			return
		}
		// For every test of the process, once: t.Setenv would undo it
		// when the first test ends.
		terraformErr = os.Setenv("TF_ACC_TERRAFORM_PATH", p) //nolint:usetesting // process-wide, set once
	})
	if terraformErr != nil {
		t.Fatal(terraformErr)
	}
	// Terraform would otherwise ask checkpoint-api.hashicorp.com for news.
	if os.Getenv("CHECKPOINT_DISABLE") == "" {
		_ = os.Setenv("CHECKPOINT_DISABLE", "1") //nolint:usetesting // process-wide, as above
	}
}

// SkipBelow skips a test that runs terraform itself (not through
// resource.Test, whose TerraformVersionChecks do this) when the terraform
// or tofu it runs is older than minimum. A "-dev" build counts as the
// release it names.
func SkipBelow(t *testing.T, minimum, feature string) {
	t.Helper()
	PreCheck(t)
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	cmd := exec.Command(tf, "version", "-json")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	var reported struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &reported); err != nil {
		t.Fatalf("%s version -json printed %q: %v", tf, out, err)
	}
	have, err := version.NewVersion(reported.Version)
	if err != nil {
		t.Fatalf("%s reports version %q: %v", tf, reported.Version, err)
	}
	if have.Core().LessThan(version.Must(version.NewVersion(minimum))) {
		t.Skipf("%s needs Terraform %s or later; this is %s", feature, minimum, have)
	}
}

// Mock is a mock PlanetScale API started for one test.
type Mock struct {
	*mockapi.Server
	// Contract checks every exchange against the API document; a
	// violation fails the test.
	Contract *contract.Server
	URL      string // base URL, ending in /v1
}

// NewMock starts a mock API with the default world (organization "acme",
// Vitess database "app-db", Postgres database "pg-db", branches "main" and
// "dev") and stops it when the test ends.
func NewMock(t *testing.T) *Mock {
	t.Helper()
	server := mockapi.NewWithDefaultWorld()
	ts := contract.Serve(t, server)
	return &Mock{Server: server, Contract: ts, URL: ts.URL + "/v1"}
}

// ProviderFactories serve the provider in-process with the mock's clock as
// its own, for tests that move time with Advance: the provider then sees
// time pass as the API does, without anyone waiting.
func (m *Mock) ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"planetscale": providerserver.NewProtocol6WithError(provider.NewWithClock("acctest", m.Now)()),
	}
}

// ProviderConfig is a provider block that points at the mock with a
// service token.
func (m *Mock) ProviderConfig() string {
	return fmt.Sprintf(`
provider "planetscale" {
  server_url       = %q
  service_token_id = %q
  service_token    = %q
}
`, m.URL, mockapi.DefaultServiceTokenID, mockapi.DefaultServiceToken)
}

// Config is ProviderConfig followed by the given configuration.
func (m *Mock) Config(config string, args ...any) string {
	return m.ProviderConfig() + fmt.Sprintf(config, args...)
}

// DatabaseMock is a mock API whose credentials are real users of local
// PostgreSQL and MariaDB servers.
type DatabaseMock struct {
	*Mock
	Postgres *localdb.Server
	MySQL    *localdb.Server
}

// NewDatabaseMock starts a PostgreSQL and a MariaDB server for this test and
// a mock API backed by them; all stop when the test ends. When the servers
// are not installed the test is skipped, unless PLANETSCALE_E2E=require
// (as CI sets it, after installing them).
func NewDatabaseMock(t *testing.T) *DatabaseMock {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		// As resource.Test would, but before starting any server.
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	ctx := context.Background()
	pg, err := localdb.StartPostgres(ctx)
	if err == nil {
		t.Cleanup(pg.Stop)
	}
	var my *localdb.Server
	if err == nil {
		if my, err = localdb.StartMariaDB(ctx); err == nil {
			t.Cleanup(my.Stop)
		}
	}
	if errors.Is(err, localdb.ErrUnavailable) && os.Getenv("PLANETSCALE_E2E") != "require" {
		t.Skipf("end-to-end test needs local database servers: %v (make e2e-deps installs them; CI sets PLANETSCALE_E2E=require)", err)
	}
	if err != nil {
		t.Fatalf("starting local database servers: %v", err)
	}
	m := NewMock(t)
	if err := m.UseDatabases(mockapi.Databases{Postgres: pg.Admin, PostgresAddr: pg.Addr, MySQL: my.Admin, MySQLAddr: my.Addr}); err != nil {
		t.Fatal(err)
	}
	return &DatabaseMock{Mock: m, Postgres: pg, MySQL: my}
}

// DevOverrides builds this provider from the repository at root, and the
// official provider's test stand-in (schemas only) that the migration
// guides and moved-block tests also name, and returns a CLI configuration
// that makes terraform use both as built: no registry, no network, no
// terraform init. host qualifies both sources ("" for the binary's own
// registry).
func DevOverrides(t *testing.T, root, host string) string {
	t.Helper()
	ours, official := t.TempDir(), t.TempDir()
	for dir, pkg := range map[string]string{ours: root, official: root + "/internal/provider/testdata/official-provider"} {
		build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-planetscale"), pkg)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
	}
	source := func(name string) string {
		if host == "" {
			return name
		}
		return host + "/" + name
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		source("credsmith/planetscale"), ours, source("planetscale/planetscale"), official)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc
}
