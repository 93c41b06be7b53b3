package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProseLinesBlotOutCodeAndKeepPositions(t *testing.T) {
	t.Parallel()
	text := "Read `plain_txet` in [the guide](../guides/a.md) or https://exampel.invalid/x.\n" +
		"```terraform\nresource \"x\" \"crendential\" {}\n```\n" +
		"{{ tffile \"examples/crendential.tf\" }} and <a id=\"crendential\"></a>words"
	got := proseLines(text)
	blot := func(n int) string { return strings.Repeat("`", n) }
	want := []string{
		"Read " + blot(12) + " in [the guide" + blot(17) + " or " + blot(26),
		"", "", "",
		blot(38) + " and " + blot(24) + "words",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("proseLines (-want +got):\n%s", diff)
	}
	for i, line := range strings.Split(text, "\n") {
		if len(got[i]) != len(line) && got[i] != "" {
			t.Errorf("line %d changed length: %q -> %q", i+1, line, got[i])
		}
	}
}

func TestProseWordsLeaveOutIdentifiersAndAcronyms(t *testing.T) {
	t.Parallel()
	got := proseWords(`The API's TTLs, e.g. main.tf, v1.2, planetscale_branch_password, --flag, a/b and read-only "quoted" words.`)
	want := []string{"The", "and", "read", "only", "quoted", "words"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("proseWords (-want +got):\n%s", diff)
	}
}

// The checker fails on planted mistakes, each reported at its line, and
// not on the same words in code.
func TestCheckFindsPlantedMistakes(t *testing.T) {
	for _, tool := range []string{"hunspell", "proselint"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make spellcheck installs it)", tool)
		}
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "page.md.tmpl")
	writeTestFile(t, page, "# A page\n\n"+
		"The provider will crendential a password.\n"+
		"`crendential` is code, and so is\n```shell\ncrendential\n```\n"+
		"It is very unique.\n"+
		"Terraform stores the\nthe secret.\n")
	findings, err := check([]string{dir}, "words.txt", ".")
	if err != nil {
		t.Fatal(err)
	}
	// proselint's messages are its own; its check names and positions
	// are what this test relies on.
	want := []string{
		page + `:3: unknown word "crendential"`,
		page + ":8:7: uncomparables.misc ",
		page + ":8:7: weasel_words.very ",
		page + ":9:18: lexical_illusions.misc ",
	}
	if len(findings) != len(want) {
		t.Fatalf("found %d problems, want %d:\n%s", len(findings), len(want), strings.Join(findings, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(findings[i], want[i]) {
			t.Errorf("problem %d is %q, want one starting %q", i+1, findings[i], want[i])
		}
	}

	// The project's words pass.
	writeTestFile(t, page, "PlanetScale and OpenTofu.\n")
	if findings, err := check([]string{dir}, "words.txt", "."); err != nil || len(findings) != 0 {
		t.Errorf("the project's words: findings %v, error %v", findings, err)
	}
}

func writeTestFile(t *testing.T, file, content string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
