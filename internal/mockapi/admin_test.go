package mockapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// admin sends one request to AdminHandler. The controls are not part of the
// API document, so no test server (and no contract) stands in front of them;
// what they change is read back through the API, behind the contract.
func (ts *testServer) admin(t *testing.T, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	rec := httptest.NewRecorder()
	AdminHandler(ts.Server).ServeHTTP(rec, req)
	return rec
}

// adminError is an error answer's body, which must be the API's shape.
func adminError(t *testing.T, rec *httptest.ResponseRecorder) map[string]string {
	t.Helper()
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("answer %d body %q is not a JSON object of strings: %v", rec.Code, rec.Body, err)
	}
	if body["message"] == "" {
		t.Errorf("answer %d body %v has no message", rec.Code, body)
	}
	return body
}

func TestAdminAdvance(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	before := ts.Now()
	rec := ts.admin(t, http.MethodPost, "/_mock/advance", `{"duration":"25h"}`)
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("advance = %d %q, want 204 and no body", rec.Code, rec.Body)
	}
	after := ts.Now()
	if moved := after.Sub(before); moved < 25*time.Hour || moved > 25*time.Hour+time.Minute {
		t.Errorf("the mock's clock moved %s, want 25h", moved)
	}
	date, err := http.ParseTime(rec.Header().Get("Date"))
	if err != nil || date.Before(before.Add(25*time.Hour).Truncate(time.Second)) || date.After(after) {
		t.Errorf("advance's Date = %q (%v), want the advanced clock", rec.Header().Get("Date"), err)
	}
	// A TTL runs out on the advanced clock.
	_, created := ts.call(t, http.MethodPost, pwBase, map[string]any{"ttl": 3600})
	ts.admin(t, http.MethodPost, "/_mock/advance", `{"duration":"61m"}`)
	if _, got := ts.call(t, http.MethodGet, pwBase+"/"+stringField(t, created, "id"), nil); got["expired"] != true {
		t.Errorf("a 1h password after advancing 61m: expired = %v, want true", got["expired"])
	}
}

func TestAdminMarkUsed(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, created := ts.call(t, http.MethodPost, pwBase, nil)
	id := stringField(t, created, "id")
	ts.Advance(48 * time.Hour)

	rec := ts.admin(t, http.MethodPost, "/_mock/passwords/"+id+"/used", `{"at":"2030-01-02T03:04:05.5Z"}`)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("used with at = %d %q, want 204", rec.Code, rec.Body)
	}
	_, got := ts.call(t, http.MethodGet, pwBase+"/"+id, nil)
	if want := time.Date(2030, 1, 2, 3, 4, 5, 5e8, time.UTC); lastUsedAt(t, got) == nil || !lastUsedAt(t, got).Equal(want) {
		t.Errorf("last_used_at = %v, want %s", got["last_used_at"], want)
	}

	// Without a body (or without "at"), the use is now on the mock's clock.
	for _, body := range []string{"", "{}"} {
		_, created := ts.call(t, http.MethodPost, pwBase, nil)
		id := stringField(t, created, "id")
		before := ts.Now()
		rec := ts.admin(t, http.MethodPost, "/_mock/passwords/"+id+"/used", body)
		after := ts.Now()
		if rec.Code != http.StatusNoContent {
			t.Fatalf("used with body %q = %d %q, want 204", body, rec.Code, rec.Body)
		}
		_, got := ts.call(t, http.MethodGet, pwBase+"/"+id, nil)
		if at := lastUsedAt(t, got); at == nil || at.Before(before) || at.After(after) {
			t.Errorf("used with body %q: last_used_at = %v, want the mock's now, between %s and %s", body, got["last_used_at"], before, after)
		}
	}
}

// A control that cannot act says why, in the API's error shape, and changes
// nothing.
func TestAdminRejects(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, created := ts.call(t, http.MethodPost, pwBase, nil)
	used := "/_mock/passwords/" + stringField(t, created, "id") + "/used"
	cases := []struct {
		name, method, path, body string
		wantStatus               int
		wantCode, wantMessage    string
	}{
		{"advance without a body", http.MethodPost, "/_mock/advance", "", http.StatusBadRequest, "bad_request", `needs "duration"`},
		{"advance without duration", http.MethodPost, "/_mock/advance", `{}`, http.StatusBadRequest, "bad_request", `needs "duration"`},
		{"advance by a number", http.MethodPost, "/_mock/advance", `{"duration":3600}`, http.StatusBadRequest, "bad_request", "Invalid request body"},
		{"advance by no duration", http.MethodPost, "/_mock/advance", `{"duration":"a day"}`, http.StatusBadRequest, "bad_request", `"a day" is not a Go duration`},
		{"advance backwards", http.MethodPost, "/_mock/advance", `{"duration":"-1h"}`, http.StatusBadRequest, "bad_request", "only moves forward"},
		{"advance with an unknown field", http.MethodPost, "/_mock/advance", `{"duration":"1h","by":"1h"}`, http.StatusBadRequest, "bad_request", `unknown field "by"`},
		{"advance with two bodies", http.MethodPost, "/_mock/advance", `{"duration":"1h"} {"duration":"1h"}`, http.StatusBadRequest, "bad_request", "more than one JSON value"},
		{"used with a body not JSON", http.MethodPost, used, `at=now`, http.StatusBadRequest, "bad_request", "Invalid request body"},
		{"used at no time", http.MethodPost, used, `{"at":"yesterday"}`, http.StatusBadRequest, "bad_request", `"yesterday" is not an RFC 3339 time`},
		{"used with an unknown field", http.MethodPost, used, `{"when":"2030-01-02T03:04:05Z"}`, http.StatusBadRequest, "bad_request", `unknown field "when"`},
		{"used, an unknown password", http.MethodPost, "/_mock/passwords/missing/used", "", http.StatusNotFound, "not_found", `No password with ID "missing"`},
		{"used, an unknown password with a bad body", http.MethodPost, "/_mock/passwords/missing/used", `{"at":1}`, http.StatusBadRequest, "bad_request", "Invalid request body"},
		{"an unknown control", http.MethodPost, "/_mock/rewind", "", http.StatusNotFound, "not_found", "No mock control at POST /_mock/rewind"},
		{"advance by GET", http.MethodGet, "/_mock/advance", "", http.StatusNotFound, "not_found", "No mock control at GET /_mock/advance"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := ts.Now()
			rec := ts.admin(t, tc.method, tc.path, tc.body)
			if rec.Code != tc.wantStatus {
				t.Fatalf("%s %s %q = %d %q, want %d", tc.method, tc.path, tc.body, rec.Code, rec.Body, tc.wantStatus)
			}
			body := adminError(t, rec)
			if diff := cmp.Diff(tc.wantCode, body["code"]); diff != "" {
				t.Errorf("code (-want +got):\n%s", diff)
			}
			if !strings.Contains(body["message"], tc.wantMessage) {
				t.Errorf("message = %q, want it to say %q", body["message"], tc.wantMessage)
			}
			if moved := ts.Now().Sub(before); moved > time.Minute {
				t.Errorf("a rejected control moved the clock by %s", moved)
			}
		})
	}
	if stored, _ := ts.Password(stringField(t, created, "id")); stored.LastUsedAt != nil {
		t.Errorf("rejected controls marked the password used at %s", stored.LastUsedAt)
	}
}
