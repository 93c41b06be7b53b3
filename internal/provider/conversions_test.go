package provider

import (
	"net/url"
	"testing"
)

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
