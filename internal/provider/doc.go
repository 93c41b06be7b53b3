// Package provider implements the planetscale Terraform provider on the
// terraform-plugin-framework.
//
// Where things are:
//
//   - provider.go: the provider's schema and Configure; provider_data.go:
//     what Configure hands the rest (client, log masking, per-walk caches).
//   - credential_kinds.go: the one value per kind of credential (branch
//     password, Postgres role), a credentialType: its names, its API
//     calls, its one rule for "gone" and for "renewable", and its list
//     cache. credentialTypes lists the kinds.
//   - For each kind K (branch_password, postgres_role): K_model.go holds the
//     model shared by the managed and ephemeral resource (arguments,
//     results) and its mapping from the API; K_resource.go the managed
//     resource's schema and CRUD; K_ephemeral.go the ephemeral resource;
//     K_data_sources.go what its data sources show, a mapping of its own
//     (metadata, no secret). Tests sit beside them.
//   - data_sources.go and list_resources.go: the data sources and the list
//     resources of terraform query, written once for both kinds;
//     actions.go: the renew and reassign actions.
//   - schema.go: schema pieces both managed resources use; validators.go:
//     attribute and configuration validators; conversions.go: API values to
//     Terraform values; model_codec.go: plans and states to models and
//     back without the framework's per-call reflection; import.go:
//     resource identity and import;
//     diagnostics.go: error messages; renewal.go: renew_before and expiry
//     in plans; refresh.go: refreshing from branch lists; names.go:
//     generated and duplicate names; official_move.go: moved blocks from
//     the official provider; ephemeral.go: what both ephemeral resources
//     share.
package provider
