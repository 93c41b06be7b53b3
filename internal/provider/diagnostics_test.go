package provider

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A 403 names the service token accesses that the API document's
// "Authorization" section lists for the operation that was refused, for
// each kind and operation the provider calls.
func TestForbiddenNamesTheOperationsAccess(t *testing.T) {
	t.Parallel()
	vitess := planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	postgres := planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}
	// As the document lists them (openapi-passwords-roles.yaml).
	read := "read_branch, delete_branch, create_branch, connect_production_branch, connect_production_read_only_branch, connect_branch"
	connect := "connect_production_branch, connect_production_read_only_branch, connect_branch"
	createPassword := "create_production_branch_password, create_production_read_only_branch_password, create_branch_password"
	deletePassword := "delete_production_branch_password, delete_production_read_only_branch_password, delete_branch_password"
	cases := []struct {
		kind credentialKind
		op   string // the provider's name for what it was doing
		call func(context.Context, *planetscale.Client) error
		// route is the API document's operation; accesses are its list.
		route, accesses string
	}{
		{passwordKind, "read", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.ListPasswords(ctx, vitess, planetscale.ListOptions{})
			return err
		}, mockapi.RouteListPasswords, read},
		{passwordKind, "read", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.GetPassword(ctx, vitess, "pw1")
			return err
		}, mockapi.RouteGetPassword, read},
		{passwordKind, "create", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.CreatePassword(ctx, vitess, planetscale.CreatePasswordRequest{})
			return err
		}, mockapi.RouteCreatePassword, connect},
		{passwordKind, "update", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.UpdatePassword(ctx, vitess, "pw1", planetscale.UpdatePasswordRequest{Name: new(string)})
			return err
		}, mockapi.RouteUpdatePassword, connect},
		{passwordKind, "renew", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.RenewPassword(ctx, vitess, "pw1")
			return err
		}, mockapi.RouteRenewPassword, connect},
		{passwordKind, "delete", func(ctx context.Context, c *planetscale.Client) error {
			return c.DeletePassword(ctx, vitess, "pw1")
		}, mockapi.RouteDeletePassword, deletePassword},

		{roleKind, "read", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.ListRoles(ctx, postgres, planetscale.ListOptions{})
			return err
		}, mockapi.RouteListRoles, read},
		{roleKind, "read", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.GetRole(ctx, postgres, "r1")
			return err
		}, mockapi.RouteGetRole, read},
		{roleKind, "create", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{})
			return err
		}, mockapi.RouteCreateRole, createPassword},
		{roleKind, "update", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.UpdateRole(ctx, postgres, "r1", planetscale.UpdateRoleRequest{Name: new(string)})
			return err
		}, mockapi.RouteUpdateRole, createPassword},
		{roleKind, "renew", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.RenewRole(ctx, postgres, "r1")
			return err
		}, mockapi.RouteRenewRole, createPassword},
		// A role's Update resets its password and may renew it too: the
		// message names what the refused request needed.
		{roleKind, "update", func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.ResetRole(ctx, postgres, "r1")
			return err
		}, mockapi.RouteResetRole, deletePassword},
		{roleKind, "reassign", func(ctx context.Context, c *planetscale.Client) error {
			return c.ReassignRole(ctx, postgres, "r1", "heir")
		}, mockapi.RouteReassignRole, deletePassword},
		{roleKind, "delete", func(ctx context.Context, c *planetscale.Client) error {
			return c.DeleteRole(ctx, postgres, "r1", "")
		}, mockapi.RouteDeleteRole, deletePassword},
	}
	for _, tc := range cases {
		t.Run(tc.kind.noun+"/"+tc.route, func(t *testing.T) {
			t.Parallel()
			mock, data := mockData(t)
			mock.Inject(mockapi.Fault{Status: http.StatusForbidden})
			err := tc.call(context.Background(), data.client)
			if n := mock.RequestCount(tc.route); n != 1 {
				t.Fatalf("%d request(s) to %s, want 1 (err: %v)", n, tc.route, err)
			}
			b := vitess
			if tc.kind == roleKind {
				b = postgres
			}
			detail := newAPICall(tc.op, tc.kind.noun+" "+b.String()+"/r1", b, time.Minute, data, tc.kind).detail(err)
			want := "has, on this database, one of the service token accesses the API lists for " + tc.route + ": " + tc.accesses + "."
			if !strings.Contains(detail, "HTTP 403") || !strings.Contains(detail, want) {
				t.Errorf("detail does not name %s's accesses:\n%s\nwant it to hold: %s", tc.route, detail, want)
			}
			if !strings.Contains(detail, "service token from the test") {
				t.Errorf("detail does not name the token's source:\n%s", detail)
			}
		})
	}
}

// An OAuth token is told the scopes, not a service token's accesses.
func TestForbiddenNamesOAuthScopes(t *testing.T) {
	t.Parallel()
	mock, data := mockData(t)
	data.oauth, data.credentials = true, "OAuth access token from the test"
	mock.Inject(mockapi.Fault{Status: http.StatusForbidden})
	b := planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}
	_, err := data.client.CreateRole(context.Background(), b, planetscale.CreateRoleRequest{})
	detail := newAPICall("create", "Postgres role on "+b.String(), b, time.Minute, data, roleKind).detail(err)
	for _, want := range []string{"OAuth access token from the test", "was granted one of the OAuth scopes manage_passwords, " +
		"manage_production_branch_passwords, manage_read_only_passwords or manage_production_read_only_passwords on the organization or the database"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "create_branch_password") {
		t.Errorf("detail names a service token access to an OAuth token:\n%s", detail)
	}
}

// A 401 says the token itself was not taken (wrong, expired or revoked) and
// how to check it; the accesses an operation needs belong to a 403 alone.
func TestUnauthorizedAndForbiddenSayDifferentThings(t *testing.T) {
	t.Parallel()
	b := planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	cases := []struct {
		name          string
		status        int
		oauth         bool
		want, notWant []string
	}{
		{"401, service token", http.StatusUnauthorized, false,
			[]string{"HTTP 401", "did not accept the token: it is wrong, expired or revoked", "service token from the test",
				"`pscale service-token list --org acme`", "Settings > Service tokens"},
			[]string{"connect_branch", "accesses the API lists", "OAuth scopes"}},
		{"401, OAuth token", http.StatusUnauthorized, true,
			[]string{"HTTP 401", "wrong, expired or revoked", "OAuth access token from the test", "expires"},
			[]string{"manage_passwords", "service-token", "connect_branch"}},
		{"403, service token", http.StatusForbidden, false,
			[]string{"HTTP 403", "accepted the token but refused this request", "service token from the test",
				"one of the service token accesses the API lists for create_password: connect_production_branch",
				"`pscale service-token show-access <service token ID> --org acme`"},
			[]string{"wrong, expired or revoked"}},
		{"403, OAuth token", http.StatusForbidden, true,
			[]string{"HTTP 403", "accepted the token", "was granted one of the OAuth scopes manage_passwords"},
			[]string{"wrong, expired or revoked", "connect_branch"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, data := mockData(t)
			if tc.oauth {
				data.oauth, data.credentials = true, "OAuth access token from the test"
			}
			mock.Inject(mockapi.Fault{Status: tc.status})
			_, err := data.client.CreatePassword(context.Background(), b, planetscale.CreatePasswordRequest{})
			detail := newAPICall("create", "branch password on "+b.String(), b, time.Minute, data, passwordKind).detail(err)
			for _, want := range tc.want {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
			for _, notWant := range tc.notWant {
				if strings.Contains(detail, notWant) {
					t.Errorf("detail holds %q:\n%s", notWant, detail)
				}
			}
		})
	}
}

// A server that is not the API is named as such, with the /v1 hint when
// server_url lacks it, and never taken for the API's 404 ("check the three
// names").
func TestServerThatIsNotTheAPIIsNamed(t *testing.T) {
	t.Parallel()
	b := planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	// The mock's (and the API's) answer to a path it does not serve, as
	// every path is under a base URL without /v1.
	withoutV1 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":"not_found","message":"Not Found"}`))
	}))
	t.Cleanup(withoutV1.Close)
	webPage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><title>Not here</title></html>"))
	}))
	t.Cleanup(webPage.Close)
	cases := []struct {
		name, base string
		want       []string
	}{
		{"server_url without /v1", withoutV1.URL, []string{"the server at " + withoutV1.URL + " does not answer as the PlanetScale API",
			"HTTP 404", "A server_url usually ends in /v1", envServerURL}},
		{"a web page under /v1", webPage.URL + "/v1", []string{"the server at " + webPage.URL + "/v1 does not answer as the PlanetScale API",
			"HTTP 404, body starting: <html><title>Not here</title></html>", "Check the provider's server_url", envServerURL}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, err := planetscale.New(planetscale.Config{BaseURL: tc.base, ServiceTokenID: "id", ServiceToken: "tok", Unpaced: true})
			if err != nil {
				t.Fatal(err)
			}
			data := newProviderData(client, "service token from the test", "tok")
			_, err = client.CreatePassword(context.Background(), b, planetscale.CreatePasswordRequest{})
			detail := newAPICall("create", "branch password on "+b.String(), b, time.Minute, data, passwordKind).detail(err)
			for _, want := range tc.want {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
			if strings.Contains(detail, "Check the three names") {
				t.Errorf("detail takes the answer for the API's 404:\n%s", detail)
			}
		})
	}
}

// When no connection can be made, the error says how many attempts over how
// long, and which setting changes that.
func TestUnreachableServerSaysAttemptsAndSetting(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/v1"
	l.Close()
	client, err := planetscale.New(planetscale.Config{BaseURL: refused, ServiceTokenID: "id", ServiceToken: "tok", MaxRetries: 1, Unpaced: true})
	if err != nil {
		t.Fatal(err)
	}
	data := newProviderData(client, "service token from the test", "tok")
	b := planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	_, err = client.CreatePassword(context.Background(), b, planetscale.CreatePasswordRequest{})
	detail := newAPICall("create", "branch password on "+b.String(), b, time.Minute, data, passwordKind).detail(err)
	for _, want := range []string{"branch password on acme/app-db/main", "after 2 attempts over ", "connection refused",
		"No connection could be made", "server_url", "max_retries (or the PLANETSCALE_MAX_RETRIES environment variable)", "0 turns retries off"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
}
