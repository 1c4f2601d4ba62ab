# syntax=docker/dockerfile:1
# The portal image: gunicorn (gthread) behind any load balancer; PostgreSQL and Redis outside.
# The install steps are the ones `make` and CI run: pip install of pyproject.toml, then
# scripts/prod.sh build / serve, the very commands `make prod-check` runs on every CI run.
# No sandbox code: the image holds the product only (the sandbox is a test double for Agiler).

# The base of both stages. Production uses the default; a machine that cannot pull it can build
# against another Debian image with Python >= 3.11 (docs/operations.md, "Verifying the image").
ARG PYTHON_IMAGE=python:3.12-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY portal ./portal
RUN pip install --upgrade pip && pip install .
COPY manage.py gunicorn.conf.py ./
COPY scripts/prod.sh ./scripts/prod.sh
COPY templates ./templates
COPY static ./static
# collectstatic (scripts/prod.sh build, the step `make prod-check` runs too) needs settings but no
# secrets: build-time placeholders, never used at run time.
RUN PORTAL_SECRET_KEY=build-only-placeholder-build-only-placeholder-build-only \
    PORTAL_TOKEN_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    PORTAL_AUDIT_HMAC_KEY=build-only-placeholder-never-used-at-run-time \
    PORTAL_ALLOWED_HOSTS=localhost \
    bash scripts/prod.sh build

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    PORTAL_DEBUG=false GUNICORN_BIND=0.0.0.0:8000
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin portal
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Code stays owned by root: the runtime user can read it, never change it.
COPY --from=build /src /app
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os,sys,urllib.request as u; host=os.environ.get('PORTAL_ALLOWED_HOSTS','localhost').split(',')[0]; port=os.environ.get('GUNICORN_BIND','0.0.0.0:8000').rsplit(':',1)[1]; r=u.urlopen(u.Request(f'http://127.0.0.1:{port}/readyz', headers={'Host': host}), timeout=4); sys.exit(r.status != 200)"
# The start command `make prod-check` runs twice behind nginx: gunicorn with gunicorn.conf.py.
# Migrations are a separate one-off step before new code serves: `scripts/prod.sh release`.
CMD ["bash", "scripts/prod.sh", "serve"]
