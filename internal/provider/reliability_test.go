package provider_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// stateIDs lists the IDs of every resource of a type in state.
func stateIDs(s *terraform.State, resourceType string) []string {
	var ids []string
	for _, rs := range s.RootModule().Resources {
		if rs.Type == resourceType {
			ids = append(ids, rs.Primary.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func manyCredentials(mock *acctest.Mock, n int, extra string) string {
	return fmt.Sprintf(`
provider "planetscale" {
  server_url       = %q
  service_token_id = %q
  service_token    = %q
  %s
}

resource "planetscale_branch_password" "many" {
  count        = %d
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "reader"
}

resource "planetscale_postgres_role" "many" {
  count           = %d
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  inherited_roles = ["pg_read_all_data"]
}
`, mock.URL, mockapi.DefaultServiceTokenID, mockapi.DefaultServiceToken, extra, n, n)
}

// A busy API: every 4th request is rate limited (Retry-After: 1) and 15% of
// them fail with 503. Sixteen credentials are still created and destroyed,
// and nothing is orphaned by the creates that failed.
func TestAccReliability_busyAPI(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Every: 4, Status: 429, RetryAfter: "1"})
	mock.Inject(mockapi.Fault{Probability: 0.15, Status: 503})
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{
			Config: manyCredentials(mock, 8, "max_retries = 10"),
			Check: resource.ComposeAggregateTestCheckFunc(
				mockHoldsExactlyState(mock),
				func(s *terraform.State) error {
					if n := len(stateIDs(s, "planetscale_branch_password")) + len(stateIDs(s, "planetscale_postgres_role")); n != 16 {
						return fmt.Errorf("state holds %d credentials, want 16", n)
					}
					return nil
				},
			),
		},
	}))
}

// The network drops the answer to a create after the API made the
// credential: the provider finds it by name, deletes it (its secret is
// lost) and creates again. The API then holds exactly what state holds.
func TestAccReliability_lostCreateAnswer(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Times: 1})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, CloseAfterCommit: true, Times: 1})
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{
			Config: manyCredentials(mock, 1, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				mockHoldsExactlyState(mock),
				// Each create lost, then sent again; each orphan deleted.
				mock.ExpectRequests(map[string]int{
					mockapi.RouteCreatePassword: 2, mockapi.RouteDeletePassword: 1,
					mockapi.RouteCreateRole: 2, mockapi.RouteDeleteRole: 1,
				}),
				mock.ExpectMintedSecret("planetscale_branch_password.many.0"),
			),
		},
	}))
}

func TestAccReliability_timeout(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Latency: 5 * time.Second})
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config: passwordConfig(mock, `
  timeouts {
    create = "1s"
  }
`),
			ExpectError: errorLike(`Error Creating Branch Password.*the create did not finish within its 1s timeout.*timeouts \{ create = "..." \}`),
		},
	}))
}

// An apply at TRACE level, with retries, an update and a destroy, writes
// no created secret and no token to the Terraform or provider log, while
// the log still shows each API request's method, path, status and attempt.
func TestAccSecrets_neverLogged(t *testing.T) {
	readLog := traceLog(t)

	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Every: 5, Status: 429, RetryAfter: "0"})
	var secrets []string
	collect := func(*terraform.State) error {
		secrets = append(secrets, secretsOf(mock)...)
		return nil
	}
	config := func(name string) string {
		return tokenFromEnvironment(mock) + bothKinds(fmt.Sprintf("name = %q", name)) + `
output "url" {
  value     = planetscale_postgres_role.test.connection_string
  sensitive = true
}
`
	}
	resource.Test(t, accTestCase(t, nil, []resource.TestStep{
		{Config: config("first"), Check: collect},
		{Config: config("second"), Check: collect},
	}))

	if len(secrets) < 2 {
		t.Fatalf("collected %d secrets, want the password's and the role's", len(secrets))
	}
	secrets = append(secrets, mockapi.DefaultServiceToken)
	log, files := readLog()
	for _, want := range []string{"PlanetScale API response", "status=201", "PlanetScale API request will be retried", "attempt=2", "path=/v1/organizations/acme/databases/pg-db/branches/main/roles"} {
		if !strings.Contains(log, want) {
			t.Errorf("the TRACE log (%d bytes in %d files) lacks %q: the test would prove nothing", len(log), files, want)
		}
	}
	secretsNotIn(t, log, secrets)
}

// Refreshing many credentials on one branch is served from the branch's
// list, and stays correct: a credential deleted out of band is confirmed
// with a GET and planned for creation, an expired one is replaced.
func TestAccRefresh_listBacked(t *testing.T) {
	mock := acctest.NewMock(t)
	const n = 12
	var removed, expired string
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{
			Config: manyCredentials(mock, n, ""),
			Check: func(s *terraform.State) error {
				var err error
				if removed, err = stateID(s, "planetscale_branch_password.many.3"); err != nil {
					return err
				}
				if expired, err = stateID(s, "planetscale_branch_password.many.7"); err != nil {
					return err
				}
				mock.RemovePassword(removed)
				mock.ExpirePassword(expired)
				mock.ResetRequests()
				return nil
			},
			// One password removed, one expired behind Terraform's back.
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("planetscale_branch_password.many[3]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("planetscale_branch_password.many[7]", plancheck.ResourceActionReplace),
				},
			},
		},
		{
			PreConfig: func() {
				// The refreshes after the last apply: GETs only for what
				// the lists did not show (the removed password, once per
				// refresh), not one per credential.
				lists := mock.RequestCount(mockapi.RouteListPasswords) + mock.RequestCount(mockapi.RouteListRoles)
				gets := mock.RequestCount(mockapi.RouteGetPassword) + mock.RequestCount(mockapi.RouteGetRole)
				refreshes := mock.RequestCount(mockapi.RouteListRoles)
				if refreshes == 0 || lists == 0 {
					t.Errorf("no list requests: refresh did not use the branch lists")
				}
				if gets > refreshes {
					t.Errorf("%d GETs over %d refreshes of %d credentials; want one per refresh (the removed password)", gets, refreshes, 2*n)
				}
				for _, r := range mock.Requests(mockapi.RouteGetPassword) {
					if !strings.HasSuffix(r.Path, "/"+removed) {
						t.Errorf("GET %s: only the credential missing from the list needs one", r.Path)
					}
				}
			},
			Config: manyCredentials(mock, n, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("planetscale_branch_password.many[3]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("planetscale_branch_password.many[7]", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("planetscale_branch_password.many[0]", plancheck.ResourceActionNoop),
				},
			},
			Check: mockHoldsExactlyState(mock),
		},
	}))
}
