package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// listRequestsAskedForFullPages checks that every list request the mock saw
// on route asked for the API's largest page.
func listRequestsAskedForFullPages(mock *acctest.Mock, route string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		lists := mock.Requests(route)
		if len(lists) < want {
			return fmt.Errorf("mock saw %d %s requests, want at least %d", len(lists), route, want)
		}
		for _, r := range lists {
			if got := r.Query.Get("per_page"); got != fmt.Sprint(planetscale.MaxPageSize) {
				return fmt.Errorf("%s asked for per_page=%q, want %d", route, got, planetscale.MaxPageSize)
			}
		}
		return nil
	}
}

func TestAccBranchPasswordDataSources(t *testing.T) {
	mock := acctest.NewMock(t)
	api := newAPIClient(t, mock)
	ctx := context.Background()
	made := func(b planetscale.Branch, req planetscale.CreatePasswordRequest) *planetscale.Password {
		p, err := api.CreatePassword(ctx, b, req)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	app := made(vitessMain, planetscale.CreatePasswordRequest{Name: "app", Role: "reader", TTL: ptr(int64(3600)), CIDRs: []string{"10.0.0.0/8"}})
	app2 := made(vitessMain, planetscale.CreatePasswordRequest{Name: "app", Role: "writer"})
	made(vitessMain, planetscale.CreatePasswordRequest{Name: "app-old"}) // q=app matches it; the name filter must not
	gone := made(vitessMain, planetscale.CreatePasswordRequest{Name: "gone"})
	if err := api.DeletePassword(ctx, vitessMain, gone.ID); err != nil {
		t.Fatal(err)
	}
	// More than two of the API's largest pages on dev.
	dev := vitessMain
	dev.Branch = "dev"
	for i := range 2*planetscale.MaxPageSize + 5 {
		made(dev, planetscale.CreatePasswordRequest{Name: fmt.Sprintf("svc-%03d", i)})
	}
	mock.ResetRequests()

	list := passwordBlock("").dataSource("planetscale_branch_passwords")
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{{
		Config: mock.ProviderConfig() +
			passwordBlock(fmt.Sprintf("id = %q", app.ID)).dataSource("planetscale_branch_password").labelled("app").String() +
			list.labelled("main").String() +
			list.labelled("app").with(`name = "app"`).String() +
			list.labelled("none").with(`name = "nobody"`).String() +
			list.labelled("dev").on("acme", "app-db", "dev").String(),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("name"), knownvalue.StringExact("app")),
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("role"), knownvalue.StringExact("reader")),
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("username"), knownvalue.StringExact(app.Username)),
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("ttl"), knownvalue.Int64Exact(3600)),
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("cidrs"),
				knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("10.0.0.0/8")})),
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("expires_at"), knownvalue.StringExact(*app.ExpiresAt)),
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("renewable"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue("data.planetscale_branch_password.app", tfjsonpath.New("access_host_url"), knownvalue.StringExact(app.AccessHostURL)),
			// All but the deleted one, oldest first.
			statecheck.ExpectKnownValue("data.planetscale_branch_passwords.main", tfjsonpath.New("passwords"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(app.ID), "name": knownvalue.StringExact("app")}),
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(app2.ID), "role": knownvalue.StringExact("writer"), "cidrs": knownvalue.Null(), "ttl": knownvalue.Null()}),
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("app-old")}),
			})),
			statecheck.ExpectKnownValue("data.planetscale_branch_passwords.app", tfjsonpath.New("passwords"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(app.ID)}),
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(app2.ID)}),
			})),
			statecheck.ExpectKnownValue("data.planetscale_branch_passwords.none", tfjsonpath.New("passwords"), knownvalue.ListSizeExact(0)),
			statecheck.ExpectKnownValue("data.planetscale_branch_passwords.dev", tfjsonpath.New("passwords"), knownvalue.ListSizeExact(2*planetscale.MaxPageSize+5)),
			statecheck.ExpectKnownValue("data.planetscale_branch_passwords.dev", tfjsonpath.New("passwords").AtSliceIndex(2*planetscale.MaxPageSize+4).AtMapKey("name"),
				knownvalue.StringExact(fmt.Sprintf("svc-%03d", 2*planetscale.MaxPageSize+4))),
		},
		Check: listRequestsAskedForFullPages(mock, mockapi.RouteListPasswords, 3),
	}}))
}

func TestAccPostgresRoleDataSources(t *testing.T) {
	mock := acctest.NewMock(t)
	api := newAPIClient(t, mock)
	ctx := context.Background()
	made := func(b planetscale.Branch, req planetscale.CreateRoleRequest) *planetscale.Role {
		ro, err := api.CreateRole(ctx, b, req)
		if err != nil {
			t.Fatal(err)
		}
		return ro
	}
	app := made(postgresMain, planetscale.CreateRoleRequest{Name: "app", TTL: ptr(int64(7200)), InheritedRoles: []string{"pg_read_all_data"}, RequireWhereOnDelete: "warn"})
	made(postgresMain, planetscale.CreateRoleRequest{Name: "reporting"})
	dropped := made(postgresMain, planetscale.CreateRoleRequest{Name: "app"})
	mock.DropRole(dropped.ID)
	dev := postgresMain
	dev.Branch = "dev"
	for i := range planetscale.MaxPageSize + 1 {
		made(dev, planetscale.CreateRoleRequest{Name: fmt.Sprintf("svc-%03d", i)})
	}
	mock.ResetRequests()

	list := roleBlock("").dataSource("planetscale_postgres_roles")
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{{
		Config: mock.ProviderConfig() +
			roleBlock(fmt.Sprintf("id = %q", app.ID)).dataSource("planetscale_postgres_role").labelled("app").String() +
			list.labelled("main").String() +
			list.labelled("app").with(`name = "app"`).String() +
			list.labelled("dev").on("acme", "pg-db", "dev").String(),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("name"), knownvalue.StringExact("app")),
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("username"), knownvalue.StringExact(app.Username)),
			// The API does not tell a role's TTL (7200 here); it is not
			// derived from the timestamps, which renewals move.
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("ttl"), knownvalue.Null()),
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("expires_at"), knownvalue.NotNull()),
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("inherited_roles"),
				knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("pg_read_all_data")})),
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("require_where_on_delete"), knownvalue.StringExact("warn")),
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("database_name"), knownvalue.StringExact(app.DatabaseName)),
			statecheck.ExpectKnownValue("data.planetscale_postgres_role.app", tfjsonpath.New("disabled_at"), knownvalue.Null()),
			// The dropped role is left out.
			statecheck.ExpectKnownValue("data.planetscale_postgres_roles.main", tfjsonpath.New("roles"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(app.ID)}),
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("reporting"), "ttl": knownvalue.Null(), "inherited_roles": knownvalue.Null()}),
			})),
			statecheck.ExpectKnownValue("data.planetscale_postgres_roles.app", tfjsonpath.New("roles"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(app.ID)}),
			})),
			statecheck.ExpectKnownValue("data.planetscale_postgres_roles.dev", tfjsonpath.New("roles"), knownvalue.ListSizeExact(planetscale.MaxPageSize+1)),
		},
		Check: listRequestsAskedForFullPages(mock, mockapi.RouteListRoles, 2),
	}}))
}

// A credential or branch that cannot be read is an error that names it and
// says which it is; an empty branch is an empty list.
func TestAccDataSourceErrors(t *testing.T) {
	mock := acctest.NewMock(t)
	api := newAPIClient(t, mock)
	role, err := api.CreateRole(context.Background(), postgresMain, planetscale.CreateRoleRequest{Name: "old"})
	if err != nil {
		t.Fatal(err)
	}
	mock.DropRole(role.ID)
	mock.AddDatabase("acme", "hidden-db", mockapi.Vitess, "main")
	mock.HideDatabase("acme", "hidden-db", true)

	one := func(kind, db, branch, id string) string {
		return passwordBlock(fmt.Sprintf("id = %q", id)).dataSource(kind).on("acme", db, branch).config(mock)
	}
	list := func(kind, db, branch string) string {
		return passwordBlock("").dataSource(kind).on("acme", db, branch).config(mock)
	}
	steps := []resource.TestStep{
		{
			Config:      one("planetscale_branch_password", "app-db", "main", "nosuchid"),
			ExpectError: errorLike(`branch password acme/app-db/main/nosuchid: PlanetScale has no branch password with ID "nosuchid" on this branch`),
		},
		{
			Config:      one("planetscale_postgres_role", "pg-db", "main", role.ID),
			ExpectError: errorLike(`it was dropped at .* so there is nothing to read`),
		},
		{
			Config:      one("planetscale_branch_password", "app-db", "nosuchbranch", "abc"),
			ExpectError: errorLike(`HTTP 404 .* Either there is no branch "nosuchbranch" in database "app-db"`),
		},
		{
			Config:      list("planetscale_postgres_roles", "pg-db", "nosuchbranch"),
			ExpectError: errorLike(`Postgres roles on acme/pg-db/nosuchbranch: PlanetScale answered HTTP 404`),
		},
		{
			// A Vitess database read as Postgres.
			Config:      list("planetscale_postgres_roles", "app-db", "main"),
			ExpectError: errorLike(`not a Postgres database \(planetscale_branch_password's data sources read the other kind\)`),
		},
		{
			Config:      list("planetscale_branch_passwords", "hidden-db", "main"),
			ExpectError: errorLike(`or the service token .* cannot see it`),
		},
		{
			// An empty branch is no error.
			Config: list("planetscale_branch_passwords", "app-db", "dev"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.planetscale_branch_passwords.test", tfjsonpath.New("passwords"), knownvalue.ListSizeExact(0)),
			},
		},
	}
	resource.ParallelTest(t, accTestCase(t, nil, steps))
}

// listsEphemeral checks that the list data source addr lists, in its
// attribute, a credential named as the ephemeral resource names them.
func listsEphemeral(addr, attribute string) resource.TestCheckFunc {
	ephemeralName := regexp.MustCompile(`^terraform-ephemeral-[0-9a-f]{16}$`)
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		var names []string
		for key, value := range rs.Primary.Attributes {
			if strings.HasPrefix(key, attribute+".") && strings.HasSuffix(key, ".name") {
				names = append(names, value)
				if ephemeralName.MatchString(value) {
					return nil
				}
			}
		}
		return fmt.Errorf("%s lists %v, no terraform-ephemeral-<random> name among them", addr, names)
	}
}

// A list data source beside an ephemeral resource on the same branch plans
// no change from run to run: the ephemeral credential each run opens
// (named terraform-ephemeral-<random>) is left out of the list, unless
// include_ephemeral asks for it. The lists are read while the ephemeral
// credentials are open (depends_on), and their names reach an output, which
// a new name in the list would change.
func TestAccListDataSources_leaveOutEphemeral(t *testing.T) {
	mock := acctest.NewMock(t)
	var config strings.Builder
	config.WriteString(mock.ProviderConfig())
	var checks []statecheck.StateCheck
	var listed []resource.TestCheckFunc
	for _, kind := range []struct {
		block           credentialBlock
		list, attribute string
	}{
		{passwordBlock(""), "planetscale_branch_passwords", "passwords"},
		{roleBlock(""), "planetscale_postgres_roles", "roles"},
	} {
		managed := kind.block.labelled("kept").with(`  name = "kept"`)
		opened := kind.block.ephemeral().labelled("run")
		dependsOn := fmt.Sprintf("  depends_on = [%s.kept, ephemeral.%s.run]", managed.Type, opened.Type)
		config.WriteString(managed.String() + opened.String() +
			kind.block.dataSource(kind.list).labelled("all").with(dependsOn).String() +
			kind.block.dataSource(kind.list).labelled("with_ephemeral").with(dependsOn+"\n  include_ephemeral = true").String() +
			fmt.Sprintf("output %q {\n  value = data.%s.all.%s[*].name\n}\n", kind.attribute, kind.list, kind.attribute))
		checks = append(checks,
			statecheck.ExpectKnownOutputValue(kind.attribute, knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("kept")})),
			statecheck.ExpectKnownValue("data."+kind.list+".with_ephemeral", tfjsonpath.New(kind.attribute), knownvalue.ListSizeExact(2)))
		listed = append(listed, listsEphemeral("data."+kind.list+".with_ephemeral", kind.attribute))
	}
	tc := accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{Config: config.String(), ConfigStateChecks: checks, Check: resource.ComposeAggregateTestCheckFunc(listed...), ConfigPlanChecks: emptyPlanAfterApply},
		{Config: config.String(), ConfigPlanChecks: nothingPlanned},
	})
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}
	resource.ParallelTest(t, tc)
}
