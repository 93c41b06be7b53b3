package planetscale

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
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
	var body struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(raw, &body); err == nil && (body.Code != "" || body.Message != "") {
		apiErr.Code = body.Code
		apiErr.Message = body.Message
		return apiErr
	}
	apiErr.Message = excerpt(raw)
	return apiErr
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
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: no answer from the PlanetScale API: %v", e.Method, e.Path, e.Err)
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
