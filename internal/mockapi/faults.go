package mockapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"time"
)

// Fault changes how the mock answers matching requests.
type Fault struct {
	// Route limits the fault to one route (a Route* constant); empty
	// matches every route.
	Route string
	// Authorization limits the fault to requests sent with this header (one
	// actor's, when several share the mock); empty matches every request.
	Authorization string
	// Every applies the fault to every Nth matching request (0 or 1: each).
	Every int
	// Times is how many requests the fault applies to before it is spent;
	// 0 means without end.
	Times int
	// Probability applies the fault to this share of matching requests
	// (0 < p < 1), drawn from the mock's seeded generator; 0 means all.
	Probability float64

	// Before runs when the fault applies, before the request is handled and
	// outside the mock's lock: another actor's move at that very moment
	// (it may call the mock's API itself).
	Before func()
	// Status answers with this HTTP status and the API's error body instead
	// of handling the request (or, with AfterCommit, after handling it).
	Status int
	// AfterCommit handles the request before answering Status: a gateway
	// that failed after the API acted.
	AfterCommit bool
	// RetryAfter is sent as the Retry-After header with Status.
	RetryAfter string
	// Latency delays the answer (before Status or the real handling).
	Latency time.Duration
	// CloseAfterCommit handles the request, then closes the connection
	// without answering, as when a network drops a response.
	CloseAfterCommit bool
	// CloseBeforeHandling closes the connection without handling the
	// request: a reset on the way to the API.
	CloseBeforeHandling bool
	// EmptyPage answers a list request with a page that holds nothing, as
	// a list that lags behind the API's writes would.
	EmptyPage bool
	// HoldAnswer handles the request, then keeps its answer back until the
	// channel is closed, as a slow network would: the credential exists while
	// the client still waits.
	HoldAnswer <-chan struct{}
	// AnswerSecret handles the request, then answers with this value as the
	// credential's secret (a password's plain_text, a role's password), in
	// the answer's object or in each item of a list, as an API that sends a
	// secret outside the answers documented to carry one would. Only a 2xx
	// JSON answer is changed; the stored secret stays as it was.
	AnswerSecret string
	// NotTheAPI answers 404 with a plain-text page that quotes the request's
	// headers, Authorization included, as a debug server or a proxy behind
	// a wrong server_url would: an answer that is not the API's, holding
	// the token the client sent.
	NotTheAPI bool

	seen    int
	applied int
}

// Inject adds a fault. Faults are checked in the order they were added; the
// first that applies to a request is used.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) takeFault(route, authorization string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.Route != "" && f.Route != route {
			continue
		}
		if f.Authorization != "" && f.Authorization != authorization {
			continue
		}
		if f.Times > 0 && f.applied >= f.Times {
			continue
		}
		f.seen++
		if f.Every > 1 && f.seen%f.Every != 0 {
			continue
		}
		if f.Probability > 0 && s.rng.Float64() >= f.Probability {
			continue
		}
		f.applied++
		copied := *f
		return &copied
	}
	return nil
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	defer r.Body.Close()
	return io.ReadAll(io.LimitReader(r.Body, 1<<20))
}

type nopBody struct{ io.Reader }

func (nopBody) Close() error { return nil }

// discardWriter swallows the answer of a request whose connection is dropped.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

func closeConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 cannot be hijacked; aborting the handler resets the stream.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// withSecret is a handled answer with secret set as key in its object, or in
// each object of its list's data; any other answer is left as it is.
func withSecret(held *httptest.ResponseRecorder, key, secret string) []byte {
	body := held.Body.Bytes()
	if held.Code < 200 || held.Code > 299 {
		return body
	}
	var object map[string]any
	if err := json.Unmarshal(body, &object); err != nil {
		return body
	}
	if items, ok := object["data"].([]any); ok {
		for _, item := range items {
			if m, ok := item.(map[string]any); ok {
				m[key] = secret
			}
		}
	} else {
		object[key] = secret
	}
	out, err := json.Marshal(object)
	if err != nil {
		return body
	}
	return out
}
