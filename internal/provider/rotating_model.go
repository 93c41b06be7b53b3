package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The rotating resources' model, written once: what every rotating
// resource holds (the rotation, and the credentials as slots), and what it
// asks of a kind's model. Each kind's model, in its own file, adds its
// settings.

// rotationArguments are what a configuration sets on any rotating
// resource, besides the kind's settings.
type rotationArguments struct {
	credentialLocation
	TTL             types.Int64  `tfsdk:"ttl"`
	RotateEvery     types.String `tfsdk:"rotate_every"`
	RotationTrigger types.String `tfsdk:"rotation_trigger"`
	Overlap         types.String `tfsdk:"overlap"`
	NamePrefix      types.String `tfsdk:"name_prefix"`
}

// rotationResults are what any rotating resource records.
type rotationResults struct {
	ID          types.String `tfsdk:"id"`
	Current     types.Object `tfsdk:"current"`
	Previous    types.Object `tfsdk:"previous"`
	RetiringIDs types.Set    `tfsdk:"retiring_ids"`
	RotatedAt   types.String `tfsdk:"rotated_at"`
	Generation  types.Int64  `tfsdk:"generation"`
}

func (a *rotationArguments) rotation() *rotationArguments { return a }

func (r *rotationResults) rotated() *rotationResults { return r }

// rotatingModel is a kind's rotating resource model: the rotation and the
// kind's settings, which every credential it makes is created with.
type rotatingModel[T any] interface {
	rotation() *rotationArguments
	rotated() *rotationResults
	// credential is an empty credential of the kind with the model's
	// settings, as a create starts from.
	credential() credentialModel[T]
	// adopt takes the settings of the current credential as the API
	// reports them (drift), from c after its apply.
	adopt(c credentialModel[T])
	// rotatesFrom reports a change of the kind's settings from prior that
	// only a new credential can carry; unknown when a setting is not known
	// until apply.
	rotatesFrom(prior rotatingModel[T]) (rotates, unknown bool)
	// patch changes in place, on one credential, the settings the API can
	// change in place; nil when none changed from prior.
	patch(prior rotatingModel[T]) func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) error
	// retireAfterIdle is the kind's retire_after_idle, null for a kind
	// whose API does not tell when a credential was last used.
	retireAfterIdle() types.String
	// successor takes over what the last credential owns at destroy.
	successor() string
}

// credentialSlot is one credential a rotating resource holds, as its
// current and previous attributes show it.
type credentialSlot struct {
	ID, Name, Username, Secret, ConnectionString, AccessHostURL, Database, CreatedAt, ExpiresAt, LastUsedAt types.String
}

// slotTypes are the attributes of a slot of the kind: its secret has the
// kind's name, and last_used_at is there when the API tells it.
func (k *credentialType[T]) slotTypes() map[string]attr.Type {
	attrTypes := map[string]attr.Type{}
	for _, name := range k.slotAttributes() {
		attrTypes[name] = types.StringType
	}
	return attrTypes
}

func (k *credentialType[T]) slotAttributes() []string {
	// With username, the secret, access_host_url and the database, a slot is
	// a credential the connection_string function takes.
	names := []string{"id", "name", "username", k.secret, "connection_string", "access_host_url", k.databaseAttr, "created_at", "expires_at"}
	if k.tracksUse {
		names = append(names, "last_used_at")
	}
	return names
}

func (s *credentialSlot) fields(kind credentialKind) map[string]*types.String {
	return map[string]*types.String{
		"id": &s.ID, "name": &s.Name, "username": &s.Username, kind.secret: &s.Secret, "connection_string": &s.ConnectionString,
		"access_host_url": &s.AccessHostURL, kind.databaseAttr: &s.Database,
		"created_at": &s.CreatedAt, "expires_at": &s.ExpiresAt, "last_used_at": &s.LastUsedAt,
	}
}

// slotValue is the object a slot is in state; nil is null.
func (k *credentialType[T]) slotValue(s *credentialSlot) types.Object {
	if s == nil {
		return types.ObjectNull(k.slotTypes())
	}
	fields, values := s.fields(k.credentialKind), map[string]attr.Value{}
	for _, name := range k.slotAttributes() {
		values[name] = *fields[name]
	}
	return types.ObjectValueMust(k.slotTypes(), values)
}

// unknownSlot is a slot planned to be known after apply: an object whose
// attributes are unknown, so that Terraform keeps the secret's sensitive
// mark through the plan.
func (k *credentialType[T]) unknownSlot() types.Object {
	values := map[string]attr.Value{}
	for _, name := range k.slotAttributes() {
		values[name] = types.StringUnknown()
	}
	return types.ObjectValueMust(k.slotTypes(), values)
}

// slotOf reads a slot from state; nil when it is null or unknown.
func (k *credentialType[T]) slotOf(o types.Object) *credentialSlot {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	s := &credentialSlot{LastUsedAt: types.StringNull()}
	fields := s.fields(k.credentialKind)
	for name, v := range o.Attributes() {
		if f, ok := fields[name]; ok {
			if str, ok := v.(types.String); ok {
				*f = str
			}
		}
	}
	return s
}

// slotFrom maps an API answer into a slot through the kind's own mapping:
// c is an empty credential of the kind on the resource's branch, holding
// the secret state knows (the API sends it only in a create's answer).
func (k *credentialType[T]) slotFrom(ctx context.Context, c credentialModel[T], item *T) (*credentialSlot, diag.Diagnostics) {
	diags := c.apply(ctx, item)
	about := k.about(item)
	return &credentialSlot{
		ID: c.results().ID, Name: c.args().Name, Username: c.results().Username, Secret: *c.secret(),
		ConnectionString: c.results().ConnectionString, AccessHostURL: c.results().AccessHostURL, Database: types.StringValue(c.databaseName()),
		CreatedAt: types.StringValue(about.createdAt),
		ExpiresAt: c.results().ExpiresAt, LastUsedAt: stringPtrValue(about.lastUsedAt),
	}, diags
}

// credentialFor is an empty credential of the kind on m's branch, with
// m's settings and the secret state knows.
func credentialFor[T any](m rotatingModel[T], secret types.String) credentialModel[T] {
	c := m.credential()
	c.args().credentialLocation = m.rotation().credentialLocation
	c.args().TTL = m.rotation().TTL
	*c.secret() = secret
	return c
}

// slotSecrets are the secrets state holds, for masking in logs.
func slotSecrets(slots ...*credentialSlot) []string {
	var secrets []string
	for _, s := range slots {
		if s != nil {
			secrets = append(secrets, s.Secret.ValueString())
		}
	}
	return secrets
}

// setStrings are a set's strings; none when it is null or unknown.
func setStrings(s types.Set) []string {
	var out []string
	for _, v := range s.Elements() {
		if str, ok := v.(types.String); ok {
			out = append(out, str.ValueString())
		}
	}
	slices.Sort(out)
	return out
}

// stringSetOf is a set of strings, null when there are none.
func stringSetOf(values []string) types.Set {
	if len(values) == 0 {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}
