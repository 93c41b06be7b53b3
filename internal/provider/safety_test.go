package provider_test

// The provider's safety promises, seen from Terraform: delete only what an
// operation provably made, remove from state only on proof, finish what was
// sent, and never a plan that changes on every run.

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// Two passwords share an explicit name; the second one's create answer is
// lost. The first, live password survives: only the lost create's own
// password is deleted, and both end in state with their secrets.
func TestAccSafety_lostCreateSparesSameNamedCredential(t *testing.T) {
	mock := acctest.NewMock(t)
	// The second create (the "second" resource's) loses its answer.
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Every: 2, Times: 1})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             nothingLeft(mock),
		Steps: []resource.TestStep{
			{
				Config: mock.Config(`
resource "planetscale_branch_password" "first" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "app"
}

resource "planetscale_branch_password" "second" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "app"
  depends_on   = [planetscale_branch_password.first]
}
`),
				Check: resource.ComposeAggregateTestCheckFunc(
					mockHoldsExactlyState(mock),
					mock.ExpectMintedSecret("planetscale_branch_password.first"),
					mock.ExpectMintedSecret("planetscale_branch_password.second"),
					func(*terraform.State) error {
						if n := mock.RequestCount(mockapi.RouteDeletePassword); n != 1 {
							return fmt.Errorf("%d passwords deleted, want only the lost create's", n)
						}
						return nil
					},
				),
			},
		},
	})
}

const bothKinds = `
resource "planetscale_branch_password" "test" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
}

resource "planetscale_postgres_role" "test" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
}
`

// A token that cannot see the database gets 404 for everything on it, as a
// deleted database would. A refresh then fails and keeps every credential,
// and its secret, in state; once the token sees the database again, the plan
// is empty.
func TestAccSafety_ambiguousNotFoundKeepsState(t *testing.T) {
	mock := acctest.NewMock(t)
	config := mock.Config(bothKinds)
	hide := func(hidden bool) func() {
		return func() {
			mock.HideDatabase("acme", "app-db", hidden)
			mock.HideDatabase("acme", "pg-db", hidden)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             nothingLeft(mock),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:    hide(true),
				RefreshState: true,
				ExpectError:  errorLike(`404 Not Found for the branch acme/\S+/main too.*service token from provider attribute service_token_id.*removed block`),
			},
			{
				PreConfig: hide(false),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					mockHoldsExactlyState(mock),
					mock.ExpectMintedSecret(passwordAddr),
					mock.ExpectMintedSecret(roleAddr),
				),
			},
		},
	})
}

// A credential whose GET answers 404 while its branch answers is gone: it
// leaves state and the plan creates it again.
func TestAccSafety_notFoundOnAVisibleBranchIsGone(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             nothingLeft(mock),
		Steps: []resource.TestStep{
			{
				Config: mock.Config(bothKinds),
				Check: func(s *terraform.State) error {
					pw, err1 := stateID(s, passwordAddr)
					ro, err2 := stateID(s, roleAddr)
					if err1 != nil || err2 != nil || !mock.RemovePassword(pw) || !mock.RemoveRole(ro) {
						return fmt.Errorf("could not remove the credentials behind Terraform's back")
					}
					return nil
				},
				// Both were deleted out of band: the next plan recreates them.
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
					},
				},
			},
		},
	})
}

// A role Open created and then failed on (a read error while waiting for
// it to become ready) is deleted by Open itself: Terraform never calls Close
// after a failed Open.
func TestAccSafety_failedEphemeralOpenLeavesNothing(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.SetRolesPendingGets(3)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteGetRole, Status: 500})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: withEcho(),
		Steps: []resource.TestStep{
			{
				Config: mock.Config(`
ephemeral "planetscale_postgres_role" "test" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
}

provider "echo" {
  data = ephemeral.planetscale_postgres_role.test
}

resource "echo" "test" {}
`),
				ExpectError: regexp.MustCompile(`Ephemeral Postgres Role Not Ready`),
			},
			{
				PreConfig: func() {
					if n := mock.RequestCount(mockapi.RouteCreateRole); n == 0 {
						t.Error("no role was created: the test proves nothing")
					}
					if roles := mock.Roles(); len(roles) != 0 {
						t.Errorf("a failed Open left %d role(s) at the API", len(roles))
					}
					mock.ClearFaults()
				},
				Config: mock.Config(`
provider "echo" {
  data = "nothing opened"
}

resource "echo" "test" {}
`),
			},
		},
	})
}

// renew_before at least as long as ttl would renew (or replace) the
// credential on every apply: refused at plan time, saying what to change.
func TestAccSafety_renewBeforeNotShorterThanTTL(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      renewingPassword(mock, "2h"),
				PlanOnly:    true,
				ExpectError: errorLike(`renew_before is "2h" but ttl is 3600 seconds \(1h0m0s\).*such as "20m0s"`),
			},
			{
				Config:      renewingPassword(mock, "1h"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`renew_before Not Shorter Than ttl`),
			},
			{
				Config: mock.Config(`
resource "planetscale_postgres_role" "test" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  ttl          = 8
  renew_before = "1h"
}
`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`renew_before Not Shorter Than ttl`),
			},
			{
				// At most half of ttl: accepted, and the plan after apply is
				// empty. (59m was accepted before; a renewed password would be
				// due again a minute later, see TestAccRenewBefore_tooCloseToTTL.)
				Config: renewingPassword(mock, "30m"),
			},
		},
	})
}

// A CIDR the API would store in another spelling is refused at plan time,
// with the spelling to use.
func TestAccSafety_nonCanonicalCIDR(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mock.Config(`
resource "planetscale_branch_password" "test" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  cidrs        = ["10.0.0.5/8"]
}
`),
				PlanOnly:    true,
				ExpectError: errorLike(`"10.0.0.5/8" in cidrs is not written the way the API stores it: write "10.0.0.0/8"`),
			},
		},
	})
}

// A rotation and a renewal in one apply: the reset succeeds, the renewal
// fails. The old password no longer works, so state must hold the new one.
func TestAccSafety_resetThenFailedRenewKeepsTheNewPassword(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	config := func(trigger string) string {
		return mock.Config(`
resource "planetscale_postgres_role" "test" {
  organization              = "acme"
  database                  = "pg-db"
  branch                    = "main"
  ttl                       = 7200
  renew_before              = "1h"
  password_rotation_trigger = %q
}
`, trigger)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             rolesLeft(mock),
		Steps: []resource.TestStep{
			{Config: config("one"), Check: rememberID(roleAddr, &id)},
			{
				PreConfig: func() {
					expireIn(mock, &id, 30*time.Minute)()
					mock.Inject(mockapi.Fault{Route: mockapi.RouteRenewRole, Status: 500})
				},
				Config:      config("two"),
				ExpectError: regexp.MustCompile(`Error Updating Postgres Role`),
			},
			{
				// The failed step's state holds the reset's password: with
				// the fault gone, the renewal is all that is left to do.
				PreConfig: func() {
					mock.ClearFaults()
					mock.ResetRequests()
				},
				Config: config("two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(mock.ExpectMintedSecret(roleAddr), func(*terraform.State) error {
					if n := mock.RequestCount(mockapi.RouteResetRole); n != 0 {
						return fmt.Errorf("the password was reset again (%d), so state had lost the first reset", n)
					}
					return nil
				}),
			},
		},
	})
}
