package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// A rotation planned while name_prefix is unknown
// (another resource's output) plans generation unknown and applies
// without an inconsistent final plan or result; the id stays.
func TestAccRotatingBranchPassword_rotationWithUnknownNamePrefix(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(replace, trigger string) string {
		return mock.Config(`
resource "terraform_data" "prefix" {
  input            = "app-"
  triggers_replace = %q
}
`, replace) + passwordBlock(fmt.Sprintf("  name_prefix = terraform_data.prefix.output\n  rotation_trigger = %q", trigger)).rotating().String()
	}
	var first string
	resource.ParallelTest(t, clockTestCase(t, mock, nothingLeft(mock), []resource.TestStep{
		{
			Config: config("a", "v1"),
			Check:  remember(rotatingPasswordAddr, "current", &first),
		},
		{
			Config: config("b", "v2"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("generation"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("current").AtMapKey("name"), knownvalue.StringExact("app-2")),
			},
			Check: resource.ComposeTestCheckFunc(idIs(rotatingPasswordAddr, &first), slotIs(rotatingPasswordAddr, "previous", &first)),
		},
	}))
}

// A current credential that kept its temporary name (the rename
// after its create failed) is renamed by the next plan to name_prefix and
// its generation. When name_prefix is unknown at plan, the plan keeps the
// current as it is; the final plan at apply, with name_prefix known, must
// not then plan the rename ("Provider produced inconsistent final plan").
func TestAccRotatingBranchPassword_pendingNameWithUnknownNamePrefix(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(replace string) string {
		return mock.Config(`
resource "terraform_data" "prefix" {
  input            = "app-"
  triggers_replace = %q
}
`, replace) + passwordBlock("  name_prefix = terraform_data.prefix.output\n  rotation_trigger = \"v1\"").rotating().String()
	}
	resource.ParallelTest(t, clockTestCase(t, mock, nothingLeft(mock), []resource.TestStep{
		{
			PreConfig:          func() { mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdatePassword, Status: 422, Times: 1}) },
			Config:             config("a"),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: inPlaceUpdate(rotatingPasswordAddr), // the next plan renames it
			},
		},
		{
			Config: config("b"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("current").AtMapKey("name"), knownvalue.StringExact("app-1")),
			},
		},
	}))
}
