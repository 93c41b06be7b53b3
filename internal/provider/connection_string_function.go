package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// provider::planetscale::connection_string(credential, format): a
// credential object (a resource, an ephemeral resource, or any object with
// the same attribute names) as one client's connection string.

var _ function.Function = (*connectionStringFunction)(nil)

type connectionStringFunction struct{}

// NewConnectionStringFunction is the connection_string function's
// constructor.
func NewConnectionStringFunction() function.Function {
	return &connectionStringFunction{}
}

// credentialShape is how the function reads one kind of credential: its
// attribute names and its formats. The secret's attribute name decides the
// kind, as it is the one attribute the two kinds do not share.
type credentialShape struct {
	kind    credentialKind
	formats []connectionFormat
}

// credentialShapes are every kind's.
func credentialShapes() []credentialShape {
	var shapes []credentialShape
	for _, t := range credentialTypes {
		shapes = append(shapes, credentialShape{t.names(), t.connectionFormats()})
	}
	return shapes
}

// fields are the attributes a format reads, in the order messages name them.
func (s credentialShape) fields(f connectionFormat) []string {
	if f.withoutSecret {
		return []string{"username", "access_host_url", s.kind.databaseAttr}
	}
	return []string{"username", s.kind.secret, "access_host_url", s.kind.databaseAttr}
}

func (s credentialShape) describe() string {
	return fmt.Sprintf("a %s (`%s`, resource or ephemeral resource) has `username`, `%s`, `access_host_url` and `%s`; formats: %s",
		s.kind.noun, s.kind.resource, s.kind.secret, s.kind.databaseAttr, formatNames(s.formats))
}

func (f *connectionStringFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "connection_string"
}

func (f *connectionStringFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	var formats strings.Builder
	for _, s := range credentialShapes() {
		fmt.Fprintf(&formats, "\n\nFor a %s:\n", s.kind.noun)
		for _, format := range s.formats {
			fmt.Fprintf(&formats, "\n* `%s`: %s.", format.name, format.client)
		}
	}
	resp.Definition = function.Definition{
		Summary: "A credential as the connection string one database client reads.",
		MarkdownDescription: "Builds the connection string a client library reads from a branch password or a Postgres role, " +
			"escaping the username, secret and database by that client's own rules and with TLS settings that verify the server. " +
			"The credential is told apart by its secret's attribute: `plain_text` for a branch password, `password` for a Postgres role. " +
			"A credential whose secret is null (after `terraform import`) is an error, not a string without a password. " +
			"The result is sensitive when the credential is, and ephemeral when the credential is ephemeral." + formats.String(),
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "credential",
				MarkdownDescription: "A `planetscale_branch_password` or `planetscale_postgres_role`, resource or ephemeral resource, passed whole, " +
					"the `current` or `previous` of a `planetscale_rotating_branch_password` or `planetscale_rotating_postgres_role`, " +
					"or any object with the same attribute names: `username`, the secret (`plain_text` or `password`), `access_host_url`, " +
					"and `database` (branch password) or `database_name` (Postgres role). " +
					"The data sources have no secret (the API returns it only at creation): merge one in, " +
					"`merge(data.planetscale_branch_password.x, { plain_text = var.secret })`, or `{ plain_text = null }` for `pdo`, which reads none.",
				// Unknown attributes the format does not read (expires_at
				// during an update, say) leave the result known.
				AllowUnknownValues: true,
			},
			function.StringParameter{
				Name:                "format",
				MarkdownDescription: "The client: " + formatNames(mysqlFormats) + " for a branch password; " + formatNames(postgresFormats) + " for a Postgres role.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *connectionStringFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var credential types.Dynamic
	var format string
	resp.Error = req.Arguments.Get(ctx, &credential, &format)
	if resp.Error != nil {
		return
	}
	value, known, err := connectionString(credential, format)
	switch {
	case err != nil:
		resp.Error = err
	case !known:
		resp.Error = resp.Result.Set(ctx, types.StringUnknown())
	default:
		resp.Error = resp.Result.Set(ctx, types.StringValue(value))
	}
}

// connectionString builds format's string from credential; known is false
// when a value it needs is not known yet (during plan).
func connectionString(credential types.Dynamic, format string) (value string, known bool, _ *function.FuncError) {
	if credential.IsUnknown() || credential.IsUnderlyingValueUnknown() {
		return "", false, nil
	}
	attrs, err := argumentAttributes(credential)
	if err != nil {
		return "", false, err
	}
	shape, err := credentialShapeOf(attrs)
	if err != nil {
		return "", false, err
	}
	chosen, ok := findFormat(shape.formats, format)
	if !ok {
		return "", false, function.NewArgumentFuncError(1, fmt.Sprintf("Unknown connection string format %q for a %s. Use one of %s",
			format, shape.kind.noun, formatNames(shape.formats)))
	}

	// A missing attribute is known at plan, when its values may not be.
	var missing []string
	for _, name := range shape.fields(chosen) {
		if _, present := attrs[name]; !present {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "", false, function.NewArgumentFuncError(0, fmt.Sprintf("The credential has no %s. For the %q format, %s",
			strings.Join(missing, ", "), format, shape.describe()))
	}

	values := map[string]string{}
	for _, name := range shape.fields(chosen) {
		v := attrs[name]
		// An object literal's null attribute has no type: test for
		// unknown and null before asking for a string.
		s, isString := v.(types.String)
		switch {
		case v.IsUnknown():
			return "", false, nil
		case v.IsNull() && name == shape.kind.secret:
			return "", false, function.NewArgumentFuncError(0, fmt.Sprintf("The %s's %s is null: PlanetScale returns a secret only when the credential is created, "+
				"so it is null after terraform import or a move from the official provider. Replace the credential (terraform apply -replace=...) "+
				"or use an ephemeral %s to get a secret, then build its connection string", shape.kind.noun, name, shape.kind.resource))
		case v.IsNull():
			return "", false, function.NewArgumentFuncError(0, fmt.Sprintf("The credential's %s is null; a %s connection string needs it", name, format))
		case !isString:
			return "", false, function.NewArgumentFuncError(0, fmt.Sprintf("The credential's %s is not a string", name))
		case s.ValueString() == "":
			return "", false, function.NewArgumentFuncError(0, fmt.Sprintf("The credential's %s is empty; a %s connection string needs it", name, format))
		}
		values[name] = s.ValueString()
	}

	login := dbLogin{
		Username: values["username"],
		Secret:   values[shape.kind.secret],
		Host:     values["access_host_url"],
		Database: values[shape.kind.databaseAttr],
	}
	if err := checkLogin(login); err != nil {
		return "", false, function.NewArgumentFuncError(0, fmt.Sprintf("Cannot build a %s connection string: %v", format, err))
	}
	built, buildErr := chosen.build(login)
	if buildErr != nil {
		return "", false, function.NewArgumentFuncError(0, fmt.Sprintf("Cannot build a %s connection string: %v", format, buildErr))
	}
	return built, true, nil
}

// argumentAttributes are an object's attributes or a map's elements.
func argumentAttributes(credential types.Dynamic) (map[string]attr.Value, *function.FuncError) {
	switch v := credential.UnderlyingValue().(type) {
	case types.Object:
		if !v.IsNull() {
			return v.Attributes(), nil
		}
	case types.Map:
		if !v.IsNull() {
			return v.Elements(), nil
		}
	}
	return nil, function.NewArgumentFuncError(0, "The credential must be an object: "+describeShapes())
}

// credentialShapeOf tells a branch password from a Postgres role by the
// attribute that holds its secret.
func credentialShapeOf(attrs map[string]attr.Value) (credentialShape, *function.FuncError) {
	var found []credentialShape
	for _, s := range credentialShapes() {
		if _, ok := attrs[s.kind.secret]; ok {
			found = append(found, s)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	problem := "The credential has neither plain_text (a branch password's secret) nor password (a Postgres role's)"
	if len(found) > 1 {
		problem = "The credential has both plain_text and password, so it is not clear whether it is a branch password or a Postgres role"
	}
	return credentialShape{}, function.NewArgumentFuncError(0, problem+": "+describeShapes())
}

func describeShapes() string {
	parts := make([]string, len(credentialShapes()))
	for i, s := range credentialShapes() {
		parts[i] = s.describe()
	}
	return strings.Join(parts, "; ")
}
