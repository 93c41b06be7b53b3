package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
)

const (
	pwBase   = "/v1/organizations/acme/databases/app-db/branches/main/passwords"
	roleBase = "/v1/organizations/acme/databases/pg-db/branches/main/roles"
)

var serviceAuth = DefaultServiceTokenID + ":" + DefaultServiceToken

type testServer struct {
	*Server
	contract *contract.Server
	url      string
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	s := NewWithDefaultWorld()
	ts := contract.Serve(t, s)
	return &testServer{Server: s, contract: ts, url: ts.URL}
}

// call sends a request with the default service token and decodes the answer.
// stringField is a string member of a decoded answer.
func stringField(t *testing.T, object map[string]any, key string) string {
	t.Helper()
	s, ok := object[key].(string)
	if !ok {
		t.Fatalf("%s = %#v in %v, want a string", key, object[key], object)
	}
	return s
}

// pageData is the data member of a decoded list answer.
func pageData(t *testing.T, page map[string]any) []any {
	t.Helper()
	data, ok := page["data"].([]any)
	if !ok {
		t.Fatalf("data = %#v in %v, want a list", page["data"], page)
	}
	return data
}

func (ts *testServer) call(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	return ts.callAuth(t, serviceAuth, method, path, body)
}

func (ts *testServer) callAuth(t *testing.T, auth, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, ts.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %q", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

func TestAuth(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	cases := []struct {
		name string
		auth string
		want int
	}{
		{"service token", serviceAuth, http.StatusOK},
		{"access token", "Bearer " + DefaultAccessToken, http.StatusOK},
		{"no header", "", http.StatusUnauthorized},
		{"wrong service token", DefaultServiceTokenID + ":nope", http.StatusUnauthorized},
		{"unknown token id", "other:" + DefaultServiceToken, http.StatusUnauthorized},
		{"service token as bearer", "Bearer " + serviceAuth, http.StatusUnauthorized},
		{"wrong access token", "Bearer nope", http.StatusUnauthorized},
		// PlanetScale has been seen to answer a malformed header with 404.
		{"access token without scheme", DefaultAccessToken, http.StatusNotFound},
		{"service token without its id", ":" + DefaultServiceToken, http.StatusNotFound},
		{"bearer without a token", "Bearer ", http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := ts.callAuth(t, tc.auth, http.MethodGet, pwBase, nil)
			if tc.auth == "" {
				ts.contract.ExpectViolation(t, RouteListPasswords, "header Authorization")
			}
			if status != tc.want {
				t.Fatalf("status = %d, want %d (body %v)", status, tc.want, body)
			}
			if tc.want == http.StatusUnauthorized && body["code"] != "unauthorized" {
				t.Errorf("code = %v, want unauthorized", body["code"])
			}
			if tc.want == http.StatusNotFound && body["code"] != "not_found" {
				t.Errorf("code = %v, want the API's not_found body", body["code"])
			}
		})
	}
}

func TestAddServiceToken(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.AddServiceToken("second", "pscale_tkn_second")
	for _, auth := range []string{serviceAuth, "second:pscale_tkn_second"} {
		if status, _ := ts.callAuth(t, auth, http.MethodGet, pwBase, nil); status != http.StatusOK {
			t.Errorf("%s: status %d, want both tokens accepted", auth, status)
		}
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	paths := []string{
		"/v1/organizations/nope/databases/app-db/branches/main/passwords",
		"/v1/organizations/acme/databases/nope/branches/main/passwords",
		"/v1/organizations/acme/databases/app-db/branches/nope/passwords",
		"/v1/organizations/acme/databases/pg-db/branches/main/passwords", // Postgres has no passwords
		"/v1/organizations/acme/databases/app-db/branches/main/roles",    // Vitess has no roles
		pwBase + "/missing",
		roleBase + "/missing",
		"/v1/unknown",
	}
	for _, p := range paths {
		status, body := ts.call(t, http.MethodGet, p, nil)
		if status != http.StatusNotFound || body["code"] != "not_found" {
			t.Errorf("GET %s = %d %v, want 404 not_found", p, status, body)
		}
	}
	ts.contract.ExpectViolation(t, "", "path")
}

func TestPasswordLifecycle(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)

	status, created := ts.call(t, http.MethodPost, pwBase, map[string]any{
		"name": "app", "role": "reader", "ttl": 3600, "cidrs": []string{"10.0.0.0/8", "192.0.2.1"},
	})
	if status != http.StatusCreated {
		t.Fatalf("create = %d %v", status, created)
	}
	id := stringField(t, created, "id")
	plain, _ := created["plain_text"].(string)
	if plain == "" || created["username"] == "" {
		t.Fatalf("create answer lacks plain_text or username: %v", created)
	}
	if created["ttl_seconds"] != float64(3600) || created["renewable"] != true || created["expired"] != false || created["expires_at"] == nil {
		t.Errorf("ttl fields wrong: %v", created)
	}

	status, got := ts.call(t, http.MethodGet, pwBase+"/"+id, nil)
	if status != http.StatusOK || got["plain_text"] != nil {
		t.Fatalf("get = %d, plain_text %v; want 200 and null plain_text", status, got["plain_text"])
	}
	if got["name"] != "app" || got["role"] != "reader" {
		t.Errorf("get = %v", got)
	}

	status, listed := ts.call(t, http.MethodGet, pwBase, nil)
	if status != http.StatusOK {
		t.Fatalf("list = %d", status)
	}
	items, ok := listed["data"].([]any)
	if !ok {
		t.Fatalf("list data = %T", listed["data"])
	}
	for _, item := range items {
		if object, ok := item.(map[string]any); !ok || object["plain_text"] != nil {
			t.Errorf("list shows plain_text")
		}
	}

	status, updated := ts.call(t, http.MethodPatch, pwBase+"/"+id, map[string]any{"name": "renamed", "cidrs": []string{"10.1.0.0/16"}})
	if status != http.StatusOK || updated["name"] != "renamed" || updated["plain_text"] != nil {
		t.Fatalf("update = %d %v", status, updated)
	}
	if stored, _ := ts.Password(id); stored.PlainText != plain {
		t.Errorf("plaintext changed on update")
	}

	ts.Advance(30 * time.Minute)
	status, renewed := ts.call(t, http.MethodPost, pwBase+"/"+id+"/renew", nil)
	if status != http.StatusOK || renewed["expires_at"] == got["expires_at"] {
		t.Fatalf("renew = %d, expires_at %v (was %v)", status, renewed["expires_at"], got["expires_at"])
	}

	if status, _ := ts.call(t, http.MethodDelete, pwBase+"/"+id, nil); status != http.StatusNoContent {
		t.Fatalf("delete = %d", status)
	}
	if status, _ := ts.call(t, http.MethodGet, pwBase+"/"+id, nil); status != http.StatusNotFound {
		t.Fatalf("get after delete = %d", status)
	}
	if status, _ := ts.call(t, http.MethodDelete, pwBase+"/"+id, nil); status != http.StatusNotFound {
		t.Fatalf("second delete = %d", status)
	}
}

func TestPasswordDefaults(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	status, created := ts.call(t, http.MethodPost, pwBase, nil)
	if status != http.StatusCreated {
		t.Fatalf("create = %d %v", status, created)
	}
	if created["role"] != "admin" || created["ttl_seconds"] != nil || created["expires_at"] != nil ||
		created["renewable"] != false || created["name"] == "" || created["replica"] != false {
		t.Errorf("defaults wrong: %v", created)
	}
	id := stringField(t, created, "id")
	if status, _ := ts.call(t, http.MethodPost, pwBase+"/"+id+"/renew", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("renew without TTL = %d, want 422", status)
	}
}

func TestPasswordValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	bodies := []map[string]any{
		{"role": "owner"},
		{"ttl": 0},
		{"ttl": -5},
		{"cidrs": []string{"10.0.0.0/33"}},
		{"cidrs": []string{"not-an-ip"}},
		{"unknown_field": true},
	}
	for _, b := range bodies {
		status, body := ts.call(t, http.MethodPost, pwBase, b)
		if status != http.StatusUnprocessableEntity || body["code"] != "unprocessable" || body["message"] == "" {
			t.Errorf("create %v = %d %v, want 422 unprocessable", b, status, body)
		}
	}
	_, created := ts.call(t, http.MethodPost, pwBase, nil)
	id := stringField(t, created, "id")
	for _, b := range []map[string]any{{"role": "reader"}, {"ttl": 5}, {"name": ""}, {"cidrs": []string{"x"}}} {
		if status, _ := ts.call(t, http.MethodPatch, pwBase+"/"+id, b); status != http.StatusUnprocessableEntity {
			t.Errorf("patch %v = %d, want 422", b, status)
		}
	}
	if n := len(ts.Passwords()); n != 1 {
		t.Errorf("stored %d passwords, want 1", n)
	}
	ts.contract.ExpectViolation(t, RouteCreatePassword, "body /role")
}

func TestPagination(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for i := 0; i < 7; i++ {
		ts.call(t, http.MethodPost, pwBase, map[string]any{"name": "pw-" + string(rune('a'+i))})
	}
	status, page1 := ts.call(t, http.MethodGet, pwBase+"?per_page=3", nil)
	if status != http.StatusOK {
		t.Fatal(status)
	}
	if page1["type"] != "list" || page1["total_count"] != float64(7) || page1["total_pages"] != float64(3) ||
		page1["next_page"] != float64(2) || page1["prev_page"] != nil || len(pageData(t, page1)) != 3 {
		t.Errorf("page 1 = %v", page1)
	}
	_, page3 := ts.call(t, http.MethodGet, pwBase+"?per_page=3&page=3", nil)
	if page3["next_page"] != nil || page3["next_page_url"] != nil || page3["prev_page"] != float64(2) || len(pageData(t, page3)) != 1 {
		t.Errorf("page 3 = %v", page3)
	}
	if first, _ := pageData(t, page3)[0].(map[string]any); first["name"] != "pw-g" {
		t.Errorf("last item = %v, want pw-g (creation order)", first["name"])
	}
	_, beyond := ts.call(t, http.MethodGet, pwBase+"?per_page=3&page=9", nil)
	if d := pageData(t, beyond); len(d) != 0 {
		t.Errorf("page past the end has %d items", len(d))
	}
	_, filtered := ts.call(t, http.MethodGet, pwBase+"?q=pw-c", nil)
	if filtered["total_count"] != float64(1) {
		t.Errorf("q filter = %v", filtered)
	}
	for _, q := range []string{"?per_page=0", "?per_page=101", "?page=0", "?page=x"} {
		if status, _ := ts.call(t, http.MethodGet, pwBase+q, nil); status != http.StatusUnprocessableEntity {
			t.Errorf("GET %s = %d, want 422", q, status)
		}
	}
	ts.contract.ExpectViolation(t, RouteListPasswords, "query page")
}

func TestPasswordHooks(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, created := ts.call(t, http.MethodPost, pwBase, map[string]any{"ttl": 3600})
	id := stringField(t, created, "id")

	if !ts.ExpirePassword(id) {
		t.Fatal("ExpirePassword found nothing")
	}
	_, got := ts.call(t, http.MethodGet, pwBase+"/"+id, nil)
	if got["expired"] != true || got["renewable"] != false {
		t.Errorf("after ExpirePassword: %v", got)
	}
	_, fresh := ts.call(t, http.MethodPost, pwBase, map[string]any{"ttl": 60})
	freshID := stringField(t, fresh, "id")
	ts.SetPasswordRenewable(freshID, false)
	if _, got := ts.call(t, http.MethodGet, pwBase+"/"+freshID, nil); got["renewable"] != false {
		t.Errorf("after SetPasswordRenewable(false): renewable %v", got["renewable"])
	}
	if status, _ := ts.call(t, http.MethodPost, pwBase+"/"+freshID+"/renew", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("renew of an unrenewable password = %d, want 422", status)
	}
	if !ts.RemovePassword(id) {
		t.Fatal("RemovePassword found nothing")
	}
	if status, _ := ts.call(t, http.MethodGet, pwBase+"/"+id, nil); status != http.StatusNotFound {
		t.Errorf("after RemovePassword: %d", status)
	}
	if ts.RemovePassword(id) || ts.ExpirePassword(id) {
		t.Error("hooks report success for a missing password")
	}
}

func TestRoleLifecycle(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	status, created := ts.call(t, http.MethodPost, roleBase, map[string]any{
		"name": "app", "ttl": 7200, "inherited_roles": []string{"pg_read_all_data"},
		"with_replication": true, "require_where_on_delete": "warn",
	})
	if status != http.StatusOK {
		t.Fatalf("create = %d %v (the API answers 200, not 201)", status, created)
	}
	id := stringField(t, created, "id")
	if created["password"] == nil || created["password"] == "" || created["ready"] != true {
		t.Fatalf("create = %v", created)
	}
	qs, _ := created["query_safety_settings"].(map[string]any)
	if qs["require_where_on_delete"] != "warn" || qs["require_where_on_update"] != "off" {
		t.Errorf("query safety = %v", qs)
	}
	if created["ttl"] != float64(7200) {
		t.Errorf("ttl = %v, want 7200 right after create", created["ttl"])
	}

	ts.Advance(time.Hour)
	_, got := ts.call(t, http.MethodGet, roleBase+"/"+id, nil)
	if got["password"] != "" {
		t.Errorf("get shows the password")
	}
	if got["ttl"] != float64(3600) {
		t.Errorf("ttl an hour later = %v, want 3600 (seconds left)", got["ttl"])
	}

	status, updated := ts.call(t, http.MethodPatch, roleBase+"/"+id, map[string]any{"name": "renamed", "require_where_on_update": "on"})
	if status != http.StatusOK || updated["name"] != "renamed" || updated["password"] != "" {
		t.Fatalf("update = %d %v", status, updated)
	}

	status, renewed := ts.call(t, http.MethodPost, roleBase+"/"+id+"/renew", nil)
	if status != http.StatusOK || renewed["ttl"] != float64(7200) {
		t.Errorf("renew = %d ttl %v", status, renewed["ttl"])
	}
	before, _ := ts.Role(id)
	status, reset := ts.call(t, http.MethodPost, roleBase+"/"+id+"/reset", nil)
	if status != http.StatusOK || reset["password"] == nil || reset["password"] == before.Password {
		t.Errorf("reset = %d, password changed: %v", status, reset["password"] != before.Password)
	}

	if status, _ := ts.call(t, http.MethodDelete, roleBase+"/"+id, nil); status != http.StatusNoContent {
		t.Fatalf("delete = %d", status)
	}
	if status, _ := ts.call(t, http.MethodGet, roleBase+"/"+id, nil); status != http.StatusNotFound {
		t.Fatalf("get after delete = %d", status)
	}
}

func TestRoleValidation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	bodies := []map[string]any{
		{"ttl": 0},
		{"inherited_roles": []string{"superuser"}},
		{"require_where_on_delete": "true"},
		{"require_where_on_update": "maybe"},
		{"role": "admin"},
	}
	for _, b := range bodies {
		if status, body := ts.call(t, http.MethodPost, roleBase, b); status != http.StatusUnprocessableEntity || body["code"] != "unprocessable" {
			t.Errorf("create %v = %d %v, want 422", b, status, body)
		}
	}
	ts.contract.ExpectViolation(t, RouteCreateRole, "body /inherited_roles")
	if status, _ := ts.call(t, http.MethodPost, roleBase, map[string]any{"inherited_roles": []string{"pscale_managed"}}); status != http.StatusOK {
		t.Errorf("pscale_managed (older documents) = %d, want 200", status)
	}
	_, created := ts.call(t, http.MethodPost, roleBase, nil)
	id := stringField(t, created, "id")
	for _, b := range []map[string]any{{"ttl": 5}, {"require_where_on_delete": "yes"}, {"inherited_roles": []string{"postgres"}}} {
		if status, _ := ts.call(t, http.MethodPatch, roleBase+"/"+id, b); status != http.StatusUnprocessableEntity {
			t.Errorf("patch %v = %d, want 422", b, status)
		}
	}
	if status, _ := ts.call(t, http.MethodPost, roleBase+"/"+id+"/renew", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("renew without ttl = %d, want 422", status)
	}
}

func TestRoleStillReferenced(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, owner := ts.call(t, http.MethodPost, roleBase, nil)
	_, heir := ts.call(t, http.MethodPost, roleBase, nil)
	id := stringField(t, owner, "id")
	ts.SetRoleOwnsObjects(id, true)

	status, body := ts.call(t, http.MethodDelete, roleBase+"/"+id, nil)
	if status != http.StatusUnprocessableEntity || body["message"] != stillReferenced {
		t.Fatalf("delete without successor = %d %v", status, body)
	}
	if status, _ := ts.call(t, http.MethodDelete, roleBase+"/"+id+"?successor=nobody", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("delete with unknown successor = %d, want 422", status)
	}
	for _, ref := range []string{stringField(t, heir, "username"), stringField(t, heir, "base_username"), stringField(t, heir, "id")} {
		if got := ts.findSuccessor(ts.branchOf(t, id), ref, id); got == nil {
			t.Errorf("successor %q not accepted", ref)
		}
	}
	if status, _ := ts.call(t, http.MethodDelete, roleBase+"/"+id+"?successor="+stringField(t, heir, "id"), nil); status != http.StatusNoContent {
		t.Fatalf("delete with successor = %d", status)
	}
	reqs := ts.Requests(RouteDeleteRole)
	if got := reqs[len(reqs)-1].Query.Get("successor"); got != heir["id"] {
		t.Errorf("recorded successor = %q", got)
	}
	if ro, _ := ts.Role(stringField(t, heir, "id")); !ro.OwnsObjects {
		t.Error("the successor does not own the deleted role's objects")
	}
}

// A reassign hands a role's objects to its successor and keeps the role,
// which can then be deleted without one.
func TestReassignRoleObjects(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, owner := ts.call(t, http.MethodPost, roleBase, nil)
	_, heir := ts.call(t, http.MethodPost, roleBase, nil)
	id, heirID := stringField(t, owner, "id"), stringField(t, heir, "id")
	ts.SetRoleOwnsObjects(id, true)

	for _, bad := range []map[string]any{nil, {"successor": ""}, {"successor": "nobody"}, {"successor": id}, {"heir": heirID}} {
		if status, _ := ts.call(t, http.MethodPost, roleBase+"/"+id+"/reassign", bad); status != http.StatusUnprocessableEntity {
			t.Errorf("reassign %v = %d, want 422", bad, status)
		}
	}
	ts.contract.ExpectViolation(t, RouteReassignRole, "body")
	if status, _ := ts.call(t, http.MethodPost, roleBase+"/nosuchrole/reassign", map[string]any{"successor": heirID}); status != http.StatusNotFound {
		t.Errorf("reassign of a missing role = %d, want 404", status)
	}
	if status, _ := ts.call(t, http.MethodPost, roleBase+"/"+id+"/reassign", map[string]any{"successor": heir["username"]}); status != http.StatusNoContent {
		t.Fatalf("reassign = %d, want 204", status)
	}
	if ro, _ := ts.Role(id); ro.OwnsObjects {
		t.Error("the role still owns objects after the reassign")
	}
	if ro, _ := ts.Role(heirID); !ro.OwnsObjects {
		t.Error("the successor does not own the objects after the reassign")
	}
	if status, _ := ts.call(t, http.MethodDelete, roleBase+"/"+id, nil); status != http.StatusNoContent {
		t.Errorf("delete after reassign = %d, want 204", status)
	}
}

func (ts *testServer) branchOf(t *testing.T, roleID string) string {
	t.Helper()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.roles[roleID].branchID
}

func TestRoleHooks(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.SetRolesPendingGets(2)
	_, created := ts.call(t, http.MethodPost, roleBase, map[string]any{"ttl": 60})
	id := stringField(t, created, "id")
	if created["ready"] != false {
		t.Fatalf("ready right after create with pending gets")
	}
	ts.call(t, http.MethodGet, roleBase+"/"+id, nil)
	if _, got := ts.call(t, http.MethodGet, roleBase+"/"+id, nil); got["ready"] != true {
		t.Errorf("not ready after 2 gets: %v", got["ready"])
	}

	if !ts.ExpireIn(id, 30*time.Second) {
		t.Fatal("ExpireIn found nothing")
	}
	if _, got := ts.call(t, http.MethodGet, roleBase+"/"+id, nil); got["ttl"] != float64(30) || got["expired"] != false {
		t.Errorf("after ExpireIn(30s): ttl %v expired %v", got["ttl"], got["expired"])
	}
	ts.ExpireRole(id)
	if _, got := ts.call(t, http.MethodGet, roleBase+"/"+id, nil); got["expired"] != true || got["ttl"] != float64(0) {
		t.Errorf("after ExpireRole: expired %v ttl %v", got["expired"], got["ttl"])
	}
	ts.DropRole(id)
	if _, got := ts.call(t, http.MethodGet, roleBase+"/"+id, nil); got["dropped_at"] == nil {
		t.Errorf("after DropRole: dropped_at null")
	}
	ts.RemoveRole(id)
	if status, _ := ts.call(t, http.MethodGet, roleBase+"/"+id, nil); status != http.StatusNotFound {
		t.Errorf("after RemoveRole: %d", status)
	}
}

func TestFaultStatusAndRetryAfter(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Route: RouteListPasswords, Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1})

	req, _ := http.NewRequest(http.MethodGet, ts.url+pwBase, nil)
	req.Header.Set("Authorization", serviceAuth)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("got %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if status, _ := ts.call(t, http.MethodGet, pwBase, nil); status != http.StatusOK {
		t.Errorf("fault with Times=1 applied twice: %d", status)
	}
	if got := ts.Requests(RouteListPasswords); got[0].Status != 429 || got[1].Status != 200 {
		t.Errorf("recorded statuses %d, %d; want 429, 200", got[0].Status, got[1].Status)
	}
	// Other routes are untouched by a route-specific fault.
	ts.Inject(Fault{Route: RouteCreatePassword, Status: http.StatusServiceUnavailable})
	if status, _ := ts.call(t, http.MethodGet, pwBase, nil); status != http.StatusOK {
		t.Errorf("list hit by create fault: %d", status)
	}
	if status, body := ts.call(t, http.MethodPost, pwBase, nil); status != http.StatusServiceUnavailable || body["code"] == nil {
		t.Errorf("create = %d %v, want 503 with error body", status, body)
	}
	if len(ts.Passwords()) != 0 {
		t.Errorf("a failed create stored a password")
	}
	ts.ClearFaults()
	if status, _ := ts.call(t, http.MethodPost, pwBase, nil); status != http.StatusCreated {
		t.Errorf("after ClearFaults: %d", status)
	}
}

func TestFaultEvery(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Every: 4, Status: http.StatusTooManyRequests, RetryAfter: "1"})
	var got []int
	for i := 0; i < 8; i++ {
		status, _ := ts.call(t, http.MethodGet, pwBase, nil)
		got = append(got, status)
	}
	for i, status := range got {
		want := http.StatusOK
		if (i+1)%4 == 0 {
			want = http.StatusTooManyRequests
		}
		if status != want {
			t.Errorf("request %d = %d, want %d", i+1, status, want)
		}
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Latency: 200 * time.Millisecond, Times: 1})
	start := time.Now()
	ts.call(t, http.MethodGet, pwBase, nil)
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("answered after %v, want at least 200ms", d)
	}
}

func TestFaultCloseAfterCommit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Route: RouteCreatePassword, CloseAfterCommit: true, Times: 1})
	req, _ := http.NewRequest(http.MethodPost, ts.url+pwBase, strings.NewReader(`{"name":"lost"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", serviceAuth)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer (%d), want a dropped connection", resp.StatusCode)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "EOF") {
		t.Logf("transport error: %v", err)
	}
	stored := ts.Passwords()
	if len(stored) != 1 || stored[0].Name != "lost" {
		t.Fatalf("stored = %+v, want the committed password", stored)
	}
}

// A gateway that fails after the API acted: the password exists, the
// answer is a 502.
func TestFaultStatusAfterCommit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Route: RouteCreatePassword, Status: http.StatusBadGateway, AfterCommit: true, Times: 1})
	status, _ := ts.call(t, http.MethodPost, pwBase, map[string]any{"name": "acted"})
	if status != http.StatusBadGateway {
		t.Fatalf("status = %d, want 502", status)
	}
	if stored := ts.Passwords(); len(stored) != 1 || stored[0].Name != "acted" {
		t.Fatalf("stored = %+v, want the committed password", stored)
	}
}

// Before lets another actor move at the moment a request arrives: here a
// same-named password appears just before the faulted create is handled.
func TestFaultBefore(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Route: RouteCreatePassword, Times: 1, Status: http.StatusServiceUnavailable, Before: func() {
		ts.call(t, http.MethodPost, pwBase, map[string]any{"name": "theirs"})
	}})
	if status, _ := ts.call(t, http.MethodPost, pwBase, map[string]any{"name": "ours"}); status != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want the fault's 503", status)
	}
	if stored := ts.Passwords(); len(stored) != 1 || stored[0].Name != "theirs" {
		t.Fatalf("stored = %+v, want only the other actor's", stored)
	}
}

// A fault limited to one token leaves another token's requests alone.
func TestFaultAuthorization(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.AddServiceToken("second", "pscale_tkn_second")
	ts.Inject(Fault{Authorization: "second:pscale_tkn_second", Status: http.StatusServiceUnavailable})
	if status, _ := ts.callAuth(t, serviceAuth, http.MethodGet, pwBase, nil); status != http.StatusOK {
		t.Errorf("the default token's request: %d, want 200", status)
	}
	if status, _ := ts.callAuth(t, "second:pscale_tkn_second", http.MethodGet, pwBase, nil); status != http.StatusServiceUnavailable {
		t.Errorf("the second token's request: %d, want the fault's 503", status)
	}
}

// A reset on the way to the API: no answer, and nothing was made.
func TestFaultCloseBeforeHandling(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Route: RouteCreatePassword, CloseBeforeHandling: true, Times: 1})
	req, _ := http.NewRequest(http.MethodPost, ts.url+pwBase, strings.NewReader(`{"name":"never"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", serviceAuth)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer (%d), want a dropped connection", resp.StatusCode)
	}
	if stored := ts.Passwords(); len(stored) != 0 {
		t.Fatalf("stored = %+v, want nothing", stored)
	}
}

// A list that lags behind the writes shows an empty page.
func TestFaultEmptyPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.call(t, http.MethodPost, pwBase, map[string]any{"name": "there"})
	ts.Inject(Fault{Route: RouteListPasswords, EmptyPage: true, Times: 1})
	for i, want := range []int{0, 1} {
		status, body := ts.call(t, http.MethodGet, pwBase, nil)
		data, _ := body["data"].([]any)
		if status != http.StatusOK || len(data) != want {
			t.Fatalf("list %d: status %d, %d items, want %d", i+1, status, len(data), want)
		}
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.call(t, http.MethodPost, pwBase, map[string]any{"role": "reader"})
	ts.call(t, http.MethodGet, pwBase, nil)
	reqs := ts.Requests(RouteCreatePassword)
	if len(reqs) != 1 || reqs[0].Body["role"] != "reader" || len(reqs[0].Body) != 1 {
		t.Fatalf("create requests = %+v", reqs)
	}
	if c := ts.RequestCounts(); c[RouteCreatePassword] != 1 || c[RouteListPasswords] != 1 {
		t.Errorf("counts = %v", c)
	}
	ts.ResetRequests()
	if ts.RequestCount("") != 0 {
		t.Error("ResetRequests kept requests")
	}
}

func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts.call(t, http.MethodPost, pwBase, nil)
			ts.call(t, http.MethodPost, roleBase, nil)
		}()
	}
	wg.Wait()
	if len(ts.Passwords()) != 20 || len(ts.Roles()) != 20 {
		t.Errorf("stored %d passwords and %d roles, want 20 each", len(ts.Passwords()), len(ts.Roles()))
	}
}

func TestFaultProbability(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Route: RouteListPasswords, Status: http.StatusServiceUnavailable, Probability: 0.15})
	failed := 0
	const n = 400
	for i := 0; i < n; i++ {
		if status, _ := ts.call(t, http.MethodGet, pwBase, nil); status == http.StatusServiceUnavailable {
			failed++
		}
	}
	if share := float64(failed) / n; share < 0.08 || share > 0.22 {
		t.Errorf("%d of %d requests failed (%.0f%%), want about 15%%", failed, n, share*100)
	}
}

func TestRateLimitPerToken(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.SetRateLimit(60, 3) // one a second after a burst of three
	var statuses []int
	for i := 0; i < 5; i++ {
		status, _ := ts.call(t, http.MethodGet, pwBase, nil)
		statuses = append(statuses, status)
	}
	if fmt.Sprint(statuses) != "[200 200 200 429 429]" {
		t.Errorf("statuses = %v, want a burst of 3 then 429s", statuses)
	}
	// Another token has its own bucket.
	if status, _ := ts.callAuth(t, "Bearer "+DefaultAccessToken, http.MethodGet, pwBase, nil); status != http.StatusOK {
		t.Errorf("other token = %d, want 200", status)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.url+pwBase, nil)
	req.Header.Set("Authorization", serviceAuth)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ra := resp.Header.Get("Retry-After"); resp.StatusCode != 429 || ra != "1" {
		t.Errorf("got %d with Retry-After %q, want 429 with 1", resp.StatusCode, ra)
	}
	ts.SetRateLimit(0, 0)
	if status, _ := ts.call(t, http.MethodGet, pwBase, nil); status != http.StatusOK {
		t.Errorf("after removing the limit: %d", status)
	}
}

func TestHiddenDatabaseAnswers404(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	status, created := ts.call(t, http.MethodPost, pwBase, map[string]any{"name": "kept"})
	if status != http.StatusCreated {
		t.Fatalf("create = %d", status)
	}
	id := stringField(t, created, "id")

	ts.HideDatabase("acme", "app-db", true)
	for _, p := range []string{pwBase, pwBase + "/" + id} {
		if status, body := ts.call(t, http.MethodGet, p, nil); status != http.StatusNotFound || body["code"] != "not_found" {
			t.Errorf("hidden: GET %s = %d %v, want 404 not_found", p, status, body)
		}
	}
	if status, _ := ts.call(t, http.MethodGet, roleBase, nil); status != http.StatusOK {
		t.Errorf("another database answered %d while app-db was hidden", status)
	}

	ts.HideDatabase("acme", "app-db", false)
	if status, _ := ts.call(t, http.MethodGet, pwBase+"/"+id, nil); status != http.StatusOK {
		t.Errorf("shown again: GET = %d, want the password still there", status)
	}
}

func TestFaultHoldAnswer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	release := make(chan struct{})
	ts.Inject(Fault{Route: RouteCreateRole, HoldAnswer: release, Times: 1})

	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, ts.url+roleBase, strings.NewReader(`{"name":"held"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", serviceAuth)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	// The role is committed while its answer is held back.
	for len(ts.Roles()) == 0 {
		select {
		case status := <-answered:
			t.Fatalf("answered %d before the role was stored", status)
		case <-time.After(10 * time.Millisecond):
		}
	}
	select {
	case status := <-answered:
		t.Fatalf("answered %d before the hold was released", status)
	default:
	}
	// Other requests are served while one answer is held.
	if status, _ := ts.call(t, http.MethodGet, roleBase, nil); status != http.StatusOK {
		t.Errorf("list while held = %d", status)
	}
	close(release)
	if status := <-answered; status != http.StatusOK {
		t.Fatalf("after release: %d, want 200", status)
	}
}

func TestFaultAnswerSecret(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, pw := ts.call(t, http.MethodPost, pwBase, map[string]any{"ttl": 3600})
	pwID := stringField(t, pw, "id")
	minted := stringField(t, pw, "plain_text")
	_, ro := ts.call(t, http.MethodPost, roleBase, map[string]any{})
	roID := stringField(t, ro, "id")

	const leaked = "pscale_pw_not-the-minted-one"
	ts.Inject(Fault{AnswerSecret: leaked})
	for _, tc := range []struct {
		method, path, key string
		list              bool
	}{
		{http.MethodGet, pwBase, "plain_text", true},
		{http.MethodGet, pwBase + "/" + pwID, "plain_text", false},
		{http.MethodPatch, pwBase + "/" + pwID, "plain_text", false},
		{http.MethodPost, pwBase + "/" + pwID + "/renew", "plain_text", false},
		{http.MethodGet, roleBase, "password", true},
		{http.MethodGet, roleBase + "/" + roID, "password", false},
	} {
		var body any
		if tc.method == http.MethodPatch {
			body = map[string]any{"name": "renamed"}
		}
		status, got := ts.call(t, tc.method, tc.path, body)
		if status != http.StatusOK {
			t.Fatalf("%s %s = %d", tc.method, tc.path, status)
		}
		objects := []any{got}
		if tc.list {
			objects = pageData(t, got)
		}
		for _, o := range objects {
			if item, _ := o.(map[string]any); stringField(t, item, tc.key) != leaked {
				t.Errorf("%s %s: %s = %v, want the injected secret", tc.method, tc.path, tc.key, item[tc.key])
			}
		}
	}
	if stored, _ := ts.Password(pwID); stored.PlainText != minted || stored.Name != "renamed" {
		t.Errorf("stored password = %+v: the request must be handled and the minted secret kept", stored)
	}
	// An error answer is left as it is.
	if status, got := ts.call(t, http.MethodGet, pwBase+"/missing", nil); status != http.StatusNotFound || got["plain_text"] != nil {
		t.Errorf("GET of a missing password = %d %v", status, got)
	}
}

// Now runs ahead of the real clock by what Advance added, so a provider
// given it as its clock sees time pass as the mock does.
func TestNowFollowsAdvance(t *testing.T) {
	t.Parallel()
	s := New()
	before := time.Now()
	s.Advance(time.Hour)
	if got := s.Now().Sub(before); got < time.Hour || got > time.Hour+time.Minute {
		t.Errorf("Now after Advance(1h) is %s ahead of the real clock, want one hour", got)
	}
}

// The document requires a role's ttl (an integer) and password (a string)
// in every answer; the mock once answered null for both (found by the
// contract check). A role without a TTL answers 0, and every answer but a
// create's or a reset's answers "" for the password.
func TestRoleAnswersNeverNullTTLOrPassword(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, created := ts.call(t, http.MethodPost, roleBase, nil)
	id := stringField(t, created, "id")
	if created["ttl"] != float64(0) || stringField(t, created, "password") == "" {
		t.Errorf("create without a ttl = ttl %v, password %v; want ttl 0 and the secret", created["ttl"], created["password"])
	}
	_, got := ts.call(t, http.MethodGet, roleBase+"/"+id, nil)
	_, list := ts.call(t, http.MethodGet, roleBase, nil)
	listed, _ := pageData(t, list)[0].(map[string]any)
	for what, answer := range map[string]map[string]any{"get": got, "list": listed} {
		if answer["ttl"] != float64(0) || answer["password"] != "" {
			t.Errorf("%s = ttl %#v, password %#v; want 0 and \"\"", what, answer["ttl"], answer["password"])
		}
	}
}

func TestFaultNotTheAPI(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{NotTheAPI: true, Times: 1})
	req, err := http.NewRequest(http.MethodGet, ts.url+pwBase, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", serviceAuth)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(string(raw), serviceAuth) {
		t.Errorf("answered %d %q: %q; want a plain-text 404 quoting the Authorization header", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	// The document knows no such answer: the validator says so.
	if excused := ts.contract.Validator.Excuse(func(v contract.Violation) bool { return v.Status == http.StatusNotFound }); len(excused) == 0 {
		t.Error("the API document took the page for an answer of the API's")
	}
	// The fault is spent: the next request is the API's.
	if status, _ := ts.call(t, http.MethodGet, pwBase, nil); status != http.StatusOK {
		t.Errorf("after the fault: %d, want 200", status)
	}
}
