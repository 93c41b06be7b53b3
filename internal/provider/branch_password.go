package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The branch password (Vitess, MySQL): its kind value, its model as the
// managed and the ephemeral resource hold it, the one mapping from the
// API's password to both, and what only a password does (a rename). Its
// schemas are in branch_password_schema.go.

// passwordKind is what messages and schemas say of branch passwords.
var passwordKind = credentialKind{
	noun:         "branch password",
	short:        "password",
	engine:       "Vitess (MySQL)",
	resource:     "planetscale_branch_password",
	secret:       "plain_text",
	secretNoun:   "secret",
	sql:          "MySQL",
	databaseAttr: "database",
}

var passwords = &credentialType[planetscale.Password]{
	credentialKind: passwordKind,
	get:            (*planetscale.Client).GetPassword,
	list:           (*planetscale.Client).ListPasswords,
	renew:          (*planetscale.Client).RenewPassword,
	rename: func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, id, name string) error {
		_, err := c.UpdatePassword(ctx, b, id, planetscale.UpdatePasswordRequest{Name: &name})
		return err
	},
	// A password has no successor: nothing it owns outlives it.
	delete: func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, id, _ string) error {
		return c.DeletePassword(ctx, b, id)
	},
	about: passwordSummary,
	gone: func(p *planetscale.Password) error {
		if p.DeletedAt != nil {
			return deletedError{"deleted", *p.DeletedAt}
		}
		return nil
	},
	renewable:          func(p *planetscale.Password) bool { return p.Renewable },
	renewableAttribute: "renewable",

	resourceSchema:  passwordResourceSchema,
	ephemeralSchema: passwordEphemeralSchema,
	newModel:        func() resourceModel[planetscale.Password] { return &branchPasswordModel{} },
	newCredential:   func() credentialModel[planetscale.Password] { return &passwordCredential{} },
	formats:         mysqlFormats,
	movers:          []resource.StateMover{{StateMover: moveOfficialPassword}},

	newRotating:      func() rotatingModel[planetscale.Password] { return &rotatingPasswordModel{} },
	rotatingSettings: []string{"role", "cidrs", "replica", "direct_vtgate"},
	rotatingOwn:      rotatingPasswordAttributes,
	tracksUse:        true,
}

// passwordSummary is what every credential shows, from an API password.
func passwordSummary(p *planetscale.Password) credentialSummary {
	return credentialSummary{
		id: p.ID, name: p.Name, username: p.Username, accessHostURL: p.AccessHostURL, createdAt: p.CreatedAt,
		expiresAt: p.ExpiresAt, expired: p.Expired, secret: p.PlainText, ready: true, lastUsedAt: p.LastUsedAt,
	}
}

// passwordSettings are what a configuration sets on a branch password
// besides its name and TTL, and what the data sources show of them.
type passwordSettings struct {
	Role         types.String `tfsdk:"role"`
	CIDRs        types.Set    `tfsdk:"cidrs"`
	Replica      types.Bool   `tfsdk:"replica"`
	DirectVtgate types.Bool   `tfsdk:"direct_vtgate"`
}

// passwordArguments are what a configuration sets on a branch password.
type passwordArguments struct {
	credentialArguments
	passwordSettings
}

// passwordResults are what the API answers about a branch password that
// both resources show.
type passwordResults struct {
	credentialResults
	PlainText types.String `tfsdk:"plain_text"`
}

// passwordCredential is a branch password as both resources hold it; it is
// the whole model of the ephemeral resource.
type passwordCredential struct {
	passwordArguments
	passwordResults
}

// branchPasswordModel is the managed resource's model: the credential and
// what only state keeps.
type branchPasswordModel struct {
	passwordCredential
	stateResults
	AccessHostRegionalURL types.String `tfsdk:"access_host_regional_url"`
	Renewable             types.Bool   `tfsdk:"renewable"`
	LastUsedAt            types.String `tfsdk:"last_used_at"`
}

func (c *passwordCredential) secret() *types.String { return &c.PlainText }

func (c *passwordCredential) successor() string { return "" }

func (c *passwordCredential) databaseName() string { return c.Database.ValueString() }

// createRequest maps the planned credential to the API's create call.
func (c *passwordCredential) createRequest(ctx context.Context) (createCall[planetscale.Password], diag.Diagnostics) {
	name := c.createName()
	body := planetscale.CreatePasswordRequest{
		Name:         name,
		Role:         c.Role.ValueString(),
		TTL:          c.TTL.ValueInt64Pointer(),
		Replica:      c.Replica.ValueBoolPointer(),
		DirectVtgate: c.DirectVtgate.ValueBoolPointer(),
	}
	var diags diag.Diagnostics
	body.CIDRs, diags = sortedStrings(ctx, c.CIDRs)
	return newCreateCall(&c.credentialArguments, name, body, (*planetscale.Client).CreatePasswordNoOrphan), diags
}

// apply copies an API password into the credential. The plaintext is
// taken only when the API sent it (create); otherwise the state's is kept.
func (c *passwordCredential) apply(ctx context.Context, p *planetscale.Password) diag.Diagnostics {
	take(c, passwordSummary(p), func(secret string) string {
		return mysqlURL(p.Username, secret, p.AccessHostURL, c.Database.ValueString())
	})
	c.Role = types.StringValue(p.Role)
	c.TTL = types.Int64PointerValue(p.TTLSeconds)
	c.Replica = types.BoolValue(p.Replica)
	c.DirectVtgate = types.BoolValue(p.DirectVtgate)
	var diags diag.Diagnostics
	c.CIDRs, diags = stringSet(ctx, p.CIDRs)
	return diags
}

func (m *branchPasswordModel) recordOwn(p *planetscale.Password) {
	m.AccessHostRegionalURL = stringOrNull(p.AccessHostRegionalURL)
	m.Renewable = types.BoolValue(p.Renewable)
	m.LastUsedAt = stringPtrValue(p.LastUsedAt)
}

// update: everything but the name forces replacement, so an update renames
// the password, renews it (planExpiry left expires_at unknown), or only
// records a new renew_before or timeouts.
func (m *branchPasswordModel) update(prior resourceModel[planetscale.Password]) updateCall[planetscale.Password] {
	rename, renew := !m.Name.Equal(prior.args().Name), m.ExpiresAt.IsUnknown()
	if !rename && !renew {
		return nil
	}
	b, id, name := prior.branch(), prior.results().ID.ValueString(), m.Name.ValueStringPointer()
	return func(ctx context.Context, c *planetscale.Client, _ func(context.Context, *planetscale.Password) context.Context) (*planetscale.Password, error) {
		var updated *planetscale.Password
		var err error
		if rename {
			updated, err = c.UpdatePassword(ctx, b, id, planetscale.UpdatePasswordRequest{Name: name})
		}
		if err == nil && renew {
			updated, err = c.RenewPassword(ctx, b, id)
		}
		return updated, err
	}
}

// passwordMetadata is what the API tells about a password after its
// create: the data sources' view, with no secret (the API gives it only in
// the answer to its create).
type passwordMetadata struct {
	credentialMetadataFields
	passwordSettings
	AccessHostRegionalURL types.String `tfsdk:"access_host_regional_url"`
	LastUsedAt            types.String `tfsdk:"last_used_at"`
	Renewable             types.Bool   `tfsdk:"renewable"`
}

// newPasswordMetadata maps through the one mapping from the API
// (recordAnswer) and adds what only the data sources show.
func newPasswordMetadata(ctx context.Context, p *planetscale.Password) (passwordMetadata, diag.Diagnostics) {
	m := &branchPasswordModel{}
	diags := recordAnswer(ctx, m, p, passwordSummary)
	return passwordMetadata{newMetadataFields(m), m.passwordSettings, m.AccessHostRegionalURL, m.LastUsedAt, m.Renewable}, diags
}

// passwordDataSources are how the kind's data sources show it.
var passwordDataSources = credentialMetadata[planetscale.Password, passwordMetadata]{
	kind:          passwords,
	attributes:    passwordMetadataAttributes,
	metadata:      newPasswordMetadata,
	listAttribute: "passwords",
}

// rotatingPasswordModel is the rotating resource's model of passwords.
type rotatingPasswordModel struct {
	rotationArguments
	passwordSettings
	RetireAfterIdle types.String `tfsdk:"retire_after_idle"`
	rotationResults
}

func (m *rotatingPasswordModel) credential() credentialModel[planetscale.Password] {
	return &passwordCredential{passwordArguments: passwordArguments{passwordSettings: m.passwordSettings}}
}

func (m *rotatingPasswordModel) adopt(c credentialModel[planetscale.Password]) {
	if p, ok := c.(*passwordCredential); ok {
		m.passwordSettings = p.passwordSettings
	}
}

// rotatesFrom: the API changes none of a password's settings in place.
func (m *rotatingPasswordModel) rotatesFrom(prior rotatingModel[planetscale.Password]) (rotates, unknown bool) {
	p, _ := prior.(*rotatingPasswordModel)
	return settingsChange(
		[]attr.Value{m.Role, m.CIDRs, m.Replica, m.DirectVtgate},
		[]attr.Value{p.Role, p.CIDRs, p.Replica, p.DirectVtgate})
}

func (m *rotatingPasswordModel) patch(rotatingModel[planetscale.Password]) func(context.Context, *planetscale.Client, planetscale.Branch, string) error {
	return nil
}

func (m *rotatingPasswordModel) retireAfterIdle() types.String { return m.RetireAfterIdle }

func (m *rotatingPasswordModel) successor() string { return "" }
