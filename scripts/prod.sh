#!/usr/bin/env bash
# The portal's production commands, in ONE place: the Dockerfile builds and starts the image with
# them, and `make prod-check` (also run by .ci/run) runs the very same commands on this machine.
#
#   scripts/prod.sh build     collect static files with DEBUG off (the image's build step)
#   scripts/prod.sh release   apply migrations, then `check --deploy` (before new code serves)
#   scripts/prod.sh serve     start gunicorn with gunicorn.conf.py (the image's start command)
#   scripts/prod.sh check     a production-like stack on 127.0.0.1, a smoke journey through
#                             nginx, then everything torn down; exit 0 only if all of it held
#
# build/release/serve read the settings from the environment (docs/operations.md). `check`
# generates its own secrets, certificate and database, and needs root to start PostgreSQL, Redis
# and (if missing) install nginx, like .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}

build() {
  PORTAL_DEBUG=false "$PYTHON" manage.py collectstatic --noinput --verbosity 1
}

release() {
  "$PYTHON" manage.py migrate --noinput
  "$PYTHON" manage.py check --deploy --fail-level WARNING
}

serve() {
  exec "$PYTHON" -m gunicorn portal.wsgi --config gunicorn.conf.py
}

# --- check --------------------------------------------------------------------------------------
free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() {  # wait_http URL PID NAME [CURL_ARGS…]
  local url=$1 pid=$2 name=$3; shift 3
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "prod-check: $name exited; its log:" >&2; tail -40 "$WORK/$name.log" >&2; return 1; }
    sleep 0.2
  done
  echo "prod-check: $name did not answer $url in 30 s; its log:" >&2
  tail -40 "$WORK/$name.log" >&2
  return 1
}

ensure_services() {
  if ! command -v nginx >/dev/null 2>&1; then
    echo "Installing nginx (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "Starting Redis"
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.2; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null
  runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_USER}') THEN
        CREATE ROLE ${PG_USER} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
      END IF; END \$\$;"
}

check_teardown() {
  local status=$?
  set +e
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
  done
  if [ -n "${PG_DB:-}" ]; then
    runuser -u postgres -- dropdb --if-exists --force "$PG_DB" >/dev/null 2>&1
  fi
  if [ -n "${REDIS_DB:-}" ]; then
    redis-cli -h 127.0.0.1 -n "$REDIS_DB" --scan --pattern "prodcheck$$:*" \
      | xargs -r redis-cli -h 127.0.0.1 -n "$REDIS_DB" del >/dev/null
  fi
  if [ "$status" -ne 0 ] && [ -n "${WORK:-}" ]; then
    for log in "$WORK"/*.log; do echo "--- $(basename "$log") (last 15 lines)"; tail -15 "$log"; done
  fi
  [ -n "${WORK:-}" ] && [ -z "${PROD_CHECK_KEEP:-}" ] && rm -rf "$WORK"
  if [ "$status" -eq 0 ]; then echo "prod-check: OK"; else echo "prod-check: FAILED ($status)" >&2; fi
  exit "$status"
}

check() {
  PIDS=()
  PG_USER=portal_ci
  PG_PASSWORD=portal_ci
  PG_DB=""
  REDIS_DB=""
  WORK=$(mktemp -d /tmp/prod-check.XXXXXX)
  trap check_teardown EXIT
  trap 'exit 130' INT TERM
  ensure_services
  PG_DB="prodcheck_$$"
  REDIS_DB=${PROD_CHECK_REDIS_DB:-15}
  runuser -u postgres -- createdb -O "$PG_USER" "$PG_DB"

  local sandbox_port portal_ports=() tls_port
  sandbox_port=$(free_port)
  portal_ports=("$(free_port)" "$(free_port)")
  tls_port=$(free_port)
  local host=127.0.0.1

  # Real secrets, generated for this run only (never the demo ones, never written to the repo).
  export PORTAL_DEBUG=false
  PORTAL_SECRET_KEY=$(openssl rand -base64 64 | tr -d '\n/+=' | cut -c1-64)
  PORTAL_TOKEN_KEYS="k$(date +%Y%m%d):$(openssl rand -base64 32)"
  PORTAL_AUDIT_HMAC_KEY=$(openssl rand -hex 32)
  export PORTAL_SECRET_KEY PORTAL_TOKEN_KEYS PORTAL_AUDIT_HMAC_KEY
  export PORTAL_ALLOWED_HOSTS=$host
  export PORTAL_TRUSTED_PROXY=true PORTAL_TRUSTED_PROXY_HOPS=1
  # nginx (the template, below) pumps downloads itself: the portal hands them over to it, and
  # only to requests from nginx's address (loopback here, PORTAL_TRUSTED_PROXY_ADDRESSES).
  export PORTAL_RELAY_VIA_PROXY=true
  export DATABASE_URL="postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:5432/${PG_DB}"
  export REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}"
  export PORTAL_CACHE_KEY_PREFIX="prodcheck$$"
  export AGILER_API_URL="http://127.0.0.1:${sandbox_port}/v1"
  export PORTAL_STATIC_ROOT="$WORK/static"
  export GUNICORN_WORKERS=${PROD_CHECK_WORKERS:-1}
  export GUNICORN_FORWARDED_ALLOW_IPS=127.0.0.1
  export PYTHONUNBUFFERED=1

  echo "== build (collectstatic, DEBUG off)"
  build >"$WORK/build.log"
  echo "== release (migrate, check --deploy) on PostgreSQL $PG_DB"
  release >"$WORK/release.log"

  echo "== sandbox on :$sandbox_port"
  # The sandbox stands in for Agiler. It is not part of the product (not in the image, not an
  # installed app with DEBUG off): it runs as its own program.
  # Faults enabled: the smoke journey makes Agiler fail after a download was handed to nginx.
  "$PYTHON" -m agiler_sandbox --host 127.0.0.1 --port "$sandbox_port" --backup-seconds 1 \
    --restore-seconds 1 --dump-size 64M --enable-faults >"$WORK/sandbox.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:${sandbox_port}/status" "${PIDS[-1]}" sandbox

  local n=0 upstreams=""
  for port in "${portal_ports[@]}"; do
    n=$((n + 1))
    echo "== portal process $n on :$port (scripts/prod.sh serve)"
    GUNICORN_BIND="127.0.0.1:$port" bash scripts/prod.sh serve >"$WORK/portal$n.log" 2>&1 &
    PIDS+=($!)
    wait_http "http://127.0.0.1:$port/healthz" "${PIDS[-1]}" "portal$n"
    upstreams+="server 127.0.0.1:$port; "
  done

  echo "== nginx on https://$host:$tls_port"
  mkdir -p "$WORK/nginx"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$host" \
    -addext "subjectAltName=IP:$host" \
    -keyout "$WORK/nginx/tls.key" -out "$WORK/nginx/tls.crt" >/dev/null 2>&1
  NGINX_PREFIX="$WORK/nginx" NGINX_ACCESS_LOG="$WORK/nginx-access.log" \
    NGINX_LISTEN="127.0.0.1:$tls_port" NGINX_SERVER_NAME=$host \
    NGINX_TLS_CERT="$WORK/nginx/tls.crt" NGINX_TLS_KEY="$WORK/nginx/tls.key" \
    NGINX_UPSTREAMS="$upstreams" NGINX_AGILER_URL="${AGILER_API_URL%/}" \
    envsubst "$NGINX_VARS" <deploy/nginx/portal.conf.template >"$WORK/nginx/nginx.conf"
  nginx -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx.log" \
    || { cat "$WORK/nginx.log" >&2; return 1; }
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >>"$WORK/nginx.log" 2>&1 &
  PIDS+=($!)
  wait_http "https://$host:$tls_port/healthz" "${PIDS[-1]}" nginx --cacert "$WORK/nginx/tls.crt"

  # The four users, provisioned as an operator would (never seed_demo: it refuses DEBUG off and
  # its demo password must not reach a production database). Each stores their own Agiler
  # token through the portal's token page in the journey, validated by Agiler.
  echo "== users admin, operator, finance, support (manage.py create_portal_user)"
  PROD_CHECK_PASSWORD=$(openssl rand -base64 24)
  export PROD_CHECK_PASSWORD
  for role in admin operator finance support; do
    printf '%s\n' "$PROD_CHECK_PASSWORD" \
      | "$PYTHON" manage.py create_portal_user "$role" --role "$role" --password-stdin >/dev/null
  done
  # The smoke journey signs in with passwords only: production requires two-factor for admins
  # by default (issue 15), so this throwaway database turns that off, as a first-deployment
  # operator could until the admin has enrolled an authenticator.
  "$PYTHON" manage.py shell -c "from portal.accounts.models import SecurityPolicy as P; \
p = P.current(); p.require_mfa_admins = False; p.save()"

  echo "== smoke journey through nginx only"
  "$PYTHON" scripts/prod_smoke.py \
    --base "https://$host:$tls_port" \
    --cacert "$WORK/nginx/tls.crt" \
    --access-log "$WORK/nginx-access.log" \
    --upstream "127.0.0.1:${portal_ports[0]}" --upstream "127.0.0.1:${portal_ports[1]}" \
    --agiler "$AGILER_API_URL" --dump-size $((64 * 1024 * 1024))

  echo "== verify_audit_log after the concurrent writes"
  local verified
  verified=$("$PYTHON" manage.py verify_audit_log)
  echo "  $verified"
  grep -q "the chain is intact" <<<"$verified"
}

NGINX_VARS='${NGINX_PREFIX} ${NGINX_ACCESS_LOG} ${NGINX_LISTEN} ${NGINX_SERVER_NAME} ${NGINX_TLS_CERT} ${NGINX_TLS_KEY} ${NGINX_UPSTREAMS} ${NGINX_AGILER_URL}'

case "${1:-}" in
  build) build ;;
  release) release ;;
  serve) serve ;;
  check) check ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
