package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// How the function reads what it is given; the acceptance tests call it
// from configurations.
func TestConnectionStringReadsCredentials(t *testing.T) {
	t.Parallel()
	object := func(attrs map[string]attr.Value) types.Dynamic {
		attrTypes := map[string]attr.Type{}
		for k, v := range attrs {
			attrTypes[k] = v.Type(t.Context())
		}
		return types.DynamicValue(types.ObjectValueMust(attrTypes, attrs))
	}
	password := map[string]attr.Value{
		"username":        types.StringValue("u"),
		"plain_text":      types.StringValue("p"),
		"access_host_url": types.StringValue("h"),
		"database":        types.StringValue("d"),
	}
	with := func(name string, v attr.Value) map[string]attr.Value {
		m := map[string]attr.Value{}
		for k, x := range password {
			m[k] = x
		}
		m[name] = v
		return m
	}
	for _, tc := range []struct {
		name       string
		credential types.Dynamic
		format     string
		want       string // "" for unknown
		wantErr    string
	}{
		{"an object", object(password), "go", "u:p@tcp(h)/d?tls=true", ""},
		{"a map of strings", types.DynamicValue(types.MapValueMust(types.StringType, password)), "url", "mysql://u:p@h/d?sslaccept=strict", ""},
		{"an unknown credential", types.DynamicUnknown(), "go", "", ""},
		{"an unknown field it reads", object(with("plain_text", types.StringUnknown())), "go", "", ""},
		{"a missing field beside an unknown one", object(map[string]attr.Value{"username": types.StringUnknown(), "plain_text": types.StringValue("p")}), "go", "", "The credential has no access_host_url, database"},
		{"an unknown field it does not read", object(with("expires_at", types.StringUnknown())), "go", "u:p@tcp(h)/d?tls=true", ""},
		{"a null secret for pdo, which reads none", object(with("plain_text", types.StringNull())), "pdo", "mysql:host=h;dbname=d", ""},
		{"a null secret", object(with("plain_text", types.StringNull())), "go", "", "branch password's plain_text is null: PlanetScale returns a secret only when the credential is created"},
		{"an empty username", object(with("username", types.StringValue(""))), "go", "", "username is empty"},
		{"a number for a string", object(with("database", types.Int64Value(1))), "go", "", "database is not a string"},
		{"a list", types.DynamicValue(types.ListValueMust(types.StringType, nil)), "go", "", "The credential must be an object"},
		{"both secrets", object(with("password", types.StringValue("p"))), "go", "", "has both plain_text and password"},
		{"a Postgres format for a password", object(password), "keyword", "", `Unknown connection string format "keyword" for a branch password`},
		{"a host with a path", object(with("access_host_url", types.StringValue("h/x"))), "go", "", `the host "h/x" is not a host name`},
		{"a host with port 0", object(with("access_host_url", types.StringValue("h:0"))), "url", "", `the host "h:0" names port 0; a port is 1 to 65535`},
		{"a host with a port past 65535", object(with("access_host_url", types.StringValue("h:65536"))), "jdbc", "", `the host "h:65536" names port 65536`},
	} {
		got, known, err := connectionString(tc.credential, tc.format)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Text, tc.wantErr) {
				t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err.Text)
		case tc.want == "" && known, tc.want != "" && (!known || got != tc.want):
			t.Errorf("%s: %q (known %v), want %q", tc.name, got, known, tc.want)
		}
	}
}
