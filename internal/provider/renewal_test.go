package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

func TestAccBranchPassword_renewBefore(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	sameID := statecheck.CompareValue(compare.ValuesSame())
	laterExpiry := statecheck.CompareValue(compare.ValuesDiffer())
	track := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			sameSecret.AddStateValue(passwordAddr, tfjsonpath.New("plain_text")),
			sameID.AddStateValue(passwordAddr, tfjsonpath.New("id")),
			laterExpiry.AddStateValue(passwordAddr, tfjsonpath.New("expires_at")),
		}
	}
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{Config: renewingPassword(mock, "30m"), ConfigStateChecks: track(), Check: rememberID(passwordAddr, &id)},
		{
			// 50 minutes left: outside the window, nothing to do.
			PreConfig: expireIn(mock, &id, 50*time.Minute),
			Config:    renewingPassword(mock, "30m"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
		{
			// 20 minutes left: renewed in place, same secret, later expiry.
			PreConfig: expireIn(mock, &id, 20*time.Minute),
			Config:    renewingPassword(mock, "30m"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: track(),
			// One renewal, and no create but the first: renewal must not
			// replace.
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 1, mockapi.RouteCreatePassword: 1}),
		},
	}))
}

func TestAccBranchPassword_renewBeforeNotRenewable(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{
			Config: renewingPassword(mock, "30m"),
			Check:  rememberID(passwordAddr, &id),
		},
		{
			PreConfig: func() {
				mock.SetPasswordRenewable(id, false)
				expireIn(mock, &id, 20*time.Minute)()
			},
			Config: renewingPassword(mock, "30m"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionReplace)},
			},
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 0}),
		},
	}))
}

func TestAccPostgresRole_renewBeforeAndRotation(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameUsername := statecheck.CompareValue(compare.ValuesSame())
	newPassword := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{
			Config: renewingRole(mock, "2026-11"),
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(roleAddr, tfjsonpath.New("id")),
				sameUsername.AddStateValue(roleAddr, tfjsonpath.New("username")),
				newPassword.AddStateValue(roleAddr, tfjsonpath.New("password")),
			},
			// Setting the trigger on create resets nothing.
			Check: resource.ComposeTestCheckFunc(mock.ExpectRequests(map[string]int{mockapi.RouteResetRole: 0}), rememberID(roleAddr, &id)),
		},
		{
			// A new trigger value: the password is reset in place.
			Config: renewingRole(mock, "2026-12"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(roleAddr, tfjsonpath.New("id")),
				sameUsername.AddStateValue(roleAddr, tfjsonpath.New("username")),
				newPassword.AddStateValue(roleAddr, tfjsonpath.New("password")),
			},
			Check: resource.ComposeTestCheckFunc(
				mock.ExpectRequests(map[string]int{mockapi.RouteResetRole: 1}),
				mock.ExpectMintedSecret(roleAddr),
			),
		},
		{
			// Inside renew_before: renewed in place, password kept.
			PreConfig: expireIn(mock, &id, 30*time.Minute),
			Config:    renewingRole(mock, "2026-12"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(
				// One renewal and no second reset: the password stays.
				mock.ExpectRequests(map[string]int{mockapi.RouteRenewRole: 1, mockapi.RouteResetRole: 1}),
				mock.ExpectMintedSecret(roleAddr),
				func(s *terraform.State) error {
					id, err := stateID(s, roleAddr)
					if err != nil {
						return err
					}
					stored, _ := mock.Role(id)
					if left := time.Until(*stored.ExpiresAt); left < 100*time.Minute {
						return fmt.Errorf("expiry moved to %s, only %s ahead", stored.ExpiresAt, left)
					}
					return nil
				},
			),
		},
	}))
}
