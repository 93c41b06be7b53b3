package provider_test

// The provider's safety promises, seen from Terraform: delete only what an
// operation provably made, remove from state only on proof, finish what was
// sent, and never a plan that changes on every run.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A create whose answer is lost (a 503 after the API acted) leaves a
// password under the create's mark, and removing it fails too: the error
// must name that password, which the user has to delete, and not only the
// API's 503. Found by the fault harness: the error's detail told the 503
// alone.
func TestAccSafety_lostCreateWhoseCleanupFailsNamesWhatIsLeft(t *testing.T) {
	mock := acctest.NewMock(t)
	onlyTheNamedOneLeft := func(*terraform.State) error {
		left := mock.Passwords()
		if len(left) != 1 || !planetscale.IsPendingName(left[0].Name) {
			return fmt.Errorf("mock holds %+v, want only the lost create's password, under its mark", left)
		}
		return nil
	}
	resource.ParallelTest(t, accTestCase(t, onlyTheNamedOneLeft, []resource.TestStep{
		{
			PreConfig: func() {
				mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: 503, AfterCommit: true, Times: 1})
				mock.Inject(mockapi.Fault{Route: mockapi.RouteDeletePassword, Status: 422, Times: 1})
			},
			Config: mock.ProviderConfig() + passwordBlock(`name = "app"`).String(),
			ExpectError: errorLike(`Error Creating Branch Password .* HTTP 503 .*` +
				`The create may have made a password named "terraform-pending-[0-9a-f]{24}" .* removing it failed: .* ` +
				`Delete any password named "terraform-pending-[0-9a-f]{24}" on acme/app-db/main in the PlanetScale console, then apply again\.`),
		},
	}))
}

// Two passwords share an explicit name; the second one's create answer is
// lost. The first, live password survives: only the lost create's own
// password is deleted, and both end in state with their secrets.
func TestAccSafety_lostCreateSparesSameNamedCredential(t *testing.T) {
	mock := acctest.NewMock(t)
	// The second create (the "second" resource's) loses its answer.
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Every: 2, Times: 1})
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{
			Config: mock.ProviderConfig() + passwordBlock(`name = "app"`).labelled("first").String() +
				passwordBlock(`name = "app"`).labelled("second").with("depends_on = [planetscale_branch_password.first]").String(),
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
	}))
}

// bothKindsKept checks that the mock holds exactly the credentials in state,
// the password and the role of bothKinds with the secrets it minted.
func bothKindsKept(mock *acctest.Mock) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(
		mockHoldsExactlyState(mock),
		mock.ExpectMintedSecret(passwordAddr),
		mock.ExpectMintedSecret(roleAddr),
	)
}

// A token that cannot see the database gets 404 for everything on it, as a
// deleted database would. A refresh then fails and keeps every credential,
// and its secret, in state; once the token sees the database again, the plan
// is empty.
func TestAccSafety_ambiguousNotFoundKeepsState(t *testing.T) {
	mock := acctest.NewMock(t)
	config := mock.ProviderConfig() + bothKinds("")
	hide := func(hidden bool) func() {
		return func() {
			mock.HideDatabase("acme", "app-db", hidden)
			mock.HideDatabase("acme", "pg-db", hidden)
		}
	}
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
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
			Check: bothKindsKept(mock),
		},
	}))
}

// A credential whose GET answers 404 while its branch answers is gone: it
// leaves state and the plan creates it again.
func TestAccSafety_notFoundOnAVisibleBranchIsGone(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{
			Config: mock.ProviderConfig() + bothKinds(""),
			Check:  resource.ComposeTestCheckFunc(outOfBand(passwordAddr, mock.RemovePassword), outOfBand(roleAddr, mock.RemoveRole)),
			// Both were deleted out of band: the next plan recreates them.
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
				},
			},
		},
	}))
}

// A role Open created and then failed on (a read error while waiting for
// it to become ready) is deleted by Open itself: Terraform never calls Close
// after a failed Open.
func TestAccSafety_failedEphemeralOpenLeavesNothing(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.SetRolesPendingGets(3)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteGetRole, Status: 500})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{
		{
			Config:      echoedEphemeral(mock, "planetscale_postgres_role", "pg-db", ""),
			ExpectError: regexp.MustCompile(`Ephemeral Postgres Role Not Ready`),
		},
		afterFailedRoleOpen(t, mock, func() {
			if roles := mock.Roles(); len(roles) != 0 {
				t.Errorf("a failed Open left %d role(s) at the API", len(roles))
			}
		}),
	}))
}

// A CIDR the API would store in another spelling is refused at plan time,
// with the spelling to use.
func TestAccSafety_nonCanonicalCIDR(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config:      passwordConfig(mock, `cidrs = ["10.0.0.5/8"]`),
			PlanOnly:    true,
			ExpectError: errorLike(`"10.0.0.5/8" in cidrs is not written the way the API stores it: write "10.0.0.0/8"`),
		},
	}))
}

// A rotation and a renewal in one apply: the reset succeeds, the renewal
// fails. The old password no longer works, so state must hold the new one.
func TestAccSafety_resetThenFailedRenewKeepsTheNewPassword(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{Config: renewingRole(mock, "one"), Check: rememberID(roleAddr, &id)},
		{
			PreConfig: func() {
				expireIn(mock, &id, 30*time.Minute)()
				mock.Inject(mockapi.Fault{Route: mockapi.RouteRenewRole, Status: 500})
			},
			Config:      renewingRole(mock, "two"),
			ExpectError: regexp.MustCompile(`Error Updating Postgres Role`),
		},
		{
			// The failed step's state holds the reset's password: with
			// the fault gone, the renewal is all that is left to do.
			PreConfig: func() {
				mock.ClearFaults()
				mock.ResetRequests()
			},
			Config: renewingRole(mock, "two"),
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
	}))
}

// Issue 23, item 1, through Terraform: just before each create reaches the
// API, someone else makes a credential of the same name, and a gateway
// answers the create 503 without passing it on. The other credential is new,
// same-named and inside the create's window, and still not ours: it
// survives, and ours is made and renamed to its name.
func TestAccSafety_gatewayErrorSparesAnotherActorsSameNamedCredential(t *testing.T) {
	mock := acctest.NewMock(t)
	direct := newAPIClient(t, mock)
	var theirs []string
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: 503, Times: 1, Before: func() {
		if p, err := direct.CreatePassword(context.Background(), vitessMain, planetscale.CreatePasswordRequest{Name: "app"}); err == nil {
			theirs = append(theirs, p.ID)
		}
	}})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, Status: 503, Times: 1, Before: func() {
		if ro, err := direct.CreateRole(context.Background(), postgresMain, planetscale.CreateRoleRequest{Name: "app"}); err == nil {
			theirs = append(theirs, ro.ID)
		}
	}})
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{{
		Config: mock.ProviderConfig() + bothKinds(`name = "app"`),
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(passwordAddr, "name", "app"),
			resource.TestCheckResourceAttr(roleAddr, "name", "app"),
			mock.ExpectMintedSecret(passwordAddr),
			mock.ExpectMintedSecret(roleAddr),
			func(s *terraform.State) error {
				if len(theirs) != 2 {
					return fmt.Errorf("the other actor made %d credentials, want 2", len(theirs))
				}
				held := map[string]string{}
				for _, p := range mock.Passwords() {
					held[p.ID] = p.Name
				}
				for _, ro := range mock.Roles() {
					held[ro.ID] = ro.Name
				}
				for _, id := range theirs {
					if held[id] != "app" {
						return fmt.Errorf("the other actor's credential %s was deleted or renamed (mock holds %v)", id, held)
					}
				}
				if len(held) != 4 {
					return fmt.Errorf("mock holds %v, want theirs and ours", held)
				}
				return nil
			},
		),
	}}))
}

// Issue 23, item 2, through Terraform: a destroy whose DELETEs answer 404
// because the token no longer sees the databases (a saved plan applied with
// a narrowed token: the refresh still saw them) fails and keeps both
// credentials in state; once the databases are visible again, destroy
// deletes them. A malformed token, which PlanetScale also answers with 404,
// keeps them too.
func TestAccSafety_ambiguousNotFoundOnDestroyKeepsState(t *testing.T) {
	mock := acctest.NewMock(t)
	config := mock.ProviderConfig() + bothKinds("")
	hide := func(hidden bool) {
		mock.HideDatabase("acme", "app-db", hidden)
		mock.HideDatabase("acme", "pg-db", hidden)
	}
	malformed := fmt.Sprintf(`
provider "planetscale" {
  server_url       = %q
  service_token_id = "not a token id"
  service_token    = "whatever"
}
`, mock.URL) + bothKinds("")
	kept := bothKindsKept(mock)
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{Config: config},
		{
			PreConfig: func() {
				for _, route := range []string{mockapi.RouteDeletePassword, mockapi.RouteDeleteRole} {
					mock.Inject(mockapi.Fault{Route: route, Times: 1, Before: func() { hide(true) }})
				}
			},
			Config:      config,
			Destroy:     true,
			ExpectError: errorLike(`Error Deleting .*404 Not Found for the branch acme/\S+/main too.*service token from provider attribute service_token_id.*kept in state`),
		},
		{
			PreConfig: func() { hide(false) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: kept,
		},
		{
			Config:      malformed,
			Destroy:     true,
			ExpectError: errorLike(`404 Not Found for the branch acme/\S+/main too.*kept in state`),
		},
		{Config: config, Check: kept},
	}))
}

// A rename from the create's mark that fails leaves a working credential,
// kept with its secret and a warning; the next plan renames it in place.
func TestAccSafety_failedRenameIsPlannedAgain(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdatePassword, Status: 500})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdateRole, Status: 500})
	config := mock.ProviderConfig() + bothKinds(`name = "app"`)
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{
		{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				bothKindsKept(mock),
				func(*terraform.State) error {
					if p, ro := mock.Passwords()[0].Name, mock.Roles()[0].Name; !strings.HasPrefix(p, "terraform-pending-") || !strings.HasPrefix(ro, "terraform-pending-") {
						return fmt.Errorf("the API holds %q and %q, want both still under their marks", p, ro)
					}
					return nil
				},
			),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
				},
			},
		},
		{
			PreConfig: mock.ClearFaults,
			Config:    config,
			Check: resource.ComposeAggregateTestCheckFunc(
				bothKindsKept(mock),
				func(*terraform.State) error {
					if p, ro := mock.Passwords()[0].Name, mock.Roles()[0].Name; p != "app" || ro != "app" {
						return fmt.Errorf("the API holds %q and %q, want both renamed to app", p, ro)
					}
					return nil
				},
			),
		},
	}))
}
