// The rotating resources' id, which names the resource in Terraform's
// progress lines and stays through rotations, and the generation after an
// import, which names the next credential past the imported ones.
package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// idIs checks that addr's id is the ID remembered in id.
func idIs(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		if got := rs.Primary.Attributes["id"]; got != *id || got == "" {
			return fmt.Errorf("%s.id is %q, want %q", addr, got, *id)
		}
		return nil
	}
}

// The id is the first current credential's ID, for both kinds: known in
// the plan of a rotation (no "known after apply" noise) and the same after
// it, and every plan after an apply is empty.
func TestAccRotating_id(t *testing.T) {
	mock := acctest.NewMock(t)
	var firstPassword, firstRole string
	config := func(trigger string) string {
		return triggeredRotatingPassword(mock, trigger) + roleBlock(fmt.Sprintf(`  rotation_trigger = %q`, trigger)).rotating().String()
	}
	idKnown := func(addr string) plancheck.PlanCheck {
		return plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.NotNull())
	}
	resource.ParallelTest(t, clockTestCase(t, mock, nothingLeft(mock), []resource.TestStep{
		{
			Config: config("v1"),
			Check: resource.ComposeTestCheckFunc(
				remember(rotatingPasswordAddr, "current", &firstPassword), idIs(rotatingPasswordAddr, &firstPassword),
				remember(rotatingRoleAddr, "current", &firstRole), idIs(rotatingRoleAddr, &firstRole),
			),
			ConfigPlanChecks: emptyPlanAfterApply,
		},
		{
			Config: config("v2"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{idKnown(rotatingPasswordAddr), idKnown(rotatingRoleAddr)},
				PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh,
			},
			Check: resource.ComposeTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &firstPassword), idIs(rotatingPasswordAddr, &firstPassword),
				slotIs(rotatingRoleAddr, "previous", &firstRole), idIs(rotatingRoleAddr, &firstRole),
			),
		},
		{
			// The first credentials are gone now; the id stays.
			Config: config("v3"),
			Check:  resource.ComposeTestCheckFunc(idIs(rotatingPasswordAddr, &firstPassword), idIs(rotatingRoleAddr, &firstRole)),
		},
	}))
}

// A pair imported as app-2 (current) and app-1 (previous) rotates to app-3:
// the generation goes past the imported names, so no second app-2 is made.
// The id is the imported current's, through the rotation.
func TestAccRotatingBranchPassword_importedGeneration(t *testing.T) {
	mock := acctest.NewMock(t)
	var app1, app2 string
	made := func(name string) string {
		p, err := newAPIClient(t, mock).CreatePassword(context.Background(), vitessMain, planetscale.CreatePasswordRequest{Name: name, Role: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{
			PreConfig:          func() { app1, app2 = made("app-1"), made("app-2") },
			Config:             triggeredRotatingPassword(mock, "v1"),
			ResourceName:       rotatingPasswordAddr,
			ImportState:        true,
			ImportStateIdFunc:  func(*terraform.State) (string, error) { return "acme/app-db/main/" + app2 + "/" + app1, nil },
			ImportStatePersist: true,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["id"] != app2 {
					return fmt.Errorf("imported id is not the current's, %s: %+v", app2, states)
				}
				return nil
			},
		},
		{
			Config:           triggeredRotatingPassword(mock, "v1"), // recorded in place, no rotation
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
		},
		{
			Config: triggeredRotatingPassword(mock, "v2"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("generation"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("current").AtMapKey("name"), knownvalue.StringExact("app-3")),
			},
			Check:            resource.ComposeTestCheckFunc(mockPasswordsNamed(mock, "app-2", "app-3"), idIs(rotatingPasswordAddr, &app2)),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
		},
	}))
}
