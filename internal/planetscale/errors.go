package planetscale

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// APIError is a non-2xx answer from the API. Code and Message come from the
// API's {"code": "...", "message": "..."} body when it has one.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	Method     string
	Path       string
	// Attempts is how often the request was sent, over Elapsed.
	Attempts int
	Elapsed  time.Duration
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	if e.Code != "" {
		return fmt.Sprintf("%s %s: HTTP %d %s: %s", e.Method, e.Path, e.StatusCode, e.Code, msg)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, msg)
}

// maxExcerpt bounds how much of a body that is not the API's error shape
// (a proxy's HTML page, say) is quoted in a message.
const maxExcerpt = 200

func newAPIError(method, path string, resp *http.Response, raw []byte) *APIError {
	apiErr := &APIError{StatusCode: resp.StatusCode, Method: method, Path: path}
	if body, ok := apiErrorBody(raw); ok {
		apiErr.Code = body.Code
		apiErr.Message = body.Message
		return apiErr
	}
	apiErr.Message = excerpt(raw)
	return apiErr
}

// errorBody is the API's error answer.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiErrorBody reads raw as the API's error answer: a JSON object with a
// code or a message.
func apiErrorBody(raw []byte) (errorBody, bool) {
	var body errorBody
	err := json.Unmarshal(raw, &body)
	return body, err == nil && (body.Code != "" || body.Message != "")
}

// NotAPIError is an answer that did not come from the PlanetScale API: the
// server at Server is something else (a web page, a proxy, the API under
// another path). It is told at the first answer, and never read as the
// API's 404: a request to a path the API does not serve says nothing about
// whether a credential exists.
type NotAPIError struct {
	Method     string
	Path       string
	StatusCode int
	// Server is the client's base URL (which never holds credentials: New
	// refuses a user:password@ part).
	Server string
	// MissingV1 is a 404 from a base URL whose path does not end in /v1,
	// below which the API serves every path.
	MissingV1 bool
	// Excerpt is the start of the body, with credentials redacted.
	Excerpt string
}

func (e *NotAPIError) Error() string {
	msg := fmt.Sprintf("%s %s: the server at %s does not answer as the PlanetScale API: HTTP %d", e.Method, e.Path, e.Server, e.StatusCode)
	if e.MissingV1 {
		msg += " for a path the API serves; the API's base URL ends in /v1, as " + DefaultBaseURL + " does"
	} else {
		msg += " with a body that is not the API's JSON error {\"code\", \"message\"}"
	}
	if e.Excerpt != "" {
		msg += " (body starts: " + e.Excerpt + ")"
	}
	return msg
}

// notTheAPI recognises an error answer that the API would not give: a 404
// when base's path lacks the /v1 every API path starts with, or a 4xx
// (but 429) whose body is not the API's JSON error. A 429 and a 5xx are
// left alone, whatever their body: gateways in front of the API answer
// them with pages of their own, and they are retried as the API's.
func notTheAPI(base *url.URL, method, path string, resp *http.Response, raw []byte) *NotAPIError {
	status := resp.StatusCode
	if status < 400 || status > 499 || status == http.StatusTooManyRequests {
		return nil
	}
	missingV1 := status == http.StatusNotFound && !strings.HasSuffix(base.Path, "/v1")
	if _, ok := apiErrorBody(raw); ok && !missingV1 {
		return nil
	}
	return &NotAPIError{Method: method, Path: path, StatusCode: status, Server: base.String(), MissingV1: missingV1, Excerpt: excerpt(raw)}
}

// secretFields matches JSON members that carry credentials, even in a body
// too broken to parse: the key and every quoted string chained after it with
// colons (as in `"plain_text":"plain_text":"pscale_pw_…"`).
var secretFields = regexp.MustCompile(`"(plain_text|password|token|access_token|service_token)"\s*:\s*(?:"(?:\\.|[^"\\])*(?:"|$)\s*:?\s*)+`)

// secretKeys finds what is left of a credential member after redaction.
var secretKeys = regexp.MustCompile(`"(?:plain_text|password|token|access_token|service_token)"\s*:\s*`)

// redactedValue is what secretFields leaves in place of a value.
const redactedValue = `"[redacted]"`

// excerpt returns a short, single-line, printable start of a body that is
// not what the API documents, with credential values redacted.
func excerpt(raw []byte) string {
	raw = secretFields.ReplaceAll(raw, []byte(`"$1":`+redactedValue))
	// A body shaped so that a credential member survives redaction (some
	// shape the pattern does not foresee) is withheld whole.
	for _, loc := range secretKeys.FindAllIndex(raw, -1) {
		if !bytes.HasPrefix(raw[loc[1]:], []byte(redactedValue)) {
			return "[withheld: the body holds a credential field]"
		}
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, string(raw))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxExcerpt {
		// Cut on a character boundary, never inside a UTF-8 sequence.
		cut := maxExcerpt
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// IsNotFound reports whether err is an API 404.
func IsNotFound(err error) bool {
	return hasStatus(err, http.StatusNotFound)
}

// IsUnprocessable reports whether err is an API 422.
func IsUnprocessable(err error) bool {
	return hasStatus(err, http.StatusUnprocessableEntity)
}

// IsAuthError reports whether err is an API 401 or 403.
func IsAuthError(err error) bool {
	return hasStatus(err, http.StatusUnauthorized) || hasStatus(err, http.StatusForbidden)
}

func hasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// ErrNotSent marks a request that never left the client: cancelled, or
// timed out while waiting for its turn under the rate limit, before it was
// sent. The API did not act on it.
var ErrNotSent = errors.New("the request was not sent to the PlanetScale API")

// errRedirect is an answer that tried to redirect the client.
var errRedirect = errors.New("the server answered with a redirect, which the PlanetScale API never sends")

// IsCertificateError reports a TLS certificate that could not be verified.
func IsCertificateError(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid)
}

// TransportError is a request that got no HTTP answer: refused, reset, timed
// out or cancelled.
type TransportError struct {
	Method string
	Path   string
	Err    error
	// Attempts is how often the request was tried, over Elapsed; zero for
	// one that was stopped before it was sent.
	Attempts int
	Elapsed  time.Duration
}

func (e *TransportError) Error() string {
	switch e.Attempts {
	case 0:
		return fmt.Sprintf("%s %s: no answer from the PlanetScale API: %v", e.Method, e.Path, e.Err)
	case 1:
		return fmt.Sprintf("%s %s: no answer from the PlanetScale API (1 attempt, %s): %v", e.Method, e.Path, e.Elapsed.Round(time.Millisecond), e.Err)
	}
	return fmt.Sprintf("%s %s: no answer from the PlanetScale API after %d attempts over %s: %v", e.Method, e.Path, e.Attempts, e.Elapsed.Round(time.Millisecond), e.Err)
}

// CouldNotConnect reports a request whose connection could not be made
// (refused, a host name that does not resolve): it never reached a server.
func CouldNotConnect(err error) bool {
	var transportErr *TransportError
	return errors.As(err, &transportErr) && !errors.Is(err, ErrNotSent) && notSent(transportErr.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer whose body is not the JSON the API documents.
type DecodeError struct {
	Method     string
	Path       string
	StatusCode int
	Err        error
	// Excerpt is the start of the body, with credentials redacted.
	Excerpt string
}

func (e *DecodeError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d with a body that is not the expected JSON: %v", e.Method, e.Path, e.StatusCode, e.Err)
	if e.Excerpt != "" {
		msg += fmt.Sprintf(" (body starts: %s)", e.Excerpt)
	}
	return msg
}

func (e *DecodeError) Unwrap() error { return e.Err }

// incomplete is a 2xx answer that lacks a field the caller cannot do without.
func incomplete(method, path, fields string) *DecodeError {
	return &DecodeError{Method: method, Path: path, StatusCode: http.StatusOK, Err: fmt.Errorf("the answer lacks %s", fields)}
}
