package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
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

resource "planetscale_postgres_role" "test" {
  organization              = "acme"
  database                  = "pg-db"
  branch                    = "main"
  password_rotation_trigger = terraform_data.rotation.output
}
`, rotation)
	}
	newPassword := statecheck.CompareValue(compare.ValuesDiffer())
	sameID := statecheck.CompareValue(compare.ValuesSame())
	track := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			newPassword.AddStateValue(roleAddr, tfjsonpath.New("password")),
			sameID.AddStateValue(roleAddr, tfjsonpath.New("id")),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             rolesLeft(mock),
		Steps: []resource.TestStep{
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
		},
	})
}
