package mockapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// AdminPrefix is where AdminHandler serves; the API itself lives under /v1.
const AdminPrefix = "/_mock/"

// AdminHandler serves the mock's controls for dry runs, outside the API:
//
//	POST /_mock/advance              {"duration": "25h"}       Advance
//	POST /_mock/passwords/{id}/used  {"at": "<RFC 3339>"}      MarkUsed (no body, or no "at": now on the mock's clock)
//
// Each answers 204 when done, 400 with the API's {"code", "message"} error
// body for a body it cannot read, and 404 for an unknown password or path.
// They take no Authorization: they are test controls for a mock that listens
// on a loopback address, and are not part of the API document, so serve them
// beside the contract validator, not behind it. Their answers carry the
// mock's Date, as the API's do.
func AdminHandler(s *Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+AdminPrefix+"advance", s.adminAdvance)
	mux.HandleFunc("POST "+AdminPrefix+"passwords/{id}/used", s.adminMarkUsed)
	mux.HandleFunc(AdminPrefix, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("No mock control at %s %s: use POST %sadvance or POST %spasswords/{id}/used", r.Method, r.URL.Path, AdminPrefix, AdminPrefix))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(&datedWriter{ResponseWriter: w, clock: s.clock}, r)
	})
}

func (s *Server) adminAdvance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Duration *string `json:"duration"`
	}
	if !decodeAdminBody(w, r, &in) {
		return
	}
	if in.Duration == nil {
		badRequest(w, `The body needs "duration", a Go duration such as "25h" or "90m"`)
		return
	}
	d, err := time.ParseDuration(*in.Duration)
	if err != nil {
		badRequest(w, fmt.Sprintf(`"duration" %q is not a Go duration such as "25h" or "90m"`, *in.Duration))
		return
	}
	if d < 0 {
		// Expired credentials would come back to life.
		badRequest(w, fmt.Sprintf(`"duration" %q is negative: the mock's clock only moves forward`, *in.Duration))
		return
	}
	s.Advance(d)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminMarkUsed(w http.ResponseWriter, r *http.Request) {
	var in struct {
		At *string `json:"at"`
	}
	if !decodeAdminBody(w, r, &in) {
		return
	}
	at := s.Now()
	if in.At != nil {
		var err error
		if at, err = time.Parse(time.RFC3339, *in.At); err != nil {
			badRequest(w, fmt.Sprintf(`"at" %q is not an RFC 3339 time such as "2026-01-02T15:04:05Z"`, *in.At))
			return
		}
	}
	if !s.MarkUsed(r.PathValue("id"), at) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("No password with ID %q: it was never made or has been deleted", r.PathValue("id")))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeAdminBody reads an optional JSON object, refusing fields the
// control does not take, so a misspelt one is not silently ignored.
func decodeAdminBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		badRequest(w, fmt.Sprintf("Invalid request body: %v", err))
		return false
	}
	return true
}

func badRequest(w http.ResponseWriter, message string) {
	writeError(w, http.StatusBadRequest, "bad_request", message)
}
