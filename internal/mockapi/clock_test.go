package mockapi

import (
	"net/http"
	"testing"
	"time"
)

// lastUsedAt is a password answer's last_used_at: nil for null, or the time
// it names, which must be RFC 3339.
func lastUsedAt(t *testing.T, answer map[string]any) *time.Time {
	t.Helper()
	raw, present := answer["last_used_at"]
	if !present {
		t.Fatalf("answer has no last_used_at: %v", answer)
	}
	if raw == nil {
		return nil
	}
	s, ok := raw.(string)
	if !ok {
		t.Fatalf("last_used_at = %#v, want a string or null", raw)
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("last_used_at %q is not RFC 3339: %v", s, err)
	}
	return &at
}

// passwordAnswers are every answer that shows password id: its get, its
// item in the branch's list, an update's and a renew's.
func (ts *testServer) passwordAnswers(t *testing.T, id string) map[string]map[string]any {
	t.Helper()
	answers := map[string]map[string]any{}
	_, answers["get"] = ts.call(t, http.MethodGet, pwBase+"/"+id, nil)
	_, page := ts.call(t, http.MethodGet, pwBase, nil)
	for _, item := range pageData(t, page) {
		if object, ok := item.(map[string]any); ok && object["id"] == id {
			answers["list"] = object
		}
	}
	_, answers["update"] = ts.call(t, http.MethodPatch, pwBase+"/"+id, map[string]any{"name": "used"})
	_, answers["renew"] = ts.call(t, http.MethodPost, pwBase+"/"+id+"/renew", nil)
	for what, answer := range answers {
		if answer == nil || answer["id"] != id {
			t.Fatalf("%s answer = %v, want password %s", what, answer, id)
		}
	}
	return answers
}

// A password is never used until MarkUsed says so; from then on every answer
// shows the latest use recorded, on the mock's clock.
func TestPasswordLastUsedAt(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	// A week's TTL, so it can be renewed after Advance.
	status, created := ts.call(t, http.MethodPost, pwBase, map[string]any{"ttl": 7 * 24 * 3600})
	if status != http.StatusCreated {
		t.Fatalf("create = %d %v", status, created)
	}
	id := stringField(t, created, "id")
	if got := lastUsedAt(t, created); got != nil {
		t.Errorf("create answer's last_used_at = %s, want null", got)
	}
	for what, answer := range ts.passwordAnswers(t, id) {
		if got := lastUsedAt(t, answer); got != nil {
			t.Errorf("%s: last_used_at = %s before any use, want null", what, got)
		}
	}

	ts.Advance(48 * time.Hour)
	used := ts.Now().Add(-90 * time.Minute).Truncate(time.Millisecond)
	if !ts.MarkUsed(id, used) {
		t.Fatalf("MarkUsed(%s) = false for a stored password", id)
	}
	// An earlier use does not make the last use earlier.
	if !ts.MarkUsed(id, used.Add(-time.Hour)) {
		t.Fatalf("MarkUsed(%s) = false for a stored password", id)
	}
	for what, answer := range ts.passwordAnswers(t, id) {
		if got := lastUsedAt(t, answer); got == nil || !got.Equal(used) {
			t.Errorf("%s: last_used_at = %v, want %s", what, got, used)
		}
	}
	if stored, _ := ts.Password(id); stored.LastUsedAt == nil || !stored.LastUsedAt.Equal(used) {
		t.Errorf("Password(%s).LastUsedAt = %v, want %s", id, stored.LastUsedAt, used)
	}

	later := used.Add(time.Hour)
	ts.MarkUsed(id, later)
	if _, got := ts.call(t, http.MethodGet, pwBase+"/"+id, nil); lastUsedAt(t, got) == nil || !lastUsedAt(t, got).Equal(later) {
		t.Errorf("after a later use, last_used_at = %v, want %s", got["last_used_at"], later)
	}

	if ts.MarkUsed("missing", used) {
		t.Error("MarkUsed of a password never made = true, want false")
	}
	if status, _ := ts.call(t, http.MethodDelete, pwBase+"/"+id, nil); status != http.StatusNoContent {
		t.Fatalf("delete = %d", status)
	}
	if ts.MarkUsed(id, used) {
		t.Error("MarkUsed of a deleted password = true, want false")
	}
}

// dateOf sends a request and returns the Date header of its answer, with the
// time on the real clock just before it was sent and just after it came.
func (ts *testServer) dateOf(t *testing.T, method, path string) (date, before, after time.Time) {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", serviceAuth)
	before = time.Now()
	resp, err := http.DefaultTransport.RoundTrip(req)
	after = time.Now()
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	date, err = http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t.Fatalf("%s %s answered %d with Date %q: %v", method, path, resp.StatusCode, resp.Header.Get("Date"), err)
	}
	return date, before, after
}

// Every answer, an error's or a fault's too, carries a Date on the mock's
// clock, so a client that follows the API's clock sees what Advance added.
func TestDateHeaderFollowsAdvance(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.Inject(Fault{Route: RouteCreatePassword, Status: http.StatusServiceUnavailable})
	cases := []struct {
		name, method, path string
	}{
		{"list", http.MethodGet, pwBase},
		{"unknown password", http.MethodGet, pwBase + "/missing"},
		{"unknown path", http.MethodGet, "/v1/unknown"},
		{"fault", http.MethodPost, pwBase},
	}
	for _, advanced := range []time.Duration{0, 48 * time.Hour} {
		ts.Advance(advanced)
		for _, tc := range cases {
			date, before, after := ts.dateOf(t, tc.method, tc.path)
			// Date has whole seconds: it is the mock's time, truncated.
			earliest, latest := before.Add(advanced).Truncate(time.Second), after.Add(advanced)
			if date.Before(earliest) || date.After(latest) {
				t.Errorf("after Advance(%s), %s: Date = %s, want between %s and %s", advanced, tc.name, date, earliest, latest)
			}
		}
	}
	ts.contract.ExpectViolation(t, "", "path")
}
