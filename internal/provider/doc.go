// Package provider implements the planetscale Terraform provider on the
// terraform-plugin-framework.
//
// Where things are:
//
//   - provider.go: the provider's schema and Configure; provider_data.go:
//     what Configure hands the rest (client, log masking, per-walk caches).
//   - credential_kinds.go: what a kind of credential is, a credentialType:
//     its names, its API calls, its one rule for "gone" and for
//     "renewable", its list cache, its ready-wait, its schemas and models,
//     and the few hooks for what only some kinds do. credentialTypes lists
//     the kinds, each with the constructors of what the provider serves of
//     it (its kindServes, in its file), and provider.go serves them all;
//     credential_model.go has the model parts every kind shares
//     and what the code written once asks of a kind's model.
//   - For each kind K (branch_password, postgres_role): K.go holds its
//     credentialType value, its model shared by the managed and ephemeral
//     resource (arguments, results), the one mapping from the API (the
//     data sources map through it too), and what only that kind does (a
//     password's rename; a role's patch, reset, successor and renewal);
//     K_schema.go its schemas side by side: managed resource, ephemeral
//     resource, data sources.
//   - Each framework concept written once against the kind value:
//     resource.go the managed resource (CRUD, import, identity, plan,
//     moves), ephemeral.go the ephemeral resource (Open, Renew, Close),
//     data_sources.go the data sources, list_resources.go the list
//     resources of terraform query, actions.go the renew and reassign
//     actions.
//   - schema.go: schema pieces the managed resources use; validators.go:
//     attribute and configuration validators; conversions.go: API values to
//     Terraform values; model_codec.go: plans and states to models and
//     back without the framework's per-call reflection; import.go:
//     resource identity and import;
//     diagnostics.go: error messages; renewal.go: renew_before and expiry
//     in plans; refresh.go: refreshing from branch lists; names.go:
//     generated and duplicate names; official_move.go: moved blocks from
//     the official provider.
package provider
