# Import ID: <organization>/<database>/<branch>/<role ID>. password is null after import.
terraform import planetscale_postgres_role.app acme/pg-db/main/a1b2c3d4e5f6
