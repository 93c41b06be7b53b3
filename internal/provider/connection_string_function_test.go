package provider_test

import (
	"fmt"
	"net"
	"os"
	"regexp"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// Provider-defined functions need Terraform 1.8 (OpenTofu 1.7); below it
// these tests are skipped, and say so.
var functionsVersion = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

var (
	mysqlFormats    = []string{"url", "go", "jdbc", "prisma", "rails", "sqlalchemy", "pdo", "node"}
	postgresFormats = []string{"url", "keyword", "jdbc", "prisma", "sqlalchemy", "go"}
)

// credentialsAndStrings is a password and a role, and every format of
// each, from locals into outputs.
var credentialsAndStrings = passwordBlock("").labelled("app").String() + roleBlock("").labelled("app").String() + `
locals {
  mysql    = { for f in %s : f => provider::planetscale::connection_string(planetscale_branch_password.app, f) }
  postgres = { for f in %s : f => provider::planetscale::connection_string(planetscale_postgres_role.app, f) }
}

# Sensitive: the credential is, so its strings are.
output "mysql" {
  value     = local.mysql
  sensitive = true
}

output "postgres" {
  value     = local.postgres
  sensitive = true
}

# Only attributes known at plan are read: known at plan, although the
# password's id is not.
output "from_an_object" {
  value = provider::planetscale::connection_string({
    username        = "u"
    plain_text      = "p@ss"
    access_host_url = "aws.connect.psdb.cloud"
    database        = "app-db"
    id              = planetscale_branch_password.app.id
  }, "go")
}
`

// stringsMatchCredentials checks the outputs against the credentials in
// state: url is the connection_string attribute exactly, the go DSN and
// pgx's strings parse back to the credential, and every format is there.
func stringsMatchCredentials(s *terraform.State) error {
	password := s.RootModule().Resources["planetscale_branch_password.app"].Primary.Attributes
	role := s.RootModule().Resources["planetscale_postgres_role.app"].Primary.Attributes
	for output, want := range map[string]string{"mysql": password["connection_string"], "postgres": role["connection_string"]} {
		got, err := outputString(s, output, "url")
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s url = %q, want the connection_string attribute %q", output, got, want)
		}
	}

	dsn, err := outputString(s, "mysql", "go")
	if err != nil {
		return err
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return fmt.Errorf("the go DSN does not parse: %w", err)
	}
	if cfg.User != password["username"] || cfg.Passwd != password["plain_text"] || cfg.DBName != "app-db" || cfg.TLSConfig != "true" {
		return fmt.Errorf("the go DSN reads back as user %q, database %q, tls %q", cfg.User, cfg.DBName, cfg.TLSConfig)
	}
	for _, format := range []string{"url", "keyword", "go"} {
		s, err := outputString(s, "postgres", format)
		if err != nil {
			return err
		}
		pg, err := pgconn.ParseConfig(s)
		if err != nil {
			return fmt.Errorf("postgres %s does not parse: %w", format, err)
		}
		if pg.User != role["username"] || pg.Password != role["password"] || pg.Database != role["database_name"] ||
			net.JoinHostPort(pg.Host, fmt.Sprint(pg.Port)) != role["access_host_url"]+":5432" && net.JoinHostPort(pg.Host, fmt.Sprint(pg.Port)) != role["access_host_url"] {
			return fmt.Errorf("postgres %s reads back as user %q, database %q, host %s:%d", format, pg.User, pg.Database, pg.Host, pg.Port)
		}
	}
	for output, formats := range map[string][]string{"mysql": mysqlFormats, "postgres": postgresFormats} {
		for _, format := range formats {
			if _, err := outputString(s, output, format); err != nil {
				return err
			}
		}
	}
	return nil
}

func TestAccConnectionStringFunction_formats(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsVersion,
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The strings of a sensitive credential are sensitive.
				Config: mock.Config(credentialsAndStrings+`
output "not_marked_sensitive" {
  value = provider::planetscale::connection_string(planetscale_branch_password.app, "go")
}
`, hclStrings(mysqlFormats), hclStrings(postgresFormats)),
				ExpectError: errorLike(`Output refers to sensitive values`),
			},
			{
				Config: mock.Config(credentialsAndStrings, hclStrings(mysqlFormats), hclStrings(postgresFormats)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// The credentials are not created yet: their strings
						// are unknown, not an error.
						plancheck.ExpectUnknownOutputValueAtPath("mysql", tfjsonpath.New("go")),
						plancheck.ExpectUnknownOutputValueAtPath("postgres", tfjsonpath.New("keyword")),
						plancheck.ExpectKnownOutputValue("from_an_object", knownvalue.StringExact("u:p@ss@tcp(aws.connect.psdb.cloud)/app-db?tls=true")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("mysql", knownvalue.MapPartial(map[string]knownvalue.Check{
						"jdbc": knownvalue.StringRegexp(regexp.MustCompile(`^jdbc:mysql://[^/]+/app-db\?sslMode=VERIFY_IDENTITY&user=`)),
						"pdo":  knownvalue.StringRegexp(regexp.MustCompile(`^mysql:host=[^;]+(;port=\d+)?;dbname=app-db$`)),
					})),
					statecheck.ExpectKnownOutputValue("postgres", knownvalue.MapPartial(map[string]knownvalue.Check{
						"prisma": knownvalue.StringRegexp(regexp.MustCompile(`^postgresql://.*\?sslmode=require&sslaccept=strict$`)),
					})),
				},
				Check: stringsMatchCredentials,
			},
			{
				// Nothing changes on the next plan.
				Config: mock.Config(credentialsAndStrings, hclStrings(mysqlFormats), hclStrings(postgresFormats)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccConnectionStringFunction_errors(t *testing.T) {
	mock := acctest.NewMock(t)
	call := func(credential, format string) string {
		return mock.Config(`
output "s" {
  value = provider::planetscale::connection_string(%s, %q)
}
`, credential, format)
	}
	const password = `{ username = "u", plain_text = "p", access_host_url = "h", database = "d" }`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsVersion,
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      call(password, "keyword"),
				ExpectError: errorLike(`Unknown connection string format "keyword" for a branch password\. Use one of "url", "go", "jdbc", "prisma", "rails", "sqlalchemy", "pdo", "node"`),
			},
			{
				Config:      call(`{ username = "u", plain_text = "p" }`, "go"),
				ExpectError: errorLike("The credential has no access_host_url, database\\. For the \"go\" format, a branch password \\(`planetscale_branch_password`"),
			},
			{
				Config:      call(`{ username = "u", access_host_url = "h" }`, "url"),
				ExpectError: errorLike(`The credential has neither plain_text \(a branch password's secret\) nor password \(a Postgres role's\)`),
			},
			{
				Config:      call(`{ username = "u", password = null, access_host_url = "h", database_name = "postgres" }`, "url"),
				ExpectError: errorLike(`The Postgres role's password is null: PlanetScale returns a secret only when the credential is created, so it is null after terraform import`),
			},
			{
				Config:      call(`{ username = "a:b", plain_text = "p", access_host_url = "h", database = "d" }`, "go"),
				ExpectError: errorLike(`Cannot build a go connection string: a go-sql-driver/mysql DSN cannot carry a username with ":"`),
			},
			{
				// PDO takes the secret apart, so a password without one
				// (imported) still has a DSN.
				Config: call(`{ username = "u", plain_text = null, access_host_url = "h:3306", database = "d;b" }`, "pdo"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("s", knownvalue.StringExact("mysql:host=h;port=3306;dbname=d;;b")),
				},
			},
		},
	})
}

// A data source has no secret (the API returns it only at creation): alone
// it is refused, saying what is missing; with a secret merged in, or for
// pdo, which reads none, it has strings.
func TestAccConnectionStringFunction_dataSource(t *testing.T) {
	mock := acctest.NewMock(t)
	made, err := newAPIClient(t, mock).CreatePassword(t.Context(), vitessMain, createPasswordRequest("reader", nil))
	if err != nil {
		t.Fatal(err)
	}
	config := func(outputs string) string {
		return passwordBlock(fmt.Sprintf("id = %q", made.ID)).dataSource("planetscale_branch_password").labelled("made").config(mock) + outputs
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsVersion,
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`
output "alone" {
  value = provider::planetscale::connection_string(data.planetscale_branch_password.made, "go")
}
`),
				ExpectError: errorLike(`The credential has neither plain_text \(a branch password's secret\) nor password`),
			},
			{
				Config: config(fmt.Sprintf(`
output "go" {
  value     = provider::planetscale::connection_string(merge(data.planetscale_branch_password.made, { plain_text = %q }), "go")
  sensitive = true
}

output "pdo" {
  value = provider::planetscale::connection_string(merge(data.planetscale_branch_password.made, { plain_text = null }), "pdo")
}
`, *made.PlainText)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("go", knownvalue.StringExact(made.Username+":"+*made.PlainText+"@tcp("+made.AccessHostURL+")/app-db?tls=true")),
					statecheck.ExpectKnownOutputValue("pdo", knownvalue.StringRegexp(regexp.MustCompile(`^mysql:host=[^;]+(;port=\d+)?;dbname=app-db$`))),
				},
			},
		},
	})
}

// The documentation's example applies: every format of both kinds, and
// an ephemeral password's string in a local.
func TestAccConnectionStringFunction_example(t *testing.T) {
	example, err := os.ReadFile("../../examples/functions/connection_string/function.tf")
	if err != nil {
		t.Fatal(err)
	}
	mock := acctest.NewMock(t)
	var checks []statecheck.StateCheck
	for prefix, formats := range map[string][]string{"mysql_": mysqlFormats, "postgres_": postgresFormats} {
		for _, f := range formats {
			checks = append(checks, statecheck.ExpectKnownOutputValue(prefix+f, knownvalue.NotNull()))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            mock.Config("%s", example),
			ConfigStateChecks: checks,
		}},
	})
}

// An ephemeral credential's strings are ephemeral: Terraform refuses them
// where they would be stored, and they reach what takes ephemeral values
// (here the echo provider's configuration, which a test can read).
func TestAccConnectionStringFunction_ephemeral(t *testing.T) {
	mock := acctest.NewMock(t)
	credential := passwordBlock("").ephemeral().String() + `
locals {
  dsn = provider::planetscale::connection_string(ephemeral.planetscale_branch_password.test, "go")
}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		PreCheck:               func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{
			{
				// Where it would be stored, Terraform refuses it.
				ProtoV6ProviderFactories: withEcho(),
				Config: mock.ProviderConfig() + credential + `
output "dsn" {
  value     = local.dsn
  sensitive = true
}
`,
				// Terraform's words, then OpenTofu's.
				ExpectError: errorLike(`(Ephemeral value not allowed|Output does not allow ephemeral value)`),
			},
			{
				// Through a module's ephemeral output into the echo
				// provider's configuration, which takes ephemeral values.
				ProtoV6ProviderFactories: withEcho(),
				ConfigDirectory:          config.StaticDirectory("testdata/connection-string-ephemeral"),
				ConfigVariables: config.Variables{
					"server_url":       config.StringVariable(mock.URL),
					"service_token_id": config.StringVariable(mockapi.DefaultServiceTokenID),
					"service_token":    config.StringVariable(mockapi.DefaultServiceToken),
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data"), knownvalue.StringRegexp(regexp.MustCompile(`^[^:]+:pscale_pw_[^@]+@tcp\([^)]+\)/app-db\?tls=true$`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					onlyEchoInState,
					func(s *terraform.State) error {
						for _, p := range mock.Passwords() {
							return fmt.Errorf("password %s outlived the run", p.ID)
						}
						return nil
					},
				),
			},
		},
	})
}
