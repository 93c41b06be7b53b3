package planetscale_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

var (
	vitess   = planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	postgres = planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}
)

func newMock(t *testing.T) (*mockapi.Server, string) {
	t.Helper()
	return newMockB(t)
}

func newMockB(tb testing.TB) (*mockapi.Server, string) {
	tb.Helper()
	mock := mockapi.NewWithDefaultWorld()
	srv := contract.Serve(tb, mock)
	return mock, srv.URL + "/v1"
}

func newClient(t *testing.T, url string) *planetscale.Client {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{
		BaseURL:        url,
		ServiceTokenID: mockapi.DefaultServiceTokenID,
		ServiceToken:   mockapi.DefaultServiceToken,
		UserAgent:      "terraform-provider-planetscale/test Terraform/1.11.4",
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   5 * time.Millisecond,
		// Pacing has tests of its own; here it would only add waiting.
		Unpaced: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  planetscale.Config
		want string
	}{
		{"no credentials", planetscale.Config{}, "no credentials"},
		{"half a service token", planetscale.Config{ServiceTokenID: "id"}, "no credentials"},
		{"both", planetscale.Config{ServiceTokenID: "id", ServiceToken: "t", AccessToken: "a"}, "both"},
		{"relative url", planetscale.Config{BaseURL: "api/v1", AccessToken: "a"}, "invalid PlanetScale API URL"},
		{"url with a query", planetscale.Config{BaseURL: "https://api.planetscale.com/v1?region=us", AccessToken: "a"}, "query"},
		{"url with an empty query", planetscale.Config{BaseURL: "https://api.planetscale.com/v1?", AccessToken: "a"}, "query"},
		{"url with a query after a slash", planetscale.Config{BaseURL: "https://api.planetscale.com/v1/?a=/", AccessToken: "a"}, "query"},
		{"url with a fragment", planetscale.Config{BaseURL: "https://api.planetscale.com/v1#top", AccessToken: "a"}, "fragment"},
		{"url with an empty fragment", planetscale.Config{BaseURL: "https://api.planetscale.com/v1#", AccessToken: "a"}, "fragment"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := planetscale.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAuthForms(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	ctx := context.Background()

	svc := newClient(t, url)
	if _, err := svc.ListPasswords(ctx, vitess, planetscale.ListOptions{}); err != nil {
		t.Fatalf("service token: %v", err)
	}
	oauth, err := planetscale.New(planetscale.Config{BaseURL: url, AccessToken: mockapi.DefaultAccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oauth.ListPasswords(ctx, vitess, planetscale.ListOptions{}); err != nil {
		t.Fatalf("access token: %v", err)
	}
	reqs := mock.Requests(mockapi.RouteListPasswords)
	if got, want := reqs[0].Authorization, mockapi.DefaultServiceTokenID+":"+mockapi.DefaultServiceToken; got != want {
		t.Errorf("service token header = %q, want %q", got, want)
	}
	if got, want := reqs[1].Authorization, "Bearer "+mockapi.DefaultAccessToken; got != want {
		t.Errorf("access token header = %q, want %q", got, want)
	}
	if got := reqs[0].UserAgent; got != "terraform-provider-planetscale/test Terraform/1.11.4" {
		t.Errorf("User-Agent = %q", got)
	}

	bad, _ := planetscale.New(planetscale.Config{BaseURL: url, ServiceTokenID: "x", ServiceToken: "y"})
	_, err = bad.ListPasswords(ctx, vitess, planetscale.ListOptions{})
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "unauthorized" || apiErr.Message == "" {
		t.Fatalf("err = %#v, want 401 unauthorized with a message", err)
	}
	if !planetscale.IsAuthError(err) || planetscale.IsNotFound(err) {
		t.Error("IsAuthError/IsNotFound disagree with a 401")
	}
}

func TestPasswordMethods(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()

	created, err := c.CreatePassword(ctx, vitess, planetscale.CreatePasswordRequest{
		Name: "app", Role: "reader", TTL: ptr(int64(3600)), CIDRs: []string{"10.0.0.0/8"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.PlainText == nil || *created.PlainText == "" || created.Username == "" || created.TTLSeconds == nil || *created.TTLSeconds != 3600 {
		t.Fatalf("created = %+v", created)
	}
	body := mock.Requests(mockapi.RouteCreatePassword)[0].Body
	if diff := cmp.Diff(map[string]any{"name": "app", "role": "reader", "ttl": float64(3600), "cidrs": []any{"10.0.0.0/8"}}, body); diff != "" {
		t.Errorf("create body (-want +got):\n%s", diff)
	}

	got, err := c.GetPassword(ctx, vitess, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PlainText != nil || got.Name != "app" || got.Role != "reader" || !got.Renewable {
		t.Errorf("got = %+v", got)
	}

	updated, err := c.UpdatePassword(ctx, vitess, created.ID, planetscale.UpdatePasswordRequest{Name: ptr("renamed")})
	if err != nil || updated.Name != "renamed" {
		t.Fatalf("update = %+v, %v", updated, err)
	}
	if body := mock.Requests(mockapi.RouteUpdatePassword)[0].Body; len(body) != 1 {
		t.Errorf("update body = %v, want only name", body)
	}
	if _, err := c.RenewPassword(ctx, vitess, created.ID); err != nil {
		t.Fatalf("renew: %v", err)
	}
	if err := c.DeletePassword(ctx, vitess, created.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPassword(ctx, vitess, created.ID)
	if !planetscale.IsNotFound(err) {
		t.Fatalf("get after delete: %v, want not found", err)
	}
	if err := c.DeletePassword(ctx, vitess, created.ID); !planetscale.IsNotFound(err) {
		t.Fatalf("second delete: %v, want not found", err)
	}
}

func TestCreateOmitsUnsetFields(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	if _, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRole(context.Background(), postgres, planetscale.CreateRoleRequest{}); err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{mockapi.RouteCreatePassword, mockapi.RouteCreateRole} {
		if body := mock.Requests(route)[0].Body; len(body) != 0 {
			t.Errorf("%s body = %v, want {}", route, body)
		}
	}
}

func TestValidationErrorIsParsed(t *testing.T) {
	t.Parallel()
	srv := contract.Serve(t, mockapi.NewWithDefaultWorld())
	c := newClient(t, srv.URL+"/v1")
	_, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{Role: "owner"})
	// The client sends what it is given; the provider refuses such a role at
	// plan time, and the document says why.
	srv.ExpectViolation(t, "create_password", "body /role")
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || apiErr.Code != "unprocessable" || !strings.Contains(apiErr.Message, "owner") {
		t.Fatalf("err = %#v", err)
	}
	if !planetscale.IsUnprocessable(err) {
		t.Error("IsUnprocessable = false")
	}
}

func TestNotFoundBranch(t *testing.T) {
	t.Parallel()
	_, url := newMock(t)
	c := newClient(t, url)
	_, err := c.CreatePassword(context.Background(), postgres, planetscale.CreatePasswordRequest{})
	if !planetscale.IsNotFound(err) {
		t.Fatalf("password on a Postgres database: %v, want 404", err)
	}
	_, err = c.CreateRole(context.Background(), vitess, planetscale.CreateRoleRequest{})
	if !planetscale.IsNotFound(err) {
		t.Fatalf("role on a Vitess database: %v, want 404", err)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	_, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		if _, err := c.CreatePassword(ctx, vitess, planetscale.CreatePasswordRequest{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := c.ListPasswords(ctx, vitess, planetscale.ListOptions{PerPage: 3, Page: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.CurrentPage != 2 || len(page.Data) != 3 || page.TotalCount != 7 || page.NextPage == nil || *page.NextPage != 3 {
		t.Errorf("page 2 = %+v", page)
	}
	all, err := c.ListAllPasswords(ctx, vitess, planetscale.ListOptions{PerPage: 3})
	if err != nil || len(all) != 7 {
		t.Fatalf("all passwords = %d, %v", len(all), err)
	}
	seen := map[string]bool{}
	for _, p := range all {
		seen[p.ID] = true
	}
	if len(seen) != 7 {
		t.Errorf("pages repeated items: %d distinct", len(seen))
	}
	roles, err := c.ListAllRoles(ctx, postgres, planetscale.ListOptions{PerPage: 2})
	if err != nil || len(roles) != 7 {
		t.Fatalf("all roles = %d, %v", len(roles), err)
	}
	rolePage, err := c.ListRoles(ctx, postgres, planetscale.ListOptions{PerPage: 5})
	if err != nil || len(rolePage.Data) != 5 || rolePage.TotalPages != 2 {
		t.Fatalf("role page = %+v, %v", rolePage, err)
	}
	named, err := c.ListAllPasswords(ctx, vitess, planetscale.ListOptions{Query: all[3].Name})
	if err != nil || len(named) != 1 || named[0].ID != all[3].ID {
		t.Fatalf("query by name = %+v, %v", named, err)
	}
}

// Full lists ask for the largest page, so a branch of 250 credentials costs
// three requests, not ten at the API's default of 25.
func TestListAllUsesTheLargestPage(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()
	for i := 0; i < 250; i++ {
		if _, err := c.CreatePassword(ctx, vitess, planetscale.CreatePasswordRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	mock.ResetRequests()
	all, err := c.ListAllPasswords(ctx, vitess, planetscale.ListOptions{})
	if err != nil || len(all) != 250 {
		t.Fatalf("all passwords = %d, %v", len(all), err)
	}
	lists := mock.Requests(mockapi.RouteListPasswords)
	if len(lists) != 3 {
		t.Fatalf("%d list requests, want 3", len(lists))
	}
	for _, r := range lists {
		if got := r.Query.Get("per_page"); got != strconv.Itoa(planetscale.MaxPageSize) {
			t.Errorf("per_page = %q, want %d", got, planetscale.MaxPageSize)
		}
	}
}

// EachPassword reads no page past the one where the caller stopped.
func TestEachPasswordStopsReadingWhenAsked(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		if _, err := c.CreatePassword(ctx, vitess, planetscale.CreatePasswordRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	mock.ResetRequests()
	var seen []string
	err := c.EachPassword(ctx, vitess, planetscale.ListOptions{PerPage: 3}, func(p *planetscale.Password) bool {
		seen = append(seen, p.ID)
		return len(seen) < 4
	})
	if err != nil || len(seen) != 4 {
		t.Fatalf("seen %d, %v; want 4", len(seen), err)
	}
	if n := mock.RequestCount(mockapi.RouteListPasswords); n != 2 {
		t.Errorf("%d list requests for 4 passwords in pages of 3, want 2", n)
	}
	var roles int
	if err := c.EachRole(ctx, postgres, planetscale.ListOptions{}, func(*planetscale.Role) bool { roles++; return true }); err != nil || roles != 0 {
		t.Errorf("roles on an empty branch = %d, %v", roles, err)
	}
}

// WaitRoleReady polls until the role is ready, and gives up with ctx.
func TestWaitRoleReady(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()
	mock.SetRolesPendingGets(2)
	created, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if created.Ready {
		t.Fatal("the mock made a ready role; the test needs a pending one")
	}
	ready, err := c.WaitRoleReady(ctx, postgres, created.ID, time.Millisecond)
	if err != nil || !ready.Ready {
		t.Fatalf("WaitRoleReady = %+v, %v", ready, err)
	}
	// The mock's role is ready once it has been read twice.
	if n := mock.RequestCount(mockapi.RouteGetRole); n != 2 {
		t.Errorf("%d GETs for a role ready on the second, want 2", n)
	}

	mock.SetRolesPendingGets(1000)
	pending, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.WaitRoleReady(short, postgres, pending.ID, time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitRoleReady past its deadline = %v, want DeadlineExceeded", err)
	}
}

// ReassignRole sends the successor in the body and hands the objects over.
func TestReassignRole(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()
	owner, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	heir, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	mock.SetRoleOwnsObjects(owner.ID, true)
	if err := c.ReassignRole(ctx, postgres, owner.ID, heir.Username); err != nil {
		t.Fatal(err)
	}
	reqs := mock.Requests(mockapi.RouteReassignRole)
	if len(reqs) != 1 || !cmp.Equal(reqs[0].Body, map[string]any{"successor": heir.Username}) {
		t.Errorf("reassign requests = %+v", reqs)
	}
	if ro, _ := mock.Role(heir.ID); !ro.OwnsObjects {
		t.Error("the successor does not own the objects")
	}
	err = c.ReassignRole(ctx, postgres, owner.ID, "nobody")
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("reassign to a missing successor = %v, want a 422 APIError", err)
	}
}

func TestRoleMethods(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	ctx := context.Background()

	created, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{
		Name: "app", TTL: ptr(int64(600)), InheritedRoles: []string{"pg_read_all_data"},
		WithReplication: ptr(true), RequireWhereOnDelete: "warn",
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.Password == nil || *created.Password == "" || !created.Ready || !created.WithReplication ||
		created.QuerySafetySettings.RequireWhereOnDelete != "warn" || created.QuerySafetySettings.RequireWhereOnUpdate != "off" {
		t.Fatalf("created = %+v", created)
	}
	got, err := c.GetRole(ctx, postgres, created.ID)
	if err != nil || got.Password != nil || got.Name != "app" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	updated, err := c.UpdateRole(ctx, postgres, created.ID, planetscale.UpdateRoleRequest{RequireWhereOnUpdate: ptr("on")})
	if err != nil || updated.QuerySafetySettings.RequireWhereOnUpdate != "on" || updated.Name != "app" {
		t.Fatalf("update = %+v, %v", updated, err)
	}
	if _, err := c.RenewRole(ctx, postgres, created.ID); err != nil {
		t.Fatalf("renew: %v", err)
	}
	reset, err := c.ResetRole(ctx, postgres, created.ID)
	if err != nil || reset.Password == nil || *reset.Password == *created.Password {
		t.Fatalf("reset = %+v, %v", reset, err)
	}

	heir, err := c.CreateRole(ctx, postgres, planetscale.CreateRoleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	mock.SetRoleOwnsObjects(created.ID, true)
	err = c.DeleteRole(ctx, postgres, created.ID, "")
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || apiErr.Message != "Role is still referenced and cannot be dropped." {
		t.Fatalf("delete of an owner = %#v", err)
	}
	if err := c.DeleteRole(ctx, postgres, created.ID, heir.Username); err != nil {
		t.Fatalf("delete with successor: %v", err)
	}
	reqs := mock.Requests(mockapi.RouteDeleteRole)
	if got := reqs[len(reqs)-1].Query.Get("successor"); got != heir.Username {
		t.Errorf("successor sent = %q", got)
	}
	// The heir took the objects over; this checks only that an empty
	// successor is not sent.
	mock.SetRoleOwnsObjects(heir.ID, false)
	if err := c.DeleteRole(ctx, postgres, heir.ID, ""); err != nil {
		t.Fatal(err)
	}
	if q := mock.Requests(mockapi.RouteDeleteRole)[2].Query; q.Has("successor") {
		t.Errorf("empty successor was sent: %v", q)
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body>\n<h1>502 Bad Gateway</h1>\n" + strings.Repeat("x", 1000) + "</body></html>"))
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	_, err := c.GetPassword(context.Background(), vitess, "id")
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(apiErr.Message, "502 Bad Gateway") || len(apiErr.Message) > 260 || strings.Contains(apiErr.Message, "\n") {
		t.Errorf("message = %q, want a short one-line excerpt", apiErr.Message)
	}
}

func TestMalformedSuccessBody(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"empty":      "",
		"truncated":  `{"id": "abc"`,
		"wrong type": `{"id": 5}`,
		"html":       "<html>ok</html>",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(body))
			}))
			t.Cleanup(srv.Close)
			_, err := newClient(t, srv.URL).GetPassword(context.Background(), vitess, "id")
			var decErr *planetscale.DecodeError
			if !errors.As(err, &decErr) || decErr.StatusCode != 200 {
				t.Fatalf("err = %v, want a DecodeError", err)
			}
		})
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	t.Parallel()
	var gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.EscapedPath()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL+"/v1")
	b := planetscale.Branch{Organization: "a b", Database: "c?d", Branch: "e"}
	if err := c.DeletePassword(context.Background(), b, "x/y"); err != nil {
		t.Fatal(err)
	}
	if want := "/v1/organizations/a%20b/databases/c%3Fd/branches/e/passwords/x%2Fy"; gotPath != want {
		t.Errorf("path = %q, want %q", gotPath, want)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := newClient(t, url)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{})
			if err == nil {
				_, err = c.GetPassword(context.Background(), vitess, p.ID)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(mock.Passwords()); n != 20 {
		t.Errorf("mock holds %d passwords, want 20", n)
	}
}

func TestDecodeErrorRedactsSecrets(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id": "abc", "plain_text": "pscale_pw_SECRET\"still", "expired": "nope"}`))
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL).CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{})
	var decErr *planetscale.DecodeError
	if !errors.As(err, &decErr) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "still") {
		t.Errorf("error shows the secret: %v", err)
	}
	if !strings.Contains(err.Error(), `"plain_text":"[redacted]"`) || !strings.Contains(err.Error(), `"id": "abc"`) {
		t.Errorf("error lacks the redacted excerpt: %v", err)
	}
	if !planetscale.OutcomeUnknown(err) {
		t.Error("an unreadable 2xx create answer is not an unknown outcome")
	}
}

func TestHugeBodyIsCapped(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id":"` + strings.Repeat("a", 5<<20) + `"}`))
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL).GetPassword(context.Background(), vitess, "id")
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

func TestIncompleteAnswers(t *testing.T) {
	t.Parallel()
	var creates atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			creates.Add(1)
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id": "abc", "name": "n"}`)) // no plain_text
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/passwords"):
			_, _ = w.Write([]byte(`{"type":"list","current_page":1,"next_page":null,"data":[]}`))
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	if _, err := c.GetPassword(context.Background(), vitess, "abc"); err == nil || !strings.Contains(err.Error(), "lacks id") {
		t.Errorf("get of {} = %v, want an error about the missing id", err)
	}
	_, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "n"}, planetscale.NameGiven)
	if err == nil || !strings.Contains(err.Error(), "lacks id and plain_text") {
		t.Fatalf("create without plain_text = %v", err)
	}
	if n := creates.Load(); n != int32(planetscale.DefaultMaxRetries+1) {
		t.Errorf("creates = %d, want %d (bounded by the retries)", n, planetscale.DefaultMaxRetries+1)
	}
}

// Off is said with NoRetries and Unpaced; a negative number is a mistake,
// not a way to say it.
func TestNewRejectsNegativeSettings(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]planetscale.Config{
		"retries": {MaxRetries: -1},
		"pace":    {RequestsPerMinute: -1},
		"burst":   {Burst: -1},
	} {
		cfg.ServiceTokenID, cfg.ServiceToken = "id", "token"
		if _, err := planetscale.New(cfg); err == nil || !strings.Contains(err.Error(), "must not be negative") {
			t.Errorf("%s: New = %v, want an error", name, err)
		}
	}
	c, err := planetscale.New(planetscale.Config{ServiceTokenID: "id", ServiceToken: "token", Unpaced: true})
	if err != nil || c.RequestsPerMinute() != 0 {
		t.Errorf("Unpaced: pace %v, %v; want 0", c.RequestsPerMinute(), err)
	}
}
