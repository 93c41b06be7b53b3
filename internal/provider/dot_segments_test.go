package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// "." and ".." are not names: a URL path resolves them away, so a request
// would reach another object. They are refused at plan time (and at import)
// with what to do, before any request is sent.
func TestAccDotSegmentsAreRefused(t *testing.T) {
	mock := acctest.NewMock(t)
	planFails := func(config, want string) resource.TestStep {
		return resource.TestStep{Config: mock.ProviderConfig() + config, PlanOnly: true, ExpectError: errorLike(want)}
	}
	const notAName = `which is not a name: a URL path resolves "\." and "\.\." away, so the request would reach another object\. ` +
		`Use the name as PlanetScale shows it`
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		planFails(`
resource "planetscale_branch_password" "test" {
  organization = "acme"
  database     = "app-db"
  branch       = ".."
}
`, `Invalid Name.*branch is "\.\.", `+notAName),
		planFails(`
resource "planetscale_postgres_role" "test" {
  organization = "."
  database     = "pg-db"
  branch       = "main"
}
`, `Invalid Name.*organization is "\.", `+notAName),
		planFails(`
data "planetscale_branch_password" "test" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  id           = ".."
}
`, `Invalid Name.*id is "\.\.", `+notAName),
		planFails(`
data "planetscale_postgres_roles" "test" {
  organization = "acme"
  database     = ".."
  branch       = "main"
}
`, `Invalid Name.*database is "\.\.", `+notAName),
		{
			Config: mock.Config(`
resource "planetscale_branch_password" "test" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
}
`),
			ResourceName:  passwordAddr,
			ImportState:   true,
			ImportStateId: "acme/../main/abc",
			ExpectError:   errorLike(`Invalid Import ID.*whose database is "\.\.", which is not a name.*give the database as PlanetScale shows it`),
		},
	}))
	if n := mock.RequestCount(""); n != 0 {
		t.Errorf("%d API request(s) were sent; \".\" and \"..\" must be refused before any", n)
	}
}
