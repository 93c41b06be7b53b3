package main

import (
	"maps"
	"testing"
)

func TestSilenceDiscardedLogs(t *testing.T) {
	if providerLogLevelEnv != "TF_LOG_PROVIDER_PLANETSCALE" {
		t.Fatalf("provider log level variable %q, want the one terraform-plugin-go reads for planetscale", providerLogLevelEnv)
	}
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_PLANETSCALE": "OFF"}
	for _, tc := range []struct {
		name    string
		environ []string
		debug   bool
		want    map[string]string
	}{
		{"no logging asked for", []string{"HOME=/root", "TF_IN_AUTOMATION=1"}, false, off},
		{"an empty TF_LOG asks for nothing", []string{"TF_LOG="}, false, off},
		{"TF_LOG", []string{"TF_LOG=debug"}, false, map[string]string{}},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=trace"}, false, map[string]string{}},
		{"TF_LOG_SDK_FRAMEWORK", []string{"TF_LOG_SDK_FRAMEWORK=trace"}, false, map[string]string{}},
		{"TF_ACC_LOG_PATH", []string{"TF_ACC_LOG_PATH=/tmp/x.log"}, false, map[string]string{}},
		{"debug mode writes to the developer's terminal", nil, true, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{}
			err := silenceDiscardedLogs(tc.environ, tc.debug, func(k, v string) error { set[k] = v; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(set, tc.want) {
				t.Errorf("set %v, want %v", set, tc.want)
			}
		})
	}
}
