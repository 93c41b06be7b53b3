package planetscale

import (
	"net/http"
	"strings"
)

// Operation is the API document's name (its operationId, such as
// "create_role") for the request that got this answer, or "" for a request
// this client does not send. What a token needs differs per operation, so
// a message about a 401 or 403 names it from this.
func (e *APIError) Operation() string {
	return operation(e.Method, e.Path)
}

// operation reads a request made by Branch.path:
// organizations/{org}/databases/{db}/branches/{branch}/{collection}[/{id}[/{action}]].
// Each segment is escaped, so splitting on "/" finds them.
func operation(method, path string) string {
	parts := strings.Split(path, "/")
	if len(parts) < 7 || len(parts) > 9 {
		return ""
	}
	var kind string
	switch parts[6] {
	case "passwords":
		kind = "password"
	case "roles":
		kind = "role"
	default:
		return ""
	}
	switch {
	case len(parts) == 7 && method == http.MethodGet:
		return "list_" + kind + "s"
	case len(parts) == 7 && method == http.MethodPost:
		return "create_" + kind
	case len(parts) == 8 && method == http.MethodGet:
		return "get_" + kind
	case len(parts) == 8 && method == http.MethodPatch:
		return "update_" + kind
	case len(parts) == 8 && method == http.MethodDelete:
		return "delete_" + kind
	case len(parts) == 9 && method == http.MethodPost:
		switch action := parts[8]; {
		case action == "renew":
			return "renew_" + kind
		case action == "reset" && kind == "role":
			return "reset_role"
		case action == "reassign" && kind == "role":
			return "reassign_role_objects"
		}
	}
	return ""
}
