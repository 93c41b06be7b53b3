package provider_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// The rotating resources against the safety rules (issue #25 and its
// review): what a failed or lost request, an ambiguous 404, a stale read or
// a wrong import must not make them delete or forget. Each comment says the
// sequence and what the rules want. The paths Terraform cannot be steered
// through precisely enough are in rotating_safety_internal_test.go.

// roleWithSuccessor is the rotating role app, rotated whenever trigger
// changes, whose last role's objects go to heir at destroy.
func roleWithSuccessor(mock *acctest.Mock, trigger, heir string) string {
	return roleBlock(fmt.Sprintf(`
  rotation_trigger = %q
  successor        = %q
`, trigger, heir)).rotating().config(mock)
}

// hideDatabase is a PreConfig (or a fault's Before) after which the token
// can (hidden false) or cannot (hidden true) see acme/app-db: while it
// cannot, the API answers 404 to everything on it.
func hideDatabase(mock *acctest.Mock, hidden bool) func() {
	return func() { mock.HideDatabase("acme", "app-db", hidden) }
}

// The rotation's create answer is lost (the API made the password, the
// connection drops): the create path removes what the lost attempt made and
// creates again; no orphan, the old current kept as previous.
func TestAccRotatingBranchPassword_lostCreateAnswerLeavesNoOrphan(t *testing.T) {
	mock := acctest.NewMock(t)
	var first string
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: triggeredRotatingPassword(mock, "v1"), Check: remember(rotatingPasswordAddr, "current", &first)},
		{
			PreConfig: func() {
				mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Times: 1})
			},
			Config:           triggeredRotatingPassword(mock, "v2"),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &first),
				mockPasswordsNamed(mock, "app-1", "app-2"),
				mock.ExpectRequests(map[string]int{mockapi.RouteCreatePassword: 3}), // the first, the lost one, its retry
			),
		},
	}))
}

// The rotation's create fails for certain: nothing changed, state still
// holds the old current, and the next apply rotates.
func TestAccRotatingBranchPassword_failedCreateChangesNothing(t *testing.T) {
	mock := acctest.NewMock(t)
	var first string
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: triggeredRotatingPassword(mock, "v1"), Check: remember(rotatingPasswordAddr, "current", &first)},
		{
			PreConfig:   func() { mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: 422, Times: 1}) },
			Config:      triggeredRotatingPassword(mock, "v2"),
			ExpectError: errorLike(`Error Rotating Branch Password`),
		},
		{
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			RefreshPlanChecks:  resource.RefreshPlanChecks{PostRefresh: inPlaceUpdate(rotatingPasswordAddr)},
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "current", &first),
				resource.TestCheckNoResourceAttr(rotatingPasswordAddr, "previous.id"),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "1"),
				mockPasswordsNamed(mock, "app-1"),
			),
		},
		{
			Config:           triggeredRotatingPassword(mock, "v2"),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check:            slotIs(rotatingPasswordAddr, "previous", &first),
		},
	}))
}

// A rotation whose rename from the temporary name fails (422; Ctrl-C after
// the create does the same, since the rename is not sent after a stop):
// the apply warns "If it still has its temporary name (terraform-pending-...),
// the next plan renames it in place", and the next plan must: otherwise
// state first says current.name = "app-1", the next refresh records the
// temporary name, and the password keeps it for good, breaking name_prefix's
// promise (each generation under its own name) and the warning's.
func TestAccRotatingBranchPassword_failedRenameRenamedByTheNextPlan(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{
			PreConfig:          func() { mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdatePassword, Status: 422, Times: 1}) },
			Config:             triggeredRotatingPassword(mock, "v1"),
			ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: inPlaceUpdate(rotatingPasswordAddr)},
			ExpectNonEmptyPlan: true,
		},
		{
			Config:           triggeredRotatingPassword(mock, "v1"),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				mockPasswordsNamed(mock, "app-1"),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "current.name", "app-1"),
			),
		},
	}))
}

// retirementFailsOnce are the steps of a test in which the third rotation's
// delete of the oldest password fails through fault, and recovered (nil
// for nothing) undoes what the fault did: the password is neither dropped
// from state nor forgotten; it stays in retiring_ids, and the next apply
// deletes it.
func retirementFailsOnce(mock *acctest.Mock, fault mockapi.Fault, recovered func()) []resource.TestStep {
	var oldest string
	return []resource.TestStep{
		{Config: triggeredRotatingPassword(mock, "v1"), Check: remember(rotatingPasswordAddr, "current", &oldest)},
		{Config: triggeredRotatingPassword(mock, "v2")},
		{
			PreConfig:   func() { mock.Inject(fault) },
			Config:      triggeredRotatingPassword(mock, "v3"),
			ExpectError: errorLike(`Error Retiring Branch Password`),
		},
		{
			// Kept in state and at the API, and the next plan deletes it
			// again.
			PreConfig:          recovered,
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			RefreshPlanChecks:  resource.RefreshPlanChecks{PostRefresh: inPlaceUpdate(rotatingPasswordAddr)},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(s *terraform.State) error {
					return resource.TestCheckTypeSetElemAttr(rotatingPasswordAddr, "retiring_ids.*", oldest)(s)
				},
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "3"),
				mockPasswordsNamed(mock, "app-1", "app-2", "app-3"),
			),
		},
		{
			Config:           triggeredRotatingPassword(mock, "v3"),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr(rotatingPasswordAddr, "retiring_ids.#"),
				passwordGone(mock, &oldest),
				mockPasswordsNamed(mock, "app-2", "app-3"),
			),
		},
	}
}

// A previous credential whose delete the API refuses during a rotation
// stays in state (retiring_ids) and is deleted by the next apply.
func TestAccRotatingBranchPassword_failedRetirement(t *testing.T) {
	mock := acctest.NewMock(t)
	refused := mockapi.Fault{Route: mockapi.RouteDeletePassword, Status: 422, Times: 1}
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), retirementFailsOnce(mock, refused, nil)))
}

// The older previous's delete during a rotation answers an ambiguous 404
// (the token lost sight of the database as it arrived): it is not taken as
// deleted; it stays in retiring_ids, and the next apply deletes it.
func TestAccRotatingBranchPassword_ambiguousRetirementKeepsIt(t *testing.T) {
	mock := acctest.NewMock(t)
	lostSight := mockapi.Fault{Route: mockapi.RouteDeletePassword, Times: 1, Before: hideDatabase(mock, true)}
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), retirementFailsOnce(mock, lostSight, hideDatabase(mock, false))))
}

// keptThroughAmbiguousNotFound are the steps of a test in which, after a
// rotation, failing (run on the same configuration) meets a 404 while the
// token cannot see the database and fails: once the database is visible
// again, state and the API still hold both passwords.
func keptThroughAmbiguousNotFound(mock *acctest.Mock, failing resource.TestStep) []resource.TestStep {
	failing.Config = triggeredRotatingPassword(mock, "v2")
	return []resource.TestStep{
		{Config: triggeredRotatingPassword(mock, "v1")},
		{Config: triggeredRotatingPassword(mock, "v2")},
		failing,
		{
			PreConfig: hideDatabase(mock, false),
			Config:    triggeredRotatingPassword(mock, "v2"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrSet(rotatingPasswordAddr, "current.id"),
				resource.TestCheckResourceAttrSet(rotatingPasswordAddr, "previous.id"),
				mockPasswordsNamed(mock, "app-1", "app-2"),
			),
		},
	}
}

// A 404 while the token cannot see the database is no proof that a
// credential is gone: the refresh fails and state keeps both.
func TestAccRotatingBranchPassword_ambiguousNotFound(t *testing.T) {
	mock := acctest.NewMock(t)
	refresh := resource.TestStep{PreConfig: hideDatabase(mock, true), PlanOnly: true, ExpectError: errorLike(`Error Reading Branch Password`)}
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), keptThroughAmbiguousNotFound(mock, refresh)))
}

// Destroy whose first delete answers an ambiguous 404: destroy fails and
// both passwords stay in state and at the API; once the database is
// visible again, destroy deletes both.
func TestAccRotatingBranchPassword_destroyKeepsBothOnAmbiguousNotFound(t *testing.T) {
	mock := acctest.NewMock(t)
	lostSight := mockapi.Fault{Route: mockapi.RouteDeletePassword, Times: 1, Before: hideDatabase(mock, true)}
	destroy := resource.TestStep{PreConfig: func() { mock.Inject(lostSight) }, Destroy: true,
		ExpectError: errorLike(`Error Retiring Branch Password .* The previous password \w+ \(username \w+\) is kept in state as previous; run terraform destroy again once the cause is fixed\.`)}
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), keptThroughAmbiguousNotFound(mock, destroy)))
}

// Import of "org/db/branch/X/X" (previous_id = current_id) must be refused:
// accepted, the resource would hold one credential as both current and
// previous, and the first plan past overlap would "retire" the previous,
// deleting the current password the applications use (the next refresh
// would find the current gone and rotate). A credential cannot be its own
// predecessor.
func TestAccRotatingBranchPassword_importRefusesPreviousSameAsCurrent(t *testing.T) {
	mock := acctest.NewMock(t)
	made, err := newAPIClient(t, mock).CreatePassword(t.Context(), vitessMain, createPasswordRequest("admin", nil))
	if err != nil {
		t.Fatal(err)
	}
	tc := clockTestCase(t, mock, nil, []resource.TestStep{
		{
			// Imported a day after the password was made: overlap has
			// passed since its created_at (rotated_at after import).
			PreConfig: func() { mock.Advance(25 * time.Hour) },
			Config: triggeredRotatingPassword(mock, "v1") + fmt.Sprintf(`
import {
  to = planetscale_rotating_branch_password.app
  id = "acme/app-db/main/%[1]s/%[1]s"
}
`, made.ID),
			ExpectError: errorLike(`previous_id`),
		},
	})
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)}
	resource.ParallelTest(t, tc)
	if _, ok := mock.Password(made.ID); !ok {
		t.Errorf("the imported current password %s was deleted", made.ID)
	}
}

// A role rotation whose ready-wait fails ("Not Ready"; the role is saved as
// current). The next apply deletes the older role (retiring_ids) handing
// its objects to that current role (successor = its ID), and must first see
// it ready: PlanetScale creates a role before the database serves it, and
// objects handed to a role that is not there yet (and, past overlap, the
// retirement of the previous one, the last role that works) would depend
// on a role nobody saw ready. Read takes the role from the branch's list,
// which says nothing of that.
func TestAccRotatingPostgresRole_handsObjectsOnlyToAReadyCurrent(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := heirRole(t, mock)
	const pendingGets = 2 // the role is ready after this many GETs
	var first, second, third string
	var handedOver []string
	resource.ParallelTest(t, clockTestCase(t, mock, onlyHeirLeft(mock, heir), []resource.TestStep{
		{Config: roleWithSuccessor(mock, "v1", heir), Check: remember(rotatingRoleAddr, "current", &first)},
		{Config: roleWithSuccessor(mock, "v2", heir), Check: remember(rotatingRoleAddr, "current", &second)},
		{
			// The third role is created not ready; the wait's first GET fails.
			PreConfig: func() {
				mock.SetRolesPendingGets(pendingGets)
				mock.Inject(mockapi.Fault{Route: mockapi.RouteGetRole, Status: 422, Times: 1})
			},
			Config:      roleWithSuccessor(mock, "v3", heir),
			ExpectError: errorLike(`Not Ready`),
		},
		{
			PreConfig: func() {
				mock.SetRolesPendingGets(0)
				for _, ro := range mock.Roles() {
					if ro.ID != first && ro.ID != second && ro.ID != heir {
						third = ro.ID
					}
				}
				mock.SetRoleOwnsObjects(first, true)
				mock.Inject(mockapi.Fault{Route: mockapi.RouteDeleteRole, Times: 1, Before: func() {
					// The mock serves a role once it has answered
					// pendingGets GETs of it.
					served := 0
					for _, r := range mock.Requests(mockapi.RouteGetRole) {
						if strings.HasSuffix(r.Path, "/"+third) && r.Status == 200 {
							served++
						}
					}
					if served < pendingGets {
						handedOver = append(handedOver, fmt.Sprintf("role %s deleted with its objects handed to %s, which the API had not reported ready (%d of %d GETs)",
							first, third, served, pendingGets))
					}
				}})
			},
			Config: roleWithSuccessor(mock, "v3", heir),
			Check: func(*terraform.State) error {
				if third == "" {
					return fmt.Errorf("no third role in the mock")
				}
				if len(handedOver) > 0 {
					return fmt.Errorf("%s", strings.Join(handedOver, "; "))
				}
				return nil
			},
		},
	}))
}

// Destroy after the current role was deleted outside Terraform: the
// refresh drops it (its 404 while the branch answers is proof), and the
// previous role's objects go to successor, not to the gone current.
func TestAccRotatingPostgresRole_destroyWithGoneCurrent(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := heirRole(t, mock)
	var first, second string
	resource.ParallelTest(t, clockTestCase(t, mock, onlyHeirLeft(mock, heir), []resource.TestStep{
		{Config: roleWithSuccessor(mock, "v1", heir), Check: remember(rotatingRoleAddr, "current", &first)},
		{Config: roleWithSuccessor(mock, "v2", heir), Check: remember(rotatingRoleAddr, "current", &second)},
		{
			PreConfig: func() {
				if err := newAPIClient(t, mock).DeleteRole(t.Context(), postgresMain, second, ""); err != nil {
					t.Fatal(err)
				}
				mock.SetRoleOwnsObjects(first, true)
			},
			Config:  roleWithSuccessor(mock, "v2", heir),
			Destroy: true,
		},
	}))
}

// previousAfterARotation applies configure's rotating password named "a-"
// and rotated by "v1", then by "v2", with the built provider, and is the
// ID of the previous password in state then.
func previousAfterARotation(t *testing.T, tf *builtProvider, configure func(prefix, trigger string)) string {
	t.Helper()
	configure("a-", "v1")
	tf.apply()
	configure("a-", "v2")
	tf.apply()
	previous, _ := tf.state()[rotatingPasswordAddr]["previous"].(map[string]any)
	id, _ := previous["id"].(string)
	if id == "" {
		t.Fatalf("state has no %s.previous after a rotation", rotatingPasswordAddr)
	}
	return id
}

// The idle gate (retire_after_idle) must not be judged on stale evidence:
// were Update to record checked_at ("when state was last read") though it
// read nothing, a later plan with -refresh=false would compare a new
// checked_at with a last_used_at read long before, and retire a previous
// password that is in use at that very moment. Sequence (mock clock; the
// built provider's clock is the API's Date, which another resource's rename
// in the same apply lets it see): rotation at T; T+25h apply (refresh: used
// 1h ago, kept) with an in-place change; T+35h, password used now, apply
// -refresh=false with an in-place change (kept; checked_at must stay
// T+25h, last_used_at is still T+24h); password used now, apply
// -refresh=false with no change: the previous password must be kept.
func TestAccRotatingBranchPassword_idleGateNotJudgedOnStaleUse(t *testing.T) {
	mock := acctest.NewMock(t)
	tf := newBuiltProvider(t, mock, "apply -refresh=false with the built provider")
	configure := func(prefix, trigger string) {
		tf.configure(passwordBlock(fmt.Sprintf(`  name = "other-%s"`, prefix)).labelled("other").String() +
			passwordBlock(fmt.Sprintf(`
  name_prefix       = %q
  rotation_trigger  = %q
  overlap           = "24h"
  retire_after_idle = "6h"
  depends_on        = [planetscale_branch_password.other]
`, prefix, trigger)).rotating().String())
	}
	previous := previousAfterARotation(t, tf, configure)
	used := func(ago time.Duration) {
		if !mock.MarkUsed(previous, mock.Now().Add(-ago)) {
			t.Fatalf("no password %s", previous)
		}
	}
	mock.Advance(25 * time.Hour)
	used(time.Hour)
	configure("b-", "v2")
	tf.apply()
	mock.Advance(10 * time.Hour)
	used(0)
	configure("c-", "v2")
	tf.apply("-refresh=false")
	used(0)
	out := tf.apply("-refresh=false")
	if _, ok := mock.Password(previous); !ok {
		t.Fatalf("the previous password %s, used at this very moment, was retired by an apply -refresh=false:\n%s", previous, out)
	}
}

// The provider's clock is the API's only once this process heard from the
// API: an Update that sends nothing (here a new name_prefix with
// -refresh=false) must not record checked_at from the machine's clock.
// With the machine's clock 48h ahead of the API's (modelled by the mock's
// clock 48h behind), the next apply -refresh=false would judge the rotation
// 48h old and retire the previous password seconds after the rotation, long
// before overlap (24h) has passed by the API's clock.
func TestAccRotatingBranchPassword_checkedAtNeverFromTheMachineClock(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Advance(-48 * time.Hour)
	tf := newBuiltProvider(t, mock, "apply -refresh=false with the built provider")
	configure := func(prefix, trigger string) {
		tf.configure(passwordBlock(fmt.Sprintf(`
  name_prefix      = %q
  rotation_trigger = %q
  overlap          = "24h"
`, prefix, trigger)).rotating().String())
	}
	previous := previousAfterARotation(t, tf, configure)
	configure("b-", "v2")
	tf.apply("-refresh=false")
	out := tf.apply("-refresh=false")
	if _, ok := mock.Password(previous); !ok {
		t.Fatalf("the previous password %s was retired seconds after the rotation by the API's clock (overlap 24h):\n%s", previous, out)
	}
}

// The safety rules: "the fault harness must cover every path that deletes,
// forgets or gives up". The rotating resources delete (rotation, retirement,
// destroy) and forget (refresh), and so the provider-level harness must
// schedule both of them.
func TestRotatingResources_coveredByTheFaultHarness(t *testing.T) {
	src, err := os.ReadFile("harness_acc_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"planetscale_rotating_branch_password", "planetscale_rotating_postgres_role"} {
		if !strings.Contains(string(src), typ) {
			t.Errorf("the provider-level fault harness (harness_acc_test.go) never uses %s", typ)
		}
	}
}
