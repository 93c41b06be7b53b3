package provider

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
