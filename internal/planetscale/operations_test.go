package planetscale_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Every request the client sends is named by its APIError as the API
// document names it; the mock, written from the document on its own,
// routes by the same names.
func TestAPIErrorNamesTheOperation(t *testing.T) {
	t.Parallel()
	calls := map[string]func(context.Context, *planetscale.Client) error{
		mockapi.RouteListPasswords: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.ListPasswords(ctx, vitess, planetscale.ListOptions{})
			return err
		},
		mockapi.RouteCreatePassword: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.CreatePassword(ctx, vitess, planetscale.CreatePasswordRequest{})
			return err
		},
		mockapi.RouteGetPassword: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.GetPassword(ctx, vitess, "pw/1")
			return err
		},
		mockapi.RouteUpdatePassword: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.UpdatePassword(ctx, vitess, "pw1", planetscale.UpdatePasswordRequest{Name: ptr("x")})
			return err
		},
		mockapi.RouteDeletePassword: func(ctx context.Context, c *planetscale.Client) error {
			return c.DeletePassword(ctx, vitess, "pw1")
		},
		mockapi.RouteRenewPassword: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.RenewPassword(ctx, vitess, "pw1")
			return err
		},
		mockapi.RouteListRoles: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.ListRoles(ctx, postgres, planetscale.ListOptions{})
			return err
		},
		mockapi.RouteCreateRole: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{})
			return err
		},
		mockapi.RouteGetRole: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.GetRole(ctx, postgres, "renew")
			return err
		},
		mockapi.RouteUpdateRole: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.UpdateRole(ctx, postgres, "r1", planetscale.UpdateRoleRequest{Name: ptr("x")})
			return err
		},
		mockapi.RouteDeleteRole: func(ctx context.Context, c *planetscale.Client) error {
			return c.DeleteRole(ctx, postgres, "r1", "heir")
		},
		mockapi.RouteRenewRole: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.RenewRole(ctx, postgres, "r1")
			return err
		},
		mockapi.RouteResetRole: func(ctx context.Context, c *planetscale.Client) error {
			_, err := c.ResetRole(ctx, postgres, "r1")
			return err
		},
		mockapi.RouteReassignRole: func(ctx context.Context, c *planetscale.Client) error {
			return c.ReassignRole(ctx, postgres, "r1", "heir")
		},
	}
	for route, call := range calls {
		t.Run(route, func(t *testing.T) {
			t.Parallel()
			mock, url := newMock(t)
			mock.Inject(mockapi.Fault{Status: http.StatusForbidden})
			err := call(context.Background(), newClient(t, url))
			var apiErr *planetscale.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
				t.Fatalf("err = %v, want a 403 APIError", err)
			}
			if got := mock.Requests(""); len(got) != 1 || got[0].Route != route {
				t.Fatalf("requests = %+v, want one to %s", got, route)
			}
			if got := apiErr.Operation(); got != route {
				t.Errorf("Operation() = %q, want %q", got, route)
			}
		})
	}
}

func TestAPIErrorOperationOfAnotherRequest(t *testing.T) {
	t.Parallel()
	for _, e := range []planetscale.APIError{
		{Method: http.MethodGet, Path: "organizations/acme/databases/app-db/branches/main/backups"},
		{Method: http.MethodPut, Path: "organizations/acme/databases/app-db/branches/main/passwords/pw1"},
		{Method: http.MethodPost, Path: "organizations/acme/databases/app-db/branches/main/passwords/pw1/reset"},
		{Method: http.MethodGet, Path: "organizations/acme/databases/app-db/branches/main/roles/r1/renew/x"},
		{Method: http.MethodGet, Path: "organizations/acme"},
	} {
		if got := e.Operation(); got != "" {
			t.Errorf("%s %s: Operation() = %q, want none", e.Method, e.Path, got)
		}
	}
}
