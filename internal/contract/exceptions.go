package contract

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Exception is one place where the document is known to be wrong or silent,
// and what the validator takes instead. An exception either amends the
// document (so the validator checks the API's real behaviour, no less
// strictly) or excuses one kind of violation in one kind of exchange.
type Exception struct {
	Name   string
	Reason string

	amend  func(doc *openapi3.T)
	excuse func(ex exchange, v Violation) bool
}

// Exceptions lists the exceptions, for tests and for the contributors' docs.
func Exceptions() []Exception { return append([]Exception(nil), exceptions...) }

// exceptions are the only way around the validator (exceptions_test.go
// shows each one is needed, and that without them the same exchanges fail).
var exceptions = []Exception{
	{
		Name: "query-safety-values",
		Reason: "The document's enums for require_where_on_delete and require_where_on_update read false, warn, true: " +
			"it was written by a YAML 1.1 tool that read the values off and on as booleans. The API sends the strings \"off\", \"warn\", \"on\".",
		amend: func(doc *openapi3.T) {
			eachSchema(doc, func(name string, s *openapi3.Schema) {
				if name == "require_where_on_delete" || name == "require_where_on_update" {
					if len(s.Enum) > 0 {
						s.Enum = []any{"off", "warn", "on"}
					}
				}
			})
		},
	},
	{
		Name: "error-body",
		Reason: "The document gives error answers no body; the API answers every error with the JSON object " +
			"{\"code\": \"...\", \"message\": \"...\"}. The amendment makes the validator check that body.",
		amend: func(doc *openapi3.T) {
			eachOperation(doc, func(_ string, op *openapi3.Operation) {
				for status, ref := range op.Responses.Map() {
					if status[0] == '4' || status[0] == '5' {
						ref.Value.Content = errorContent()
					}
				}
			})
		},
	},
	{
		Name: "rate-limit",
		Reason: "The API limits each token to 600 requests a minute and answers 429, with Retry-After, beyond it; " +
			"the document does not mention it.",
		amend: func(doc *openapi3.T) {
			eachOperation(doc, func(_ string, op *openapi3.Operation) {
				op.Responses.Set("429", errorResponse("Too Many Requests"))
			})
		},
	},
	{
		Name: "gateway-errors",
		Reason: "Between a client and the API stand load balancers and gateways, which answer 502, 503 and 504 to any request; " +
			"the document lists only the API's own 500. The mock's faults model them, and the client must retry them.",
		amend: func(doc *openapi3.T) {
			eachOperation(doc, func(_ string, op *openapi3.Operation) {
				op.Responses.Set("502", errorResponse("Bad Gateway"))
				op.Responses.Set("503", errorResponse("Service Unavailable"))
				op.Responses.Set("504", errorResponse("Gateway Timeout"))
			})
		},
	},
	{
		Name: "unprocessable-422",
		Reason: "The API answers 422 with the error code \"unprocessable\" to a request it cannot act on (a value out of range, " +
			"a page that is not a number, a role that cannot be renewed); the document lists 422 only for create_password. " +
			"Among them: deleting a role that still owns objects answers 422 \"Role is still referenced and cannot be dropped.\" " +
			"unless a successor takes them over.",
		amend: func(doc *openapi3.T) {
			eachOperation(doc, func(_ string, op *openapi3.Operation) {
				op.Responses.Set("422", errorResponse("Unprocessable Entity"))
			})
		},
	},
	{
		Name: "pscale-managed-role",
		Reason: "Older versions of the document list pscale_managed, PlanetScale's own role, among inherited_roles, and the API " +
			"still takes and reports it; this document's enums leave it out.",
		amend: func(doc *openapi3.T) {
			eachSchema(doc, func(name string, s *openapi3.Schema) {
				if name == "inherited_roles" && s.Items != nil && len(s.Items.Value.Enum) > 0 {
					s.Items.Value.Enum = append(s.Items.Value.Enum, "pscale_managed")
				}
			})
		},
	},
	{
		Name: "service-token-authorization",
		Reason: "The document names only OAuth (Authorization: Bearer <token>); the API also takes a service token as " +
			"Authorization: <service-token-id>:<service-token>, with no scheme word.",
		amend: func(doc *openapi3.T) {
			doc.Components.SecuritySchemes["serviceToken"] = &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{
				Type: "apiKey", In: "header", Name: "Authorization",
				Description: "<service-token-id>:<service-token>",
			}}
			doc.Security = append(doc.Security, openapi3.SecurityRequirement{"serviceToken": []string{}})
		},
	},
	{
		Name: "malformed-authorization-404",
		Reason: "PlanetScale has been seen to answer a malformed Authorization header with 404 rather than 401. " +
			"Tests send such a header on purpose to prove the client does not read that 404 as \"gone\"; " +
			"the malformed header is excused only when the answer is that 404.",
		excuse: func(ex exchange, v Violation) bool {
			return v.Side == "request" && v.Rule == "security" && ex.status == http.StatusNotFound
		},
	},
}

func excused(with []Exception, ex exchange, v Violation) bool {
	for _, e := range with {
		if e.excuse != nil && e.excuse(ex, v) {
			return true
		}
	}
	return false
}

var errMalformedAuthorization = errors.New("the Authorization header is neither \"Bearer <token>\" nor \"<service-token-id>:<service-token>\"")

// authenticate checks the Authorization header's form for the scheme the
// document asks about; whether the token is valid is the server's business.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	header := in.RequestValidationInput.Request.Header.Get("Authorization")
	if header == "" {
		return errors.New("no Authorization header")
	}
	switch in.SecuritySchemeName {
	case "oauth2":
		token, ok := strings.CutPrefix(header, "Bearer ")
		if !ok || token == "" || strings.ContainsAny(token, " \t") {
			return errMalformedAuthorization
		}
		return nil
	case "serviceToken":
		id, token, ok := strings.Cut(header, ":")
		if !ok || id == "" || token == "" || strings.ContainsAny(header, " \t") || strings.HasPrefix(header, "Bearer ") {
			return errMalformedAuthorization
		}
		return nil
	default:
		return errors.New("unknown security scheme " + in.SecuritySchemeName)
	}
}

func errorContent() openapi3.Content {
	schema := openapi3.NewObjectSchema().
		WithProperty("code", openapi3.NewStringSchema()).
		WithProperty("message", openapi3.NewStringSchema())
	schema.Required = []string{"code", "message"}
	return openapi3.NewContentWithJSONSchema(schema)
}

func errorResponse(description string) *openapi3.ResponseRef {
	return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(description).WithContent(errorContent())}
}

func eachOperation(doc *openapi3.T, f func(id string, op *openapi3.Operation)) {
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			f(op.OperationID, op)
		}
	}
}

// eachSchema calls f for every named property schema in the document's
// operations, at any depth.
func eachSchema(doc *openapi3.T, f func(name string, s *openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for name, p := range s.Properties {
			if p != nil && p.Value != nil {
				f(name, p.Value)
				walk(p.Value)
			}
		}
		if s.Items != nil {
			walk(s.Items.Value)
		}
		for _, refs := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range refs {
				walk(r.Value)
			}
		}
	}
	eachOperation(doc, func(_ string, op *openapi3.Operation) {
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			for _, media := range op.RequestBody.Value.Content {
				walk(media.Schema.Value)
			}
		}
		for _, ref := range op.Responses.Map() {
			for _, media := range ref.Value.Content {
				if media.Schema != nil {
					walk(media.Schema.Value)
				}
			}
		}
	})
}
