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
	const notAName = `which is not a name: a URL path resolves "\." and "\.\." away, so the request would reach another object\. ` +
		`Use the name as PlanetScale shows it`
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		planFails(passwordBlock("").on("acme", "app-db", "..").config(mock), errorLike(`Invalid Name.*branch is "\.\.", `+notAName)),
		planFails(roleBlock("").on(".", "pg-db", "main").config(mock), errorLike(`Invalid Name.*organization is "\.", `+notAName)),
		planFails(passwordBlock(`id = ".."`).dataSource("planetscale_branch_password").config(mock), errorLike(`Invalid Name.*id is "\.\.", `+notAName)),
		planFails(roleBlock("").dataSource("planetscale_postgres_roles").on("acme", "..", "main").config(mock), errorLike(`Invalid Name.*database is "\.\.", `+notAName)),
		{
			Config:        passwordConfig(mock, ""),
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
