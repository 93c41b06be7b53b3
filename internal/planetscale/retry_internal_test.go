package planetscale

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var timeNowForFuzz = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := timeNowForFuzz
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"later", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	header := func(v string) *http.Response {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
	}
	if got := backoff(time.Second, 30*time.Second, 0, header("7")); got != 7*time.Second {
		t.Errorf("Retry-After 7 = %v", got)
	}
	// The cap the provider docs promise: 60 seconds.
	if got := backoff(time.Second, 30*time.Second, 0, header("86400")); got != 60*time.Second {
		t.Errorf("Retry-After of a day = %v, want the 60s cap", got)
	}
	for attempt := 0; attempt < 40; attempt++ {
		exp := min(time.Second<<min(attempt, 20), 30*time.Second)
		got := backoff(time.Second, 30*time.Second, attempt, nil)
		if got < exp/2 || got > exp {
			t.Errorf("attempt %d: wait %v outside [%v, %v]", attempt, got, exp/2, exp)
		}
	}
}

// An excerpt longer than the limit is cut between characters, never inside
// a multi-byte UTF-8 sequence.
func TestExcerptCutsOnCharacterBoundaries(t *testing.T) {
	t.Parallel()
	for _, body := range []string{strings.Repeat("é", 300), "x" + strings.Repeat("日本", 200), strings.Repeat("a", 199) + "€€€"} {
		got := excerpt([]byte(body))
		if !utf8.ValidString(got) {
			t.Errorf("excerpt of %d bytes is not valid UTF-8: %q", len(body), got)
		}
		if len(got) > maxExcerpt+len("…") {
			t.Errorf("excerpt is %d bytes, want at most %d", len(got), maxExcerpt+len("…"))
		}
	}
}

// A credential member the redaction cannot rewrite (a value that is not a
// string) withholds the whole excerpt; a chained one is redacted.
func TestExcerptNeverQuotesACredentialMember(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`{"password": ["pscale_pw_x"], "id": "a"}`:   "withheld",
		`{"plain_text": {"v": "pscale_pw_x"}}`:       "withheld",
		`"plain_text":"plain_text":"pscale_pw_x"`:    `"plain_text":"[redacted]"`,
		`{"id": "a", "token": "t0k", "name": "app"}`: `"token":"[redacted]"`,
	}
	for body, want := range cases {
		got := excerpt([]byte(body))
		if strings.Contains(got, "pscale_pw_x") || strings.Contains(got, "t0k") || !strings.Contains(got, want) {
			t.Errorf("excerpt(%s) = %s, want it to contain %s and no secret", body, got, want)
		}
	}
}

// The defaults the provider docs state: backoff from half a second to 30
// seconds, 8 retries.
func TestRetryDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://api.example.com/v1", AccessToken: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.waitMin != 500*time.Millisecond || c.waitMax != 30*time.Second || c.maxRetries != 8 {
		t.Errorf("waits %v to %v, %d retries; want 500ms to 30s and 8", c.waitMin, c.waitMax, c.maxRetries)
	}
}
