package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// A secret comes only from the answer that minted it: when the API's reads
// (GET and list), renames (PATCH) and renewals carry a secret too, the one
// in state is still the one the create returned, for both kinds.
func TestAccCredentials_secretOnlyFromCreate(t *testing.T) {
	mock := acctest.NewMock(t)
	const leaked = "pscale_pw_sent-where-no-secret-belongs"
	config := func(name string) string {
		return mock.ProviderConfig() + bothKinds(fmt.Sprintf(`
  name         = %q
  ttl          = 3600
  renew_before = "30m"
`, name))
	}
	var passwordID, roleID string
	minted := resource.ComposeTestCheckFunc(
		mock.ExpectMintedSecret(passwordAddr),
		mock.ExpectMintedSecret(roleAddr),
		func(s *terraform.State) error {
			for _, addr := range []string{passwordAddr, roleAddr} {
				if cs := s.RootModule().Resources[addr].Primary.Attributes["connection_string"]; strings.Contains(cs, leaked) {
					return fmt.Errorf("%s: connection_string is built from a secret the API sent outside a create", addr)
				}
			}
			return nil
		},
	)
	leak := func() { mock.Inject(mockapi.Fault{AnswerSecret: leaked}) }
	resource.ParallelTest(t, accTestCase(t, resource.ComposeTestCheckFunc(passwordsLeft(mock), rolesLeft(mock)), []resource.TestStep{
		{
			Config: config("app"),
			Check:  resource.ComposeTestCheckFunc(minted, rememberID(passwordAddr, &passwordID), rememberID(roleAddr, &roleID)),
		},
		{
			// Refreshed from answers that carry a secret, then renamed.
			PreConfig: func() { leak(); mock.ResetRequests() },
			Config:    config("renamed"),
			Check: resource.ComposeTestCheckFunc(minted, func(*terraform.State) error {
				for _, route := range []string{mockapi.RouteUpdatePassword, mockapi.RouteUpdateRole} {
					if mock.RequestCount(route) != 1 {
						return fmt.Errorf("the mock saw %d %s request(s), want 1", mock.RequestCount(route), route)
					}
				}
				if mock.RequestCount(mockapi.RouteListPasswords)+mock.RequestCount(mockapi.RouteGetPassword) == 0 ||
					mock.RequestCount(mockapi.RouteListRoles)+mock.RequestCount(mockapi.RouteGetRole) == 0 {
					return fmt.Errorf("the credentials were not refreshed: %v", mock.RequestCounts())
				}
				return nil
			}),
		},
		{
			// Inside renew_before: renewed in place, not replaced (the log
			// was reset before the rename).
			PreConfig: func() {
				expireIn(mock, &passwordID, 20*time.Minute)()
				expireIn(mock, &roleID, 20*time.Minute)()
			},
			Config: config("renamed"),
			Check: resource.ComposeTestCheckFunc(minted, mock.ExpectRequests(map[string]int{
				mockapi.RouteRenewPassword: 1, mockapi.RouteRenewRole: 1, mockapi.RouteCreatePassword: 0, mockapi.RouteCreateRole: 0,
			})),
		},
		{
			Config: config("renamed"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: minted,
		},
	}))
}
