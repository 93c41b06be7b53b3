package provider

import (
	"context"

	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The Postgres role: its kind value, its model as the managed and the
// ephemeral resource hold it, the one mapping from the API's role to both,
// and what only a role does (a patch, a password reset, a successor that
// takes over its objects, becoming ready after its create). Its schemas
// are in postgres_role_schema.go.

// roleKind is what messages and schemas say of Postgres roles.
var roleKind = credentialKind{
	noun:         "Postgres role",
	short:        "role",
	engine:       "Postgres",
	resource:     "planetscale_postgres_role",
	secret:       "password",
	secretNoun:   "password",
	sql:          "Postgres",
	databaseAttr: "database_name",
}

var roles = &credentialType[planetscale.Role]{
	credentialKind: roleKind,
	get:            (*planetscale.Client).GetRole,
	list:           (*planetscale.Client).ListRoles,
	renew:          (*planetscale.Client).RenewRole,
	delete:         (*planetscale.Client).DeleteRole,
	rename: func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, id, name string) error {
		_, err := c.UpdateRole(ctx, b, id, planetscale.UpdateRoleRequest{Name: &name})
		return err
	},
	// The API creates a role before the database serves it.
	waitReady: func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, created *planetscale.Role, interval time.Duration) (*planetscale.Role, error) {
		if created.Ready {
			return created, nil
		}
		return c.WaitRoleReady(ctx, b, created.ID, interval)
	},
	readyTimeout: planetscale.RoleReadyTimeout,
	about:        roleSummary,
	// A disabled role (disabled_at) is not gone: it still exists and may be
	// enabled again, so it stays in state with its password.
	gone: func(ro *planetscale.Role) error {
		switch {
		case ro.DeletedAt != nil:
			return deletedError{"deleted", *ro.DeletedAt}
		case ro.DroppedAt != nil:
			return deletedError{"dropped", *ro.DroppedAt}
		}
		return nil
	},
	// The API renews any role created with a TTL, and only such a role
	// expires: whether state knows its TTL does not matter.
	renewable: func(*planetscale.Role) bool { return true },

	resourceSchema:  roleResourceSchema,
	ephemeralSchema: roleEphemeralSchema,
	newModel:        func() resourceModel[planetscale.Role] { return &postgresRoleModel{} },
	newCredential:   func() credentialModel[planetscale.Role] { return &roleCredential{} },
	modifyPlan:      planPasswordRotation,
	deleteAdvice:    roleDeleteAdvice,
	formats:         postgresFormats,
	movers:          []resource.StateMover{{StateMover: moveOfficialRole}},

	newRotating:      func() rotatingModel[planetscale.Role] { return &rotatingRoleModel{} },
	rotatingSettings: []string{"inherited_roles", "with_replication", "require_where_on_delete", "require_where_on_update"},
	rotatingOwn:      rotatingRoleAttributes,
}

// roleSummary is what every credential shows, from an API role.
func roleSummary(ro *planetscale.Role) credentialSummary {
	return credentialSummary{
		id: ro.ID, name: ro.Name, username: ro.Username, accessHostURL: ro.AccessHostURL, createdAt: ro.CreatedAt,
		expiresAt: ro.ExpiresAt, expired: ro.Expired, secret: ro.Password, ready: ro.Ready,
	}
}

// roleSettings are what a configuration sets on a Postgres role besides
// its name, TTL and successor, and what the data sources show of them.
type roleSettings struct {
	InheritedRoles       types.Set    `tfsdk:"inherited_roles"`
	WithReplication      types.Bool   `tfsdk:"with_replication"`
	RequireWhereOnDelete types.String `tfsdk:"require_where_on_delete"`
	RequireWhereOnUpdate types.String `tfsdk:"require_where_on_update"`
}

// roleArguments are what a configuration sets on a Postgres role.
type roleArguments struct {
	credentialArguments
	roleSettings
	Successor types.String `tfsdk:"successor"`
}

// roleResults are what the API answers about a Postgres role that both
// resources show.
type roleResults struct {
	credentialResults
	Password     types.String `tfsdk:"password"`
	DatabaseName types.String `tfsdk:"database_name"`
}

// roleCredential is a Postgres role as both resources hold it; it is the
// whole model of the ephemeral resource.
type roleCredential struct {
	roleArguments
	roleResults
}

// postgresRoleModel is the managed resource's model: the credential and
// what only state keeps.
type postgresRoleModel struct {
	roleCredential
	stateResults
	RotationTrigger types.String `tfsdk:"password_rotation_trigger"`
}

func (c *roleCredential) secret() *types.String { return &c.Password }

func (c *roleCredential) successor() string { return c.Successor.ValueString() }

func (c *roleCredential) databaseName() string { return c.DatabaseName.ValueString() }

// createRequest maps the planned credential to the API's create call.
func (c *roleCredential) createRequest(ctx context.Context) (createCall[planetscale.Role], diag.Diagnostics) {
	name := c.createName()
	body := planetscale.CreateRoleRequest{
		Name:            name,
		TTL:             c.TTL.ValueInt64Pointer(),
		WithReplication: c.WithReplication.ValueBoolPointer(),
	}
	if !c.RequireWhereOnDelete.IsUnknown() {
		body.RequireWhereOnDelete = c.RequireWhereOnDelete.ValueString()
	}
	if !c.RequireWhereOnUpdate.IsUnknown() {
		body.RequireWhereOnUpdate = c.RequireWhereOnUpdate.ValueString()
	}
	var diags diag.Diagnostics
	body.InheritedRoles, diags = sortedStrings(ctx, c.InheritedRoles)
	call := newCreateCall(&c.credentialArguments, name, body, (*planetscale.Client).CreateRoleNoOrphan)
	if successor := c.successor(); successor != "" {
		call = successorCheckedFirst(call, c.branch(), successor)
	}
	return call, diags
}

// successorCheckedFirst is a create that first looks for successor among
// the branch's roles, and creates nothing when it is not there: the API
// takes a successor only at the delete, and refuses one it cannot find
// then, so such a role could not be destroyed (and an ephemeral one would
// be left at the API on every run). The look is made when the create is
// sent, so a successor not known until apply (another role's username) is
// checked once it is.
func successorCheckedFirst(call createCall[planetscale.Role], b planetscale.Branch, successor string) createCall[planetscale.Role] {
	send := call.send
	call.send = func(ctx context.Context, c *planetscale.Client) (*planetscale.Role, error) {
		if err := findSuccessor(ctx, c, b, successor); err != nil {
			return nil, err
		}
		return send(ctx, c)
	}
	return call
}

// findSuccessor looks for successor on the branch, as the API does: a
// role's ID, or its username with or without the branch suffix
// (base_username). It lists the branch's roles until it finds it; the
// error is a *successorError.
func findSuccessor(ctx context.Context, c *planetscale.Client, b planetscale.Branch, successor string) error {
	var seen []planetscale.Role
	found := false
	err := roles.each(c, ctx, b, planetscale.ListOptions{}, func(ro *planetscale.Role) bool {
		// A deleted or dropped role is listed still, but there is no
		// PostgreSQL role left to take the objects over.
		found = roles.gone(ro) == nil && (ro.ID == successor || ro.Username == successor || ro.BaseUsername == successor)
		seen = append(seen, *ro)
		return !found
	})
	switch {
	case err != nil:
		return &successorError{successor: successor, branch: b, listErr: err}
	case !found:
		return &successorError{successor: successor, branch: b, roles: seen}
	}
	return nil
}

// successorError is a role's create refused before it was sent: its
// successor is not a role on the branch (roles are the branch's roles), or
// the branch's roles could not be listed to tell (listErr).
type successorError struct {
	successor string
	branch    planetscale.Branch
	roles     []planetscale.Role
	listErr   error
}

func (e *successorError) Error() string {
	if e.listErr != nil {
		return fmt.Sprintf("successor %q could not be looked for among the roles of %s: %v", e.successor, e.branch, e.listErr)
	}
	return fmt.Sprintf("successor %q is not a role on %s", e.successor, e.branch)
}

func (e *successorError) Unwrap() error { return e.listErr }

// maxRolesNamed bounds the roles a message lists.
const maxRolesNamed = 10

// explain says why nothing was created and what successor may be.
func (e *successorError) explain(object string, d *providerData) string {
	if e.listErr != nil {
		return fmt.Sprintf("%s: successor %q could not be looked for among the branch's roles, so nothing was created: "+
			"PlanetScale checks a successor only when the role is deleted, and a role whose successor is not on the branch cannot be deleted.\n\n",
			object, e.successor) + d.listError(roleKind, e.branch, e.listErr)
	}
	var named []string
	hint, live := "", 0
	for i := range e.roles {
		ro := &e.roles[i]
		if roles.gone(ro) != nil {
			continue
		}
		live++
		if ro.Name == e.successor {
			hint = fmt.Sprintf(" %q is the name of the role %s: successor takes its username (successor = %q) or its ID, not its name.", ro.Name, ro.Username, ro.Username)
		}
		if len(named) < maxRolesNamed {
			named = append(named, fmt.Sprintf("%s (name %q, ID %s)", ro.Username, ro.Name, ro.ID))
		}
	}
	detail := fmt.Sprintf("%s: successor %q is not a role on this branch, so nothing was created. "+
		"PlanetScale takes the successor only when the role is deleted, and refuses one it cannot find then: the role could not be destroyed.\n\n"+
		"successor takes the ID or the username (with or without the branch suffix) of another role on %s.%s ",
		object, e.successor, e.branch, hint)
	switch {
	case len(named) == 0:
		detail += "The branch has no role yet: create the role that should take over the objects first " +
			"(successor = planetscale_postgres_role.<name>.username), or leave successor out."
	default:
		detail += "Roles on the branch: " + strings.Join(named, "; ")
		if more := live - len(named); more > 0 {
			detail += fmt.Sprintf("; and %d more (the planetscale_postgres_roles data source lists them all)", more)
		}
		detail += ". Set successor to one of them, to another planetscale_postgres_role's username, or leave it out; then apply again."
	}
	return detail
}

// apply copies an API role into the credential. The password is taken
// only when the API sent it (create, reset); otherwise the state's is
// kept. The TTL is never taken from the API: its ttl is the time left, not
// the TTL asked for, and expires_at - created_at stops being the TTL at the
// first renewal. A role whose TTL state does not know (imported, say) keeps
// a null ttl until the configuration's is adopted (see roleTTLModifier).
func (c *roleCredential) apply(ctx context.Context, ro *planetscale.Role) diag.Diagnostics {
	take(c, roleSummary(ro), func(secret string) string {
		return postgresURL(ro.Username, secret, ro.AccessHostURL, ro.DatabaseName)
	})
	c.WithReplication = types.BoolValue(ro.WithReplication)
	c.RequireWhereOnDelete = types.StringValue(ro.QuerySafetySettings.RequireWhereOnDelete)
	c.RequireWhereOnUpdate = types.StringValue(ro.QuerySafetySettings.RequireWhereOnUpdate)
	c.DatabaseName = types.StringValue(ro.DatabaseName)
	var diags diag.Diagnostics
	c.InheritedRoles, diags = stringSet(ctx, ro.InheritedRoles)
	return diags
}

// recordOwn: state keeps nothing of a role's answer beyond what every
// kind's does.
func (*postgresRoleModel) recordOwn(*planetscale.Role) {}

// roleUpdateRequest holds only what changed between state and plan; ok is
// false when nothing the API stores changed (a new successor, say).
func roleUpdateRequest(plan, state *postgresRoleModel) (req planetscale.UpdateRoleRequest, ok bool) {
	return roleChanges(plan.Name, state.Name, plan.roleSettings, state.roleSettings)
}

// roleChanges is the patch of a role's name and query safety settings
// from state to plan; ok is false when none changed.
func roleChanges(planName, stateName types.String, plan, state roleSettings) (req planetscale.UpdateRoleRequest, ok bool) {
	changed := func(p, s types.String) *string {
		if p.IsUnknown() || p.Equal(s) {
			return nil
		}
		ok = true
		return p.ValueStringPointer()
	}
	req.Name = changed(planName, stateName)
	req.RequireWhereOnDelete = changed(plan.RequireWhereOnDelete, state.RequireWhereOnDelete)
	req.RequireWhereOnUpdate = changed(plan.RequireWhereOnUpdate, state.RequireWhereOnUpdate)
	return req, ok
}

// update patches what changed, resets the password when
// password_rotation_trigger asks for it, and renews (planExpiry left
// expires_at unknown). Only successor, renew_before or timeouts changed:
// state only.
func (m *postgresRoleModel) update(prior resourceModel[planetscale.Role]) updateCall[planetscale.Role] {
	state, _ := prior.(*postgresRoleModel)
	body, patch := roleUpdateRequest(m, state)
	reset := rotates(m.RotationTrigger, state.RotationTrigger)
	renew := m.ExpiresAt.IsUnknown()
	if !patch && !reset && !renew {
		return nil
	}
	b, id := state.branch(), state.ID.ValueString()
	return func(ctx context.Context, c *planetscale.Client, keep func(context.Context, *planetscale.Role) context.Context) (*planetscale.Role, error) {
		var updated *planetscale.Role
		var err error
		if patch {
			updated, err = c.UpdateRole(ctx, b, id, body)
		}
		if err == nil && reset {
			// The reset answer carries the new password. The old one no
			// longer works: record the new one now, so that a failure
			// below leaves state true to the API.
			updated, err = c.ResetRole(ctx, b, id)
			if err == nil {
				ctx = keep(ctx, updated)
			}
		}
		if err == nil && renew {
			var renewed *planetscale.Role
			renewed, err = c.RenewRole(ctx, b, id)
			if err == nil {
				if updated != nil {
					renewed.Password = updated.Password // a reset's new password, if any
				}
				updated = renewed
			}
		}
		return updated, err
	}
}

// roleDeleteAdvice explains the deletes the API refuses with 422: of a
// role that still owns database objects and has no successor, and of one
// whose successor is not on the branch (any more: the create checked it).
func roleDeleteAdvice(object, successor string, err error) (cause, fix string, ok bool) {
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity {
		return "", "", false
	}
	status := apiStatus(object, apiErr)
	switch {
	case successor == "":
		return status + "\n\nThe role still owns database objects, and no successor is set to take them over.",
			"Set successor to the ID or username of the role that should take them over " +
				"(or reassign the objects first: REASSIGN OWNED BY, or the planetscale_postgres_role_reassign action on Terraform 1.14 and later)", true
	case strings.Contains(strings.ToLower(apiErr.Message), "successor"):
		return status + fmt.Sprintf("\n\nPlanetScale did not find successor %q on the branch: the role it names was deleted, or successor was changed after the create.", successor),
			"Set successor to the ID or username of another role on the branch (the planetscale_postgres_roles data source lists them)", true
	}
	return "", "", false
}

// planPasswordRotation plans a new password when password_rotation_trigger
// changes or is not known until apply.
func planPasswordRotation(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("password_rotation_trigger"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("password_rotation_trigger"), &prior)...)
	// A trigger unknown until apply may turn out to be a new value: the
	// password and what is built from it may change too.
	if planned.IsUnknown() || rotates(planned, prior) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("password"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("connection_string"), types.StringUnknown())...)
	}
}

// rotates reports a trigger change that asks for a new password: a new,
// known, non-null value. Removing the trigger rotates nothing.
func rotates(planned, prior types.String) bool {
	return !planned.IsNull() && !planned.IsUnknown() && !planned.Equal(prior)
}

// roleMetadata is what the API tells about a role after its create: the
// data sources' view, with no password (the API gives it in the answers to
// its create and reset, never in a read).
type roleMetadata struct {
	credentialMetadataFields
	roleSettings
	DatabaseName types.String `tfsdk:"database_name"`
	DisabledAt   types.String `tfsdk:"disabled_at"`
}

// newRoleMetadata maps through the one mapping from the API
// (recordAnswer) and adds what only the data sources show.
func newRoleMetadata(ctx context.Context, ro *planetscale.Role) (roleMetadata, diag.Diagnostics) {
	m := &postgresRoleModel{}
	diags := recordAnswer(ctx, m, ro, roleSummary)
	return roleMetadata{newMetadataFields(m), m.roleSettings, m.DatabaseName, stringPtrValue(ro.DisabledAt)}, diags
}

// roleDataSources are how the kind's data sources show it.
var roleDataSources = credentialMetadata[planetscale.Role, roleMetadata]{
	kind:          roles,
	attributes:    roleMetadataAttributes,
	metadata:      newRoleMetadata,
	listAttribute: "roles",
}

// rotatingRoleModel is the rotating resource's model of Postgres roles.
type rotatingRoleModel struct {
	rotationArguments
	roleSettings
	Successor types.String `tfsdk:"successor"`
	rotationResults
}

func (m *rotatingRoleModel) credential() credentialModel[planetscale.Role] {
	return &roleCredential{roleArguments: roleArguments{roleSettings: m.roleSettings, Successor: m.Successor}}
}

func (m *rotatingRoleModel) adopt(c credentialModel[planetscale.Role]) {
	if ro, ok := c.(*roleCredential); ok {
		m.roleSettings = ro.roleSettings
	}
}

// rotatesFrom: a role's inherited roles and replication are set at its
// create; its query safety settings are patched in place (see patch).
func (m *rotatingRoleModel) rotatesFrom(prior rotatingModel[planetscale.Role]) (rotates, unknown bool) {
	p, _ := prior.(*rotatingRoleModel)
	rotates, unknown = settingsChange([]attr.Value{m.InheritedRoles, m.WithReplication}, []attr.Value{p.InheritedRoles, p.WithReplication})
	return rotates, unknown || m.RequireWhereOnDelete.IsUnknown() || m.RequireWhereOnUpdate.IsUnknown()
}

func (m *rotatingRoleModel) patch(prior rotatingModel[planetscale.Role]) func(context.Context, *planetscale.Client, planetscale.Branch, string) error {
	p, _ := prior.(*rotatingRoleModel)
	body, ok := roleChanges(types.StringNull(), types.StringNull(), m.roleSettings, p.roleSettings)
	if !ok {
		return nil
	}
	return func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) error {
		_, err := c.UpdateRole(ctx, b, id, body)
		return err
	}
}

func (m *rotatingRoleModel) retireAfterIdle() types.String { return types.StringNull() }

func (m *rotatingRoleModel) successor() string { return m.Successor.ValueString() }
