package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

const passwordAddr = "planetscale_branch_password.test"

func TestAccBranchPassword_basic(t *testing.T) {
	mock := acctest.NewMock(t)
	config := passwordConfig(mock, `
  name         = "app"
  role         = "reader"
  ttl          = 3600
  cidrs        = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]
`)
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectSensitiveValue(passwordAddr, tfjsonpath.New("plain_text")),
				statecheck.ExpectSensitiveValue(passwordAddr, tfjsonpath.New("connection_string")),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("plain_text"), knownvalue.StringRegexp(regexp.MustCompile(`^pscale_pw_.+`))),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("username"), knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("role"), knownvalue.StringExact("reader")),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("ttl"), knownvalue.Int64Exact(3600)),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("renewable"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("replica"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("connection_string"),
					knownvalue.StringRegexp(regexp.MustCompile(`^mysql://[a-z0-9]+:pscale_pw_[A-Za-z0-9]+@us-east\.connect\.psdb\.cloud/app-db\?sslaccept=strict$`))),
			},
			Check: resource.ComposeTestCheckFunc(
				// One create under the create's mark, renamed to the
				// configured name, and no GET: the create's answer is all
				// it needs.
				mock.ExpectRequests(map[string]int{mockapi.RouteCreatePassword: 1, mockapi.RouteUpdatePassword: 1, mockapi.RouteGetPassword: 0}),
				mock.ExpectLastBody(mockapi.RouteUpdatePassword, map[string]any{"name": "app"}),
				mock.ExpectLastCreateBody(mockapi.RouteCreatePassword, map[string]any{
					"name": acctest.MarkedName, "role": "reader", "ttl": float64(3600),
					"cidrs":   []any{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"},
					"replica": false, "direct_vtgate": false,
				}),
				mock.ExpectMintedSecret(passwordAddr),
			),
		},
		{
			// The same configuration plans nothing.
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	}))
}

func TestAccBranchPassword_defaults(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{
			Config: passwordConfig(mock, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				// The API's defaults are recorded, so the next plan is empty.
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("role"), knownvalue.StringExact("admin")),
				// An unnamed password gets a generated name, so a create whose
				// answer is lost can be found and cleaned up.
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("name"), knownvalue.StringRegexp(regexp.MustCompile(`^terraform-[0-9a-f]{16}$`))),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("ttl"), knownvalue.Null()),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("cidrs"), knownvalue.Null()),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("renewable"), knownvalue.Bool(false)),
			},
			Check: func(*terraform.State) error {
				body := mock.Requests(mockapi.RouteCreatePassword)[0].Body
				name, _ := body["name"].(string)
				delete(body, "name")
				if want := "map[direct_vtgate:false replica:false]"; fmt.Sprint(body) != want || !strings.HasPrefix(name, "terraform-") {
					return fmt.Errorf("create body = %v with name %q, want %s and a generated name", body, name, want)
				}
				return nil
			},
		},
	}))
}

// passwordArgs are the arguments of a planetscale_branch_password "test"
// block; change the fields a step needs and call config.
type passwordArgs struct {
	Organization, Database, Branch string
	Name, Role                     string
	TTL                            int
	CIDRs                          []string
	Replica, DirectVtgate          bool
}

// newPasswordArgs is a reader password "pw" on acme/app-db/main that lives
// ten minutes.
func newPasswordArgs() passwordArgs {
	return passwordArgs{Organization: "acme", Database: "app-db", Branch: "main", Name: "pw", Role: "reader", TTL: 600, CIDRs: []string{"10.0.0.0/8"}}
}

func (a passwordArgs) config(mock *acctest.Mock) string {
	return passwordBlock(fmt.Sprintf(`
  name          = %q
  role          = %q
  ttl           = %d
  cidrs         = %s
  replica       = %t
  direct_vtgate = %t
`, a.Name, a.Role, a.TTL, hclStrings(a.CIDRs), a.Replica, a.DirectVtgate)).on(a.Organization, a.Database, a.Branch).config(mock)
}

func TestAccBranchPassword_update(t *testing.T) {
	mock := acctest.NewMock(t)
	before := newPasswordArgs()
	before.Name, before.Role, before.CIDRs = "before", "writer", []string{"10.0.0.0/8", "10.1.0.0/16"}
	after := before
	after.Name = "after"
	reordered := after
	reordered.CIDRs = []string{"10.1.0.0/16", "10.0.0.0/8"}
	samePlainText := statecheck.CompareValue(compare.ValuesSame())
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{
			Config: before.config(mock),
			ConfigStateChecks: []statecheck.StateCheck{
				samePlainText.AddStateValue(passwordAddr, tfjsonpath.New("plain_text")),
				sameID.AddStateValue(passwordAddr, tfjsonpath.New("id")),
			},
		},
		{
			Config: after.config(mock),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionUpdate),
					// Stable computed values keep their state value: the
					// rename is a one-line update.
					plancheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("username"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					plancheck.ExpectSensitiveValue(passwordAddr, tfjsonpath.New("plain_text")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("name"), knownvalue.StringExact("after")),
				samePlainText.AddStateValue(passwordAddr, tfjsonpath.New("plain_text")),
				sameID.AddStateValue(passwordAddr, tfjsonpath.New("id")),
			},
			// One PATCH with only the name, and no second create.
			Check: resource.ComposeTestCheckFunc(
				// The rename right after the create, and this one.
				mock.ExpectRequests(map[string]int{mockapi.RouteUpdatePassword: 2, mockapi.RouteCreatePassword: 1}),
				mock.ExpectLastBody(mockapi.RouteUpdatePassword, map[string]any{"name": "after"}),
			),
		},
		{
			// Reordering a set plans nothing.
			Config: reordered.config(mock),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	}))
}

func TestAccBranchPassword_replace(t *testing.T) {
	mock := acctest.NewMock(t)
	mock.AddDatabase("acme", "other-db", mockapi.Vitess, "main")
	mock.AddDatabase("globex", "app-db", mockapi.Vitess, "main")
	// Each change below replaces the password; they accumulate.
	args := newPasswordArgs()
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), replacements(passwordAddr, func() string { return args.config(mock) },
		func() { args.Role = "admin" },
		func() { args.TTL = 900 },
		func() { args.CIDRs = []string{"10.0.0.0/16"} },
		func() { args.Replica = true },
		func() { args.DirectVtgate = true },
		func() { args.Branch = "dev" },
		func() { args.Database, args.Branch = "other-db", "main" },
		func() { args.Organization, args.Database, args.Branch = "globex", "app-db", "main" },
	)))
}

func TestAccBranchPassword_import(t *testing.T) {
	mock := acctest.NewMock(t)
	config := passwordConfig(mock, `
  name         = "imported"
  role         = "readwriter"
  ttl          = 86400
  cidrs        = ["198.51.100.0/24"]
`)
	importID := func(s *terraform.State) (string, error) {
		id, err := stateID(s, passwordAddr)
		return "acme/app-db/main/" + id, err
	}
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{Config: config},
		{
			// terraform import: everything but the secret matches.
			ResourceName:            passwordAddr,
			ImportState:             true,
			ImportStateIdFunc:       importID,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"plain_text", "connection_string"},
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["plain_text"] != "" {
					return fmt.Errorf("imported plain_text = %q, want null", states[0].Attributes["plain_text"])
				}
				return nil
			},
		},
		{
			// An import {} block with the same configuration plans a
			// no-op import: no phantom diff.
			Config:            config,
			ResourceName:      passwordAddr,
			ImportState:       true,
			ImportStateKind:   resource.ImportBlockWithID,
			ImportStateIdFunc: importID,
		},
		{
			ResourceName:  passwordAddr,
			ImportState:   true,
			ImportStateId: "acme/app-db/main",
			ExpectError:   regexp.MustCompile(`organization/database/branch/id`),
		},
		{
			ResourceName:  passwordAddr,
			ImportState:   true,
			ImportStateId: "acme//main/abc",
			ExpectError:   regexp.MustCompile(`database is empty`),
		},
	}))
}

func TestAccBranchPassword_importThenEmptyPlan(t *testing.T) {
	mock := acctest.NewMock(t)
	var id string
	config := passwordConfig(mock, `
  role         = "reader"
  ttl          = 7200
`)
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{
			// A password made outside Terraform, imported into state.
			PreConfig:          func() { id = createPasswordOutOfBand(t, mock) },
			Config:             config,
			ResourceName:       passwordAddr,
			ImportState:        true,
			ImportStateIdFunc:  func(*terraform.State) (string, error) { return "acme/app-db/main/" + id, nil },
			ImportStatePersist: true,
		},
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("plain_text"), knownvalue.Null()),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("connection_string"), knownvalue.Null()),
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("ttl"), knownvalue.Int64Exact(7200)),
			},
		},
	}))
}

func TestAccBranchPassword_drift(t *testing.T) {
	mock := acctest.NewMock(t)
	config := passwordConfig(mock, `
  ttl          = 3600
`)
	resource.ParallelTest(t, accTestCase(t, passwordsLeft(mock), []resource.TestStep{
		{
			// Deleted behind Terraform's back: the plan creates it again.
			Config:             config,
			Check:              outOfBand(passwordAddr, mock.RemovePassword),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionCreate)},
			},
		},
		{
			// Expired: the plan replaces it.
			Config:             config,
			Check:              outOfBand(passwordAddr, mock.ExpirePassword),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionReplace)},
			},
		},
		{
			// Applying replaces the dead password with a live one.
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(passwordAddr, plancheck.ResourceActionReplace)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(passwordAddr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
			},
			Check: func(*terraform.State) error {
				if n := len(mock.Passwords()); n != 1 {
					return fmt.Errorf("mock holds %d passwords, want only the live one", n)
				}
				return nil
			},
		},
	}))
}

func TestAccBranchPassword_validation(t *testing.T) {
	mock := acctest.NewMock(t)
	invalid := func(block credentialBlock, want string) resource.TestStep {
		return planFails(block.config(mock), errorLike(want))
	}
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		invalid(passwordBlock(`role = "owner"`), `Attribute role value must be one of.*"owner"`),
		invalid(passwordBlock(`ttl = 0`), `ttl is 0; it must be from 1 to 9223372036 seconds`),
		invalid(passwordBlock(`cidrs = ["10.0.0.0/33"]`), `"10\.0\.0\.0/33" in cidrs is not valid`),
		invalid(passwordBlock(`cidrs = ["not-an-ip"]`), `"not-an-ip" in cidrs is not valid.*IP address or CIDR range`),
		invalid(passwordBlock(`cidrs = []`), `Attribute cidrs set must contain at least 1 elements`),
		invalid(passwordBlock(`name = ""`), `Attribute name string length must be at least 1`),
		invalid(passwordBlock("").on("", "app-db", "main"), `organization must not be empty`),
		invalid(passwordBlock("").on("acme", "acme/app-db", "main"), `database is "acme/app-db", which contains "/"`),
		invalid(passwordBlock("").on("acme", "app-db", " "), `branch must not be empty`),
	}))
	if n := mock.RequestCount(""); n != 0 {
		t.Errorf("validation made %d API request(s); it must fail at plan time without any", n)
	}
}

func TestAccBranchPassword_apiErrors(t *testing.T) {
	badToken := acctest.NewMock(t)
	badToken.SetServiceToken("other-id", "other-token")
	good := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config:      passwordBlock("").on("acme", "app-db", "nope").config(good),
			ExpectError: errorLike(`acme/app-db/nope: PlanetScale answered HTTP 404 \(not_found\): Not Found.*found no branch "nope" in database "app-db" of organization "acme"`),
		},
		{
			Config:      passwordBlock("").on("acme", "pg-db", "main").config(good),
			ExpectError: errorLike(`HTTP 404.*"pg-db" is not a Vitess \(MySQL\) database`),
		},
		{
			Config: passwordBlock("").config(badToken),
			ExpectError: errorLike(`HTTP 401 \(unauthorized\).*did not accept the token: it is wrong, expired or revoked.*` +
				`service token from provider attribute service_token_id.*and provider attribute service_token.*pscale service-token list --org acme`),
		},
		{
			PreConfig: func() {
				good.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: http.StatusForbidden, Times: 1})
			},
			Config: passwordBlock("").config(good),
			ExpectError: errorLike(`HTTP 403 \(forbidden\).*accepted the token but refused this request.*` +
				`service token accesses the API lists for create_password: connect_production_branch`),
		},
	}))
}

func createPasswordOutOfBand(t *testing.T, mock *acctest.Mock) string {
	t.Helper()
	c := newAPIClient(t, mock)
	ttl := int64(7200)
	p, err := c.CreatePassword(context.Background(), vitessMain, createPasswordRequest("reader", &ttl))
	if err != nil {
		t.Fatalf("creating a password out of band: %v", err)
	}
	return p.ID
}

// last_used_at shows when the API last saw the password used, as of the
// last refresh; a refresh that finds a new use plans nothing.
func TestAccBranchPassword_lastUsedAt(t *testing.T) {
	mock := acctest.NewMock(t)
	config := mock.Config(`
resource "planetscale_branch_password" "test" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
}
`)
	var id string
	used := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             passwordsLeft(mock),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					rememberID(passwordAddr, &id),
					resource.TestCheckNoResourceAttr(passwordAddr, "last_used_at"),
				),
			},
			{
				PreConfig: func() {
					if !mock.MarkUsed(id, used) {
						t.Fatalf("no password %s", id)
					}
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.TestCheckResourceAttr(passwordAddr, "last_used_at", used.Format(time.RFC3339Nano)),
			},
		},
	})
}
