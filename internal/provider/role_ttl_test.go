package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// The API does not tell the TTL a role was created with: its ttl is the
// time left, and expires_at - created_at stops being the TTL at the first
// renewal. Where state does not know it, the configured ttl is adopted in
// place; nothing is ever replaced for a value derived from timestamps.

// renewedRole is a role made outside Terraform with a one-hour TTL and
// renewed half an hour later: its expires_at - created_at is 90 minutes.
// The mock's clock has moved: tests serve the provider with it
// (mock.ProviderFactories).
func renewedRole(t *testing.T, mock *acctest.Mock) *planetscale.Role {
	t.Helper()
	api := newAPIClient(t, mock)
	ctx := context.Background()
	ro, err := api.CreateRole(ctx, postgresMain, planetscale.CreateRoleRequest{Name: "renewed", TTL: ptr(int64(3600))})
	if err != nil {
		t.Fatal(err)
	}
	mock.Advance(30 * time.Minute)
	if _, err := api.RenewRole(ctx, postgresMain, ro.ID); err != nil {
		t.Fatal(err)
	}
	mock.ResetRequests()
	return ro
}

// importedRole is roleBlock with further arguments, imported from the role
// id by an import block.
func importedRole(mock *acctest.Mock, id, arguments string) string {
	return mock.Config(`
import {
  to = planetscale_postgres_role.test
  id = "acme/pg-db/main/%s"
}
%s`, id, roleBlock(arguments))
}

// Importing a renewed role with its configured ttl adopts that ttl in place:
// the API does not tell a role's TTL, so nothing is replaced.
func TestAccPostgresRole_importRenewedAdoptsTTL(t *testing.T) {
	mock := acctest.NewMock(t)
	ro := renewedRole(t, mock)
	config := importedRole(mock, ro.ID, `
  name         = "renewed"
  ttl          = 3600
`)
	resource.ParallelTest(t, clockTestCase(t, mock, rolesLeft(mock), []resource.TestStep{
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("id"), knownvalue.StringExact(ro.ID)),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("ttl"), knownvalue.Int64Exact(3600)),
			},
			// Adopting the ttl writes state only.
			Check: mock.ExpectRequests(map[string]int{mockapi.RouteCreateRole: 0, mockapi.RouteDeleteRole: 0, mockapi.RouteUpdateRole: 0, mockapi.RouteRenewRole: 0}),
		},
		{
			// From then on the ttl is known: changing it replaces.
			Config: roleConfig(mock, `
  name         = "renewed"
  ttl          = 7200
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionReplace)},
			},
		},
	}))
}

// Imported without a ttl in the configuration (as terraform query writes
// it): nothing to change, and the role is renewed, not replaced, once
// inside renew_before.
func TestAccPostgresRole_importRenewedWithoutTTLRenews(t *testing.T) {
	mock := acctest.NewMock(t)
	ro := renewedRole(t, mock)
	config := func(renewBefore string) string {
		return importedRole(mock, ro.ID, `name = "renewed"`+"\n"+renewBefore)
	}
	resource.ParallelTest(t, clockTestCase(t, mock, rolesLeft(mock), []resource.TestStep{
		{
			Config: config(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionNoop)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("ttl"), knownvalue.Null()),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
			},
		},
		{
			PreConfig: func() { mock.ExpireIn(ro.ID, 10*time.Minute) },
			Config:    config(`renew_before = "30m"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(
				mock.ExpectRequests(map[string]int{mockapi.RouteRenewRole: 1, mockapi.RouteCreateRole: 0, mockapi.RouteDeleteRole: 0}),
				func(s *terraform.State) error {
					if id, err := stateID(s, roleAddr); err != nil || id != ro.ID {
						return fmt.Errorf("state holds role %q, want the imported %s: %w", id, ro.ID, err)
					}
					return nil
				},
			),
		},
	}))
}
