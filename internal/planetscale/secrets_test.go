package planetscale_test

import (
	"context"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A secret in any answer but a create's (or a role reset's) is dropped, so
// no read, rename or renewal can put another secret in the caller's hands.
func TestOnlyCreateAnswersCarryASecret(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()
	pw, err := c.CreatePassword(ctx, vitess, planetscale.CreatePasswordRequest{TTL: ptr(int64(3600))})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{TTL: ptr(int64(3600))})
	if err != nil {
		t.Fatal(err)
	}
	mock.Inject(mockapi.Fault{AnswerSecret: "pscale_pw_sent-where-no-secret-belongs"})

	got, err := c.GetPassword(ctx, vitess, pw.ID)
	if err != nil || got.PlainText != nil {
		t.Errorf("GetPassword = %+v, %v; want no plain_text", got, err)
	}
	page, err := c.ListPasswords(ctx, vitess, planetscale.ListOptions{})
	if err != nil || len(page.Data) != 1 || page.Data[0].PlainText != nil {
		t.Errorf("ListPasswords = %+v, %v; want one password without plain_text", page, err)
	}
	got, err = c.UpdatePassword(ctx, vitess, pw.ID, planetscale.UpdatePasswordRequest{Name: ptr("renamed")})
	if err != nil || got.PlainText != nil {
		t.Errorf("UpdatePassword = %+v, %v; want no plain_text", got, err)
	}
	got, err = c.RenewPassword(ctx, vitess, pw.ID)
	if err != nil || got.PlainText != nil {
		t.Errorf("RenewPassword = %+v, %v; want no plain_text", got, err)
	}

	role, err := c.GetRole(ctx, postgres, ro.ID)
	if err != nil || role.Password != nil {
		t.Errorf("GetRole = %+v, %v; want no password", role, err)
	}
	roles, err := c.ListRoles(ctx, postgres, planetscale.ListOptions{})
	if err != nil || len(roles.Data) != 1 || roles.Data[0].Password != nil {
		t.Errorf("ListRoles = %+v, %v; want one role without password", roles, err)
	}
	role, err = c.UpdateRole(ctx, postgres, ro.ID, planetscale.UpdateRoleRequest{Name: ptr("renamed")})
	if err != nil || role.Password != nil {
		t.Errorf("UpdateRole = %+v, %v; want no password", role, err)
	}
	role, err = c.RenewRole(ctx, postgres, ro.ID)
	if err != nil || role.Password != nil {
		t.Errorf("RenewRole = %+v, %v; want no password", role, err)
	}
}
