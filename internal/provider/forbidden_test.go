package provider_test

import (
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// A 403 on a role's create, rename or password reset names the service
// token accesses the API lists for that role operation, not a password's.
func TestAccPostgresRole_forbiddenNamesTheRoleAccess(t *testing.T) {
	mock := acctest.NewMock(t)
	forbid := func(route string) func() {
		return func() { mock.Inject(mockapi.Fault{Route: route, Status: http.StatusForbidden, Times: 1}) }
	}
	resource.ParallelTest(t, accTestCase(t, rolesLeft(mock), []resource.TestStep{
		{
			PreConfig: forbid(mockapi.RouteCreateRole),
			Config:    triggeredRole(mock, "app", "1"),
			ExpectError: errorLike(`HTTP 403 \(forbidden\).*service token from provider attribute service_token_id.*` +
				`accesses the API lists for create_role: create_production_branch_password, create_production_read_only_branch_password, create_branch_password\.`),
		},
		{Config: triggeredRole(mock, "app", "1")},
		{
			PreConfig: forbid(mockapi.RouteUpdateRole),
			Config:    triggeredRole(mock, "renamed", "1"),
			ExpectError: errorLike(`Error Updating Postgres Role.*HTTP 403.*` +
				`accesses the API lists for update_role: create_production_branch_password, create_production_read_only_branch_password, create_branch_password\.`),
		},
		{
			PreConfig: forbid(mockapi.RouteResetRole),
			Config:    triggeredRole(mock, "app", "2"),
			ExpectError: errorLike(`Error Updating Postgres Role.*HTTP 403.*` +
				`accesses the API lists for reset_role: delete_production_branch_password, delete_production_read_only_branch_password, delete_branch_password\.`),
		},
	}))
}
