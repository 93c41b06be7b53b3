# Import ID: <organization>/<database>/<branch>/<current role ID>[/<previous role ID>]. The passwords are null after import.
terraform import planetscale_rotating_postgres_role.app acme/pg-db/main/a1b2c3d4e5f6/f6e5d4c3b2a1
