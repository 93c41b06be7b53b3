package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// TestAccRotatingWithoutDowntimeGuide follows the guide "Rotating without
// downtime" as a user would: its configuration
// (examples/guides/rotating-without-downtime) as it is, applied by the
// terraform CLI on the schedule of the guide's timeline, the mock's clock
// moved between runs. Each row of the timeline is checked: which passwords
// exist, which one the secret store holds, what the plan warns, and that
// the plan after each apply is empty; and no command prints a secret.
func TestAccRotatingWithoutDowntimeGuide(t *testing.T) {
	mock := acctest.NewMock(t)
	tf := newBuiltProvider(t, mock, "the rotating resources")
	guide, err := os.ReadFile("../../examples/guides/rotating-without-downtime/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	tf.write(guide)
	// Everything terraform printed, and every secret the mock minted: no
	// output may show one (the guide's pattern is pasted into pipelines,
	// whose logs are read by many). The state tf.state shows holds them.
	printed := map[string]string{} // command: output
	secrets := map[string]string{} // password name: secret
	run := func(args ...string) string {
		t.Helper()
		out := tf.terraform(args...)
		printed[fmt.Sprintf("%d: terraform %s", len(printed)+1, strings.Join(args, " "))] = out
		return out
	}

	// exist fails unless the mock holds exactly the passwords of these names.
	exist := func(step string, names ...string) {
		t.Helper()
		for _, p := range mock.Passwords() {
			secrets[p.Name] = p.PlainText
		}
		if err := mockPasswordsNamed(mock, names...)(nil); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// stored fails unless the secret store holds the password named want:
	// its secret, its username, and the generation that made it.
	stored := func(step, want string, generation int) {
		t.Helper()
		held, _ := tf.state()["terraform_data.app_database_secret"]["triggers_replace"].(string)
		var secret struct {
			Generation int    `json:"generation"`
			Username   string `json:"username"`
			Password   string `json:"password"`
			URL        string `json:"url"`
		}
		if err := json.Unmarshal([]byte(held), &secret); err != nil {
			t.Fatalf("%s: the secret store holds %d bytes that are not the guide's JSON: %v", step, len(held), err)
		}
		for _, p := range mock.Passwords() {
			if p.Name != want {
				continue
			}
			if secret.Password != p.PlainText || secret.Username != p.Username || secret.Generation != generation ||
				!strings.HasPrefix(secret.URL, "mysql://"+p.Username+":") {
				t.Fatalf("%s: the secret store holds generation %d, user %q (a password of %d characters); want %s (generation %d, user %q)",
					step, secret.Generation, secret.Username, len(secret.Password), want, generation, p.Username)
			}
			return
		}
		t.Fatalf("%s: no password %s in the mock", step, want)
	}
	// planned runs a plan and fails unless it says each of wants (words
	// may be wrapped across lines); an empty plan is wanted when wants is
	// empty.
	planned := func(step string, wants ...string) {
		t.Helper()
		if len(wants) == 0 {
			run("plan", "-detailed-exitcode", "-no-color")
			return
		}
		out := run("plan", "-no-color")
		for _, want := range wants {
			if !errorLike(regexp.QuoteMeta(want)).MatchString(out) {
				t.Fatalf("%s: the plan lacks %q:\n%s", step, want, out)
			}
		}
	}
	apply := func(step string) {
		t.Helper()
		if out := run("apply", "-auto-approve", "-no-color"); !strings.Contains(out, "Apply complete!") {
			t.Fatalf("%s: %s", step, out)
		}
	}
	idOf := func(name string) string {
		for _, p := range mock.Passwords() {
			if p.Name == name {
				return p.ID
			}
		}
		t.Fatalf("no password %s in the mock", name)
		return ""
	}
	const day = 24 * time.Hour

	// The clock is moved an hour past each decision point, and checked an
	// hour before it: the provider reads the API's clock from the Date
	// header, in whole seconds, and terraform runs take real time.

	// day 0: app-1 is created and stored.
	apply("day 0")
	exist("day 0", "app-1")
	stored("day 0", "app-1", 1)
	planned("day 0")

	// day 0 to 30: nothing to do.
	mock.Advance(30*day - time.Hour)
	planned("day 30 less an hour")

	// day 30: rotation 1. app-2 is stored; app-1 keeps working.
	mock.Advance(2 * time.Hour)
	planned("day 30", "Branch Password Will Rotate", "at least rotate_every (720h)")
	apply("day 30")
	exist("day 30", "app-1", "app-2")
	stored("day 30", "app-2", 2)
	planned("day 30, after the rotation")

	// Until overlap has passed, app-1 is kept, used or not; something
	// still uses it.
	mock.Advance(3*day - 2*time.Hour)
	planned("day 33 less an hour")
	if !mock.MarkUsed(idOf("app-1"), mock.Now()) {
		t.Fatal("app-1 not in the mock")
	}

	// day 33, an hour past overlap, app-1 used three hours ago: kept, with
	// a warning.
	mock.Advance(3 * time.Hour)
	planned("day 33, app-1 in use", "Previous Password Kept While In Use", "No changes.")

	// Once app-1 has been unused for retire_after_idle (seven hours now):
	// retired.
	mock.Advance(4 * time.Hour)
	planned("day 33, app-1 unused", "Previous Password Will Be Retired")
	apply("day 33, app-1 unused")
	exist("day 33, app-1 unused", "app-2")
	stored("day 33, app-1 unused", "app-2", 2)
	planned("day 33, after the retirement")

	// day 60: rotation 2, rotate_every after app-2's created_at.
	mock.Advance(27*day - 6*time.Hour)
	planned("day 60 less an hour")
	mock.Advance(2 * time.Hour)
	apply("day 60")
	exist("day 60", "app-2", "app-3")
	stored("day 60", "app-3", 3)
	planned("day 60, after the rotation")

	// day 63: app-2, never used since (its last_used_at is null), is
	// retired once overlap has passed.
	mock.Advance(3*day - time.Hour)
	planned("day 63 less an hour")
	mock.Advance(2 * time.Hour)
	apply("day 63")
	exist("day 63", "app-3")
	stored("day 63", "app-3", 3)
	planned("day 63, after the retirement")

	run("destroy", "-auto-approve", "-no-color")
	exist("after destroy")
	if len(secrets) != 3 {
		t.Errorf("saw the secrets of %d passwords, want app-1, app-2 and app-3", len(secrets))
	}
	for name, secret := range secrets {
		for command, out := range printed {
			if secret != "" && strings.Contains(out, secret) {
				t.Errorf("command %s printed the secret of %s", command, name)
			}
		}
	}
}
