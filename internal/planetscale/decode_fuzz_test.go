package planetscale

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzDecodeResponse feeds arbitrary bodies and statuses to the decoder: it
// must never panic, and what it quotes must never hold a plaintext.
func FuzzDecodeResponse(f *testing.F) {
	seeds := []string{
		`{"id":"a","plain_text":"pscale_pw_x","cidrs":["10.0.0.0/8"]}`,
		`{"code":"not_found","message":"Not Found"}`,
		`<html><body>502 Bad Gateway</body></html>`,
		``, `null`, `[]`, `{"id": 5}`, `{"password": "secret`, "\x00\xff",
	}
	for _, s := range seeds {
		f.Add(200, s)
		f.Add(422, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 100 || status > 599 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		var p Password
		err := decodeResponse("GET", "x", resp, []byte(body), &p)
		var r Role
		_ = decodeResponse("GET", "x", resp, []byte(body), &r)
		if err != nil && strings.Contains(body, `"plain_text":"pscale_pw_`) && strings.Contains(err.Error(), "pscale_pw_") {
			t.Errorf("error quotes a plaintext: %v", err)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if d, ok := parseRetryAfter(v, timeNowForFuzz); ok && d < 0 {
			t.Errorf("negative wait %v for %q", d, v)
		}
	})
}
