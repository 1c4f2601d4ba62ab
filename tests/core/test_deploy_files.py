"""The deploy files say the same thing: the Dockerfile, deploy/compose.yaml and `make prod-check`
build, start and front the portal with the same commands and the same nginx file."""

from __future__ import annotations

import os
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


def test_downloads_are_handed_to_nginx_only_where_the_template_fronts_the_portal() -> None:
    """PORTAL_RELAY_VIA_PROXY is on exactly where the nginx template is: compose and make
    prod-check; the demo (`make run`) and the image's own default relay in Python."""
    from django.conf import settings as django_settings

    from portal.lib import downloads

    template = (ROOT / TEMPLATE).read_text()
    prod = (ROOT / "scripts" / "prod.sh").read_text()
    check = prod.split("\ncheck() {", 1)[1]
    assert "export PORTAL_RELAY_VIA_PROXY=true" in check
    assert "PORTAL_RELAY_VIA_PROXY" not in prod.split("\ncheck() {", 1)[0]  # not `serve`'s
    assert "PORTAL_RELAY_VIA_PROXY" not in (ROOT / "scripts" / "run-demo.sh").read_text()
    assert "PORTAL_RELAY_VIA_PROXY" not in (ROOT / "Dockerfile").read_text()
    portal = _compose()["services"]["portal"]["environment"]
    assert portal["PORTAL_RELAY_VIA_PROXY"].endswith(":-true}")
    assert portal["PORTAL_TRUSTED_PROXY"] == "true"
    assert django_settings.PORTAL_RELAY_VIA_PROXY is False  # the default
    # The template's internal location and private headers are the ones the portal sends.
    location = downloads.PROXY_LOCATION
    assert f"location {location} {{\n            internal;" in template
    for header in (downloads.PROXY_AUTHORIZATION, downloads.PROXY_DISPOSITION):
        variable = "$upstream_http_" + header.lower().replace("-", "_")
        assert re.search(rf"^\s+set \$\w+ {re.escape(variable)};$", template, re.M)
        assert f"proxy_hide_header {header};" in template.split(f"location {location}")[0]
    assert "proxy_pass ${NGINX_AGILER_URL}/;" in template
    assert "proxy_pass_request_headers off;" in template  # the browser's cookies stay here


def test_nginx_logs_no_header_and_the_request_id_the_portal_audits_under() -> None:
    template = (ROOT / TEMPLATE).read_text()
    log_format = template.split("log_format portal", 1)[1].split(";", 1)[0]
    assert "id=$request_id" in log_format
    assert "$http_" not in log_format and "$upstream_http_" not in log_format
    headers = re.findall(r"\$sent_http_\w+", log_format)
    assert headers == ["$sent_http_content_length"] and "$request " not in log_format
    assert "proxy_set_header X-Request-ID $request_id;" in template


def test_the_image_build_step_runs_with_the_dockerfile_placeholders(tmp_path: Path) -> None:
    """The Dockerfile's build stage runs `scripts/prod.sh build` with placeholder secrets and
    nothing else: they must pass the checks the app makes at start-up (the audit key's floor of
    32 bytes once failed every image build, and nothing but a real build ran them)."""
    import shlex
    import subprocess
    import sys

    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    [step] = [line for line in dockerfile.splitlines() if "bash scripts/prod.sh build" in line]
    words = shlex.split(step.split("RUN ", 1)[1])
    placeholders = dict(word.split("=", 1) for word in words[: words.index("bash")])
    assert {"PORTAL_SECRET_KEY", "PORTAL_TOKEN_KEYS", "PORTAL_AUDIT_HMAC_KEY"} <= set(placeholders)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHON": sys.executable,
        "PORTAL_STATIC_ROOT": str(tmp_path / "static"),
        **placeholders,
    }
    result = subprocess.run(
        ["bash", "scripts/prod.sh", "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_make_secrets_writes_files_the_portal_user_can_read_in_a_private_folder(
    tmp_path: Path,
) -> None:
    """Compose bind-mounts a secret file with its host owner and mode, and the portal runs as
    uid 10001: a 0600 file of root's made `migrate` fail with Permission denied. The folder is
    what keeps them private on the host; a re-run leaves values alone and fixes old modes."""
    import shutil
    import stat
    import subprocess

    shutil.copy(ROOT / "deploy" / "make-secrets.sh", tmp_path / "make-secrets.sh")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "postgres_password").write_text("kept")
    (tmp_path / "secrets" / "postgres_password").chmod(0o600)
    subprocess.run(["sh", str(tmp_path / "make-secrets.sh")], check=True, capture_output=True)
    secrets = tmp_path / "secrets"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    names = {path.name for path in secrets.iterdir()}
    assert names == {
        str(source["file"]).removeprefix("./secrets/") for source in _compose()["secrets"].values()
    }
    for path in secrets.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o444, path.name
    assert (secrets / "postgres_password").read_text() == "kept"
    assert (secrets / "database_url").read_text() == "postgres://portal:kept@postgres:5432/portal"
