package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

const roleAddr = "planetscale_postgres_role.test"

func TestAccPostgresRole_basic(t *testing.T) {
	mock := acctest.NewMock(t)
	config := roleConfig(mock, `
  name                    = "app"
  ttl                     = 3600
  inherited_roles         = ["pg_write_all_data", "pg_read_all_data"]
  require_where_on_delete = "on"
`)
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectSensitiveValue(roleAddr, tfjsonpath.New("password")),
				statecheck.ExpectSensitiveValue(roleAddr, tfjsonpath.New("connection_string")),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("password"), knownvalue.StringRegexp(regexp.MustCompile(`^pscale_pw_.+`))),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("username"), knownvalue.StringRegexp(regexp.MustCompile(`^pscale_api_`))),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("ttl"), knownvalue.Int64Exact(3600)),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("require_where_on_delete"), knownvalue.StringExact("on")),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("require_where_on_update"), knownvalue.StringExact("off")),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("database_name"), knownvalue.StringExact("postgres")),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("connection_string"),
					knownvalue.StringRegexp(regexp.MustCompile(`^postgresql://pscale_api_[a-z0-9]+\.[a-z0-9]+:pscale_pw_[A-Za-z0-9]+@us-east\.pg\.psdb\.cloud:5432/postgres\?sslmode=verify-full$`))),
			},
			Check: resource.ComposeTestCheckFunc(
				// One create and no GET: the role is ready at once.
				// It is created under the create's mark and renamed.
				mock.ExpectRequests(map[string]int{mockapi.RouteCreateRole: 1, mockapi.RouteUpdateRole: 1, mockapi.RouteGetRole: 0}),
				mock.ExpectLastBody(mockapi.RouteUpdateRole, map[string]any{"name": "app"}),
				mock.ExpectLastCreateBody(mockapi.RouteCreateRole, map[string]any{
					"inherited_roles": []any{"pg_read_all_data", "pg_write_all_data"}, "name": acctest.MarkedName,
					"require_where_on_delete": "on", "ttl": float64(3600), "with_replication": false,
				}),
				mock.ExpectMintedSecret(roleAddr),
			),
		},
		{
			// Time passes (the API's ttl counts down); the plan stays empty.
			PreConfig: func() { mock.Advance(10 * time.Minute) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("ttl"), knownvalue.Int64Exact(3600)),
			},
		},
	}))
}

func TestAccPostgresRole_waitsForReady(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.SetRolesPendingGets(2)
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{
			Config: roleConfig(mock, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("password"), knownvalue.StringRegexp(regexp.MustCompile(`^pscale_pw_`))),
			},
			// Polled twice, until ready; the password is the create's.
			Check: resource.ComposeTestCheckFunc(
				mock.ExpectRequests(map[string]int{mockapi.RouteGetRole: 2}),
				mock.ExpectMintedSecret(roleAddr),
			),
		},
	}))
}

// roleArgs are the arguments of a planetscale_postgres_role "test" block;
// change the fields a step needs and call config.
type roleArgs struct {
	Organization, Database, Branch             string
	Name                                       string
	TTL                                        int
	InheritedRoles                             []string
	WithReplication                            bool
	RequireWhereOnDelete, RequireWhereOnUpdate string
}

// newRoleArgs is a role "r" on acme/pg-db/main that can read all data and
// lives ten minutes.
func newRoleArgs() roleArgs {
	return roleArgs{Organization: "acme", Database: "pg-db", Branch: "main", Name: "r", TTL: 600,
		InheritedRoles: []string{"pg_read_all_data"}, RequireWhereOnDelete: "off", RequireWhereOnUpdate: "off"}
}

func (a roleArgs) config(mock *acctest.Mock) string {
	return roleBlock(fmt.Sprintf(`
  name                    = %q
  ttl                     = %d
  inherited_roles         = %s
  with_replication        = %t
  require_where_on_delete = %q
  require_where_on_update = %q
`, a.Name, a.TTL, hclStrings(a.InheritedRoles), a.WithReplication, a.RequireWhereOnDelete, a.RequireWhereOnUpdate)).on(a.Organization, a.Database, a.Branch).config(mock)
}

func TestAccPostgresRole_update(t *testing.T) {
	mock := acctest.NewMock(t)
	samePassword := statecheck.CompareValue(compare.ValuesSame())
	sameID := statecheck.CompareValue(compare.ValuesSame())
	keep := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			samePassword.AddStateValue(roleAddr, tfjsonpath.New("password")),
			sameID.AddStateValue(roleAddr, tfjsonpath.New("id")),
		}
	}
	update := func(config string, wantBody map[string]any) resource.TestStep {
		return resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("username"), knownvalue.NotNull()),
				},
			},
			ConfigStateChecks: keep(),
			Check:             mock.ExpectLastBody(mockapi.RouteUpdateRole, wantBody),
		}
	}
	args := newRoleArgs()
	args.Name, args.InheritedRoles = "before", []string{"pg_read_all_data", "pg_monitor"}
	steps := []resource.TestStep{{Config: args.config(mock), ConfigStateChecks: keep()}}
	// Each change is one PATCH of only what changed; they accumulate.
	for _, change := range []struct {
		apply func(*roleArgs)
		body  map[string]any
	}{
		{func(a *roleArgs) { a.Name = "after" }, map[string]any{"name": "after"}},
		{func(a *roleArgs) { a.RequireWhereOnDelete = "warn" }, map[string]any{"require_where_on_delete": "warn"}},
		{func(a *roleArgs) { a.RequireWhereOnUpdate = "on" }, map[string]any{"require_where_on_update": "on"}},
	} {
		change.apply(&args)
		steps = append(steps, update(args.config(mock), change.body))
	}
	// Reordering inherited_roles plans nothing.
	args.InheritedRoles = []string{"pg_monitor", "pg_read_all_data"}
	steps = append(steps, resource.TestStep{
		Config: args.config(mock),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	})
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), steps))
}

func TestAccPostgresRole_replace(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.AddDatabase("acme", "other-pg", mockapi.Postgres, "main")
	mock.AddDatabase("globex", "pg-db", mockapi.Postgres, "main")
	// Each change below replaces the role; they accumulate.
	args := newRoleArgs()
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), replacements(roleAddr, func() string { return args.config(mock) },
		func() { args.TTL = 900 },
		func() { args.InheritedRoles = []string{"pg_read_all_data", "pg_write_all_data"} },
		func() { args.WithReplication = true },
		func() { args.Branch = "dev" },
		func() { args.Database, args.Branch = "other-pg", "main" },
		func() { args.Organization, args.Database, args.Branch = "globex", "pg-db", "main" },
	)))
}

func TestAccPostgresRole_successor(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	owner := func(successor string) string {
		return roleBlock(successor).config(mock)
	}
	handedToHeir := func(*terraform.State) error {
		reqs := mock.Requests(mockapi.RouteDeleteRole)
		if last := reqs[len(reqs)-1]; last.Query.Get("successor") != heir.Username {
			return fmt.Errorf("last DELETE had successor %q, want %q", last.Query.Get("successor"), heir.Username)
		}
		if left := mock.Roles(); len(left) != 1 || left[0].ID != heir.ID {
			return fmt.Errorf("mock holds %+v, want only the successor", left)
		}
		return nil
	}
	resource.ParallelTest(t, accTestCase(t, handedToHeir, []resource.TestStep{
		{
			Config: owner(""),
			Check: func(s *terraform.State) error {
				id, err := stateID(s, roleAddr)
				if err == nil {
					mock.SetRoleOwnsObjects(id, true)
				}
				return err
			},
		},
		{
			// Destroying a role that owns objects fails and says what to do.
			Config:      owner(""),
			Destroy:     true,
			ExpectError: errorLike(`Error Deleting Postgres Role.*HTTP 422 \(unprocessable\): Role is still referenced and cannot be dropped\..*Set successor`),
		},
		{
			// Setting successor changes state only: no API call.
			PreConfig: func() { mock.ResetRequests() },
			Config:    owner(fmt.Sprintf("successor = %q", heir.Username)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteUpdateRole: 0}),
		},
	}))
}

func TestAccPostgresRole_import(t *testing.T) {
	mock := acctest.NewMock(t)
	config := roleConfig(mock, `
  name                    = "imported"
  ttl                     = 86400
  inherited_roles         = ["pg_read_all_data"]
  require_where_on_update = "warn"
`)
	importID := func(s *terraform.State) (string, error) {
		id, err := stateID(s, roleAddr)
		return "acme/pg-db/main/" + id, err
	}
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{Config: config},
		{
			// Some time later, so the API's ttl (time left) differs from
			// the configured ttl. The API does not tell the TTL, so
			// import leaves ttl null (it used to be derived from the
			// timestamps, wrong after any renewal).
			PreConfig:               func() { mock.Advance(time.Hour) },
			ResourceName:            roleAddr,
			ImportState:             true,
			ImportStateIdFunc:       importID,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"password", "connection_string", "ttl"},
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if ttl, ok := states[0].Attributes["ttl"]; ok && ttl != "" {
					return fmt.Errorf("imported ttl = %q, want none: the API does not tell it", ttl)
				}
				return nil
			},
		},
		{
			// With the configuration: the configured ttl is adopted in
			// place, not a replacement.
			Config:             config,
			ResourceName:       roleAddr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			ImportStateIdFunc:  importID,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
		},
		{
			ResourceName:  roleAddr,
			ImportState:   true,
			ImportStateId: "acme/pg-db/main/a/b",
			ExpectError:   regexp.MustCompile(`organization/database/branch/id`),
		},
	}))
}

func TestAccPostgresRole_drift(t *testing.T) {
	mock := acctest.NewMock(t)
	config := roleConfig(mock, `
  ttl          = 3600
`)
	recreate := resource.ConfigPlanChecks{
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate)},
	}
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{Config: config, Check: outOfBand(roleAddr, mock.RemoveRole), ExpectNonEmptyPlan: true, ConfigPlanChecks: recreate},
		{Config: config, Check: outOfBand(roleAddr, mock.DropRole), ExpectNonEmptyPlan: true, ConfigPlanChecks: recreate},
		{
			Config: config, Check: outOfBand(roleAddr, mock.ExpireRole), ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionReplace)},
			},
		},
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
			},
		},
	}))
}

func TestAccPostgresRole_validation(t *testing.T) {
	mock := acctest.NewMock(t)
	invalid := func(block credentialBlock, want string) resource.TestStep {
		return planFails(block.config(mock), errorLike(want))
	}
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		invalid(roleBlock(`inherited_roles = ["superuser"]`), `inherited_roles.* value must be one of:.*"superuser"`),
		invalid(roleBlock(`require_where_on_delete = "true"`), `require_where_on_delete value must be one of: \["off" "warn" "on"\], got: "true"`),
		invalid(roleBlock(`require_where_on_update = "yes"`), `require_where_on_update value must be one of`),
		invalid(roleBlock(`ttl = -1`), `ttl is -1; it must be from 1 to 9223372036 seconds.*Omit ttl for a role that never expires`),
		invalid(roleBlock("").on("acme/x", "pg-db", "main"), `organization is "acme/x", which contains "/"`),
		invalid(roleBlock("").on("acme", "", "main"), `database must not be empty`),
	}))
	if n := mock.RequestCount(""); n != 0 {
		t.Errorf("validation made %d API request(s); it must fail at plan time without any", n)
	}
}

func TestAccPostgresRole_apiErrors(t *testing.T) {
	mock := acctest.NewMock(t)
	create := func(db string) string {
		return roleBlock("").on("acme", db, "main").config(mock)
	}
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config:      create("app-db"),
			ExpectError: errorLike(`acme/app-db/main: PlanetScale answered HTTP 404.*"app-db" is not a Postgres database`),
		},
		{
			Config:      create("missing"),
			ExpectError: errorLike(`found no branch "main" in database "missing" of organization "acme"`),
		},
	}))
}

func createRoleOutOfBand(t *testing.T, mock *acctest.Mock) *planetscale.Role {
	t.Helper()
	ro, err := newAPIClient(t, mock).CreateRole(context.Background(), postgresMain, planetscale.CreateRoleRequest{Name: "heir"})
	if err != nil {
		t.Fatalf("creating a role out of band: %v", err)
	}
	return ro
}
