package provider

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

func TestParseImportID(t *testing.T) {
	t.Parallel()
	cases := []struct {
		id      string
		want    []string
		wantErr string
	}{
		{id: "acme/app-db/main/abc123", want: []string{"acme", "app-db", "main", "abc123"}},
		{id: "acme/app-db/main", wantErr: "3 part(s)"},
		{id: "acme/app-db/main/abc/def", wantErr: "5 part(s)"},
		{id: "", wantErr: "1 part(s)"},
		{id: "/app-db/main/abc", wantErr: "organization is empty"},
		{id: "acme/app-db/ /abc", wantErr: "branch is empty"},
		{id: "acme/app-db/main/", wantErr: "id is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			org, db, branch, id, err := parseImportID(tc.id)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, []string{org, db, branch, id}); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestIsCIDR(t *testing.T) {
	t.Parallel()
	valid := []string{"10.0.0.0/8", "192.0.2.7", "0.0.0.0/0", "2001:db8::/32", "::1", "2001:db8::1/128"}
	invalid := []string{"", "10.0.0.0/33", "10.0.0", "not-an-ip", "2001:db8::/129", "fe80::1%eth0", "10.0.0.0/8 ", "1.2.3.4/-1"}
	for _, s := range valid {
		if !isCIDR(s) {
			t.Errorf("isCIDR(%q) = false", s)
		}
	}
	for _, s := range invalid {
		if isCIDR(s) {
			t.Errorf("isCIDR(%q) = true", s)
		}
	}
}

func TestCheckPathSegment(t *testing.T) {
	t.Parallel()
	for s, wantErr := range map[string]bool{"acme": false, "app-db": false, "": true, "  ": true, "a/b": true} {
		if err := checkPathSegment(s); (err != nil) != wantErr {
			t.Errorf("checkPathSegment(%q) = %v", s, err)
		}
	}
}

func TestConnectionURLEscapesSecrets(t *testing.T) {
	t.Parallel()
	secret := "p@ss/w:rd?#%"
	got := connectionURL("postgresql", "user.branch", secret, "host:5432", "postgres", "sslmode=verify-full")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := u.User.Password()
	if pw != secret || u.User.Username() != "user.branch" || u.Host != "host:5432" || u.Path != "/postgres" || u.RawQuery != "sslmode=verify-full" {
		t.Errorf("round trip of %q lost something: %+v", got, u)
	}
}

func TestTTLFromTimes(t *testing.T) {
	t.Parallel()
	exp := "2026-01-01T01:00:00.4Z"
	if got := ttlFromTimes("2026-01-01T00:00:00Z", &exp); got == nil || *got != 3600 {
		t.Errorf("ttl = %v, want 3600", got)
	}
	if got := ttlFromTimes("2026-01-01T00:00:00Z", nil); got != nil {
		t.Errorf("ttl without expiry = %v, want nil", *got)
	}
	bad := "yesterday"
	if got := ttlFromTimes("2026-01-01T00:00:00Z", &bad); got != nil {
		t.Errorf("ttl from a bad time = %v, want nil", *got)
	}
}

func FuzzParseImportID(f *testing.F) {
	for _, seed := range []string{"acme/app-db/main/abc", "a//b/c", "////", "", "x/y/z/w/v"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		org, db, branch, objectID, err := parseImportID(id)
		if err != nil {
			return
		}
		if org+"/"+db+"/"+branch+"/"+objectID != id {
			t.Errorf("parts of %q do not rejoin to it", id)
		}
	})
}

func FuzzIsCIDR(f *testing.F) {
	for _, seed := range []string{"10.0.0.0/8", "::1", "2001:db8::/32", "300.1.1.1", "1.2.3.4/"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = isCIDR(s) // must not panic
	})
}

// BenchmarkApplyPassword maps one API answer into the resource model, the
// work every Create and Read does per credential.
func BenchmarkApplyPassword(b *testing.B) {
	ctx := context.Background()
	pt, exp := "pscale_pw_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", "2026-12-01T00:00:00Z"
	ttl := int64(3600)
	p := &planetscale.Password{
		ID: "abc123", Name: "app", Role: "reader", CIDRs: []string{"10.0.0.0/8", "192.0.2.0/24"},
		CreatedAt: "2026-11-01T00:00:00Z", ExpiresAt: &exp, TTLSeconds: &ttl, AccessHostURL: "aws.connect.psdb.cloud",
		Username: "u0123456789", PlainText: &pt, Renewable: true,
	}
	b.ReportAllocs()
	for b.Loop() {
		m := newBranchPasswordModel(location("app-db", "main"))
		if diags := applyPassword(ctx, &m, p); diags.HasError() {
			b.Fatal(diags)
		}
	}
}

func TestWithDefaultPort(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]string{
		"aws.pg.psdb.cloud": "aws.pg.psdb.cloud:5432",
		"127.0.0.1:54321":   "127.0.0.1:54321",
		"::1":               "[::1]:5432",
		"[::1]:6543":        "[::1]:6543",
	} {
		if got := withDefaultPort(host, "5432"); got != want {
			t.Errorf("withDefaultPort(%q) = %q, want %q", host, got, want)
		}
	}
}

// A CIDR the API would store differently (host bits set, upper-case or long
// IPv6) would differ from state on every refresh and replace the password
// each time: it is refused at plan time with the spelling to use.
func TestCIDRMustBeCanonical(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"10.0.0.5/8":            "10.0.0.0/8",
		"192.168.1.77/24":       "192.168.1.0/24",
		"2001:DB8::/32":         "2001:db8::/32",
		"2001:0db8:0000::1/128": "2001:db8::1/128",
		"2001:db8::ffff:1/64":   "2001:db8::/64",
		"FE80::1":               "fe80::1",
		"10.0.0.0/8":            "",
		"203.0.113.7":           "",
		"203.0.113.7/32":        "",
		"2001:db8::/32":         "",
	}
	for value, want := range cases {
		req := validator.StringRequest{Path: path.Root("cidrs").AtSetValue(types.StringValue(value)), ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		cidr{}.ValidateString(context.Background(), req, &resp)
		switch {
		case want == "" && resp.Diagnostics.HasError():
			t.Errorf("%q refused: %v", value, resp.Diagnostics)
		case want != "" && !resp.Diagnostics.HasError():
			t.Errorf("%q accepted; want it refused in favour of %q", value, want)
		case want != "" && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), `"`+want+`"`):
			t.Errorf("%q: the error does not propose %q: %s", value, want, resp.Diagnostics.Errors()[0].Detail())
		}
	}
}
