package provider

import (
	"context"
	"net/http"
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
