// The provider block through Terraform; Configure's unit tests are in
// provider_test.go.
package provider_test

import (
	"fmt"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccProvider_incompleteCredentialsFailAtPlan(t *testing.T) {
	mock := acctest.NewMock(t)
	for _, env := range []string{"PLANETSCALE_SERVICE_TOKEN_ID", "PLANETSCALE_SERVICE_TOKEN", "PLANETSCALE_ACCESS_TOKEN", "PLANETSCALE_SERVER_URL"} {
		t.Setenv(env, "")
	}
	resource.Test(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config: fmt.Sprintf(`
provider "planetscale" {
  server_url       = %q
  service_token_id = "only-the-id"
}
`, mock.URL) + passwordBlock("").String(),
			PlanOnly:    true,
			ExpectError: errorLike(`Incomplete PlanetScale Service Token.*service_token attribute or the PLANETSCALE_SERVICE_TOKEN environment variable`),
		},
	}))
	if n := mock.RequestCount(""); n != 0 {
		t.Errorf("a misconfigured provider made %d API request(s)", n)
	}
}
