package provider_test

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// Plans that Terraform must not reject at apply ("Provider produced
// inconsistent final plan"): Terraform plans a changed resource again during
// apply, and that plan must agree with the first on every value the first
// knew.

// timePasses is a plan check that moves the mock's clock (and so the
// clock of a provider served by mock.ProviderFactories) between a step's
// plan and its apply: a saved plan applied after review.
type timePasses struct {
	mock *acctest.Mock
	d    time.Duration
}

func (c timePasses) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	c.mock.Advance(c.d)
}

// A saved plan applied after the credential entered its renew window: the
// apply does what the plan said (a rename, no renewal), and the next plan
// renews.
func TestAccBranchPassword_savedPlanAppliedInsideRenewWindow(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(name string) string {
		return passwordConfig(mock, `
  name         = %q
  ttl          = 3600
  renew_before = "30m"
`, name)
	}
	sameExpiry := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{
			Config:            config("one"),
			ConfigStateChecks: []statecheck.StateCheck{sameExpiry.AddStateValue(passwordAddr, tfjsonpath.New("expires_at"))},
		},
		{
			// Planned with an hour left: a rename only. Applied 40
			// minutes later, 20 minutes before expiry.
			Config: config("two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					timePasses{mock, 40 * time.Minute},
				},
				// The plan after this apply renews; the step's own
				// empty-plan check would fail on that, rightly.
				PostApplyPostRefresh: renewalPlanned(passwordAddr),
			},
			ConfigStateChecks: []statecheck.StateCheck{
				sameExpiry.AddStateValue(passwordAddr, tfjsonpath.New("expires_at")),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("name"), knownvalue.StringExact("two")),
			},
			ExpectNonEmptyPlan: true,
			// The rename right after the create (from its temporary
			// name), and this step's.
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 0, mockapi.RouteUpdatePassword: 2}),
		},
		{
			// The next plan finds it inside the window and renews it.
			Config: config("two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: renewalPlanned(passwordAddr),
			},
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 1, mockapi.RouteCreatePassword: 1}),
		},
	}))
}

// The same for a role, whose saved plan resets its password: the apply
// resets (as planned) and does not renew.
func TestAccPostgresRole_savedPlanAppliedInsideRenewWindow(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, clockTestCase(t, mock, rolesLeft(mock), []resource.TestStep{
		{Config: renewingRole(mock, "one")},
		{
			Config: renewingRole(mock, "two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
					timePasses{mock, 90 * time.Minute},
				},
				PostApplyPostRefresh: renewalPlanned(roleAddr),
			},
			ExpectNonEmptyPlan: true,
			Check: resource.ComposeTestCheckFunc(
				mock.ExpectRequests(map[string]int{mockapi.RouteResetRole: 1, mockapi.RouteRenewRole: 0}),
				mock.ExpectMintedSecret(roleAddr),
			),
		},
		{
			Config: renewingRole(mock, "two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteResetRole: 1, mockapi.RouteRenewRole: 1}),
		},
	}))
}

// password_rotation_trigger unknown at plan time (it comes from a resource
// being changed, as with time_rotating): the password and the connection
// string are planned unknown, and apply resets the password.
func TestAccPostgresRole_unknownRotationTrigger(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(rotation string) string {
		return mock.Config(`
resource "terraform_data" "rotation" {
  input = %q
}
%s`, rotation, roleBlock("password_rotation_trigger = terraform_data.rotation.output"))
	}
	newPassword := statecheck.CompareValue(compare.ValuesDiffer())
	sameID := statecheck.CompareValue(compare.ValuesSame())
	track := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			newPassword.AddStateValue(roleAddr, tfjsonpath.New("password")),
			sameID.AddStateValue(roleAddr, tfjsonpath.New("id")),
		}
	}
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{Config: config("2026-11"), ConfigStateChecks: track()},
		{
			Config: config("2026-12"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(roleAddr, tfjsonpath.New("password_rotation_trigger")),
					plancheck.ExpectUnknownValue(roleAddr, tfjsonpath.New("password")),
					plancheck.ExpectUnknownValue(roleAddr, tfjsonpath.New("connection_string")),
				},
			},
			ConfigStateChecks: track(),
			Check: resource.ComposeTestCheckFunc(
				mock.ExpectRequests(map[string]int{mockapi.RouteResetRole: 1, mockapi.RouteCreateRole: 1}),
				mock.ExpectMintedSecret(roleAddr),
			),
		},
	}))
}

// passwordWindowFromData is a password that lives an hour, its renew_before
// window, from terraform_data.window.
func passwordWindowFromData(mock *acctest.Mock, window string) string {
	return renewBeforeFromData(mock, passwordBlock("ttl = 3600"), window)
}

// renew_before unknown at plan time, for a credential inside the window
// it turns out to have: the expiry is planned unknown, and apply renews.
func TestAccBranchPassword_unknownRenewBefore(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{Config: passwordWindowFromData(mock, "10m"), Check: rememberID(passwordAddr, &id)},
		{
			PreConfig: expireIn(mock, &id, 20*time.Minute),
			Config:    passwordWindowFromData(mock, "30m"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: renewalPlanned(passwordAddr),
			},
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 1, mockapi.RouteCreatePassword: 1}),
		},
	}))
}

// renew_before unknown at plan time for a password the API will not renew:
// whether it is replaced cannot wait for apply, so the plan fails and says
// what to do.
func TestAccBranchPassword_unknownRenewBeforeNotRenewable(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{Config: passwordWindowFromData(mock, "10m"), Check: rememberID(passwordAddr, &id)},
		{
			// Inside the window it turns out to have: apply would have
			// to replace what the plan kept.
			PreConfig: func() {
				mock.SetPasswordRenewable(id, false)
				expireIn(mock, &id, 20*time.Minute)()
			},
			Config:      passwordWindowFromData(mock, "30m"),
			ExpectError: errorLike(`renew_before depends on a value not known until apply, but the branch password ` + "[a-z0-9]+" + ` cannot be renewed`),
		},
	}))
}
