package provider_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

var (
	vitessMain   = planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	postgresMain = planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}
)

// newAPIClient talks to the mock directly, for objects made outside
// Terraform; unpaced, as tests make many of them.
func newAPIClient(t *testing.T, mock *acctest.Mock) *planetscale.Client {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{
		BaseURL:        mock.URL,
		ServiceTokenID: mockapi.DefaultServiceTokenID,
		ServiceToken:   mockapi.DefaultServiceToken,
		Unpaced:        true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func createPasswordRequest(role string, ttl *int64) planetscale.CreatePasswordRequest {
	return planetscale.CreatePasswordRequest{Role: role, TTL: ttl}
}

// errorLike matches an error whose words may be wrapped across lines, as
// Terraform wraps diagnostics: each space in pattern matches any whitespace.
func errorLike(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

func ptr[T any](v T) *T { return &v }

// hclStrings writes a list of strings as HCL; a JSON array is one.
func hclStrings(values []string) string {
	b, err := json.Marshal(values)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// directTerraform is the terraform binary and registry host for a test that
// runs terraform itself, not through resource.Test; it skips the test
// without TF_ACC, or below minimum.
func directTerraform(t *testing.T, minimum, feature string) (tf, host string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run acceptance tests")
	}
	acctest.SkipBelow(t, minimum, feature)
	host = os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return os.Getenv("TF_ACC_TERRAFORM_PATH"), host
}
