package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// Resource identity (Terraform 1.12+, OpenTofu 1.12): organization,
// database, branch and id are in state from create on, stay the same across
// refresh and rename, and an import block can name a credential by them.
func TestAccIdentity(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(name string) string {
		return mock.ProviderConfig() + bothKinds(fmt.Sprintf("name = %q", name))
	}
	identity := func(db string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"organization": knownvalue.StringExact("acme"),
			"database":     knownvalue.StringExact(db),
			"branch":       knownvalue.StringExact("main"),
			"id":           knownvalue.NotNull(),
		}
	}
	sameIdentity := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             nothingLeft(mock),
		Steps: []resource.TestStep{
			{
				Config: config("app"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(passwordAddr, identity("app-db")),
					statecheck.ExpectIdentity(roleAddr, identity("pg-db")),
					statecheck.ExpectIdentityValueMatchesState(passwordAddr, tfjsonpath.New("id")),
					statecheck.ExpectIdentityValueMatchesState(roleAddr, tfjsonpath.New("id")),
					sameIdentity.AddStateValue(passwordAddr, tfjsonpath.New("id")),
				},
			},
			{
				// Renamed in place: the identity stays.
				Config: config("renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(passwordAddr, identity("app-db")),
					statecheck.ExpectIdentityValueMatchesState(passwordAddr, tfjsonpath.New("id")),
					statecheck.ExpectIdentityValueMatchesState(roleAddr, tfjsonpath.New("id")),
					sameIdentity.AddStateValue(passwordAddr, tfjsonpath.New("id")),
				},
			},
			{
				// import { to = ..., identity = { ... } } plans a no-op import.
				Config:          config("renamed"),
				ResourceName:    passwordAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config:          config("renamed"),
				ResourceName:    roleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}
