package provider

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
		{id: "../app-db/main/abc", wantErr: `organization is ".."`},
		{id: "acme/./main/abc", wantErr: `database is "."`},
		{id: "acme/app-db/../abc", wantErr: `branch is ".."`},
		{id: "acme/app-db/main/.", wantErr: `id is "."`},
		{id: "acme/app-db/main/..", wantErr: `resolves "." and ".." away`},
		{id: "acme/app-db/main/...", want: []string{"acme", "app-db", "main", "..."}},
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

func FuzzParseImportID(f *testing.F) {
	for _, seed := range []string{"acme/app-db/main/abc", "a//b/c", "////", "", "x/y/z/w/v", "acme/../main/abc", "./././.", "a/b/c/..."} {
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
		// What parses is what the attributes accept: a URL path segment
		// that names exactly that object.
		for _, part := range []string{org, db, branch, objectID} {
			if err := checkPathSegment(part); err != nil {
				t.Errorf("%q parsed, but its part %q %v", id, part, err)
			}
		}
	})
}

// A rotation's generation goes past the numbers in the names of the
// credentials the resource holds, so that after an import (generation 1)
// it does not name a credential as one that exists.
func TestNextGeneration(t *testing.T) {
	t.Parallel()
	slot := func(name string) types.Object {
		s := &credentialSlot{}
		for _, f := range s.fields(passwords.credentialKind) {
			*f = types.StringNull()
		}
		s.ID, s.Name = types.StringValue("id-"+name), types.StringValue(name)
		return passwords.slotValue(s)
	}
	none := passwords.slotValue(nil)
	prefix := types.StringValue("app-")
	cases := []struct {
		name              string
		prefix            types.String
		generation        int64
		current, previous types.Object
		want              int64
	}{
		{"imported current app-2", prefix, 1, slot("app-2"), none, 3},
		{"imported pair app-7, app-6", prefix, 1, slot("app-7"), slot("app-6"), 8},
		{"previous named higher", prefix, 1, slot("app-2"), slot("app-9"), 10},
		{"generation already past the names", prefix, 5, slot("app-5"), slot("app-4"), 6},
		{"names of another prefix", prefix, 1, slot("svc-4"), none, 2},
		{"name not a number after the prefix", prefix, 1, slot("app-2b"), slot("app-"), 2},
		{"no name_prefix", types.StringNull(), 1, slot("app-4"), none, 2},
		{"largest number", prefix, 1, slot("app-9223372036854775807"), none, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sr := &rotationResults{Current: tc.current, Previous: tc.previous, Generation: types.Int64Value(tc.generation)}
			if got := nextGeneration(passwords, tc.prefix, sr); got != tc.want {
				t.Errorf("nextGeneration = %d, want %d", got, tc.want)
			}
		})
	}
}
