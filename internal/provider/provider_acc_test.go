// The provider block through Terraform; Configure's unit tests are in
// provider_test.go.
package provider_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccProvider_incompleteCredentialsFailAtPlan(t *testing.T) {
	mock := acctest.NewMock(t)
	for _, env := range []string{"PLANETSCALE_SERVICE_TOKEN_ID", "PLANETSCALE_SERVICE_TOKEN", "PLANETSCALE_ACCESS_TOKEN", "PLANETSCALE_SERVER_URL"} {
		t.Setenv(env, "")
	}
	resource.Test(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config: fmt.Sprintf(`
provider "planetscale" {
  server_url       = %q
  service_token_id = "only-the-id"
}
`, mock.URL) + passwordBlock("").String(),
			PlanOnly:    true,
			ExpectError: errorLike(`Incomplete PlanetScale Service Token.*service_token attribute or the PLANETSCALE_SERVICE_TOKEN environment variable`),
		},
	}))
	if n := mock.RequestCount(""); n != 0 {
		t.Errorf("a misconfigured provider made %d API request(s)", n)
	}
}

// A server_url nothing answers at fails after the short schedule of a
// connection that cannot be made (its timing is the client's unit tests'),
// and says how many attempts over how long and which
// setting changes that; a server_url without /v1 is named as not the API
// at its first answer, instead of "check the three names".
func TestAccProvider_serverURLThatIsNotTheAPI(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/v1"
	l.Close()
	// The mock's (and the API's) answer to a path it does not serve, as
	// every path is under a base URL without /v1.
	withoutV1 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":"not_found","message":"Not Found"}`))
	}))
	t.Cleanup(withoutV1.Close)
	provider := func(url string) string {
		return fmt.Sprintf(`
provider "planetscale" {
  server_url       = %q
  service_token_id = %q
  service_token    = %q
}
`, url, mockapi.DefaultServiceTokenID, mockapi.DefaultServiceToken)
	}
	resource.Test(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config: provider(refused) + passwordBlock("").String(),
			ExpectError: errorLike(`no answer from the PlanetScale API after 5 attempts over .*connection refused.*` +
				`No connection could be made.*retried up to 4 times within a few seconds.*max_retries \(or the PLANETSCALE_MAX_RETRIES environment variable\)`),
		},
		{
			Config: provider(withoutV1.URL) + passwordBlock("").String(),
			ExpectError: errorLike(`the server at ` + withoutV1.URL + ` does not answer as the PlanetScale API.*HTTP 404.*` +
				`A server_url usually ends in /v1`),
		},
	}))
}
