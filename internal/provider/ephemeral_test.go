package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

func TestAccBranchPasswordEphemeral_basic(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{
		{
			Config: echoedEphemeral(mock, "planetscale_branch_password", "app-db", `
  role         = "reader"
  cidrs        = ["10.0.0.0/8"]
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("plain_text"), knownvalue.StringRegexp(regexp.MustCompile(`^pscale_pw_`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("role"), knownvalue.StringExact("reader")),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("connection_string"), knownvalue.StringRegexp(regexp.MustCompile(`^mysql://`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("ttl"), knownvalue.Int64Exact(3600)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				onlyEchoInState,
				closedAfterRun(mock, mockapi.RouteCreatePassword, mockapi.RouteDeletePassword),
				func(*terraform.State) error {
					body := mock.Requests(mockapi.RouteCreatePassword)[0].Body
					if body["ttl"] != float64(3600) || body["role"] != "reader" {
						return fmt.Errorf("create body = %v, want the default one-hour ttl and the role", body)
					}
					return nil
				},
			),
		},
	}))
}

func TestAccPostgresRoleEphemeral_basic(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{
		{
			Config: echoedEphemeral(mock, "planetscale_postgres_role", "pg-db", `
  ttl             = 900
  inherited_roles = ["pg_read_all_data"]
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("password"), knownvalue.StringRegexp(regexp.MustCompile(`^pscale_pw_`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("connection_string"), knownvalue.StringRegexp(regexp.MustCompile(`^postgresql://`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("database_name"), knownvalue.StringExact("postgres")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				onlyEchoInState,
				closedAfterRun(mock, mockapi.RouteCreateRole, mockapi.RouteDeleteRole),
			),
		},
	}))
}

// Terraform renews an ephemeral credential that a run still uses when its
// RenewAt (halfway through its TTL) passes. A slow create elsewhere in the
// run keeps it open past that point.
func TestAccBranchPasswordEphemeral_renew(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, Latency: 4 * time.Second})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{
		{
			Config: passwordBlock("ttl = 2").ephemeral().config(mock) + roleBlock("").labelled("slow").String() + `
provider "echo" {
  data = ephemeral.planetscale_branch_password.test
}

resource "echo" "test" {
  depends_on = [planetscale_postgres_role.slow]
}
`,
			Check: func(*terraform.State) error {
				if n := mock.RequestCount(mockapi.RouteRenewPassword); n == 0 {
					return fmt.Errorf("the ephemeral password was never renewed")
				}
				if n := len(mock.Passwords()); n != 0 {
					return fmt.Errorf("mock still holds %d password(s)", n)
				}
				return nil
			},
		},
	}))
}
