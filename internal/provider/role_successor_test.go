package provider_test

// A role's successor (issue #34): the API takes it only at the delete, and
// refuses one that is not on the branch then. A successor the branch does
// not have is refused before anything is created, by every resource that
// creates roles; a delete refused anyway says what is left and how to
// recover.

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// nothingCreatedBut is a check that no role was created and the mock holds
// only the role heir (made out of band).
func nothingCreatedBut(mock *acctest.Mock, heirID string) func() error {
	return func() error {
		if n := mock.RequestCount(mockapi.RouteCreateRole); n != 0 {
			return fmt.Errorf("%d role create(s) sent for a successor the branch does not have", n)
		}
		if left := mock.Roles(); len(left) != 1 || left[0].ID != heirID {
			return fmt.Errorf("mock holds %+v, want only the heir", left)
		}
		return nil
	}
}

// checked is a PreConfig that fails the test unless nothing was created by
// the step before.
func checked(t *testing.T, check func() error) func() {
	return func() {
		if err := check(); err != nil {
			t.Error(err)
		}
	}
}

// A managed role whose successor is not on the branch ("admin", or the
// heir's name instead of its username) is refused before its create: the
// message names the value and the branch's roles, and nothing is left at
// the API. A successor that is another role's username, unknown until
// apply, is checked once known and accepted.
func TestAccPostgresRole_successorNotOnBranchRefusedBeforeCreate(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	noneMade := checked(t, nothingCreatedBut(mock, heir.ID))
	successor := func(value string) string { return roleBlock("successor = " + value).config(mock) }
	owner := roleBlock(`name = "owner"`).labelled("owner").String()
	resource.ParallelTest(t, accTestCase(t, onlyRoleLeft(mock, heir.ID), []resource.TestStep{
		{
			PreConfig: mock.ResetRequests,
			Config:    successor(`"admin"`),
			ExpectError: errorLike(`Error Creating Postgres Role .* successor "admin" is not a role on this branch, so nothing was created.*` +
				`Roles on the branch: ` + regexp.QuoteMeta(heir.Username) + ` \(name "heir", ID ` + heir.ID + `\)`),
		},
		{
			// The name is not what the API takes: the message says which
			// username it is.
			PreConfig: func() { noneMade(); mock.ResetRequests() },
			Config:    successor(`"heir"`),
			ExpectError: errorLike(`successor "heir" is not a role on this branch.*"heir" is the name of the role ` +
				regexp.QuoteMeta(heir.Username) + `: successor takes its username \(successor = "` + regexp.QuoteMeta(heir.Username) + `"\)`),
		},
		{
			// Another role's username, unknown until apply: checked at
			// create, once known.
			PreConfig: noneMade,
			Config:    mock.ProviderConfig() + owner + roleBlock("successor = planetscale_postgres_role.owner.username").String(),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue(roleAddr, tfjsonpath.New("successor"))},
			},
		},
		{
			// The base username (without the branch suffix) and the ID are
			// taken too, as the API takes them.
			Config: mock.ProviderConfig() + owner + roleBlock(fmt.Sprintf("successor = %q", heir.BaseUsername)).labelled("base").String() +
				roleBlock(fmt.Sprintf("successor = %q", heir.ID)).String(),
		},
	}))
}

// onlyRoleLeft is a CheckDestroy: the mock holds only the role id.
func onlyRoleLeft(mock *acctest.Mock, id string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := mock.Roles(); len(left) != 1 || left[0].ID != id {
			return fmt.Errorf("after destroy the mock holds %+v, want only %s", left, id)
		}
		return nil
	}
}

// An ephemeral role whose successor is not on the branch is refused before
// Open creates anything: no role is left at the API by the plan or apply.
func TestAccEphemeralPostgresRole_successorNotOnBranchRefusedBeforeOpen(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	mock.ResetRequests()
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{
		{
			Config:      ephemeralRoleWithSuccessor(mock, "app_owner"),
			ExpectError: errorLike(`Error Creating Ephemeral Postgres Role .* successor "app_owner" is not a role on this branch, so nothing was created`),
		},
		{
			PreConfig: checked(t, nothingCreatedBut(mock, heir.ID)),
			Config:    ephemeralRoleWithSuccessor(mock, heir.Username),
		},
	}))
}

// A rotating role whose successor is not on the branch is refused before
// its first role is created.
func TestAccRotatingPostgresRole_successorNotOnBranchRefusedBeforeCreate(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	resource.ParallelTest(t, accTestCase(t, onlyRoleLeft(mock, heir.ID), []resource.TestStep{
		{
			PreConfig:   mock.ResetRequests,
			Config:      roleWithSuccessor(mock, "v1", "admin"),
			ExpectError: errorLike(`Error Creating Postgres Role .* successor "admin" is not a role on this branch, so nothing was created`),
		},
		{
			PreConfig: checked(t, nothingCreatedBut(mock, heir.ID)),
			Config:    roleWithSuccessor(mock, "v1", heir.ID),
		},
	}))
}

// When the branch's roles cannot be listed (an ambiguous 404), nothing is
// created, and the message says why.
func TestAccPostgresRole_successorUncheckableCreatesNothing(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	mock.ResetRequests()
	mock.Inject(mockapi.Fault{Route: mockapi.RouteListRoles, Status: 404})
	resource.ParallelTest(t, accTestCase(t, onlyRoleLeft(mock, heir.ID), []resource.TestStep{
		{
			Config: roleBlock(fmt.Sprintf("successor = %q", heir.Username)).config(mock),
			ExpectError: errorLike(`successor "` + regexp.QuoteMeta(heir.Username) + `" could not be looked for among the branch's roles, so nothing was created.*` +
				`HTTP 404.*cannot see it`),
		},
		{
			PreConfig: func() {
				if err := nothingCreatedBut(mock, heir.ID)(); err != nil {
					t.Error(err)
				}
				mock.ClearFaults()
			},
			Config: roleBlock(fmt.Sprintf("successor = %q", heir.Username)).config(mock),
		},
	}))
}

// A role whose successor is deleted after its create cannot be destroyed:
// the error names successor, the role, that it still exists and stays in
// state, and the steps that recover; following them deletes it.
func TestAccPostgresRole_successorGoneAtDestroyKeepsTheRole(t *testing.T) {
	mock := acctest.NewMock(t)
	heir, second := createRoleOutOfBand(t, mock), createRoleOutOfBand(t, mock)
	var id string
	resource.ParallelTest(t, accTestCase(t, onlyRoleLeft(mock, second.ID), []resource.TestStep{
		{
			Config: roleBlock(fmt.Sprintf("successor = %q", heir.Username)).config(mock),
			Check:  rememberID(roleAddr, &id),
		},
		{
			PreConfig: func() { mock.RemoveRole(heir.ID) },
			Config:    roleBlock(fmt.Sprintf("successor = %q", heir.Username)).config(mock),
			Destroy:   true,
			ExpectError: errorLike(`Error Deleting Postgres Role .* HTTP 422 .* Successor role "` + regexp.QuoteMeta(heir.Username) + `" was not found on this branch.*` +
				`PlanetScale did not find successor "` + regexp.QuoteMeta(heir.Username) + `" on the branch.*` +
				`The role \w+ \(username [\w.]+\) was not deleted: it still exists at PlanetScale and is kept in state, with its password\. To delete it: ` +
				`1\. Set successor to the ID or username of another role on the branch .* 2\. Run terraform apply: the change is to state only\. 3\. Run terraform destroy again`),
		},
		{
			// Still in state: the new successor is an update, not a create.
			PreConfig: func() {
				if _, ok := mock.Role(id); !ok {
					t.Errorf("the role %s is gone from the API after its delete was refused", id)
				}
			},
			Config: roleBlock(fmt.Sprintf("successor = %q", second.Username)).config(mock),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.TestCheckResourceAttrPtr(roleAddr, "id", &id),
		},
	}))
}

// An ephemeral role's Close whose successor was deleted after the Open
// fails and says the role is left at the API, which one, how to delete it,
// and what to change.
func TestAccEphemeralPostgresRole_closeFailureNamesTheRoleLeft(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteDeleteRole, Times: 1, Before: func() { mock.RemoveRole(heir.ID) }})
	resource.ParallelTest(t, ephemeralTestCase(t, []resource.TestStep{{
		Config: ephemeralRoleWithSuccessor(mock, heir.Username),
		ExpectError: errorLike(`Error Deleting Ephemeral Postgres Role .* PlanetScale did not find successor "` + regexp.QuoteMeta(heir.Username) + `".*` +
			`The role "terraform-ephemeral-\w+" \(ID (\w+), username pscale_api_[\w.]+\) is left at PlanetScale: .* nothing will delete it later\. ` +
			`Delete it yourself: in the PlanetScale console \(database pg-db, branch main\).* Set successor to the ID or username of another role on the branch`),
	}}))
	if left := mock.Roles(); len(left) != 1 || left[0].ID == heir.ID {
		t.Errorf("mock holds %+v, want the role the failed Close left", left)
	}
}

// A rotating role's destroy whose successor was deleted fails naming the
// current role, successor, that it stays in state, and what deletes it.
func TestAccRotatingPostgresRole_successorGoneAtDestroyNamesCurrent(t *testing.T) {
	mock := acctest.NewMock(t)
	heir, second := createRoleOutOfBand(t, mock), createRoleOutOfBand(t, mock)
	var current string
	resource.ParallelTest(t, accTestCase(t, onlyRoleLeft(mock, second.ID), []resource.TestStep{
		{
			Config: roleWithSuccessor(mock, "v1", heir.Username),
			Check:  remember(rotatingRoleAddr, "current", &current),
		},
		{
			PreConfig: func() { mock.RemoveRole(heir.ID) },
			Config:    roleWithSuccessor(mock, "v1", heir.Username),
			Destroy:   true,
			ExpectError: errorLike(`Error Deleting Postgres Role .* PlanetScale did not find successor "` + regexp.QuoteMeta(heir.Username) + `".*` +
				`The current role \w+ \(username [\w.]+\) was not deleted: it still exists at PlanetScale and is kept in state as current, with its password\. .*` +
				`3\. Run terraform destroy again`),
		},
		{
			// Still in state, as current.
			Config: roleWithSuccessor(mock, "v1", second.Username),
			Check:  resource.TestCheckResourceAttrPtr(rotatingRoleAddr, "current.id", &current),
		},
	}))
}
