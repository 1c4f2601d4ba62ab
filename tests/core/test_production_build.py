"""The production build works: static files collect with the manifest storage, and gunicorn with
DEBUG off serves the sign-in page with its stylesheets (issue 14: nothing ever had)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_with_the_production_storage_finds_every_referenced_file(
    tmp_path: Path,
) -> None:
    """The manifest storage rewrites every url()/sourceMappingURL it finds and raises on a
    missing target: a vendored file pointing at a map we do not ship fails here, not in the
    image build."""
    with override_settings(STORAGES=PRODUCTION_STORAGES, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/tabler-1.6.1/css/tabler.min.css" in manifest
    assert "django_htmx/htmx-2.min.js" in manifest


def test_no_vendored_file_points_at_a_source_map_we_do_not_ship() -> None:
    vendor = ROOT / "static" / "vendor"
    dangling = []
    for path in vendor.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for name in re.findall(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", path.read_text("utf-8")):
            if not (path.parent / name).exists():
                dangling.append(f"{path.relative_to(ROOT)} -> {name}")
    assert dangling == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_with_debug_off_serves_the_sign_in_page_and_its_stylesheets(
    tmp_path: Path,
) -> None:
    """The Dockerfile's own steps (collectstatic, then gunicorn with gunicorn.conf.py) with
    DEBUG off, behind a proxy that says the request came over HTTPS."""
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_DEBUG": "false",
        "PORTAL_SECRET_KEY": "s" * 10 + "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071",
        "PORTAL_TOKEN_KEYS": "prod1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "PORTAL_AUDIT_HMAC_KEY": "audit-hmac-key-for-the-production-build-test-0123",
        "PORTAL_ALLOWED_HOSTS": "portal.example.com",
        "PORTAL_TRUSTED_PROXY": "true",
        "PORTAL_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    for command in (["collectstatic", "--noinput"], ["migrate", "--noinput"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            headers = {"Host": "portal.example.com", "X-Forwarded-Proto": "https"}
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                assert server.poll() is None, log.read_text()
                try:
                    status, _, _ = _get(base + "/healthz", headers)
                    if status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)

            status, _, body = _get(base + "/accounts/login/", headers)
            assert status == 200, body[:2000]
            page = body.decode()
            assert "Sign in" in page
            stylesheets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', page)
            scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
            assert any("tabler" in href for href in stylesheets), stylesheets
            for href in stylesheets + scripts:
                # Fingerprinted names (whitenoise manifest), served by the process itself.
                assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", href), href
                status, response_headers, content = _get(base + href, headers)
                assert status == 200, href
                assert content, href
                if href.endswith(".css"):
                    assert response_headers["Content-Type"].startswith("text/css")
                    assert "immutable" in response_headers.get("Cache-Control", "")
        finally:
            server.terminate()
            server.wait(timeout=15)
