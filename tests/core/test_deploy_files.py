"""The deploy files say the same thing: the Dockerfile, deploy/compose.yaml and `make prod-check`
build, start and front the portal with the same commands and the same nginx file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "deploy/nginx/portal.conf.template"


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())


def test_the_image_builds_and_starts_with_the_commands_prod_check_runs() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    prod = (ROOT / "scripts" / "prod.sh").read_text()
    assert "bash scripts/prod.sh build" in dockerfile
    assert 'CMD ["bash", "scripts/prod.sh", "serve"]' in dockerfile
    assert "bash scripts/prod.sh serve" in prod  # the check starts its processes with it
    assert re.search(r"^  build\) build ;;", prod, re.M)
    services = _compose()["services"]
    assert services["portal"]["command"] == ["bash", "scripts/prod.sh", "serve"]
    assert services["migrate"]["command"] == ["bash", "scripts/prod.sh", "release"]


def test_compose_and_prod_check_render_the_same_nginx_file_over_the_same_variables() -> None:
    template = (ROOT / TEMPLATE).read_text()
    used = set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", template))
    prod = (ROOT / "scripts" / "prod.sh").read_text()
    assert f"<{TEMPLATE}" in prod.replace(" ", "")
    prod_vars = set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", prod.split("NGINX_VARS='")[1]))
    nginx = _compose()["services"]["nginx"]
    mounted = {volume.split(":")[0] for volume in nginx["volumes"]}
    assert "./nginx/portal.conf.template" in mounted
    compose_vars = set(re.findall(r"\$\$\{(NGINX_[A-Z_]+)\}", nginx["command"][2]))
    assert used == prod_vars == compose_vars
    assert used <= set(nginx["environment"])


def test_the_image_carries_no_sandbox_code() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    sources = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY ")]
    assert not [source for source in sources if "sandbox" in " ".join(source)]
    assert "COPY portal ./portal" in dockerfile
    assert not list((ROOT / "portal").glob("sandbox/**/*.py"))  # it lives in agiler_sandbox/
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "agiler_sandbox" in ignored
    assert "sandbox" in _compose()["services"]["sandbox"]["profiles"]
