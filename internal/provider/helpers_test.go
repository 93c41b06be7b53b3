package provider_test

import (
	"encoding/json"
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

// newAPIClient talks to the mock directly, for objects made outside Terraform.
func newAPIClient(t *testing.T, mock *acctest.Mock) *planetscale.Client {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{
		BaseURL:        mock.URL,
		ServiceTokenID: mockapi.DefaultServiceTokenID,
		ServiceToken:   mockapi.DefaultServiceToken,
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
