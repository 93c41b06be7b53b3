package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The list resources find a branch's credentials (not deleted or dropped
// ones), filter by exact name, honour limit, carry identities and, when
// asked, the resource object; a branch that does not answer is an error.
func TestAccListResources_query(t *testing.T) {
	mock := acctest.NewMock(t)
	api := newAPIClient(t, mock)
	ctx := context.Background()
	app, err := api.CreatePassword(ctx, vitessMain, planetscale.CreatePasswordRequest{Name: "app", Role: "reader", TTL: ptr(int64(3600))})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app-old", "ci"} {
		if _, err := api.CreatePassword(ctx, vitessMain, planetscale.CreatePasswordRequest{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	role, err := api.CreateRole(ctx, postgresMain, planetscale.CreateRoleRequest{Name: "app", InheritedRoles: []string{"pg_read_all_data"}})
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := api.CreateRole(ctx, postgresMain, planetscale.CreateRoleRequest{Name: "old"})
	if err != nil {
		t.Fatal(err)
	}
	mock.DropRole(dropped.ID)
	dev := vitessMain
	dev.Branch = "dev"
	for i := range planetscale.MaxPageSize + 20 {
		if _, err := api.CreatePassword(ctx, dev, planetscale.CreatePasswordRequest{Name: fmt.Sprintf("svc-%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}

	list := func(kind, name, db, branch, extra string) string {
		return fmt.Sprintf(`
list %q %q {
  provider = planetscale
  %s
  config {
    organization = "acme"
    database     = %q
    branch       = %q
  }
}
`, kind, name, extra, db, branch)
	}
	identity := func(db, id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"organization": knownvalue.StringExact("acme"), "database": knownvalue.StringExact(db),
			"branch": knownvalue.StringExact("main"), "id": knownvalue.StringExact(id),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A query runs in a configured working directory.
				Config: mock.Config(`
data "planetscale_branch_passwords" "main" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
}
`),
			},
			{
				Query: true,
				Config: list("planetscale_branch_password", "all", "app-db", "main", "") +
					strings.Replace(list("planetscale_branch_password", "app", "app-db", "main", "include_resource = true"),
						`branch       = "main"`, `branch       = "main"
    name         = "app"`, 1) +
					list("planetscale_postgres_role", "roles", "pg-db", "main", "include_resource = true") +
					list("planetscale_branch_password", "limited", "app-db", "dev", "limit = 30"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("planetscale_branch_password.all", 3),
					querycheck.ExpectLength("planetscale_branch_password.app", 1),
					querycheck.ExpectIdentity("planetscale_branch_password.app", identity("app-db", app.ID)),
					querycheck.ExpectResourceDisplayName("planetscale_branch_password.app", queryfilter.ByResourceIdentity(identity("app-db", app.ID)),
						knownvalue.StringExact("app ("+app.Username+")")),
					querycheck.ExpectResourceKnownValues("planetscale_branch_password.app", queryfilter.ByResourceIdentity(identity("app-db", app.ID)), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("reader")},
						{Path: tfjsonpath.New("ttl"), KnownValue: knownvalue.Int64Exact(3600)},
						{Path: tfjsonpath.New("plain_text"), KnownValue: knownvalue.Null()},
					}),
					// The dropped role is not listed.
					querycheck.ExpectLength("planetscale_postgres_role.roles", 1),
					querycheck.ExpectIdentity("planetscale_postgres_role.roles", identity("pg-db", role.ID)),
					querycheck.ExpectResourceKnownValues("planetscale_postgres_role.roles", queryfilter.ByResourceIdentity(identity("pg-db", role.ID)), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("inherited_roles"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("pg_read_all_data")})},
						{Path: tfjsonpath.New("password"), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectLength("planetscale_branch_password.limited", 30),
				},
			},
			{
				Query:       true,
				Config:      list("planetscale_postgres_role", "missing", "pg-db", "nosuchbranch", ""),
				ExpectError: errorLike(`Error Listing Postgres Roles.*Either there is no branch "nosuchbranch" in database "pg-db"`),
			},
		},
	})
	// limit = 30 read one page of the dev branch, not two.
	var devLists int
	for _, r := range mock.Requests(mockapi.RouteListPasswords) {
		if strings.Contains(r.Path, "/branches/dev/") {
			devLists++
		}
	}
	if devLists != 1 {
		t.Errorf("the limited list read %d pages of the dev branch, want 1", devLists)
	}
}

// terraform query -generate-config-out writes configuration and import
// blocks that adopt credentials made outside Terraform: applied, they
// import every one without creating or replacing anything, and the next
// plan is empty.
func TestAccListResources_generateConfigAdoptsCredentials(t *testing.T) {
	tf, host := directTerraform(t, "1.14.0", "terraform query")

	mock := acctest.NewMock(t)
	api := newAPIClient(t, mock)
	ctx := context.Background()
	for _, req := range []planetscale.CreatePasswordRequest{
		{Name: "app", Role: "readwriter", TTL: ptr(int64(86400)), CIDRs: []string{"203.0.113.0/24"}},
		{Name: "reporting", Role: "reader", Replica: ptr(true)},
		{Name: "ci"},
	} {
		if _, err := api.CreatePassword(ctx, vitessMain, req); err != nil {
			t.Fatal(err)
		}
	}
	for _, req := range []planetscale.CreateRoleRequest{
		{Name: "app", TTL: ptr(int64(7200)), InheritedRoles: []string{"pg_read_all_data", "pg_write_all_data"}, RequireWhereOnDelete: "on"},
		{Name: "analyst", InheritedRoles: []string{"pg_read_all_data"}},
	} {
		if _, err := api.CreateRole(ctx, postgresMain, req); err != nil {
			t.Fatal(err)
		}
	}

	work := t.TempDir()
	query, err := os.ReadFile("../../examples/guides/adopting-with-query/search.tfquery.hcl")
	if err != nil {
		t.Fatal(err)
	}
	mainTF, err := os.ReadFile("../../examples/guides/adopting-with-query/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(work, "main.tf"), mainTF)
	writeFile(t, filepath.Join(work, "search.tfquery.hcl"), query)
	run := terraformIn(t, tf, work, devOverrides(t, host), mock)

	mock.ResetRequests()
	run("query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(work, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(generated), "\nimport {"); n != 5 {
		t.Errorf("generated.tf has %d import blocks, want 5:\n%s", n, generated)
	}
	for _, want := range []string{`resource "planetscale_branch_password"`, `resource "planetscale_postgres_role"`, "identity = {", `"203.0.113.0/24"`} {
		if !strings.Contains(string(generated), want) {
			t.Errorf("generated.tf lacks %q:\n%s", want, generated)
		}
	}

	plan := run("plan", "-no-color")
	if !strings.Contains(plan, "5 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Errorf("the plan of the generated configuration does not only import the five credentials:\n%s\ngenerated.tf:\n%s", plan, generated)
	}
	if out := run("apply", "-auto-approve", "-no-color"); !strings.Contains(out, "5 imported, 0 added, 0 changed, 0 destroyed") {
		t.Errorf("the apply of the generated configuration did more than import:\n%s", out)
	}
	for route, n := range mock.RequestCounts() {
		if !strings.HasPrefix(route, "get_") && !strings.HasPrefix(route, "list_") {
			t.Errorf("query, plan and apply sent %d %s request(s); adopting makes no API write", n, route)
		}
	}
	// The next plan is empty: exit code 0 with -detailed-exitcode.
	run("plan", "-detailed-exitcode", "-no-color")
	if left := len(mock.Passwords()) + len(mock.Roles()); left != 5 {
		t.Errorf("the mock holds %d credentials, want the 5 made outside Terraform", left)
	}
}
