package provider

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// apiErrorDetail explains a failed API call: the object, the HTTP status and
// the API's message, and what to do about it. notFound is what a 404 means
// for this call.
func apiErrorDetail(object string, err error, data *providerData, access, notFound string) string {
	var apiErr *planetscale.APIError
	var transportErr *planetscale.TransportError
	var decodeErr *planetscale.DecodeError
	switch {
	case errors.As(err, &apiErr):
		detail := apiStatus(object, apiErr) + "\n\n"
		switch apiErr.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return detail + fmt.Sprintf("The request used the %s. Check that the token is valid and has the %s access on this database.", data.credentials, access)
		case http.StatusNotFound:
			return detail + notFound
		case http.StatusUnprocessableEntity:
			return detail + "The API rejected the values sent. Correct them in the configuration and apply again."
		case http.StatusTooManyRequests:
			return detail + "The API's rate limit (600 requests per minute per token) was reached. Apply again later, or lower -parallelism."
		default:
			if apiErr.StatusCode >= 500 {
				return detail + "The PlanetScale API failed. Apply again later; if it persists, check https://www.planetscalestatus.com."
			}
			return detail
		}
	case errors.As(err, &transportErr):
		return fmt.Sprintf("%s: %v\n\nCheck the network and the provider's server_url.", object, err)
	case errors.As(err, &decodeErr):
		return fmt.Sprintf("%s: %v\n\nThe answer did not look like the PlanetScale API's; check the provider's server_url.", object, err)
	default:
		return fmt.Sprintf("%s: %v", object, err)
	}
}

// apiStatus is the first line of an API error: object, status, API message.
func apiStatus(object string, apiErr *planetscale.APIError) string {
	msg := apiErr.Message
	if msg == "" {
		msg = http.StatusText(apiErr.StatusCode)
	}
	line := fmt.Sprintf("%s: PlanetScale answered HTTP %d", object, apiErr.StatusCode)
	if apiErr.Code != "" {
		line += " (" + apiErr.Code + ")"
	}
	return line + ": " + msg
}

// clientFromProviderData is shared by the resources' Configure methods.
func clientFromProviderData(req resource.ConfigureRequest, diags *diag.Diagnostics) *providerData {
	if req.ProviderData == nil {
		// The provider is not configured yet (plan with unknown values).
		return nil
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return nil
	}
	return data
}

// requireClient reports an error when a CRUD method runs before the provider
// was configured, which happens only if its configuration stayed unknown.
func requireClient(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Provider Not Configured",
			"The planetscale provider has no credentials yet: its configuration depends on values not known until apply. "+
				"Set the provider's credentials from values known at plan time, or apply the resources they depend on first with -target.")
		return false
	}
	return true
}
