package repotest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// release-notes.sh gives the release its CHANGELOG section, and refuses a
// tag whose section is missing, empty or not yet dated.
func TestReleaseNotes(t *testing.T) {
	changelog := filepath.Join(t.TempDir(), "CHANGELOG.md")
	writeFile(t, changelog, `## 0.3.0 (Unreleased)

FEATURES:

* three

## 0.2.0 (December 1, 2026)

BUG FIXES:

* two

## 0.1.1 (November 2, 2026)

## 0.1.0 (November 1, 2026)

* one
`)
	tests := []struct {
		tag, want, wantErr string
	}{
		{tag: "v0.2.0", want: "\nBUG FIXES:\n\n* two\n"},
		{tag: "0.1.0", want: "\n* one\n"},
		{tag: "v0.3.0", wantErr: `"## 0.3.0 (Unreleased)" is still unreleased`},
		{tag: "v0.1.1", wantErr: `the "## 0.1.1 (November 2, 2026)" section is empty`},
		{tag: "v0.4.0", wantErr: `has no "## 0.4.0" heading`},
		{tag: "v0x2x0", wantErr: `has no "## 0x2x0" heading`},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("bash", "internal/tools/release-notes.sh", tt.tag, changelog)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(stderr.String(), tt.wantErr) {
					t.Errorf("release-notes.sh %s: %v, stderr %q, stdout %q; want a failure saying %q", tt.tag, err, stderr.String(), out, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("release-notes.sh %s: %v\n%s", tt.tag, err, stderr.String())
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("release-notes.sh %s (-want +got):\n%s", tt.tag, diff)
			}
		})
	}
}
