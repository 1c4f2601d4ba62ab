#!/usr/bin/env bash
# Build the production image and check that it starts and serves, on this machine
# (docs/operations.md, "Verifying the image"). Needs a running Docker daemon, PostgreSQL on 127.0.0.1:5432 and Redis on
# 127.0.0.1:6379 (as root: the role portal_ci is created if missing, like `scripts/prod.sh check`),
# and port 8000 free: the container runs with --network=host and the image's HEALTHCHECK asks
# 127.0.0.1:8000.
#
#   scripts/image-check.sh                       build on the Dockerfile's default base, then check
#   PYTHON_IMAGE=local/python:3.11-bookworm scripts/image-check.sh
#                                                the same against another base (no Docker Hub here)
#   IMAGE=agiler-portal:check SKIP_BUILD=1 scripts/image-check.sh    check an image already built
#
# It runs `scripts/prod.sh release` in the image against a throwaway database, starts the image with
# its own CMD (the Agiler sandbox runs on the host, outside the image), and checks: /healthz and
# /readyz answer 200, the sign-in page is served with DEBUG off and each of its stylesheets and
# scripts answers 200 from inside the container, the process runs as `portal`, the HEALTHCHECK turns healthy, and
# no sandbox code is in the image. Everything it made but the image is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-agiler-portal:check}
NAME=portal-image-check
PG_USER=portal_ci
PG_PASSWORD=portal_ci
PG_DB=image_check
REDIS_DB=${IMAGE_CHECK_REDIS_DB:-13}
PREFIX=imagecheck
HOST_NAME=localhost
if [ -x .venv/bin/python ]; then PYTHON=${PYTHON:-.venv/bin/python}; else PYTHON=${PYTHON:-python3}; fi

SANDBOX_PID=""
WORK=""
FAILED=0

fail() { echo "image-check: FAIL: $*" >&2; FAILED=1; }
ok() { echo "  ok: $*"; }

cleanup() {
  local status=$?
  set +e
  if [ "$status" -ne 0 ] && docker inspect "$NAME" >/dev/null 2>&1; then
    echo "--- container log (last 30 lines)"; docker logs --tail 30 "$NAME" 2>&1
  fi
  docker rm -f "$NAME" "$NAME-release" >/dev/null 2>&1
  [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null && wait "$SANDBOX_PID" 2>/dev/null
  runuser -u postgres -- dropdb --if-exists --force "$PG_DB" >/dev/null 2>&1
  redis-cli -h 127.0.0.1 -n "$REDIS_DB" --scan --pattern "$PREFIX:*" \
    | xargs -r redis-cli -h 127.0.0.1 -n "$REDIS_DB" del >/dev/null 2>&1
  [ -n "$WORK" ] && rm -rf "$WORK"
  if [ "$status" -eq 0 ]; then echo "image-check: OK"; else echo "image-check: FAILED ($status)" >&2; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- preconditions --------------------------------------------------------------------------------
docker info >/dev/null 2>&1 || { echo "image-check: no Docker daemon answers" >&2; exit 1; }
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "image-check: no PostgreSQL on 127.0.0.1:5432" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "image-check: no Redis on 127.0.0.1:6379" >&2; exit 1; }
if "$PYTHON" -c 'import socket; s=socket.socket(); s.settimeout(1); s.connect(("127.0.0.1", 8000))' 2>/dev/null; then
  echo "image-check: port 8000 is in use (the container binds it on the host network)" >&2; exit 1
fi
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_USER}') THEN
      CREATE ROLE ${PG_USER} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
    END IF; END \$\$;"
# Left over by an interrupted run: start clean (idempotent).
docker rm -f "$NAME" "$NAME-release" >/dev/null 2>&1 || true
runuser -u postgres -- dropdb --if-exists --force "$PG_DB" >/dev/null 2>&1
runuser -u postgres -- createdb -O "$PG_USER" "$PG_DB"

WORK=$(mktemp -d /tmp/image-check.XXXXXX)

# --- build ------------------------------------------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== docker build -t $IMAGE${PYTHON_IMAGE:+ (PYTHON_IMAGE=$PYTHON_IMAGE)}"
  docker build --force-rm --network=host ${PYTHON_IMAGE:+--build-arg "PYTHON_IMAGE=$PYTHON_IMAGE"} \
    -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; echo "image-check: build failed" >&2; exit 1; }
fi
echo "  image size: $(docker image inspect --format '{{.Size}}' "$IMAGE" \
  | awk '{printf "%.0f MB", $1 / 1000000}')"

# --- environment: throwaway secrets, this run's database and Redis prefix --------------------------
SANDBOX_PORT=$(free_port)
"$PYTHON" - "$WORK/env" <<EOF
import base64, secrets, sys
lines = {
    "PORTAL_SECRET_KEY": secrets.token_urlsafe(50),
    "PORTAL_TOKEN_KEYS": "check1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    "PORTAL_AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
    "PORTAL_ALLOWED_HOSTS": "$HOST_NAME",
    "PORTAL_TRUSTED_PROXY": "true",
    "DATABASE_URL": "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:5432/$PG_DB",
    "REDIS_URL": "redis://127.0.0.1:6379/$REDIS_DB",
    "PORTAL_CACHE_KEY_PREFIX": "$PREFIX",
    "AGILER_API_URL": "http://127.0.0.1:$SANDBOX_PORT/v1",
    "GUNICORN_WORKERS": "2",
}
with open(sys.argv[1], "w") as f:
    f.writelines(f"{k}={v}\n" for k, v in lines.items())
EOF
chmod 600 "$WORK/env"

echo "== sandbox (on the host, not in the image) on 127.0.0.1:$SANDBOX_PORT"
"$PYTHON" -m agiler_sandbox --host 127.0.0.1 --port "$SANDBOX_PORT" >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$SANDBOX_PORT/status" 2>/dev/null && break; sleep 0.2
done

echo "== scripts/prod.sh release in the image (migrate, check --deploy)"
docker run --name "$NAME-release" --rm --network=host --env-file "$WORK/env" "$IMAGE" \
  bash scripts/prod.sh release >"$WORK/release.log" 2>&1 \
  || { tail -30 "$WORK/release.log" >&2; echo "image-check: release failed" >&2; exit 1; }
ok "release: $(grep -c '  Applying ' "$WORK/release.log") migrations applied; $(tail -1 "$WORK/release.log")"

echo "== the image's own CMD"
docker run -d --name "$NAME" --network=host --env-file "$WORK/env" "$IMAGE" >/dev/null
for _ in $(seq 1 150); do
  curl -fsS -o /dev/null -H "Host: $HOST_NAME" http://127.0.0.1:8000/healthz 2>/dev/null && break
  [ "$(docker inspect --format '{{.State.Running}}' "$NAME")" = true ] || { echo "image-check: the container exited" >&2; exit 1; }
  sleep 0.2
done

status() {  # status PATH [CURL_ARGS…]: the HTTP status of a GET from the host
  local path=$1; shift
  curl -s -o /dev/null -w '%{http_code}' -H "Host: $HOST_NAME" "$@" "http://127.0.0.1:8000$path"
}
for path in /healthz /readyz; do
  code=$(status "$path")
  if [ "$code" = 200 ]; then ok "GET $path: $code"; else fail "GET $path: $code"; fi
done

# Inside the container, as a proxy would ask (X-Forwarded-Proto: https from 127.0.0.1, the hop
# gunicorn trusts): the sign-in page, then every stylesheet and script it links.
docker exec -i "$NAME" python - "$HOST_NAME" >"$WORK/pages.txt" <<'EOF' || true
import re, sys, urllib.error, urllib.request

host = sys.argv[1]

def get(path):
    request = urllib.request.Request(
        "http://127.0.0.1:8000" + path, headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")

code, body = get("/accounts/login/")
print(f"login {code}")
styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
print(f"stylesheets {len(styles)}")
for href in styles:
    print(f"asset {get(href)[0]} {href}")
for src in re.findall(r'<script[^>]* src="([^"]+)"', body):
    print(f"asset {get(src)[0]} {src}")
code, body = get("/no-such-page-image-check/")
print(f"missing {code} {'debug-page' if 'DEBUG = True' in body else 'plain'}")
EOF
sed 's/^/  /' "$WORK/pages.txt"
grep -q '^login 200$' "$WORK/pages.txt" || fail "the sign-in page did not answer 200"
grep -q '^stylesheets [1-9]' "$WORK/pages.txt" || fail "the sign-in page links no stylesheet"
if grep '^asset ' "$WORK/pages.txt" | grep -qv '^asset 200 /static/'; then
  fail "a stylesheet or script did not answer 200 under /static/"
fi
grep -q '^missing 404 plain$' "$WORK/pages.txt" || fail "a missing page is not a plain 404 (DEBUG on?)"
debug=$(docker exec "$NAME" python manage.py shell --no-imports \
  -c "from django.conf import settings; print(settings.DEBUG)")
if [ "$debug" = False ]; then ok "DEBUG: $debug"; else fail "DEBUG: $debug"; fi

user=$(docker exec "$NAME" id -un)
server_user=$(docker top "$NAME" -o pid,user,args | awk 'NR > 1 && /gunicorn/ {print $2}' | sort -u | tr '\n' ' ')
if [ "$user" = portal ]; then ok "runs as: $user (uid $(docker exec "$NAME" id -u); gunicorn processes: $server_user)"; else fail "runs as: $user"; fi

if docker exec "$NAME" python -c 'import agiler_sandbox' 2>/dev/null; then
  fail "agiler_sandbox is importable in the image"
elif [ -n "$(docker exec "$NAME" find /app /opt/venv -name 'agiler_sandbox*' -print -quit)" ]; then
  fail "agiler_sandbox files are in the image"
else
  ok "no agiler_sandbox in the image"
fi

echo "== HEALTHCHECK (first probe after its 30 s interval)"
health=starting
for _ in $(seq 1 60); do
  health=$(docker inspect --format '{{.State.Health.Status}}' "$NAME")
  [ "$health" = starting ] || break
  sleep 2
done
if [ "$health" = healthy ]; then ok "health: $health"; else fail "health: $health"; fi

[ "$FAILED" -eq 0 ]
