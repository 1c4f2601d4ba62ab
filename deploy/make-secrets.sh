#!/usr/bin/env sh
# Generate the secrets deploy/compose.yaml reads, once, into deploy/secrets/ (git-ignored).
# Never overwrites: rotating a key is a procedure (docs/operations.md), not a re-run.
set -eu
cd "$(dirname "$0")"
# Compose bind-mounts each secret file as it is on the host (owner and mode; a secret's uid/gid/
# mode are not applied to files): the portal runs as uid 10001 and could not read a 0600 file of
# root's. So the folder is private (0700) and the files in it are readable (0444).
mkdir -p secrets tls
chmod 700 secrets
new() {
  [ -e "secrets/$1" ] || { (umask 077; printf '%s' "$2" >"secrets/$1"); echo "created secrets/$1"; }
  chmod 444 "secrets/$1"
}
new portal_secret_key "$(openssl rand -base64 64 | tr -d '\n/+=' | cut -c1-64)"
new portal_token_keys "k$(date +%Y%m%d):$(openssl rand -base64 32)"
new portal_audit_hmac_key "$(openssl rand -hex 32)"
new postgres_password "$(openssl rand -hex 24)"
new database_url "postgres://portal:$(cat secrets/postgres_password)@postgres:5432/portal"
