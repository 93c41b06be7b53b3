package provider_test

// Regressions an adversarial review of the create marks (issue 23, items
// 1-3) found, through Terraform: each failed before its fix.

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// A role that is not ready at once (the API's usual answer for Postgres),
// whose rename from the create's mark fails: the FollowUpError path keeps
// it, and Create sets created.Name to the planned name, but then waits for
// readiness and applies the GET's answer, which carries the mark. State
// then holds "terraform-pending-..." for a planned "app", and Terraform
// rejects the apply ("Provider produced inconsistent result after apply").
// What the warning promises (kept, renamed on the next plan) must hold for
// a role that needs the ready-wait too.
func TestAccSafety_roleNotReadyFailedRenameKeepsPlannedName(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.SetRolesPendingGets(1)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdateRole, Status: 422, Times: 1})
	resource.ParallelTest(t, accTestCase(t, nothingLeft(mock), []resource.TestStep{{
		Config: mock.Config(`
resource "planetscale_postgres_role" "test" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "app"
}
`),
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(roleAddr, "name", "app"),
			mockHoldsExactlyState(mock),
			mock.ExpectMintedSecret(roleAddr),
		),
		// The rename failed once: the plan after the apply renames it.
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
		},
	}}))
}

// An ephemeral password with a configured name whose rename fails (here a
// 422; a Ctrl-C during the create skips the rename the same way): Open
// keeps it with a warning and returns the mark as its name. Terraform
// checks an ephemeral result against the configuration like a plan, so it
// rejects the result ("Provider produced invalid ephemeral resource
// instance") and, Open having "succeeded", never registers it: Close is
// never called, and deleteAfterFailedOpen never runs. The password is left
// at the API under its mark, its secret lost, and the warning says the
// next plan renames it, which never happens for an ephemeral credential.
func TestAccSafety_ephemeralFailedRenameLeavesNothing(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdatePassword, Status: 422, Times: 1})
	t.Cleanup(func() {
		if left := mock.Passwords(); len(left) != 0 {
			t.Errorf("after the run the API still holds %d password(s), none of which anything will close: %+v", len(left), left)
		}
	})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{{
		Config: echoedEphemeral(mock, "planetscale_branch_password", "app-db", `
  name         = "app"
`),
		Check: closedAfterRun(mock, mockapi.RouteCreatePassword, mockapi.RouteDeletePassword),
	}}))
}

// Close deletes an ephemeral password and takes any 404 for "already
// gone", without the proof item 2 asks for (the branch answers). Here the
// token stops seeing the database as the DELETE arrives (the mock answers
// 404, as PlanetScale does): the password is still there, and Close reports
// success, so nobody is told about a live credential left behind. A plan
// (the ephemeral password is opened and closed within it) must fail and say
// so.
func TestAccSafety_ephemeralCloseAmbiguousNotFoundIsAnError(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteDeletePassword, Times: 1, Before: func() { mock.HideDatabase("acme", "app-db", true) }})
	t.Cleanup(func() {
		mock.HideDatabase("acme", "app-db", false)
		if left := mock.Passwords(); len(left) != 0 && mock.RequestCount(mockapi.RouteDeletePassword) == 1 {
			t.Logf("the API still holds %d password(s) after Close answered 404: %+v", len(left), left)
		}
	})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{{
		Config:      echoedEphemeral(mock, "planetscale_branch_password", "app-db", ""),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`Error Deleting Ephemeral Branch Password`),
	}}))
}

// An ephemeral role whose Open fails after the create (here: it never
// becomes ready) is deleted by deleteAfterFailedOpen, which also takes any
// 404 for "deleted": the token stops seeing the database as the DELETE
// arrives, the role stays at the API, and the warning says "it has been
// deleted, so nothing is left behind". The error must say it was left
// behind.
func TestAccSafety_failedEphemeralOpenAmbiguousNotFoundIsLeftBehind(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.SetRolesPendingGets(3)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteGetRole, Status: 422})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteDeleteRole, Times: 1, Before: func() { mock.HideDatabase("acme", "pg-db", true) }})
	t.Cleanup(func() {
		mock.HideDatabase("acme", "pg-db", false)
		if left := mock.Roles(); len(left) != 0 {
			t.Logf("the API still holds %d role(s) after a failed Open said nothing was left behind: %+v", len(left), left)
		}
	})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{{
		Config:      echoedEphemeral(mock, "planetscale_postgres_role", "pg-db", ""),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`Ephemeral Postgres Role Left Behind`),
	}}))
}
