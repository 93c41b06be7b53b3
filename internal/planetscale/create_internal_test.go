package planetscale

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"testing"
)

// A credential the API lists as deleted or dropped is never taken for what
// an attempt made, even under the attempt's mark: only live ones are
// deleted, and only those with the exact mark.
func TestRemoveMarkedSkipsWhatIsGoneOrNamedOtherwise(t *testing.T) {
	t.Parallel()
	const mark = "terraform-pending-0123456789abcdef01234567"
	var removed []string
	ops := createOps{
		kind: "password",
		list: func(_ context.Context, query string) ([]credentialRef, error) {
			if query != mark {
				t.Errorf("listed with q=%q, want the mark", query)
			}
			return []credentialRef{
				{ID: "live", Name: mark},
				{ID: "deleted", Name: mark, Gone: true},
				{ID: "longer", Name: mark + "-other"},
				{ID: "kept", Name: mark},
			}, nil
		},
		remove: func(_ context.Context, id string) error {
			removed = append(removed, id)
			return nil
		},
	}
	got, err := (&Client{}).removeMarked(context.Background(), ops, mark, "kept")
	if err != nil || !slices.Equal(got, []string{"live"}) || !slices.Equal(removed, []string{"live"}) {
		t.Fatalf("removed %v (reported %v, %v), want only the live credential with the exact mark", removed, got, err)
	}
}

// A failed list or delete during the cleanup is an error that names what
// to look for, never a silent success.
func TestRemoveMarkedReportsFailures(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	for name, ops := range map[string]createOps{
		"list": {kind: "role", list: func(context.Context, string) ([]credentialRef, error) { return nil, boom }},
		"delete": {kind: "role",
			list: func(context.Context, string) ([]credentialRef, error) {
				return []credentialRef{{ID: "a", Name: "m"}}, nil
			},
			remove: func(context.Context, string) error { return boom }},
	} {
		if _, err := (&Client{}).removeMarked(context.Background(), ops, "m", ""); !errors.Is(err, boom) {
			t.Errorf("%s failure: err = %v, want it reported", name, err)
		}
	}
}

// The retry decision, case by case: what proves the API did not act.
func TestRetryDecision(t *testing.T) {
	t.Parallel()
	answer := func(status int) *http.Response { return &http.Response{StatusCode: status} }
	for _, tc := range []struct {
		name      string
		resp      *http.Response
		err       error
		transient bool
		ifNotAct  bool
	}{
		{"not sent", nil, ErrNotSent, false, false},
		{"redirect", nil, errRedirect, false, false},
		{"dial failure", nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true, true},
		{"read failure", nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset")}, true, false},
		{"no answer", nil, errors.New("connection reset"), true, false},
		{"429", answer(429), nil, true, true},
		{"502", answer(502), nil, true, false},
		{"503", answer(503), nil, true, false},
		{"504", answer(504), nil, true, false},
		{"500", answer(500), nil, false, false},
		{"404", answer(404), nil, false, false},
		{"200", answer(200), nil, false, false},
	} {
		if got, _ := retryDecision(retryTransient, tc.resp, tc.err); got != tc.transient {
			t.Errorf("%s, a read: retry = %t, want %t", tc.name, got, tc.transient)
		}
		if got, _ := retryDecision(retryIfNotActed, tc.resp, tc.err); got != tc.ifNotAct {
			t.Errorf("%s, a create: retry = %t, want %t", tc.name, got, tc.ifNotAct)
		}
	}
}
