// Review of the rotating resources (issue #25) against the safety rules,
// as acceptance tests against the mock: each test is one attack, named
// TestReview...; its comment says the sequence and what the rules want.
package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
	"github.com/credsmith/terraform-provider-planetscale/internal/provider"
)

func reviewTrigger(mock *acctest.Mock, trigger string) string {
	return rotatingPassword(mock, fmt.Sprintf(`  rotation_trigger = %q`, trigger))
}

// ---- Failing on the reviewed code ----

// Import of "org/db/branch/X/X" (previous_id = current_id) is accepted: the
// resource then holds one credential as both current and previous, and the
// first plan past overlap "retires" the previous, deleting the current
// password the applications use (the next refresh finds the current gone
// and rotates). A credential cannot be its own predecessor: the import
// must be refused.
func TestReviewRotatingImportRefusesPreviousSameAsCurrent(t *testing.T) {
	mock := acctest.NewMock(t)
	made, err := newAPIClient(t, mock).CreatePassword(t.Context(), vitessMain, createPasswordRequest("admin", nil))
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// Imported a day after the password was made: overlap has
				// passed since its created_at (rotated_at after import).
				PreConfig: func() { mock.Advance(25 * time.Hour) },
				Config: reviewTrigger(mock, "v1") + fmt.Sprintf(`
import {
  to = planetscale_rotating_branch_password.app
  id = "acme/app-db/main/%[1]s/%[1]s"
}
`, made.ID),
				ExpectError: errorLike(`previous_id`),
			},
		},
	})
	if _, ok := mock.Password(made.ID); !ok {
		t.Errorf("the imported current password %s was deleted", made.ID)
	}
}

// A rotation whose rename from the temporary name fails (422; Ctrl-C after
// the create does the same, since the rename is not sent after a stop):
// the apply warns "If it still has its temporary name (terraform-pending-...),
// the next plan renames it in place", but no plan ever does. State first
// says current.name = "app-1", the next refresh records the temporary name,
// and the password keeps it for good: name_prefix's promise (each
// generation under its own name) and the warning's are both broken.
func TestReviewRotatingRenameFailureIsRenamedByTheNextPlan(t *testing.T) {
	mock := acctest.NewMock(t)
	config := reviewTrigger(mock, "v1")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy:             passwordsLeft(mock),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdatePassword, Status: 422, Times: 1}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rotatingPasswordAddr, plancheck.ResourceActionUpdate),
				}},
				ExpectNonEmptyPlan: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: resource.ComposeAggregateTestCheckFunc(
					mockPasswordsNamed(mock, "app-1"),
					resource.TestCheckResourceAttr(rotatingPasswordAddr, "current.name", "app-1"),
				),
			},
		},
	})
}

// A role rotation whose ready-wait fails ("Not Ready"; the role is saved as
// current). The next apply deletes the older role (retiring_ids) handing
// its objects to that current role (successor = its ID) without ever
// seeing it ready: Read takes the role from the branch's list and nothing
// waits for it. PlanetScale creates a role before the database serves it;
// objects handed to a role that is not there yet (and, past overlap, the
// retirement of the previous one, the last role that works) depend on a
// role nobody saw ready. The hand-off must wait until the API says it is.
func TestReviewRotatingRoleRetiresOntoANotReadyCurrent(t *testing.T) {
	mock := acctest.NewMock(t)
	heir, err := newAPIClient(t, mock).CreateRole(t.Context(), postgresMain, planetscale.CreateRoleRequest{Name: "heir"})
	if err != nil {
		t.Fatal(err)
	}
	config := func(trigger string) string {
		return mock.Config(`
resource "planetscale_rotating_postgres_role" "app" {
  organization     = "acme"
  database         = "pg-db"
  branch           = "main"
  rotation_trigger = %q
  successor        = %q
}
`, trigger, heir.ID)
	}
	const pendingGets = 2 // the role is ready after this many GETs
	var first, second, third string
	var handedOver []string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if roles := mock.Roles(); len(roles) != 1 || roles[0].ID != heir.ID {
				return fmt.Errorf("after destroy the mock holds %+v; want only the heir", roles)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config("v1"), Check: remember(rotatingRoleAddr, "current", &first)},
			{Config: config("v2"), Check: remember(rotatingRoleAddr, "current", &second)},
			{
				// The third role is created not ready; the wait's first GET fails.
				PreConfig: func() {
					mock.SetRolesPendingGets(pendingGets)
					mock.Inject(mockapi.Fault{Route: mockapi.RouteGetRole, Status: 422, Times: 1})
				},
				Config:      config("v3"),
				ExpectError: errorLike(`Not Ready`),
			},
			{
				PreConfig: func() {
					mock.SetRolesPendingGets(0)
					for _, ro := range mock.Roles() {
						if ro.ID != first && ro.ID != second && ro.ID != heir.ID {
							third = ro.ID
						}
					}
					mock.SetRoleOwnsObjects(first, true)
					mock.Inject(mockapi.Fault{Route: mockapi.RouteDeleteRole, Times: 1, Before: func() {
						// The mock serves a role once it has answered
						// pendingGets GETs of it.
						served := 0
						for _, r := range mock.Requests(mockapi.RouteGetRole) {
							if strings.HasSuffix(r.Path, "/"+third) && r.Status == 200 {
								served++
							}
						}
						if served < pendingGets {
							handedOver = append(handedOver, fmt.Sprintf("role %s deleted with its objects handed to %s, which the API had not reported ready (%d of %d GETs)",
								first, third, served, pendingGets))
						}
					}})
				},
				Config: config("v3"),
				Check: func(*terraform.State) error {
					if third == "" {
						return fmt.Errorf("no third role in the mock")
					}
					if len(handedOver) > 0 {
						return fmt.Errorf("%s", strings.Join(handedOver, "; "))
					}
					return nil
				},
			},
		},
	})
}

// The idle gate (retire_after_idle) judged on stale evidence: Update
// records checked_at ("when state was last read") though it read nothing,
// so with -refresh=false a later plan compares a new checked_at with a
// last_used_at read long before, and retires a previous password that is
// in use at that very moment. Sequence (mock clock; the built provider's
// clock is the API's Date, which another resource's rename in the same
// apply lets it see): rotation at T; T+25h apply (refresh: used 1h ago,
// kept) with an in-place change; T+35h, password used now, apply
// -refresh=false with an in-place change (kept; Update records checked_at
// T+35h, last_used_at still T+24h); password used now, apply -refresh=false
// with no change: the plan retires it ("unused" for 11h), apply deletes it.
func TestReviewRotatingIdleGateNotJudgedOnStaleUse(t *testing.T) {
	mock := acctest.NewMock(t)
	tf := newReviewTerraform(t, mock)
	configure := func(prefix, trigger string) {
		tf.configure(fmt.Sprintf(`
resource "planetscale_branch_password" "other" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "other-%[1]s"
}

resource "planetscale_rotating_branch_password" "app" {
  organization      = "acme"
  database          = "app-db"
  branch            = "main"
  name_prefix       = %[1]q
  rotation_trigger  = %[2]q
  overlap           = "24h"
  retire_after_idle = "6h"
  depends_on        = [planetscale_branch_password.other]
}
`, prefix, trigger))
	}
	configure("a-", "v1")
	tf.apply()
	configure("a-", "v2")
	tf.apply()
	previous := tf.slot("planetscale_rotating_branch_password", "previous")
	used := func(ago time.Duration) {
		if !mock.MarkUsed(previous, mock.Now().Add(-ago)) {
			t.Fatalf("no password %s", previous)
		}
	}
	mock.Advance(25 * time.Hour)
	used(time.Hour)
	configure("b-", "v2")
	tf.apply()
	mock.Advance(10 * time.Hour)
	used(0)
	configure("c-", "v2")
	tf.apply("-refresh=false")
	used(0)
	out := tf.apply("-refresh=false")
	if _, ok := mock.Password(previous); !ok {
		t.Fatalf("the previous password %s, used at this very moment, was retired by an apply -refresh=false:\n%s", previous, out)
	}
}

// The provider's clock is the API's only once this process heard from the
// API: an Update that sends nothing (here a new name_prefix with
// -refresh=false) records checked_at from the machine's clock. With the
// machine's clock 48h ahead of the API's (modelled by the mock's clock
// 48h behind), the next apply -refresh=false judges the rotation 48h old
// and retires the previous password seconds after the rotation, long
// before overlap (24h) has passed by the API's clock.
func TestReviewRotatingCheckedAtNeverFromTheMachineClock(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.Advance(-48 * time.Hour)
	tf := newReviewTerraform(t, mock)
	configure := func(prefix, trigger string) {
		tf.configure(fmt.Sprintf(`
resource "planetscale_rotating_branch_password" "app" {
  organization     = "acme"
  database         = "app-db"
  branch           = "main"
  name_prefix      = %q
  rotation_trigger = %q
  overlap          = "24h"
}
`, prefix, trigger))
	}
	configure("a-", "v1")
	tf.apply()
	configure("a-", "v2")
	tf.apply()
	previous := tf.slot("planetscale_rotating_branch_password", "previous")
	configure("b-", "v2")
	tf.apply("-refresh=false")
	out := tf.apply("-refresh=false")
	if _, ok := mock.Password(previous); !ok {
		t.Fatalf("the previous password %s was retired seconds after the rotation by the API's clock (overlap 24h):\n%s", previous, out)
	}
}

// reviewTerraform runs the terraform binary with the built provider in one
// working directory; the provider's clock is its own default (the API's).
type reviewTerraform struct {
	t          *testing.T
	tf, rc, wd string
	mock       *acctest.Mock
}

func newReviewTerraform(t *testing.T, mock *acctest.Mock) *reviewTerraform {
	t.Helper()
	tf, host := directTerraform(t, "1.5.0", "apply -refresh=false with the built provider")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no terraform on PATH")
		}
	}
	return &reviewTerraform{t: t, tf: tf, rc: devOverrides(t, host), wd: t.TempDir(), mock: mock}
}

func (r *reviewTerraform) configure(resources string) {
	writeFile(r.t, filepath.Join(r.wd, "main.tf"), []byte(`terraform {
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}
`+resources))
}

func (r *reviewTerraform) apply(args ...string) string {
	r.t.Helper()
	return terraformIn(r.t, r.tf, r.wd, r.rc, r.mock)(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
}

// slot is the ID in a slot of the resource of type typ in state.
func (r *reviewTerraform) slot(typ, slot string) string {
	r.t.Helper()
	raw, err := os.ReadFile(filepath.Join(r.wd, "terraform.tfstate"))
	if err != nil {
		r.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		r.t.Fatal(err)
	}
	for _, res := range state.Resources {
		if res.Type == typ {
			s, _ := res.Instances[0].Attributes[slot].(map[string]any)
			if id, _ := s["id"].(string); id != "" {
				return id
			}
		}
	}
	r.t.Fatalf("state has no %s.%s", typ, slot)
	return ""
}

// The safety rules: "the fault harness must cover every path that deletes,
// forgets or gives up". The rotating resources delete (rotation, retirement,
// destroy) and forget (refresh), and the provider-level harness schedules
// neither of them.
func TestReviewHarnessCoversRotatingResources(t *testing.T) {
	src, err := os.ReadFile("harness_acc_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"planetscale_rotating_branch_password", "planetscale_rotating_postgres_role"} {
		if !strings.Contains(string(src), typ) {
			t.Errorf("the provider-level fault harness (harness_acc_test.go) never uses %s", typ)
		}
	}
}

// ---- Attacks the reviewed code withstands ----

// The rotation's create answer is lost (the API made the password, the
// connection drops): the create path removes what the lost attempt made and
// creates again; no orphan, the old current kept as previous.
func TestReviewRotatingLostCreateAnswerLeavesNoOrphan(t *testing.T) {
	mock := acctest.NewMock(t)
	var first string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy:             passwordsLeft(mock),
		Steps: []resource.TestStep{
			{Config: reviewTrigger(mock, "v1"), Check: remember(rotatingPasswordAddr, "current", &first)},
			{
				PreConfig: func() {
					mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Times: 1})
				},
				Config:           reviewTrigger(mock, "v2"),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: resource.ComposeAggregateTestCheckFunc(
					slotIs(rotatingPasswordAddr, "previous", &first),
					mockPasswordsNamed(mock, "app-1", "app-2"),
					func(*terraform.State) error {
						if n := mock.RequestCount(mockapi.RouteCreatePassword); n != 3 {
							return fmt.Errorf("%d creates, want 3 (the first, the lost one, its retry)", n)
						}
						return nil
					},
				),
			},
		},
	})
}

// The rotation's create fails for certain: nothing changed, state still
// holds the old current, and the next apply rotates.
func TestReviewRotatingFailedCreateChangesNothing(t *testing.T) {
	mock := acctest.NewMock(t)
	var first string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy:             passwordsLeft(mock),
		Steps: []resource.TestStep{
			{Config: reviewTrigger(mock, "v1"), Check: remember(rotatingPasswordAddr, "current", &first)},
			{
				PreConfig:   func() { mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: 422, Times: 1}) },
				Config:      reviewTrigger(mock, "v2"),
				ExpectError: errorLike(`Error Rotating Branch Password`),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					slotIs(rotatingPasswordAddr, "current", &first),
					resource.TestCheckNoResourceAttr(rotatingPasswordAddr, "previous.id"),
					resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "1"),
					mockPasswordsNamed(mock, "app-1"),
				),
			},
			{
				Config:           reviewTrigger(mock, "v2"),
				ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
				Check:            slotIs(rotatingPasswordAddr, "previous", &first),
			},
		},
	})
}

// The older previous's delete during a rotation answers an ambiguous 404
// (the token lost sight of the database as it arrived): it is not taken as
// deleted; it stays in retiring_ids, and the next apply deletes it.
func TestReviewRotatingAmbiguousRetirementKeepsIt(t *testing.T) {
	mock := acctest.NewMock(t)
	var oldest string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy:             passwordsLeft(mock),
		Steps: []resource.TestStep{
			{Config: reviewTrigger(mock, "v1"), Check: remember(rotatingPasswordAddr, "current", &oldest)},
			{Config: reviewTrigger(mock, "v2")},
			{
				PreConfig: func() {
					mock.Inject(mockapi.Fault{Route: mockapi.RouteDeletePassword, Times: 1, Before: func() { mock.HideDatabase("acme", "app-db", true) }})
				},
				Config:      reviewTrigger(mock, "v3"),
				ExpectError: errorLike(`Error Retiring Branch Password`),
			},
			{
				PreConfig:          func() { mock.HideDatabase("acme", "app-db", false) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						return resource.TestCheckTypeSetElemAttr(rotatingPasswordAddr, "retiring_ids.*", oldest)(s)
					},
					mockPasswordsNamed(mock, "app-1", "app-2", "app-3"),
				),
			},
			{
				Config:           reviewTrigger(mock, "v3"),
				ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
				Check:            mockPasswordsNamed(mock, "app-2", "app-3"),
			},
		},
	})
}

// Destroy whose first delete answers an ambiguous 404: destroy fails and
// both passwords stay in state and at the API; once the database is
// visible again, destroy deletes both.
func TestReviewRotatingDestroyKeepsBothOnAmbiguous404(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy:             passwordsLeft(mock),
		Steps: []resource.TestStep{
			{Config: reviewTrigger(mock, "v1")},
			{Config: reviewTrigger(mock, "v2")},
			{
				PreConfig: func() {
					mock.Inject(mockapi.Fault{Route: mockapi.RouteDeletePassword, Times: 1, Before: func() { mock.HideDatabase("acme", "app-db", true) }})
				},
				Config:      reviewTrigger(mock, "v2"),
				Destroy:     true,
				ExpectError: errorLike(`Error Retiring Branch Password`),
			},
			{
				PreConfig: func() { mock.HideDatabase("acme", "app-db", false) },
				Config:    reviewTrigger(mock, "v2"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet(rotatingPasswordAddr, "current.id"),
					resource.TestCheckResourceAttrSet(rotatingPasswordAddr, "previous.id"),
					mockPasswordsNamed(mock, "app-1", "app-2"),
				),
			},
		},
	})
}

// Destroy after the current role was deleted outside Terraform: the
// refresh drops it (its 404 while the branch answers is proof), and the
// previous role's objects go to successor, not to the gone current.
func TestReviewRotatingRoleDestroyWithGoneCurrent(t *testing.T) {
	mock := acctest.NewMock(t)
	api := newAPIClient(t, mock)
	heir, err := api.CreateRole(t.Context(), postgresMain, planetscale.CreateRoleRequest{Name: "heir"})
	if err != nil {
		t.Fatal(err)
	}
	config := func(trigger string) string {
		return mock.Config(`
resource "planetscale_rotating_postgres_role" "app" {
  organization     = "acme"
  database         = "pg-db"
  branch           = "main"
  rotation_trigger = %q
  successor        = %q
}
`, trigger, heir.ID)
	}
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if roles := mock.Roles(); len(roles) != 1 || roles[0].ID != heir.ID || !roles[0].OwnsObjects {
				return fmt.Errorf("after destroy the mock holds %+v; want only the heir, owning the previous role's objects", roles)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config("v1"), Check: remember(rotatingRoleAddr, "current", &first)},
			{Config: config("v2"), Check: remember(rotatingRoleAddr, "current", &second)},
			{
				PreConfig: func() {
					if err := api.DeleteRole(t.Context(), postgresMain, second, ""); err != nil {
						t.Fatal(err)
					}
					mock.SetRoleOwnsObjects(first, true)
				},
				Config:  config("v2"),
				Destroy: true,
			},
		},
	})
}

// The provider's default clock (no test clock) is the API's, from the Date
// of its answers: the built provider follows the mock's clock, so an age
// rotation happens once the mock says the password is old enough.
func TestReviewRotatingDefaultClockIsTheAPIs(t *testing.T) {
	mock := acctest.NewMock(t)
	config := rotatingPassword(mock, `  rotate_every = "48h"`)
	var first string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"planetscale": providerserver.NewProtocol6WithError(provider.New("review")()),
		},
		CheckDestroy: passwordsLeft(mock),
		Steps: []resource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply, Check: remember(rotatingPasswordAddr, "current", &first)},
			{PreConfig: func() { mock.Advance(47 * time.Hour) }, Config: config, PlanOnly: true},
			{
				PreConfig:        func() { mock.Advance(2 * time.Hour) },
				Config:           config,
				ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
				Check:            slotIs(rotatingPasswordAddr, "previous", &first),
			},
		},
	})
}

// A rotation_trigger not known until apply while the previous password is
// due for retirement: the plan shows both slots unknown; apply finds the
// value unchanged, so it retires the previous one and rotates nothing,
// without an inconsistent final plan or result.
func TestReviewRotatingUnknownTriggerWhileRetirementIsDue(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(version, replace string) string {
		return mock.Config(`
resource "terraform_data" "version" {
  input            = %q
  triggers_replace = %q
}

resource "planetscale_rotating_branch_password" "app" {
  organization     = "acme"
  database         = "app-db"
  branch           = "main"
  rotation_trigger = terraform_data.version.output
}
`, version, replace)
	}
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: mock.ProviderFactories(),
		CheckDestroy:             passwordsLeft(mock),
		Steps: []resource.TestStep{
			{Config: config("v1", "a"), Check: remember(rotatingPasswordAddr, "current", &first)},
			{Config: config("v2", "a"), Check: remember(rotatingPasswordAddr, "current", &second)},
			{
				PreConfig: func() { mock.Advance(25 * time.Hour) },
				Config:    config("v2", "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(rotatingPasswordAddr, tfjsonpath.New("current").AtMapKey("plain_text")),
						plancheck.ExpectUnknownValue(rotatingPasswordAddr, tfjsonpath.New("previous")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("previous"), knownvalue.Null())},
				Check: resource.ComposeAggregateTestCheckFunc(
					slotIs(rotatingPasswordAddr, "current", &second),
					func(*terraform.State) error { return passwordGone(mock, first) },
				),
			},
		},
	})
}
