package provider_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// The built provider turns its log output off only when nobody asked for
// logs (silenceDiscardedLogs in main): with TF_LOG set, Terraform's log
// still holds the provider's own lines and the framework's, and never the
// secret.
func TestAccLogs_builtProviderLogsWhenAsked(t *testing.T) {
	tf, host := directTerraform(t, "1.5.0", "the provider's log")
	mock := acctest.NewMock(t)
	rc := devOverrides(t, host)
	work := t.TempDir()
	writeFile(t, filepath.Join(work, "main.tf"), []byte(`terraform {
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}

resource "planetscale_branch_password" "logged" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "reader"
}
`))
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	apply := terraformCommand(tf, work, rc, mock, "apply", "-auto-approve", "-input=false", "-no-color")
	apply.Env = append(apply.Env, "TF_LOG=DEBUG", "TF_LOG_PATH="+logPath)
	if out, err := apply.CombinedOutput(); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	logged, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"created branch password", // the provider's own tflog.Debug
		"@module=sdk.framework",   // the framework's
	} {
		if !strings.Contains(string(logged), want) {
			t.Errorf("TF_LOG=DEBUG log has no %q from the provider", want)
		}
	}

	var state struct {
		Resources []struct {
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	raw, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	secret, _ := state.Resources[0].Instances[0].Attributes["plain_text"].(string)
	if secret == "" {
		t.Fatal("no plain_text in state")
	}
	if strings.Contains(string(logged), secret) {
		t.Error("the secret is in the log")
	}
}
