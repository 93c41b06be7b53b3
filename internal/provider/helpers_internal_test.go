// Helpers shared by the package's internal tests (package provider); the
// acceptance tests' shared helpers are in helpers_test.go.
package provider

import (
	"context"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// location is a branch of organization acme.
func location(database, branch string) credentialLocation {
	return credentialLocation{Organization: types.StringValue("acme"), Database: types.StringValue(database), Branch: types.StringValue(branch)}
}

func mockData(t *testing.T) (*mockapi.Server, *providerData) {
	t.Helper()
	mock := mockapi.NewWithDefaultWorld()
	srv := contract.Serve(t, mock)
	client, err := planetscale.New(planetscale.Config{
		BaseURL: srv.URL + "/v1", ServiceTokenID: mockapi.DefaultServiceTokenID, ServiceToken: mockapi.DefaultServiceToken,
		Unpaced: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return mock, newProviderData(client, "service token from the test", mockapi.DefaultServiceToken)
}

func resourceSchema(t testing.TB, r resource.Resource) resource.SchemaResponse {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp
}
