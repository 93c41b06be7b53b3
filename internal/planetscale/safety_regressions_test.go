package planetscale_test

// Regressions an adversarial review of the create marks (issue 23, items
// 1-3) found: each failed before its fix.

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A create's answer is lost after the API made the credential, and the
// list lags behind the API's writes on both of the create's looks for it
// (after the lost attempt, and after the retried success). Nothing then
// proves the attempt made nothing: the create must name the mark to look
// for, so that no orphan is left unreported. The harness has this fault
// pair now (a second fault per step).
func TestCreateReportsAnEarlierAttemptTheListNeverShowed(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"password", "role"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			mock, url := newMock(t)
			c, _ := fastClient(t, url)
			createRoute, listRoute := mockapi.RouteCreatePassword, mockapi.RouteListPasswords
			if kind == "role" {
				createRoute, listRoute = mockapi.RouteCreateRole, mockapi.RouteListRoles
			}
			mock.Inject(mockapi.Fault{Route: createRoute, CloseAfterCommit: true, Times: 1})
			mock.Inject(mockapi.Fault{Route: listRoute, EmptyPage: true, Times: 2})

			var oursID string
			var err error
			if kind == "password" {
				var p *planetscale.Password
				p, err = c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
				if p != nil {
					oursID = p.ID
				}
			} else {
				var ro *planetscale.Role
				ro, err = c.CreateRoleNoOrphan(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"}, planetscale.NameGiven)
				if ro != nil {
					oursID = ro.ID
				}
			}
			if n := mock.RequestCount(createRoute); n != 2 {
				t.Fatalf("%d creates sent, want the lost one and its retry: the test proves nothing", n)
			}

			type held struct{ id, name string }
			var at []held
			if kind == "password" {
				for _, p := range mock.Passwords() {
					at = append(at, held{p.ID, p.Name})
				}
			} else {
				for _, ro := range mock.Roles() {
					at = append(at, held{ro.ID, ro.Name})
				}
			}
			for _, h := range at {
				if h.id == oursID {
					continue
				}
				told := err != nil && (strings.Contains(err.Error(), h.id) || strings.Contains(err.Error(), strconv.Quote(h.name)))
				if !told {
					t.Errorf("the %s %s named %q is at the API, nobody holds its secret, and the create returned %v: an orphan nobody was told about",
						kind, h.id, h.name, err)
				}
			}
		})
	}
}
