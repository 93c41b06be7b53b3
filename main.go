// Command terraform-provider-planetscale serves the planetscale provider to
// Terraform and OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/credsmith/terraform-provider-planetscale/internal/provider"
)

// Format the examples and generate the registry docs from templates/ and
// examples/, with the newest Terraform (see the script).
//go:generate bash internal/tools/generate-docs.sh

// registryAddress is the provider's one registry address; README, examples
// and tests take it from here (internal/repotest checks that they agree).
const registryAddress = "registry.terraform.io/credsmith/planetscale"

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	silenceDiscardedLogsOfThisProcess(debug)
	stopProfiles := startProfiles()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         registryAddress,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	stopProfiles()
	if err != nil {
		log.Fatal(err.Error())
	}
}
