// The rotating resources' lifecycles and plan decisions against the mock,
// with the mock's clock moved by the tests (never a sleep): rotation by age,
// by trigger and by a changed setting, retirement after overlap, the idle
// gate, drift of either slot, import, unknown triggers, saved plans, the
// provider's default clock, destroy, and an empty plan after every step.
// What a failure must not delete or forget is in rotating_safety_test.go;
// the helpers here serve all the rotating_*_test.go files.
package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

const (
	rotatingPasswordAddr = "planetscale_rotating_branch_password.app"
	rotatingRoleAddr     = "planetscale_rotating_postgres_role.app"
)

// rotatingPassword is the rotating password app, generation N named app-N,
// after the mock's provider block, with further arguments.
func rotatingPassword(mock *acctest.Mock, arguments string) string {
	return passwordBlock(`  name_prefix = "app-"`).with(arguments).rotating().config(mock)
}

// triggeredRotatingPassword is rotatingPassword rotated whenever trigger
// changes, and by nothing else.
func triggeredRotatingPassword(mock *acctest.Mock, trigger string) string {
	return rotatingPassword(mock, fmt.Sprintf(`  rotation_trigger = %q`, trigger))
}

// triggerFromData is a rotating password whose rotation_trigger is
// terraform_data.version's output: unknown at plan time whenever replace
// changes, and version once applied.
func triggerFromData(mock *acctest.Mock, version, replace string) string {
	return mock.Config(`
resource "terraform_data" "version" {
  input            = %q
  triggers_replace = %q
}
%s`, version, replace, passwordBlock(`  rotation_trigger = terraform_data.version.output`).rotating())
}

// heirRole is the ID of a role made outside Terraform, for a rotating role's
// successor.
func heirRole(t *testing.T, mock *acctest.Mock) string {
	t.Helper()
	heir, err := newAPIClient(t, mock).CreateRole(t.Context(), postgresMain, planetscale.CreateRoleRequest{Name: "heir"})
	if err != nil {
		t.Fatal(err)
	}
	return heir.ID
}

// onlyHeirLeft is a CheckDestroy: the mock must hold only the role heir,
// owning the objects the rotating role's roles handed on.
func onlyHeirLeft(mock *acctest.Mock, heir string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if roles := mock.Roles(); len(roles) != 1 || roles[0].ID != heir || !roles[0].OwnsObjects {
			return fmt.Errorf("after destroy the mock holds %+v; want only the heir %s, owning the objects", roles, heir)
		}
		return nil
	}
}

// slotID reads current.id or previous.id from state; "" when the slot is null.
func slotID(s *terraform.State, addr, slot string) string {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return ""
	}
	return rs.Primary.Attributes[slot+".id"]
}

// remember stores a slot's ID for later steps.
func remember(addr, slot string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if *id = slotID(s, addr, slot); *id == "" {
			return fmt.Errorf("%s.%s is null", addr, slot)
		}
		return nil
	}
}

// slotIs checks that a slot holds the credential remembered in id.
func slotIs(addr, slot string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if got := slotID(s, addr, slot); got != *id {
			return fmt.Errorf("%s.%s is %q, want %q", addr, slot, got, *id)
		}
		return nil
	}
}

// mockPasswordsNamed fails unless the mock holds exactly passwords of these names.
func mockPasswordsNamed(mock *acctest.Mock, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, p := range mock.Passwords() {
			got = append(got, p.Name)
		}
		slices.Sort(got)
		slices.Sort(names)
		if !slices.Equal(got, names) {
			return fmt.Errorf("mock holds passwords %v, want %v", got, names)
		}
		return nil
	}
}

// passwordGone fails while the mock holds the password remembered in id.
func passwordGone(mock *acctest.Mock, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := mock.Password(*id); ok {
			return fmt.Errorf("password %s still exists", *id)
		}
		return nil
	}
}

// noPrevious is the state check of a resource whose previous slot is null.
func noPrevious(addr string) []statecheck.StateCheck {
	return []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("previous"), knownvalue.Null())}
}

// inPlaceUpdate is the plan check of addr updated in place.
func inPlaceUpdate(addr string) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}
}

var (
	// emptyPlanAfterApply: the step's apply leaves nothing to do.
	emptyPlanAfterApply = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	// nothingPlanned: the step plans nothing at all.
	nothingPlanned = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
)

// updatesInPlace: the step updates addr in place, and its apply leaves
// nothing to do.
func updatesInPlace(addr string) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: inPlaceUpdate(addr), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh}
}

// slotsUnknownUntilApply: the step updates addr in place with its slots
// known only after apply (it may rotate, and may retire), and its apply
// leaves nothing to do.
func slotsUnknownUntilApply(addr string) resource.ConfigPlanChecks {
	checks := updatesInPlace(addr)
	checks.PreApply = append(checks.PreApply,
		plancheck.ExpectUnknownValue(addr, tfjsonpath.New("current").AtMapKey("plain_text")),
		plancheck.ExpectUnknownValue(addr, tfjsonpath.New("previous")))
	return checks
}

func TestAccRotatingBranchPassword_lifecycle(t *testing.T) {
	mock := acctest.NewMock(t)
	byAge := `
  rotate_every = "720h"
  overlap      = "24h"
`
	var first, second, third string
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{
			Config:            rotatingPassword(mock, byAge),
			ConfigPlanChecks:  emptyPlanAfterApply,
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				remember(rotatingPasswordAddr, "current", &first),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "1"),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "current.name", "app-1"),
				resource.TestCheckResourceAttrSet(rotatingPasswordAddr, "current.plain_text"),
				resource.TestMatchResourceAttr(rotatingPasswordAddr, "current.connection_string", regexp.MustCompile(`^mysql://`)),
				resource.TestCheckResourceAttrPair(rotatingPasswordAddr, "rotated_at", rotatingPasswordAddr, "current.created_at"),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "role", "admin"),
				mockPasswordsNamed(mock, "app-1"),
			),
		},
		{
			// Not yet 720h old: nothing to do.
			PreConfig: func() { mock.Advance(719 * time.Hour) },
			Config:    rotatingPassword(mock, byAge),
			PlanOnly:  true,
		},
		{
			// Past rotate_every: a new current, the old one kept as previous.
			PreConfig:        func() { mock.Advance(time.Hour) },
			Config:           rotatingPassword(mock, byAge),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &first),
				remember(rotatingPasswordAddr, "current", &second),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "2"),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "current.name", "app-2"),
				resource.TestCheckResourceAttrSet(rotatingPasswordAddr, "previous.plain_text"),
				mockPasswordsNamed(mock, "app-1", "app-2"),
			),
		},
		{
			// Past overlap: the previous one is retired.
			PreConfig:         func() { mock.Advance(25 * time.Hour) },
			Config:            rotatingPassword(mock, byAge),
			ConfigPlanChecks:  updatesInPlace(rotatingPasswordAddr),
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "current", &second),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "2"),
				mockPasswordsNamed(mock, "app-2"),
			),
		},
		{
			// A trigger where state has none is recorded without a rotation.
			Config:           rotatingPassword(mock, byAge+`  rotation_trigger = "v1"`),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "current", &second),
				mockPasswordsNamed(mock, "app-2"),
			),
		},
		{
			// A new trigger value rotates.
			Config:           rotatingPassword(mock, byAge+`  rotation_trigger = "v2"`),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &second),
				remember(rotatingPasswordAddr, "current", &third),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "3"),
				mockPasswordsNamed(mock, "app-2", "app-3"),
			),
		},
		{
			// A changed role rotates too (the base resource replaces);
			// the older previous is deleted.
			Config:           rotatingPassword(mock, byAge+`  rotation_trigger = "v2"`+"\n  role = \"reader\""),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &third),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "4"),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "role", "reader"),
				mockPasswordsNamed(mock, "app-3", "app-4"),
				func(*terraform.State) error {
					for _, p := range mock.Passwords() {
						if want := map[string]string{"app-3": "admin", "app-4": "reader"}[p.Name]; p.Role != want {
							return fmt.Errorf("password %s has role %s, want %s", p.Name, p.Role, want)
						}
					}
					return nil
				},
			),
		},
	}))
}

// With retire_after_idle, a previous password still in use is kept past
// its overlap, and retired once the API shows it unused long enough.
func TestAccRotatingBranchPassword_idleGate(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(trigger string) string {
		return rotatingPassword(mock, fmt.Sprintf(`
  rotation_trigger  = %q
  overlap           = "24h"
  retire_after_idle = "6h"
`, trigger))
	}
	var previous string
	markUsed := func(ago time.Duration) func() {
		return func() {
			if !mock.MarkUsed(previous, mock.Now().Add(-ago)) {
				panic("no password " + previous)
			}
		}
	}
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: config("v1"), ConfigPlanChecks: emptyPlanAfterApply},
		{
			Config:           config("v2"),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check:            remember(rotatingPasswordAddr, "previous", &previous),
		},
		{
			// Past overlap, but used an hour ago: kept, and the state
			// shows when it was last used.
			PreConfig:        func() { mock.Advance(25 * time.Hour); markUsed(time.Hour)() },
			Config:           config("v2"),
			ConfigPlanChecks: nothingPlanned,
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &previous),
				resource.TestCheckResourceAttrSet(rotatingPasswordAddr, "previous.last_used_at"),
			),
		},
		{
			// Unused for 7h now: retired.
			PreConfig:         func() { mock.Advance(6 * time.Hour) },
			Config:            config("v2"),
			ConfigPlanChecks:  updatesInPlace(rotatingPasswordAddr),
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check:             passwordGone(mock, &previous),
		},
	}))
}

// A current password deleted outside Terraform is replaced by a rotation
// at the next plan; a previous one deleted outside Terraform becomes null.
func TestAccRotatingBranchPassword_drift(t *testing.T) {
	mock := acctest.NewMock(t)
	var current, previous string
	deleteOutside := func(id *string) func() {
		return func() {
			if err := newAPIClient(t, mock).DeletePassword(t.Context(), vitessMain, *id); err != nil {
				t.Fatal(err)
			}
		}
	}
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: triggeredRotatingPassword(mock, "v1"), Check: remember(rotatingPasswordAddr, "current", &current)},
		{
			Config:           triggeredRotatingPassword(mock, "v2"),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check:            remember(rotatingPasswordAddr, "previous", &previous),
		},
		{
			// The previous one, deleted outside: null after refresh,
			// nothing planned.
			PreConfig:         deleteOutside(&previous),
			Config:            triggeredRotatingPassword(mock, "v2"),
			ConfigPlanChecks:  nothingPlanned,
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check:             remember(rotatingPasswordAddr, "current", &current),
		},
		{
			// The current one, deleted outside: the plan rotates.
			PreConfig:        deleteOutside(&current),
			Config:           triggeredRotatingPassword(mock, "v2"),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "3"),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "current.name", "app-3"),
				mockPasswordsNamed(mock, "app-3"),
			),
		},
	}))
}

// Import by ID, with and without the previous password; the secrets are
// null after import, and the plan adopts the configuration without a
// rotation.
func TestAccRotatingBranchPassword_import(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: triggeredRotatingPassword(mock, "v1")},
		{Config: triggeredRotatingPassword(mock, "v2")},
		{
			ResourceName: rotatingPasswordAddr,
			ImportState:  true,
			ImportStateIdFunc: func(s *terraform.State) (string, error) {
				return "acme/app-db/main/" + slotID(s, rotatingPasswordAddr, "current") + "/" + slotID(s, rotatingPasswordAddr, "previous"), nil
			},
			ImportStateVerify:                    true,
			ImportStateVerifyIdentifierAttribute: "current.id",
			ImportStateVerifyIgnore: []string{
				"current.plain_text", "current.connection_string", "previous.plain_text", "previous.connection_string",
				"rotation_trigger", "name_prefix", "overlap", "generation",
				"id", // the first current's ID; an import takes the current one's
			},
		},
		{
			ResourceName: rotatingPasswordAddr,
			ImportState:  true,
			ImportStateIdFunc: func(s *terraform.State) (string, error) {
				return "acme/app-db/main/" + slotID(s, rotatingPasswordAddr, "current"), nil
			},
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["current.plain_text"] != "" || states[0].Attributes["current.name"] != "app-2" {
					return fmt.Errorf("imported %+v", states)
				}
				return nil
			},
		},
		{
			Config:           triggeredRotatingPassword(mock, "v2"),
			ConfigPlanChecks: emptyPlanAfterApply,
		},
	}))
}

// What cannot keep the rotation's promise is refused at plan time.
func TestAccRotatingBranchPassword_validation(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, clockTestCase(t, mock, nil, []resource.TestStep{
		planFails(rotatingPassword(mock, ``), errorLike(`Set rotate_every .* rotation_trigger .* or both`)),
		planFails(rotatingPassword(mock, `  rotate_every = "24h"`+"\n"+`  overlap = "48h"`),
			errorLike(`overlap \(48h0m0s\) is longer than rotate_every \(24h0m0s\)`)),
		planFails(rotatingPassword(mock, `  rotate_every = "720h"`+"\n"+`  ttl = 2592000`),
			errorLike(`ttl \(2592000 seconds, 720h0m0s\) must be longer than rotate_every plus overlap \(744h0m0s\).*Raise ttl above 2678400`)),
		planFails(rotatingPassword(mock, `  rotate_every = "a month"`), regexp.MustCompile(`Invalid Duration`)),
	}))
}

// A previous role's objects go to the current role when it is retired, and
// the last role's to successor at destroy.
func TestAccRotatingPostgresRole_lifecycle(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := heirRole(t, mock)
	readAll := roleBlock(`
  inherited_roles = ["pg_read_all_data"]
  rotate_every    = "48h"
`).rotating()
	safeDeletes := readAll.with(`  require_where_on_delete = "on"`)
	// A changed inherited_roles rotates; successor takes the last role's
	// objects at destroy.
	readWrite := roleBlock(fmt.Sprintf(`
  inherited_roles         = ["pg_read_all_data", "pg_write_all_data"]
  rotate_every            = "48h"
  require_where_on_delete = "on"
  successor               = %q
`, heir)).rotating()
	var first, second string
	// The objects went from role to role, and at destroy to the heir.
	resource.ParallelTest(t, clockTestCase(t, mock, onlyHeirLeft(mock, heir), []resource.TestStep{
		{
			Config:           readAll.config(mock),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				remember(rotatingRoleAddr, "current", &first),
				resource.TestCheckResourceAttrSet(rotatingRoleAddr, "current.password"),
				resource.TestMatchResourceAttr(rotatingRoleAddr, "current.connection_string", regexp.MustCompile(`^postgresql://`)),
			),
		},
		{
			PreConfig:        func() { mock.Advance(49 * time.Hour) },
			Config:           readAll.config(mock),
			ConfigPlanChecks: updatesInPlace(rotatingRoleAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingRoleAddr, "previous", &first),
				remember(rotatingRoleAddr, "current", &second),
			),
		},
		{
			// The previous role created a table: at retirement the
			// current role takes it over.
			PreConfig:        func() { mock.Advance(25 * time.Hour); mock.SetRoleOwnsObjects(first, true) },
			Config:           readAll.config(mock),
			ConfigPlanChecks: updatesInPlace(rotatingRoleAddr),
			Check: func(*terraform.State) error {
				if _, ok := mock.Role(first); ok {
					return fmt.Errorf("previous role %s still exists", first)
				}
				if ro, _ := mock.Role(second); !ro.OwnsObjects {
					return fmt.Errorf("current role %s does not own the previous role's objects", second)
				}
				return nil
			},
		},
		{
			// Query safety is patched in place, on the live role.
			Config:           safeDeletes.config(mock),
			ConfigPlanChecks: updatesInPlace(rotatingRoleAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingRoleAddr, "current", &second),
				func(*terraform.State) error {
					if ro, _ := mock.Role(second); ro.RequireWhereOnDelete != "on" {
						return fmt.Errorf("role %s has require_where_on_delete %q", second, ro.RequireWhereOnDelete)
					}
					return nil
				},
			),
		},
		{
			Config:           readWrite.config(mock),
			ConfigPlanChecks: updatesInPlace(rotatingRoleAddr),
			Check:            slotIs(rotatingRoleAddr, "previous", &second),
		},
	}))
}

// A rotation_trigger not known until apply may rotate: the plan shows the
// credentials as known after apply, and apply rotates only if the value
// turns out new.
func TestAccRotatingBranchPassword_unknownTrigger(t *testing.T) {
	mock := acctest.NewMock(t)
	var current string
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: triggerFromData(mock, "v1", "a"), Check: remember(rotatingPasswordAddr, "current", &current)},
		{
			// Known after apply, and new: rotates.
			Config:           triggerFromData(mock, "v2", "a"),
			ConfigPlanChecks: slotsUnknownUntilApply(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &current),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "2"),
				remember(rotatingPasswordAddr, "current", &current),
			),
		},
		{
			// Known after apply, and the same: nothing rotates.
			Config:           triggerFromData(mock, "v2", "b"),
			ConfigPlanChecks: slotsUnknownUntilApply(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "current", &current),
				resource.TestCheckResourceAttr(rotatingPasswordAddr, "generation", "2"),
				func(*terraform.State) error {
					if n := len(mock.Passwords()); n != 2 {
						return fmt.Errorf("mock holds %d passwords, want 2 (current and previous)", n)
					}
					return nil
				},
			),
		},
	}))
}

// A rotation_trigger not known until apply while the previous password is
// due for retirement: the plan shows both slots unknown; apply finds the
// value unchanged, so it retires the previous one and rotates nothing,
// without an inconsistent final plan or result.
func TestAccRotatingBranchPassword_unknownTriggerWhileRetirementIsDue(t *testing.T) {
	mock := acctest.NewMock(t)
	var first, second string
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: triggerFromData(mock, "v1", "a"), Check: remember(rotatingPasswordAddr, "current", &first)},
		{Config: triggerFromData(mock, "v2", "a"), Check: remember(rotatingPasswordAddr, "current", &second)},
		{
			PreConfig:         func() { mock.Advance(25 * time.Hour) },
			Config:            triggerFromData(mock, "v2", "b"),
			ConfigPlanChecks:  slotsUnknownUntilApply(rotatingPasswordAddr),
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "current", &second),
				passwordGone(mock, &first),
			),
		},
	}))
}

// The identity names the current and previous credentials, follows each
// rotation, and imports (Terraform 1.12 and later).
func TestAccRotatingIdentity(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(trigger string) string {
		return triggeredRotatingPassword(mock, trigger) + roleBlock(fmt.Sprintf(`  rotation_trigger = %q`, trigger)).rotating().String()
	}
	tc := clockTestCase(t, mock, nothingLeft(mock), []resource.TestStep{
		{
			Config: config("v1"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValueMatchesStateAtPath(rotatingPasswordAddr, tfjsonpath.New("current_id"), tfjsonpath.New("current").AtMapKey("id")),
				statecheck.ExpectIdentityValue(rotatingPasswordAddr, tfjsonpath.New("previous_id"), knownvalue.Null()),
			},
		},
		{
			Config: config("v2"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValueMatchesStateAtPath(rotatingPasswordAddr, tfjsonpath.New("current_id"), tfjsonpath.New("current").AtMapKey("id")),
				statecheck.ExpectIdentityValueMatchesStateAtPath(rotatingPasswordAddr, tfjsonpath.New("previous_id"), tfjsonpath.New("previous").AtMapKey("id")),
				statecheck.ExpectIdentityValueMatchesStateAtPath(rotatingRoleAddr, tfjsonpath.New("previous_id"), tfjsonpath.New("previous").AtMapKey("id")),
			},
		},
		// import { to = ..., identity = { ... } }: the API knows the
		// credentials, not the rotation's arguments, which the plan
		// records in place (no API call).
		{
			Config: config("v2"), ResourceName: rotatingPasswordAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true, ImportPlanChecks: resource.ImportPlanChecks{PreApply: inPlaceUpdate(rotatingPasswordAddr)},
		},
		{
			Config: config("v2"), ResourceName: rotatingRoleAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true, ImportPlanChecks: resource.ImportPlanChecks{PreApply: inPlaceUpdate(rotatingRoleAddr)},
		},
	})
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}
	resource.ParallelTest(t, tc)
}

// A saved plan applied later does what it planned: planned before the
// current password was due, applied after, it does not rotate (the next
// plan does); planned before the overlap ended, applied after, it keeps
// the previous password (the next plan retires it).
func TestAccRotatingBranchPassword_savedPlanKeepsItsDecision(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(prefix string) string {
		return passwordBlock(fmt.Sprintf(`
  name_prefix  = %q
  rotate_every = "48h"
  overlap      = "24h"
`, prefix)).rotating().config(mock)
	}
	// appliedTwoHoursLater: the plan updates in place as decided (decision
	// holds), is applied two hours later, and leaves an update to the next
	// plan.
	appliedTwoHoursLater := func(decision plancheck.PlanCheck) []plancheck.PlanCheck {
		return append(inPlaceUpdate(rotatingPasswordAddr), decision, timePasses{mock, 2 * time.Hour})
	}
	var first string
	resource.ParallelTest(t, clockTestCase(t, mock, passwordsLeft(mock), []resource.TestStep{
		{Config: config("a-"), Check: remember(rotatingPasswordAddr, "current", &first)},
		{
			// Planned at 47h: a new prefix only. Applied at 49h.
			PreConfig: func() { mock.Advance(47 * time.Hour) },
			Config:    config("b-"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             appliedTwoHoursLater(plancheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("generation"), knownvalue.Int64Exact(1))),
				PostApplyPostRefresh: inPlaceUpdate(rotatingPasswordAddr), // the next plan rotates
			},
			ExpectNonEmptyPlan: true,
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "current", &first),
				mockPasswordsNamed(mock, "a-1"),
			),
		},
		{
			// The next plan rotates.
			Config:           config("b-"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: inPlaceUpdate(rotatingPasswordAddr)},
			Check: resource.ComposeAggregateTestCheckFunc(
				slotIs(rotatingPasswordAddr, "previous", &first),
				mockPasswordsNamed(mock, "a-1", "b-2"),
			),
		},
		{
			// Planned at 23h after the rotation: a new prefix only.
			// Applied at 25h: the previous password is kept.
			PreConfig: func() { mock.Advance(23 * time.Hour) },
			Config:    config("c-"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             appliedTwoHoursLater(plancheck.ExpectKnownValue(rotatingPasswordAddr, tfjsonpath.New("previous"), knownvalue.NotNull())),
				PostApplyPostRefresh: inPlaceUpdate(rotatingPasswordAddr), // the next plan retires
			},
			ExpectNonEmptyPlan: true,
			Check:              slotIs(rotatingPasswordAddr, "previous", &first),
		},
		{
			// The next plan retires it.
			Config:            config("c-"),
			ConfigPlanChecks:  updatesInPlace(rotatingPasswordAddr),
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check:             mockPasswordsNamed(mock, "b-2"),
		},
	}))
}

// The provider's default clock (no test clock) is the API's, from the Date
// of its answers: the provider follows the mock's clock, so an age rotation
// happens once the mock says the password is old enough.
func TestAccRotatingBranchPassword_defaultClockIsTheAPIs(t *testing.T) {
	mock := acctest.NewMock(t)
	config := rotatingPassword(mock, `  rotate_every = "48h"`)
	var first string
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{Config: config, ConfigPlanChecks: emptyPlanAfterApply, Check: remember(rotatingPasswordAddr, "current", &first)},
		{PreConfig: func() { mock.Advance(47 * time.Hour) }, Config: config, PlanOnly: true},
		{
			PreConfig:        func() { mock.Advance(2 * time.Hour) },
			Config:           config,
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check:            slotIs(rotatingPasswordAddr, "previous", &first),
		},
	}))
}

// current and previous are credentials the connection_string function
// takes (Terraform 1.8 and later), the current one as its own URL.
func TestAccRotatingConnectionStringFunction(t *testing.T) {
	mock := acctest.NewMock(t)
	config := func(trigger, outputs string) string {
		return mock.Config(`%s%s
output "current_url" {
  value     = provider::planetscale::connection_string(planetscale_rotating_branch_password.app.current, "url")
  sensitive = true
}

output "role_jdbc" {
  value     = provider::planetscale::connection_string(planetscale_rotating_postgres_role.app.current, "jdbc")
  sensitive = true
}
%s`, passwordBlock(fmt.Sprintf(`  rotation_trigger = %q`, trigger)).rotating(), roleBlock(`  rotation_trigger = "v1"`).rotating(), outputs)
	}
	previousGo := `
output "previous_go" {
  value     = provider::planetscale::connection_string(planetscale_rotating_branch_password.app.previous, "go")
  sensitive = true
}
`
	outputIs := func(name string, want func(*terraform.State) (string, error)) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			w, err := want(s)
			if err != nil {
				return err
			}
			if got := s.RootModule().Outputs[name].Value; got != w {
				return fmt.Errorf("output %s is %v, want %s", name, got, w)
			}
			return nil
		}
	}
	attr := func(addr, key string) func(*terraform.State) (string, error) {
		return func(s *terraform.State) (string, error) {
			return s.RootModule().Resources[addr].Primary.Attributes[key], nil
		}
	}
	tc := clockTestCase(t, mock, nothingLeft(mock), []resource.TestStep{
		{
			Config: config("v1", ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				outputIs("current_url", attr(rotatingPasswordAddr, "current.connection_string")),
				resource.TestMatchOutput("role_jdbc", regexp.MustCompile(`^jdbc:postgresql://`)),
			),
		},
		{
			Config: config("v2", previousGo),
			Check: resource.ComposeAggregateTestCheckFunc(
				outputIs("current_url", attr(rotatingPasswordAddr, "current.connection_string")),
				func(s *terraform.State) error {
					user := s.RootModule().Resources[rotatingPasswordAddr].Primary.Attributes["previous.username"]
					return resource.TestMatchOutput("previous_go", regexp.MustCompile(`^`+regexp.QuoteMeta(user)+`:[^@]+@tcp\(`))(s)
				},
			),
		},
	})
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}
	resource.ParallelTest(t, tc)
}
