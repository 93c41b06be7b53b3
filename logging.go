package main

import (
	"os"
	"path"
	"strings"
)

// silenceDiscardedLogs turns the provider's and the plugin SDK's logging off
// when nobody asked for logs. Without it the SDK writes a JSON line to
// Terraform for every framework step (several per attribute per resource)
// at TRACE, and Terraform, whose provider log level is off unless TF_LOG or
// TF_LOG_PROVIDER is set, parses and throws every line away: in the 400
// resource benchmark that was a third of the provider's CPU (BENCHMARKS.md).
//
// Any TF_LOG* or TF_ACC_LOG* variable leaves logging exactly as the SDK sets
// it, so TF_LOG=DEBUG still shows everything. In -debug mode the provider's
// output goes to the developer's terminal, not through Terraform, so it is
// left alone too.
func silenceDiscardedLogs(environ []string, debug bool, setenv func(key, value string) error) error {
	if debug {
		return nil
	}
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_ACC_LOG")) {
			return nil
		}
	}
	// TF_LOG_SDK is the root of the SDK's subsystems (proto, framework).
	// The provider's own tflog calls (and the timeouts module's) take their
	// level from TF_LOG_PROVIDER_<TYPE>, <TYPE> being the provider type of
	// the registry address; TF_LOG_PROVIDER itself is read by Terraform only.
	for _, name := range []string{"TF_LOG_SDK", providerLogLevelEnv} {
		if err := setenv(name, "OFF"); err != nil {
			return err
		}
	}
	return nil
}

// providerLogLevelEnv is the variable terraform-plugin-go reads for the
// provider logger's level: the provider type of registryAddress.
var providerLogLevelEnv = "TF_LOG_PROVIDER_" + strings.ToUpper(strings.ReplaceAll(path.Base(registryAddress), "-", "_"))

func silenceDiscardedLogsOfThisProcess(debug bool) {
	// A failed Setenv only leaves the SDK's default: more output, same results.
	_ = silenceDiscardedLogs(os.Environ(), debug, os.Setenv)
}
