# Import ID: <organization>/<database>/<branch>/<current password ID>[/<previous password ID>]. The secrets are null after import.
terraform import planetscale_rotating_branch_password.app acme/app-db/main/a1b2c3d4e5f6/f6e5d4c3b2a1
