#!/usr/bin/env bash
# Start the Agiler sandbox in the background, then the portal pointed at it; stop both on exit.
set -euo pipefail
PYTHON=${PYTHON:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8765}
export AGILER_API_URL=${AGILER_API_URL:-http://127.0.0.1:${SANDBOX_PORT}/v1}

"$PYTHON" manage.py runsandbox --host 127.0.0.1 --port "$SANDBOX_PORT" &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 50); do
  if "$PYTHON" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:${SANDBOX_PORT}/status', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "The Agiler sandbox failed to start." >&2; exit 1; }
  sleep 0.2
done

echo
echo "  Agiler Team Portal:  http://${HOST}:${PORT}/   (demo users admin, operator, finance, support; password agiler-demo)"
echo "  Agiler sandbox API:  ${AGILER_API_URL}"
echo
"$PYTHON" manage.py runserver "${HOST}:${PORT}"
