package repotest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// exampleApply is what applying one example directory needs besides its
// files.
type exampleApply struct {
	// seed makes, before the first apply, the credentials the example
	// expects to exist on the mock (one it reads, imports or lists). It
	// returns the -var arguments that name them, and text to replace in
	// the example's files: an import ID written in the example, which the
	// mock cannot be told to use.
	seed func(t *testing.T, api *planetscale.Client) (vars []string, replace map[string]string)
	// invoke names the actions that run after the apply, with
	// terraform apply -invoke.
	invoke []string
}

var (
	vitessMain   = planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	postgresMain = planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}
)

// appliedExamples names every example directory and what its apply needs.
// TestAccExamplesApply fails when a directory under examples/ is missing
// here, so a new example is applied from its first commit.
var appliedExamples = map[string]exampleApply{
	"examples/actions/planetscale_branch_password_renew":  {invoke: []string{"action.planetscale_branch_password_renew.app"}},
	"examples/actions/planetscale_postgres_role_reassign": {invoke: []string{"action.planetscale_postgres_role_reassign.migrator"}},
	"examples/actions/planetscale_postgres_role_renew":    {invoke: []string{"action.planetscale_postgres_role_renew.app"}},
	"examples/data-sources/planetscale_branch_password": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		p := seedPassword(t, api, planetscale.CreatePasswordRequest{Name: "app"})
		return []string{"-var=password_id=" + p.ID}, nil
	}},
	"examples/data-sources/planetscale_branch_passwords": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		seedPassword(t, api, planetscale.CreatePasswordRequest{Name: "app"})
		return nil, nil
	}},
	"examples/data-sources/planetscale_postgres_role": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		r := seedRole(t, api, planetscale.CreateRoleRequest{Name: "app"})
		return []string{"-var=role_id=" + r.ID}, nil
	}},
	"examples/data-sources/planetscale_postgres_roles": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		seedRole(t, api, planetscale.CreateRoleRequest{Name: "app", InheritedRoles: []string{"pg_write_all_data"}})
		return nil, nil
	}},
	// make demo runs examples/demo/run.sh, which applies this main.tf too.
	"examples/demo": {},
	"examples/ephemeral-resources/planetscale_branch_password": {},
	"examples/ephemeral-resources/planetscale_postgres_role":   {},
	"examples/functions/connection_string":                     {},
	"examples/guides/adopting-with-query": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		seedPassword(t, api, planetscale.CreatePasswordRequest{Name: "legacy-app"})
		seedRole(t, api, planetscale.CreateRoleRequest{Name: "legacy-app"})
		return nil, nil
	}},
	// The guide adopts a password the official provider made.
	"examples/guides/import-from-official": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		p := seedPassword(t, api, planetscale.CreatePasswordRequest{Name: "app", Role: "readwriter"})
		return nil, map[string]string{"a1b2c3d4e5f6": p.ID}
	}},
	// From an empty state the moved blocks move nothing: the move itself,
	// from a state the official provider wrote, is
	// internal/provider's TestAccMoveFromOfficialProvider.
	"examples/guides/moved-from-official":       {},
	"examples/guides/rotating-without-downtime": {},
	"examples/list-resources/planetscale_branch_password": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		seedPassword(t, api, planetscale.CreatePasswordRequest{Name: "ci"})
		return nil, nil
	}},
	"examples/list-resources/planetscale_postgres_role": {seed: func(t *testing.T, api *planetscale.Client) ([]string, map[string]string) {
		seedRole(t, api, planetscale.CreateRoleRequest{Name: "reporting"})
		return nil, nil
	}},
	"examples/provider": {},
	"examples/resources/planetscale_branch_password":          {},
	"examples/resources/planetscale_postgres_role":            {},
	"examples/resources/planetscale_rotating_branch_password": {},
	"examples/resources/planetscale_rotating_postgres_role":   {},
}

// TestAccExamplesApply applies every example as it is against a mock API
// of its own, with the provider built from this tree: the apply succeeds,
// a plan afterwards is empty, actions it defines can be invoked, query
// files run with terraform query, the destroy succeeds, and the mock then
// holds nothing the example made. Examples are what users paste; a
// validate alone misses a successor that does not exist or a delete the
// API refuses.
func TestAccExamplesApply(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run acceptance tests")
	}
	tf := terraformBinary(t)
	tfVersion := binaryVersion(t, tf)
	isTofu := strings.Contains(filepath.Base(tf), "tofu")
	rc := devOverrides(t)
	source := providerSource(t)

	dirs := exampleDirs(t)
	for _, dir := range dirs {
		if _, ok := appliedExamples[dir]; !ok {
			t.Errorf("%s is not in appliedExamples: add it, with the credentials it expects seeded", dir)
		}
	}
	for dir := range appliedExamples {
		if !slices.Contains(dirs, dir) {
			t.Errorf("appliedExamples names %s, which holds no example", dir)
		}
	}

	for _, dir := range dirs {
		apply, ok := appliedExamples[dir]
		if !ok {
			continue
		}
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			config, hasQuery := exampleConfig(t, dir)
			if isTofu && (hasBlock(config, "list") || hasBlock(config, "action")) {
				t.Skipf("%s has list or action blocks, which OpenTofu lacks", dir)
			}
			if need := minimumVersion(config); tfVersion.LessThan(need) {
				t.Skipf("%s needs Terraform %s or later; this is %s", dir, need, tfVersion)
			}

			mock := acctest.NewMock(t)
			api, err := planetscale.New(planetscale.Config{
				BaseURL: mock.URL, ServiceTokenID: mockapi.DefaultServiceTokenID, ServiceToken: mockapi.DefaultServiceToken, Unpaced: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			var vars []string
			var replace map[string]string
			if apply.seed != nil {
				vars, replace = apply.seed(t, api)
			}
			seeded := credentialIDs(mock.Server)

			work := t.TempDir()
			copyExample(t, dir, work, source, replace)
			run := func(args ...string) (string, error) {
				cmd := exec.Command(tf, args...)
				cmd.Dir = work
				cmd.Env = append(withoutPlanetScaleSettings(os.Environ()),
					"TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
					"PLANETSCALE_SERVER_URL="+mock.URL,
					"PLANETSCALE_SERVICE_TOKEN_ID="+mockapi.DefaultServiceTokenID,
					"PLANETSCALE_SERVICE_TOKEN="+mockapi.DefaultServiceToken)
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			must := func(args ...string) string {
				out, err := run(args...)
				if err != nil {
					t.Fatalf("terraform %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
				}
				return out
			}
			// Whatever happens, leave no credential behind in the mock's
			// world for the next step to trip over.
			destroyed := false
			t.Cleanup(func() {
				if !destroyed {
					_, _ = run(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
				}
			})

			must(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
			if out, err := run(append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, vars...)...); err != nil {
				t.Errorf("the plan after applying %s is not empty (%v):\n%s", dir, err, out)
			}
			for _, action := range apply.invoke {
				must(append([]string{"apply", "-auto-approve", "-input=false", "-no-color", "-invoke=" + action}, vars...)...)
			}
			if hasQuery {
				out := must(append([]string{"query", "-no-color", "-generate-config-out=generated.tf"}, vars...)...)
				generated, err := os.ReadFile(filepath.Join(work, "generated.tf"))
				if err != nil {
					t.Fatalf("terraform query -generate-config-out wrote no file: %v\n%s", err, out)
				}
				for _, id := range seeded {
					if !strings.Contains(string(generated), id) {
						t.Errorf("terraform query did not find the credential %s the test made:\n%s\n%s", id, out, generated)
					}
				}
				// The generated configuration is for the user to adopt
				// or not; the destroy below is of the example alone.
				if err := os.Remove(filepath.Join(work, "generated.tf")); err != nil {
					t.Fatal(err)
				}
			}
			must(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
			destroyed = true

			for _, id := range credentialIDs(mock.Server) {
				if !slices.Contains(seeded, id) {
					t.Errorf("after destroying %s the mock still holds the credential %s it made", dir, id)
				}
			}
		})
	}
}

// exampleDirs are the directories under examples/ that hold a .tf or a
// .tfquery.hcl file.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir("examples", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tfquery.hcl")) && !slices.Contains(dirs, filepath.Dir(p)) {
			dirs = append(dirs, filepath.Dir(p))
		}
		return err
	})
	if err != nil || len(dirs) < 6 {
		t.Fatalf("found example directories %v (%v)", dirs, err)
	}
	return dirs
}

// exampleConfig is the text of an example's .tf and .tfquery.hcl files,
// and whether it has a query file.
func exampleConfig(t *testing.T, dir string) (string, bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	queries, _ := filepath.Glob(filepath.Join(dir, "*.tfquery.hcl"))
	var config strings.Builder
	for _, f := range append(files, queries...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		config.Write(b)
	}
	return config.String(), len(queries) > 0
}

// copyExample copies an example's files to work with the replacements
// made, and gives a fragment (a resource page's example) the provider
// requirement a real module has.
func copyExample(t *testing.T, dir, work, source string, replace map[string]string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	queries, _ := filepath.Glob(filepath.Join(dir, "*.tfquery.hcl"))
	hasTerraformBlock := false
	replaced := map[string]bool{}
	for _, f := range append(files, queries...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for from, to := range replace {
			replaced[from] = replaced[from] || strings.Contains(text, from)
			text = strings.ReplaceAll(text, from, to)
		}
		hasTerraformBlock = hasTerraformBlock || strings.Contains(text, "required_providers")
		writeFile(t, filepath.Join(work, filepath.Base(f)), text)
	}
	for from := range replace {
		if !replaced[from] {
			t.Fatalf("%s no longer holds %q, which the test replaces with what it seeded", dir, from)
		}
	}
	if !hasTerraformBlock {
		writeFile(t, filepath.Join(work, "providers_test.tf"),
			"terraform {\n  required_providers {\n    planetscale = {\n      source = \""+source+"\"\n    }\n  }\n}\n")
	}
}

// devOverrides is a CLI configuration that installs the provider built
// from this tree, and the official provider's stand-in that the migration
// guides also name, under the terraform binary's own registry.
func devOverrides(t *testing.T) string {
	t.Helper()
	return acctest.DevOverrides(t, ".", "")
}

func hasBlock(config, block string) bool {
	for _, line := range strings.Split(config, "\n") {
		if strings.HasPrefix(line, block+` "`) {
			return true
		}
	}
	return false
}

// withoutPlanetScaleSettings drops PLANETSCALE_* variables of the caller's
// environment, so that only the mock's settings reach the provider.
func withoutPlanetScaleSettings(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "PLANETSCALE_") })
}

// credentialIDs are the IDs of every password and role the mock holds.
func credentialIDs(mock *mockapi.Server) []string {
	var ids []string
	for _, p := range mock.Passwords() {
		ids = append(ids, p.ID)
	}
	for _, r := range mock.Roles() {
		ids = append(ids, r.ID)
	}
	return ids
}

func seedPassword(t *testing.T, api *planetscale.Client, req planetscale.CreatePasswordRequest) *planetscale.Password {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := api.CreatePassword(ctx, vitessMain, req)
	if err != nil {
		t.Fatalf("seeding a password: %v", err)
	}
	return p
}

func seedRole(t *testing.T, api *planetscale.Client, req planetscale.CreateRoleRequest) *planetscale.Role {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := api.CreateRole(ctx, postgresMain, req)
	if err != nil {
		t.Fatalf("seeding a role: %v", err)
	}
	return r
}
