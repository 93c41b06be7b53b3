package provider_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// actionsConfig declares a password and a role with TTLs, a role that can
// take over objects, and the three actions on them; runs is the
// terraform_data whose change triggers them.
const actionsConfig = `
resource "planetscale_branch_password" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "app"
  ttl          = 86400
}

resource "planetscale_branch_password" "forever" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "forever"
}

resource "planetscale_postgres_role" "app" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "app"
  ttl          = 86400
}

resource "planetscale_postgres_role" "owner" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "owner"
}

action "planetscale_branch_password_renew" "app" {
  config {
    organization = planetscale_branch_password.app.organization
    database     = planetscale_branch_password.app.database
    branch       = planetscale_branch_password.app.branch
    id           = planetscale_branch_password.app.id
  }
}

action "planetscale_branch_password_renew" "forever" {
  config {
    import_id = "acme/app-db/main/${planetscale_branch_password.forever.id}"
  }
}

action "planetscale_postgres_role_renew" "app" {
  config {
    import_id = "acme/pg-db/main/${planetscale_postgres_role.app.id}"
  }
}

action "planetscale_postgres_role_reassign" "app" {
  config {
    organization = "acme"
    database     = "pg-db"
    branch       = "main"
    id           = planetscale_postgres_role.app.id
    successor    = planetscale_postgres_role.owner.username
  }
}
`

// The actions run from a lifecycle action_trigger: a renewal keeps each
// secret, a reassign moves the objects so the role is destroyed without a
// successor, and nothing runs until the trigger changes.
func TestAccActions_actionTrigger(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(round int) string {
		return mock.Config(actionsConfig+`
resource "terraform_data" "rotation_window" {
  input = %d

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.planetscale_branch_password_renew.app, action.planetscale_postgres_role_renew.app, action.planetscale_postgres_role_reassign.app]
    }
  }
}
`, round)
	}
	samePassword := statecheck.CompareValue(compare.ValuesSame())
	sameRolePassword := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             nothingLeft(mock),
		Steps: []resource.TestStep{
			{
				Config: config(1),
				ConfigStateChecks: []statecheck.StateCheck{
					samePassword.AddStateValue("planetscale_branch_password.app", tfjsonpath.New("plain_text")),
					sameRolePassword.AddStateValue("planetscale_postgres_role.app", tfjsonpath.New("password")),
				},
				Check: mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 0, mockapi.RouteRenewRole: 0, mockapi.RouteReassignRole: 0}),
			},
			{
				PreConfig: func() {
					for _, ro := range mock.Roles() {
						if ro.Name == "app" {
							mock.SetRoleOwnsObjects(ro.ID, true)
						}
					}
				},
				Config: config(2),
				ConfigStateChecks: []statecheck.StateCheck{
					samePassword.AddStateValue("planetscale_branch_password.app", tfjsonpath.New("plain_text")),
					sameRolePassword.AddStateValue("planetscale_postgres_role.app", tfjsonpath.New("password")),
				},
				Check: resource.ComposeTestCheckFunc(
					mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 1, mockapi.RouteRenewRole: 1, mockapi.RouteReassignRole: 1}),
					func(*terraform.State) error {
						for _, ro := range mock.Roles() {
							if ro.OwnsObjects != (ro.Name == "owner") {
								return fmt.Errorf("after the reassign, role %s owns objects: %v", ro.Name, ro.OwnsObjects)
							}
							// The owner's objects are dropped with it, so the
							// test can destroy everything.
							mock.SetRoleOwnsObjects(ro.ID, false)
						}
						return nil
					},
				),
			},
		},
	})
}

// The actions run on their own with terraform apply -invoke, and fail
// clearly on a credential that cannot be renewed or a successor that does
// not exist.
func TestAccActions_invoke(t *testing.T) {
	tf, host := directTerraform(t, "1.14.0", "actions")
	mock := acctest.NewMock(t)
	work := t.TempDir()
	writeFile(t, filepath.Join(work, "main.tf"), []byte(fmt.Sprintf(`
terraform {
  required_providers {
    planetscale = {
      source = %q
    }
  }
}

provider "planetscale" {}

action "planetscale_postgres_role_reassign" "to_nobody" {
  config {
    import_id = "acme/pg-db/main/${planetscale_postgres_role.app.id}"
    successor = "nobody"
  }
}
`, host+"/credsmith/planetscale")+actionsConfig))
	rc := devOverrides(t, host)
	run := terraformIn(t, tf, work, rc, mock)
	run("apply", "-auto-approve", "-no-color")
	mock.ResetRequests()

	out := run("apply", "-auto-approve", "-no-color", "-invoke=action.planetscale_branch_password_renew.app")
	if !strings.Contains(out, "Renewed branch password acme/app-db/main/") {
		t.Errorf("the renewal shows no progress:\n%s", out)
	}
	out = run("apply", "-auto-approve", "-no-color", "-invoke=action.planetscale_postgres_role_renew.app")
	if !strings.Contains(out, "Renewed Postgres role acme/pg-db/main/") {
		t.Errorf("the role renewal shows no progress:\n%s", out)
	}
	run("apply", "-auto-approve", "-no-color", "-invoke=action.planetscale_postgres_role_reassign.app")
	if err := mock.ExpectRequests(map[string]int{mockapi.RouteRenewPassword: 1, mockapi.RouteRenewRole: 1, mockapi.RouteReassignRole: 1})(nil); err != nil {
		t.Error(err)
	}
	// Invoking an action changes no resource: the next plan is empty.
	run("plan", "-detailed-exitcode", "-no-color")

	fails := func(action, want string) {
		t.Helper()
		out, err := terraformCommand(tf, work, rc, mock, "apply", "-auto-approve", "-no-color", "-invoke="+action).CombinedOutput()
		if err == nil || !errorLike(want).Match(out) {
			t.Errorf("%s: %v, want a failure saying %q:\n%s", action, err, want, out)
		}
	}
	fails("action.planetscale_branch_password_renew.forever", `cannot be renewed: it has no ttl, so it never expires`)
	if n := mock.RequestCount(mockapi.RouteRenewPassword); n != 1 {
		t.Errorf("a password that cannot be renewed was sent %d renew request(s)", n-1)
	}
	fails("action.planetscale_postgres_role_reassign.to_nobody", `HTTP 422 .* Check successor: it must be the ID or username of another role on the same branch`)
}
