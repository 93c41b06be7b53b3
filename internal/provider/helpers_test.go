package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

var (
	vitessMain   = planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	postgresMain = planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}
)

// newAPIClient talks to the mock directly, for objects made outside
// Terraform; unpaced, as tests make many of them.
func newAPIClient(t *testing.T, mock *acctest.Mock) *planetscale.Client {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{
		BaseURL:        mock.URL,
		ServiceTokenID: mockapi.DefaultServiceTokenID,
		ServiceToken:   mockapi.DefaultServiceToken,
		Unpaced:        true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// accTestCase is a test case against this provider, served in process: its
// steps, then checkDestroy (nil for none) once all is destroyed.
func accTestCase(t *testing.T, checkDestroy resource.TestCheckFunc, steps []resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroy,
		Steps:                    steps,
	}
}

// clockTestCase is accTestCase with the provider served on the mock's
// clock, for steps that move time with mock.Advance.
func clockTestCase(t *testing.T, mock *acctest.Mock, checkDestroy resource.TestCheckFunc, steps []resource.TestStep) resource.TestCase {
	tc := accTestCase(t, checkDestroy, steps)
	tc.ProtoV6ProviderFactories = mock.ProviderFactories()
	return tc
}

// ephemeralTestCase is a test case for ephemeral resources (Terraform 1.10
// or later), with the echo provider beside this one to show what they
// opened; an ephemeral credential leaves nothing for a CheckDestroy.
func ephemeralTestCase(t *testing.T, steps []resource.TestStep) resource.TestCase {
	tc := accTestCase(t, nil, steps)
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}
	tc.ProtoV6ProviderFactories = withEcho()
	return tc
}

// credentialBlock is one block of configuration for a credential (a
// resource, an ephemeral resource or a data source): `<Block> "<Type>"
// "<Label>"` on the branch Organization/Database/Branch, with further
// arguments.
type credentialBlock struct {
	Block, Type, Label             string // resource, ephemeral or data; the type; the name
	Organization, Database, Branch string
	Arguments                      string // lines of HCL
}

// passwordBlock is planetscale_branch_password.test on acme/app-db/main
// with further arguments, lines of HCL.
func passwordBlock(arguments string) credentialBlock {
	return credentialBlock{Block: "resource", Type: "planetscale_branch_password", Label: "test",
		Organization: "acme", Database: "app-db", Branch: "main", Arguments: arguments}
}

// roleBlock is planetscale_postgres_role.test on acme/pg-db/main with
// further arguments, lines of HCL.
func roleBlock(arguments string) credentialBlock {
	return credentialBlock{Block: "resource", Type: "planetscale_postgres_role", Label: "test",
		Organization: "acme", Database: "pg-db", Branch: "main", Arguments: arguments}
}

func (b credentialBlock) String() string {
	arguments := strings.TrimPrefix(b.Arguments, "\n")
	if arguments != "" && !strings.HasSuffix(arguments, "\n") {
		arguments += "\n"
	}
	return fmt.Sprintf(`
%s %q %q {
  organization = %q
  database     = %q
  branch       = %q
%s}
`, b.Block, b.Type, b.Label, b.Organization, b.Database, b.Branch, arguments)
}

// on is the block on the branch organization/database/branch instead.
func (b credentialBlock) on(organization, database, branch string) credentialBlock {
	b.Organization, b.Database, b.Branch = organization, database, branch
	return b
}

// dataSource is the block as a data source of type typ.
func (b credentialBlock) dataSource(typ string) credentialBlock {
	b.Block, b.Type = "data", typ
	return b
}

// ephemeral is the block as an ephemeral resource.
func (b credentialBlock) ephemeral() credentialBlock {
	b.Block = "ephemeral"
	return b
}

// labelled is the block under another label.
func (b credentialBlock) labelled(label string) credentialBlock {
	b.Label = label
	return b
}

// rotating is the block as the rotating resource of its kind,
// planetscale_rotating_<kind>.app.
func (b credentialBlock) rotating() credentialBlock {
	b.Type = strings.Replace(b.Type, "planetscale_", "planetscale_rotating_", 1)
	return b.labelled("app")
}

// with is the block with further arguments, lines of HCL, after its own.
func (b credentialBlock) with(arguments string) credentialBlock {
	b.Arguments = strings.TrimSuffix(b.Arguments, "\n") + "\n" + strings.TrimPrefix(arguments, "\n")
	return b
}

// config is the block after the mock's provider block.
func (b credentialBlock) config(mock *acctest.Mock) string {
	return mock.ProviderConfig() + b.String()
}

// bothKinds is passwordBlock and roleBlock, each with the same further
// arguments.
func bothKinds(arguments string) string {
	return passwordBlock(arguments).String() + roleBlock(arguments).String()
}

// passwordConfig is passwordBlock after the mock's provider block, its
// arguments formatted as by fmt.Sprintf.
func passwordConfig(mock *acctest.Mock, arguments string, args ...any) string {
	return passwordBlock(fmt.Sprintf(arguments, args...)).config(mock)
}

// roleConfig is roleBlock after the mock's provider block, its arguments
// formatted as by fmt.Sprintf.
func roleConfig(mock *acctest.Mock, arguments string, args ...any) string {
	return roleBlock(fmt.Sprintf(arguments, args...)).config(mock)
}

func createPasswordRequest(role string, ttl *int64) planetscale.CreatePasswordRequest {
	return planetscale.CreatePasswordRequest{Role: role, TTL: ttl}
}

// errorLike matches an error whose words may be wrapped across lines, as
// Terraform wraps diagnostics: each space in pattern matches any whitespace.
func errorLike(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

func ptr[T any](v T) *T { return &v }

// hclStrings writes a list of strings as HCL; a JSON array is one.
func hclStrings(values []string) string {
	b, err := json.Marshal(values)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// directTerraform is the terraform binary and registry host for a test that
// runs terraform itself, not through resource.Test; it skips the test
// without TF_ACC, or below minimum.
func directTerraform(t *testing.T, minimum, feature string) (tf, host string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run acceptance tests")
	}
	acctest.SkipBelow(t, minimum, feature)
	host = os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return os.Getenv("TF_ACC_TERRAFORM_PATH"), host
}

// afterFailedRoleOpen is a step that opens nothing, with the mock's faults
// cleared, after check has looked at what a failed ephemeral role Open left
// at the API (and a role was created at all, or the test proves nothing).
func afterFailedRoleOpen(t *testing.T, mock *acctest.Mock, check func()) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			if n := mock.RequestCount(mockapi.RouteCreateRole); n == 0 {
				t.Error("no role was created: the test proves nothing")
			}
			check()
			mock.ClearFaults()
		},
		Config: mock.Config(`
provider "echo" {
  data = "nothing opened"
}

resource "echo" "test" {}
`),
	}
}

// builtProvider is a working directory in which the terraform binary runs
// the provider built from this tree (through dev_overrides) against the
// mock, as a user runs it: the provider's clock is its own default, the
// API's.
type builtProvider struct {
	t         *testing.T
	dir       string
	terraform func(args ...string) string // fails the test on a non-zero exit
}

// newBuiltProvider builds the provider for a test that runs terraform
// itself (on any supported release: feature says what it needs it for); it
// skips the test without TF_ACC.
func newBuiltProvider(t *testing.T, mock *acctest.Mock, feature string) *builtProvider {
	t.Helper()
	tf, host := directTerraform(t, "1.5.0", feature)
	dir := t.TempDir()
	return &builtProvider{t: t, dir: dir, terraform: terraformIn(t, tf, dir, devOverrides(t, host), mock)}
}

// apply applies main.tf, with further arguments, and returns what
// terraform printed.
func (b *builtProvider) apply(args ...string) string {
	b.t.Helper()
	return b.terraform(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
}

// configure writes main.tf: this provider, required, and then resources.
func (b *builtProvider) configure(resources string) {
	b.write([]byte(`terraform {
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}
` + resources))
}

// state is each resource's attributes by address, as terraform show -json
// reports them: secrets included, never to be printed.
func (b *builtProvider) state() map[string]map[string]any {
	b.t.Helper()
	return shownResources(b.t, b.terraform("show", "-json"))
}

// write writes main.tf as it is.
func (b *builtProvider) write(mainTF []byte) {
	writeFile(b.t, filepath.Join(b.dir, "main.tf"), mainTF)
}

// closedAfterRun proves every credential the run created was deleted.
func closedAfterRun(mock *acctest.Mock, create, remove string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if p, r := len(mock.Passwords()), len(mock.Roles()); p+r != 0 {
			return fmt.Errorf("mock still holds %d password(s) and %d role(s) after the run", p, r)
		}
		created, deleted := mock.RequestCount(create), mock.RequestCount(remove)
		if created == 0 || created != deleted {
			return fmt.Errorf("created %d and deleted %d credentials; want as many deleted as created", created, deleted)
		}
		return nil
	}
}

// devOverrides is a CLI configuration that installs this provider and the
// official provider's stand-in from their builds.
func devOverrides(t *testing.T, host string) string {
	t.Helper()
	return acctest.DevOverrides(t, "../..", host)
}

// expireIn brings a credential in state within d of its expiry.
func expireIn(mock *acctest.Mock, id *string, d time.Duration) func() {
	return func() {
		if !mock.ExpireIn(*id, d) {
			panic("credential " + *id + " not in the mock")
		}
	}
}

// mockHoldsExactlyState fails unless the mock's credentials are those in state.
func mockHoldsExactlyState(mock *acctest.Mock) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var pw, roles []string
		for _, p := range mock.Passwords() {
			pw = append(pw, p.ID)
		}
		for _, ro := range mock.Roles() {
			roles = append(roles, ro.ID)
		}
		sort.Strings(pw)
		sort.Strings(roles)
		if got, want := fmt.Sprint(pw), fmt.Sprint(stateIDs(s, "planetscale_branch_password")); got != want {
			return fmt.Errorf("mock holds passwords %s, state %s", got, want)
		}
		if got, want := fmt.Sprint(roles), fmt.Sprint(stateIDs(s, "planetscale_postgres_role")); got != want {
			return fmt.Errorf("mock holds roles %s, state %s", got, want)
		}
		return nil
	}
}

func nothingLeft(mock *acctest.Mock) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if p, r := len(mock.Passwords()), len(mock.Roles()); p+r != 0 {
			return fmt.Errorf("mock holds %d passwords and %d roles after destroy", p, r)
		}
		return nil
	}
}

// onlyEchoInState proves the credential itself never reached state.
func onlyEchoInState(s *terraform.State) error {
	for addr := range s.RootModule().Resources {
		if addr != "echo.test" {
			return fmt.Errorf("state holds %s; an ephemeral credential must leave nothing", addr)
		}
	}
	return nil
}

// outOfBand is a Check that changes the credential at addr behind
// Terraform's back with change (mock.RemovePassword, mock.ExpireRole, ...),
// which tells whether the mock held it.
func outOfBand(addr string, change func(id string) bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := stateID(s, addr)
		if err == nil && !change(id) {
			err = fmt.Errorf("%s: credential %s not in the mock", addr, id)
		}
		return err
	}
}

// outputString reads one format's string from a map output.
func outputString(s *terraform.State, output, format string) (string, error) {
	o, ok := s.RootModule().Outputs[output]
	if !ok {
		return "", fmt.Errorf("no output %s", output)
	}
	m, ok := o.Value.(map[string]any)
	if !ok {
		return "", fmt.Errorf("output %s is %T, want a map", output, o.Value)
	}
	v, ok := m[format].(string)
	if !ok {
		return "", fmt.Errorf("output %s has no string %q: %v", output, format, m[format])
	}
	return v, nil
}

// planFails is a step whose plan fails with an error matching want.
func planFails(config string, want *regexp.Regexp) resource.TestStep {
	return resource.TestStep{Config: config, PlanOnly: true, ExpectError: want}
}

// passwordsLeft is a CheckDestroy: the mock must hold no password.
func passwordsLeft(mock *acctest.Mock) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := mock.Passwords(); len(left) != 0 {
			return fmt.Errorf("mock still holds %d password(s) after destroy: %+v", len(left), left)
		}
		return nil
	}
}

// rememberID stores the resource's ID for a later step's PreConfig.
func rememberID(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) (err error) {
		*id, err = stateID(s, addr)
		return err
	}
}

// renewingPassword is a password that lives an hour, renewed once it is
// within renewBefore of its expiry.
func renewingPassword(mock *acctest.Mock, renewBefore string) string {
	return passwordConfig(mock, `
  ttl          = 3600
  renew_before = %q
`, renewBefore)
}

// renewalPlanned are the plan checks of a renewal: addr updated in place,
// its expiry unknown until the API answers.
func renewalPlanned(addr string) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
		plancheck.ExpectUnknownValue(addr, tfjsonpath.New("expires_at")),
	}
}

// renewBeforeFromData is a configuration in which credential's
// renew_before is terraform_data.window's output: unknown at plan time
// whenever window changes.
func renewBeforeFromData(mock *acctest.Mock, credential credentialBlock, window string) string {
	return mock.Config(`
resource "terraform_data" "window" {
  input = %q
}
%s`, window, credential.with("renew_before = terraform_data.window.output"))
}

// renewingRoleBlock is a role that lives two hours, renewed in its last
// hour, whose password is reset whenever trigger changes.
func renewingRoleBlock(trigger string) credentialBlock {
	return roleBlock(fmt.Sprintf(`
  ttl                       = 7200
  renew_before              = "1h"
  password_rotation_trigger = %q
`, trigger))
}

// renewingRole is renewingRoleBlock after the mock's provider block.
func renewingRole(mock *acctest.Mock, trigger string) string {
	return renewingRoleBlock(trigger).config(mock)
}

// replacements are the steps of a test that changes a credential's
// arguments one way after another, each change replacing it: the first step
// applies config() as it is, each later one after the next change (they
// accumulate), planned as a replacement of addr and ending with a new ID.
func replacements(addr string, config func() string, changes ...func()) []resource.TestStep {
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	newID := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{differentID.AddStateValue(addr, tfjsonpath.New("id"))}
	}
	steps := []resource.TestStep{{Config: config(), ConfigStateChecks: newID()}}
	for _, change := range changes {
		change()
		steps = append(steps, resource.TestStep{
			Config: config(),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
			},
			ConfigStateChecks: newID(),
		})
	}
	return steps
}

// rolesLeft is a CheckDestroy: the mock must hold no live role (a role
// dropped out of band is gone from the database, and from state).
func rolesLeft(mock *acctest.Mock) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var left []mockapi.Role
		for _, ro := range mock.Roles() {
			if !ro.Dropped {
				left = append(left, ro)
			}
		}
		if len(left) != 0 {
			return fmt.Errorf("mock still holds %d role(s) after destroy: %+v", len(left), left)
		}
		return nil
	}
}

// secretsNotIn fails the test for each of secrets found in log, showing
// what precedes it.
func secretsNotIn(t *testing.T, log string, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		if i := strings.Index(log, secret); i >= 0 {
			t.Errorf("a secret is in the log, near: %q", log[max(i-200, 0):i])
		}
	}
}

// secretsOf are the secrets of every credential the mock holds: its
// passwords' plain texts and its roles' passwords.
func secretsOf(mock *acctest.Mock) []string {
	var secrets []string
	for _, p := range mock.Passwords() {
		secrets = append(secrets, p.PlainText)
	}
	for _, ro := range mock.Roles() {
		secrets = append(secrets, ro.Password)
	}
	return secrets
}

// shownResources is each resource's attributes by address in the output
// of terraform show -json: secrets included, never to be printed.
func shownResources(t *testing.T, shown string) map[string]map[string]any {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(shown), &state); err != nil {
		t.Fatal(err)
	}
	resources := map[string]map[string]any{}
	for _, r := range state.Values.RootModule.Resources {
		resources[r.Address] = r.Values
	}
	return resources
}

// stateID reads the resource's ID from state.
func stateID(s *terraform.State, addr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.ID, nil
}

// traceLog has Terraform and the provider log at TRACE level for the rest of
// the test, and the service token come from the environment: the test
// harness logs the configuration it writes, and a token in it would prove
// nothing. The function it returns reads all they logged, and says from
// how many files.
func traceLog(t *testing.T) func() (log string, files int) {
	dir := t.TempDir()
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(dir, "%s.log"))
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("PLANETSCALE_SERVICE_TOKEN_ID", mockapi.DefaultServiceTokenID)
	t.Setenv("PLANETSCALE_SERVICE_TOKEN", mockapi.DefaultServiceToken)
	return func() (string, int) {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		var all strings.Builder
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
		return all.String(), len(files)
	}
}

// tokenFromEnvironment is a provider block that points at the mock and
// leaves the service token to the environment (see traceLog).
func tokenFromEnvironment(mock *acctest.Mock) string {
	return fmt.Sprintf(`
provider "planetscale" {
  server_url = %q
}
`, mock.URL)
}

// terraformCommand runs the terraform binary in dir with the CLI
// configuration rc and the mock's credentials in the environment.
func terraformCommand(tf, dir, rc string, mock *acctest.Mock, args ...string) *exec.Cmd {
	cmd := exec.Command(tf, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"PLANETSCALE_SERVER_URL="+mock.URL,
		"PLANETSCALE_SERVICE_TOKEN_ID="+mockapi.DefaultServiceTokenID,
		"PLANETSCALE_SERVICE_TOKEN="+mockapi.DefaultServiceToken)
	return cmd
}

// terraformIn returns a function that runs the terraform binary in dir with
// the CLI configuration rc and the mock's credentials in the environment,
// failing the test on a non-zero exit.
func terraformIn(t *testing.T, tf, dir, rc string, mock *acctest.Mock) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		out, err := terraformCommand(tf, dir, rc, mock, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
}

// triggeredRole is the role name, whose password is reset whenever trigger
// changes.
func triggeredRole(mock *acctest.Mock, name, trigger string) string {
	return roleConfig(mock, `
  name                      = %q
  password_rotation_trigger = %q
`, name, trigger)
}

// withEcho adds the echo provider, which copies an ephemeral value into a
// resource's state so a test can look at it.
func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for name, f := range acctest.ProviderFactories {
		factories[name] = f
	}
	return factories
}

func writeFile(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
}

// echoedEphemeral is a configuration that opens one ephemeral credential of
// kind (its type name), ephemeral.<kind>.test on acme/<database>/main with
// the given further arguments, and hands it to the echo provider: an
// ephemeral value can configure a provider, and nothing reaches state.
func echoedEphemeral(mock *acctest.Mock, kind, database, arguments string) string {
	return mock.Config(`%s
provider "echo" {
  data = ephemeral.%s.test
}

resource "echo" "test" {}
`, credentialBlock{Block: "ephemeral", Type: kind, Label: "test", Organization: "acme", Database: database, Branch: "main", Arguments: arguments}, kind)
}
