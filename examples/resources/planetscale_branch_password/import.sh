# Import ID: <organization>/<database>/<branch>/<password ID>. plain_text is null after import.
terraform import planetscale_branch_password.reporting acme/app-db/main/a1b2c3d4e5f6
