package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The branch password's schemas, side by side: the managed resource, the
// ephemeral resource and the data sources' view of one password.

var passwordRoles = []string{"reader", "writer", "admin", "readwriter"}

func passwordResourceSchema() schema.Schema {
	common := credentialAttributes(passwordKind,
		"The password itself. PlanetScale returns it only when the password is created, so it is null after `terraform import`. Read it with `terraform output -raw`.",
		"A MySQL URL, `mysql://<username>:<plain_text>@<access_host_url>/<database>?sslaccept=strict`, "+
			"for a MySQL client or a `DATABASE_URL`. Null when `plain_text` is (after import).")
	own := map[string]schema.Attribute{
		"role": schema.StringAttribute{
			MarkdownDescription: "Database role of the password: `reader`, `writer`, `readwriter` or `admin`. When omitted, the API's default (`admin`) is recorded. Changing it replaces the password.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(passwordRoles...)},
			PlanModifiers: []planmodifier.String{
				stringplanmodifier.UseStateForUnknown(),
				stringplanmodifier.RequiresReplace(),
			},
		},
		"ttl": schema.Int64Attribute{
			MarkdownDescription: ttlUnits + ", from 1 to 9223372036 (about 292 years); the password stops working that long after it is created (or last renewed). Omit for a password that never expires. " +
				"Changing it replaces the password. An expired password is replaced on the next apply.",
			Optional:      true,
			Validators:    []validator.Int64{ttlOrNever("password")},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"cidrs": schema.SetAttribute{
			MarkdownDescription: "IP addresses or CIDR ranges (IPv4 or IPv6) allowed to use the password, written as the API stores them: a range's address with its host bits cleared (`10.0.0.0/8`, not `10.0.0.5/8`), IPv6 in lower case and shortest form. Omit to allow any address. Changing it replaces the password; order does not matter.",
			ElementType:         types.StringType,
			Optional:            true,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(cidr{}),
			},
			PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
		},
		"replica": schema.BoolAttribute{
			MarkdownDescription: "Whether the password connects to a read replica. Defaults to `false`. Changing it replaces the password.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"direct_vtgate": schema.BoolAttribute{
			MarkdownDescription: "Whether the password connects directly to a VTGate, bypassing load balancers. Defaults to `false`. Changing it replaces the password.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"access_host_regional_url": computedString("Regional host to connect to.", false),
		"renewable":                computedBool("Whether the password can be renewed (it has a `ttl` and has not expired)."),
		"last_used_at": schema.StringAttribute{
			MarkdownDescription: "When a query last ran with the password (RFC 3339), as PlanetScale records it, as of the last refresh; null when never.",
			Computed:            true,
		},
	}
	return schema.Schema{
		MarkdownDescription: "A password for a PlanetScale Vitess (MySQL) database branch. " +
			"The secret (`plain_text`) is returned by the API only when the password is created and is stored in state as a sensitive value.",
		Attributes: withAttributes(common, own),
	}
}

func passwordEphemeralSchema() eschema.Schema {
	common := ephemeralCredentialAttributes(passwordKind, "The password itself.",
		"A MySQL URL, `mysql://<username>:<plain_text>@<access_host_url>/<database>?sslaccept=strict`.")
	own := map[string]eschema.Attribute{
		"role": eschema.StringAttribute{
			MarkdownDescription: "Database role: `reader`, `writer`, `readwriter` or `admin`. Defaults to the API's default (`admin`).",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(passwordRoles...)},
		},
		"cidrs": eschema.SetAttribute{
			MarkdownDescription: "IP addresses or CIDR ranges allowed to use the password. Omit to allow any address.",
			ElementType:         types.StringType,
			Optional:            true,
			Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(cidr{})},
		},
		"replica":       eschema.BoolAttribute{MarkdownDescription: "Whether the password connects to a read replica.", Optional: true, Computed: true},
		"direct_vtgate": eschema.BoolAttribute{MarkdownDescription: "Whether the password connects directly to a VTGate.", Optional: true, Computed: true},
	}
	return eschema.Schema{
		MarkdownDescription: "A short-lived password for a PlanetScale Vitess (MySQL) database branch that never reaches state or plan files. " +
			"Terraform creates it when a run needs it, renews it while the run lasts, and deletes it when the run ends. " +
			"Terraform opens ephemeral resources during plan and again during apply, so one `terraform apply` creates two passwords, each deleted after use.",
		Attributes: withAttributes(common, own),
	}
}

func passwordMetadataAttributes() map[string]dschema.Attribute {
	common := metadataAttributes(passwordKind, "MySQL username of the password.",
		dschema.Int64Attribute{Computed: true, MarkdownDescription: "Time to live in seconds it was created with; null when it never expires."})
	own := map[string]dschema.Attribute{
		"role":                     dschema.StringAttribute{Computed: true, MarkdownDescription: "Database role: `reader`, `writer`, `readwriter` or `admin`."},
		"cidrs":                    dschema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Addresses and ranges allowed to use the password; null when any address may."},
		"replica":                  dschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it connects to a read replica."},
		"direct_vtgate":            dschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it connects directly to a VTGate."},
		"access_host_regional_url": dschema.StringAttribute{Computed: true, MarkdownDescription: "Regional host to connect to; null when the API gives none."},
		"last_used_at":             dschema.StringAttribute{Computed: true, MarkdownDescription: "When a query last ran with it (RFC 3339), as PlanetScale records it; null when never."},
		"renewable":                dschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it can be renewed."},
	}
	return withAttributes(common, own)
}

// rotatingPasswordAttributes are what only the rotating password resource
// has: a previous password still in use is kept past its overlap.
func rotatingPasswordAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"retire_after_idle": schema.StringAttribute{
			MarkdownDescription: "Past `overlap`, retire the previous password only once the API's `last_used_at` shows it unused for this long, as a duration such as `\"6h\"`. " +
				"Until then each plan keeps it and says, in a warning, when it was last used. Omit to retire it as soon as `overlap` has passed. " +
				"PlanetScale records a use (`last_used_at`) when a query runs with the password, so set it longer than the gap between two queries of your quietest application.",
			Optional:   true,
			Validators: []validator.String{durationString{}},
		},
	}
}
