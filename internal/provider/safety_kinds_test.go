package provider_test

// Safety rules per kind, from the review of the "one value per credential
// kind" refactor (issue #24): each test pins a per-kind behaviour on a path
// that deletes, forgets or gives up, where the existing suite had no test. Each passes on the code before
// the refactor (4508180^1) as well as after it.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// lastDeleteSuccessor is the successor the last DELETE of a role carried.
func lastDeleteSuccessor(mock *acctest.Mock) (string, error) {
	reqs := mock.Requests(mockapi.RouteDeleteRole)
	if len(reqs) == 0 {
		return "", fmt.Errorf("no role was deleted")
	}
	return reqs[len(reqs)-1].Query.Get("successor"), nil
}

// ephemeralRoleWithSuccessor opens an ephemeral role whose successor is heir
// and hands its username to the echo provider.
func ephemeralRoleWithSuccessor(mock *acctest.Mock, heir string) string {
	return roleBlock(fmt.Sprintf("successor = %q", heir)).ephemeral().config(mock) + `
provider "echo" {
  data = ephemeral.planetscale_postgres_role.test.username
}

resource "echo" "test" {}
`
}

// An ephemeral role's Close hands the objects the run made to its
// successor: the DELETE carries it. Only roles have one, so the shared
// Close must still pass it on.
func TestAccSafetyKinds_ephemeralRoleCloseHandsObjectsToSuccessor(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{{
		Config: ephemeralRoleWithSuccessor(mock, heir.Username),
		Check: func(*terraform.State) error {
			// The successor was created out of band, through the API too.
			created, deleted := mock.RequestCount(mockapi.RouteCreateRole)-1, mock.RequestCount(mockapi.RouteDeleteRole)
			if created == 0 || created != deleted {
				return fmt.Errorf("created %d and deleted %d roles; want as many deleted as created", created, deleted)
			}
			for _, req := range mock.Requests(mockapi.RouteDeleteRole) {
				if got := req.Query.Get("successor"); got != heir.Username {
					return fmt.Errorf("a Close deleted its role with successor %q, want %q", got, heir.Username)
				}
			}
			if left := mock.Roles(); len(left) != 1 || left[0].ID != heir.ID {
				return fmt.Errorf("mock holds %+v, want only the successor", left)
			}
			return nil
		},
	}}))
}

// A failed ephemeral Open (the role never becomes ready) deletes the role
// it made, and hands its objects to the configured successor too.
func TestAccSafetyKinds_failedEphemeralRoleOpenCleanupUsesSuccessor(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	mock.SetRolesPendingGets(3)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteGetRole, Status: 500})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{
		{
			Config:      ephemeralRoleWithSuccessor(mock, heir.Username),
			ExpectError: regexp.MustCompile(`Ephemeral Postgres Role Not Ready`),
		},
		afterFailedRoleOpen(t, mock, func() {
			if got, err := lastDeleteSuccessor(mock); err != nil || got != heir.Username {
				t.Errorf("the failed Open's cleanup deleted with successor %q (%v), want %q", got, err, heir.Username)
			}
			if left := mock.Roles(); len(left) != 1 || left[0].ID != heir.ID {
				t.Errorf("a failed Open left %+v at the API, want only the successor", left)
			}
		}),
	}))
}

// A role update whose PATCH (a rename) is refused sends nothing more: no
// reset, so the password in state still works, and the next apply, with
// the fault gone, renames and resets exactly once.
func TestAccSafetyKinds_roleRefusedPatchSendsNoReset(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{Config: triggeredRole(mock, "app", "one")},
		{
			PreConfig: func() {
				mock.ResetRequests()
				mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdateRole, Status: 422})
			},
			Config:      triggeredRole(mock, "app2", "two"),
			ExpectError: regexp.MustCompile(`Error Updating Postgres Role`),
		},
		{
			PreConfig: func() {
				if n := mock.RequestCount(mockapi.RouteResetRole); n != 0 {
					t.Errorf("the password was reset (%d) after the PATCH was refused", n)
				}
				mock.ClearFaults()
				mock.ResetRequests()
			},
			Config: triggeredRole(mock, "app2", "two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				mock.ExpectMintedSecret(roleAddr),
				resource.TestCheckResourceAttr(roleAddr, "name", "app2"),
				mock.ExpectRequests(map[string]int{mockapi.RouteResetRole: 1}),
			),
		},
	}))
}

// A password update whose rename is refused does not renew it either: the
// plan renames and renews it again, and nothing was replaced.
func TestAccSafetyKinds_passwordRefusedRenameSendsNoRenew(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	config := func(name string) string {
		return passwordConfig(mock, `
  name         = %q
  ttl          = 7200
  renew_before = "1h"
`, name)
	}
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{Config: config("app"), Check: rememberID(passwordAddr, &id)},
		{
			PreConfig: func() {
				expireIn(mock, &id, 30*time.Minute)()
				mock.ResetRequests()
				mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdatePassword, Status: 422})
			},
			Config:      config("app2"),
			ExpectError: regexp.MustCompile(`Error Updating Branch Password`),
		},
		{
			PreConfig: func() {
				if n := mock.RequestCount(mockapi.RouteRenewPassword); n != 0 {
					t.Errorf("the password was renewed (%d) after its rename was refused", n)
				}
				mock.ClearFaults()
				mock.ResetRequests()
			},
			Config: config("app2"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				mock.ExpectMintedSecret(passwordAddr),
				resource.TestCheckResourceAttrPtr(passwordAddr, "id", &id),
				resource.TestCheckResourceAttr(passwordAddr, "name", "app2"),
				mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 1, mockapi.RouteCreatePassword: 0}),
			),
		},
	}))
}

// The secrets only the shared code now handles never reach a log, at
// TRACE level: a role's reset password, recorded when a renewal after it
// fails and when it succeeds, and the secrets of both kinds' ephemeral
// resources.
func TestAccSafetyKinds_resetAndEphemeralSecretsNeverLogged(t *testing.T) {
	readLog := traceLog(t)
	mock := acctest.NewMock(t)
	var id string
	var secrets []string
	collect := func() { secrets = append(secrets, secretsOf(mock)...) }
	collectCheck := func(*terraform.State) error { collect(); return nil }
	// Ephemeral credentials are deleted at the end of each run: collect
	// their secrets when the API deletes them.
	for _, route := range []string{mockapi.RouteDeletePassword, mockapi.RouteDeleteRole} {
		mock.Inject(mockapi.Fault{Route: route, Status: 0, Before: func() { collect() }})
	}
	config := func(trigger string) string {
		return tokenFromEnvironment(mock) + renewingRoleBlock(trigger).String() +
			roleBlock("").ephemeral().labelled("e").String() + passwordBlock("").ephemeral().labelled("e").String() + `
provider "echo" {
  data = [ephemeral.planetscale_postgres_role.e.username, ephemeral.planetscale_branch_password.e.username]
}

resource "echo" "test" {}
`
	}
	resource.Test(t, ephemeralTestCase(t, []resource.TestStep{
		{Config: config("one"), Check: resource.ComposeTestCheckFunc(rememberID(roleAddr, &id), collectCheck)},
		{
			// The reset succeeds, the renewal after it fails: the new
			// password is recorded on the error path.
			PreConfig: func() {
				expireIn(mock, &id, 30*time.Minute)()
				mock.Inject(mockapi.Fault{Route: mockapi.RouteRenewRole, Status: 500, Times: 100})
			},
			Config:      config("two"),
			ExpectError: regexp.MustCompile(`Error Updating Postgres Role`),
		},
		{
			PreConfig: func() {
				collect()
				mock.ClearFaults()
				for _, route := range []string{mockapi.RouteDeletePassword, mockapi.RouteDeleteRole} {
					mock.Inject(mockapi.Fault{Route: route, Status: 0, Before: func() { collect() }})
				}
			},
			Config: config("three"),
			Check:  collectCheck,
		},
	}))

	if len(secrets) < 4 {
		t.Fatalf("collected %d secrets: the test proves nothing", len(secrets))
	}
	if n := mock.RequestCount(mockapi.RouteResetRole); n < 2 {
		t.Fatalf("the role was reset %d time(s), want 2: the test proves nothing", n)
	}
	secrets = append(secrets, mockapi.DefaultServiceToken)
	log, files := readLog()
	if !strings.Contains(log, "/reset") {
		t.Fatalf("the TRACE log (%d bytes in %d files) shows no reset: the test would prove nothing", len(log), files)
	}
	// An empty password is no secret to look for.
	secretsNotIn(t, log, slices.DeleteFunc(secrets, func(secret string) bool { return secret == "" }))
}

// The role's twin of TestAccSafety_ephemeralFailedRenameLeavesNothing: an
// ephemeral role whose rename from its temporary name fails is still
// deleted at the end of the run.
func TestAccSafetyKinds_ephemeralRoleFailedRenameLeavesNothing(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdateRole, Status: 422, Times: 1})
	t.Cleanup(func() {
		if left := mock.Roles(); len(left) != 0 {
			t.Errorf("after the run the API still holds %d role(s), none of which anything will close: %+v", len(left), left)
		}
	})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{{
		Config: echoedEphemeral(mock, "planetscale_postgres_role", "pg-db", `
  name         = "app"
`),
		Check: closedAfterRun(mock, mockapi.RouteCreateRole, mockapi.RouteDeleteRole),
	}}))
}

// The role's twin of TestAccSafety_ephemeralCloseAmbiguousNotFoundIsAnError:
// a Close whose DELETE answers 404 while the token cannot see the database
// is an error, with the role's own advice, not a success.
func TestAccSafetyKinds_ephemeralRoleCloseAmbiguousNotFoundIsAnError(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteDeleteRole, Times: 1, Before: func() { mock.HideDatabase("acme", "pg-db", true) }})
	t.Cleanup(func() { mock.HideDatabase("acme", "pg-db", false) })
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{{
		Config:      echoedEphemeral(mock, "planetscale_postgres_role", "pg-db", ""),
		PlanOnly:    true,
		ExpectError: errorLike(`Error Deleting Ephemeral Postgres Role .* HTTP 404 .* may be left at PlanetScale \(the 404 does not tell\)`),
	}}))
}

// The role's twin of TestAccBranchPassword_unknownRenewBefore: every role
// with a TTL is renewable (the kind's rule), so a renew_before unknown at
// plan time leaves the expiry open instead of failing, and apply renews
// only when the window turns out to cover it: inside it, once; outside
// it, not at all, and neither final plan contradicts the first.
func TestAccSafetyKinds_roleUnknownRenewBefore(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	config := func(window string) string {
		return renewBeforeFromData(mock, roleBlock("ttl = 7200"), window)
	}
	open := resource.ConfigPlanChecks{
		PreApply: renewalPlanned(roleAddr),
	}
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{Config: config("10m"), Check: rememberID(roleAddr, &id)},
		{
			// Outside the window it turns out to have: nothing renewed.
			PreConfig:        func() { expireIn(mock, &id, 90*time.Minute)(); mock.ResetRequests() },
			Config:           config("20m"),
			ConfigPlanChecks: open,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPtr(roleAddr, "id", &id),
				mock.ExpectRequests(map[string]int{mockapi.RouteRenewRole: 0, mockapi.RouteCreateRole: 0, mockapi.RouteResetRole: 0}),
			),
		},
		{
			// Inside it: renewed in place, once, secret kept.
			PreConfig:        func() { expireIn(mock, &id, 20*time.Minute)(); mock.ResetRequests() },
			Config:           config("30m"),
			ConfigPlanChecks: open,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPtr(roleAddr, "id", &id),
				mock.ExpectRequests(map[string]int{mockapi.RouteRenewRole: 1, mockapi.RouteCreateRole: 0, mockapi.RouteResetRole: 0}),
				mock.ExpectMintedSecret(roleAddr),
			),
		},
	}))
}
