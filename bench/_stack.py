"""Shared harness for the benchmarks that drive real servers (page cost, scale, relay).

It starts what `make prod-check` starts, with the same commands: the sandbox as its own program
(optionally with a latency fault on every call), a throwaway PostgreSQL database, Redis, N
portal processes via ``scripts/prod.sh serve`` (DEBUG off, production settings, real keys made
up for the run), optionally nginx from deploy/nginx/portal.conf.template, and signs users in by
creating a session in the database (the cookie is then handed to ``wrk`` or ``curl``).
Everything listens on 127.0.0.1 and is torn down by ``Stack.close()``.

Needs root (createdb as the postgres OS user), like make prod-check.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_USER = PG_PASSWORD = "portal_ci"
NGINX_VARS = (
    "${NGINX_PREFIX} ${NGINX_ACCESS_LOG} ${NGINX_LISTEN} ${NGINX_SERVER_NAME} "
    "${NGINX_TLS_CERT} ${NGINX_TLS_KEY} ${NGINX_UPSTREAMS} ${NGINX_AGILER_URL}"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, process: subprocess.Popen[bytes], *, insecure: bool = False) -> None:
    import ssl

    context = ssl._create_unverified_context() if insecure else None  # noqa: S323 (own cert)
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1, context=context):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def start_sandbox() -> tuple[subprocess.Popen[bytes], str]:
    """This checkout's sandbox in its own process on a free port, answering: (process, its
    API's base URL). The caller terminates it."""
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "agiler_sandbox", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/status", process)
    except BaseException:
        process.kill()
        raise
    return process, f"http://127.0.0.1:{port}/v1"


@dataclass
class Stack:
    workdir: Path
    env: dict[str, str]
    database: str
    sandbox_port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    portal_ports: list[int] = field(default_factory=list)
    nginx_port: int = 0
    nginx: subprocess.Popen[bytes] | None = None

    # --- lifecycle ------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        *,
        latency_ms: int = 0,
        dump_size: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> Stack:
        workdir = Path(tempfile.mkdtemp(prefix="bench-stack."))
        database = f"bench_{os.getpid()}"
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "createdb", "-O", PG_USER, database], check=True
        )
        sandbox_port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DJANGO_"))},
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_DEBUG": "false",
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(60),
            "PORTAL_TOKEN_KEYS": "b1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "PORTAL_AUDIT_HMAC_KEY": secrets.token_hex(32),
            "PORTAL_ALLOWED_HOSTS": "127.0.0.1",
            "PORTAL_TRUSTED_PROXY": "true",
            "PORTAL_STATIC_ROOT": str(workdir / "static"),
            "PORTAL_CACHE_KEY_PREFIX": f"bench{os.getpid()}",
            "DATABASE_URL": f"postgres://{PG_USER}:{PG_PASSWORD}@127.0.0.1:5432/{database}",
            "REDIS_URL": "redis://127.0.0.1:6379/14",
            "AGILER_API_URL": f"http://127.0.0.1:{sandbox_port}/v1",
            "PYTHON": PYTHON,
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        stack = cls(workdir=workdir, env=env, database=database, sandbox_port=sandbox_port)
        try:
            for command in ("build", "release"):
                subprocess.run(
                    ["bash", "scripts/prod.sh", command],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            faults = []
            if latency_ms:
                # Every API call but /users/me (the scope check, cached after the first page).
                faults.append({"path": r"^/v1/(?!users/me$)", "latency_ms": latency_ms})
            (workdir / "faults.json").write_text(json.dumps(faults))
            command = [PYTHON, "-m", "agiler_sandbox", "--port", str(sandbox_port)]
            command += ["--faults", str(workdir / "faults.json")] if faults else []
            command += ["--dump-size", dump_size] if dump_size else []
            command += ["--backup-seconds", "0.2"]
            sandbox = stack._spawn(command, "sandbox")
            wait_http(f"http://127.0.0.1:{sandbox_port}/status", sandbox)
        except BaseException:
            stack.close()
            raise
        return stack

    def _spawn(
        self, command: list[str], name: str, cwd: Path = ROOT, **env: str
    ) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=cwd, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start_portals(
        self,
        count: int,
        *,
        threads: int = 8,
        cwd: Path = ROOT,
        env: dict[str, str] | None = None,
    ) -> list[int]:
        """``count`` more portal processes (one gthread worker each), as the image starts one.

        ``cwd``: another checkout of the portal (an older commit, for a baseline): started with
        gunicorn and gunicorn.conf.py directly, serving this stack's collected static files.
        ``env``: settings for these processes only (e.g. ``PORTAL_RELAY_VIA_PROXY``).
        """
        command = ["bash", "scripts/prod.sh", "serve"]
        if cwd != ROOT:
            command = [PYTHON, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"]
            if not (cwd / "staticfiles").exists():
                (cwd / "staticfiles").symlink_to(self.env["PORTAL_STATIC_ROOT"])
        for _ in range(count):
            port = free_port()
            process = self._spawn(
                command,
                f"portal{port}",
                cwd,
                GUNICORN_BIND=f"127.0.0.1:{port}",
                GUNICORN_WORKERS="1",
                GUNICORN_THREADS=str(threads),
                **(env or {}),
            )
            wait_http(f"http://127.0.0.1:{port}/healthz", process)
            self.portal_ports.append(port)
        return self.portal_ports

    def stop_portals(self) -> None:
        for process in list(self.processes):
            if "serve" in process.args or "portal.wsgi" in process.args:
                process.terminate()
                process.wait(timeout=30)
                self.processes.remove(process)
        self.portal_ports = []

    def start_nginx(self, ports: list[int] | None = None) -> int:
        """nginx from the deployment template in front of ``ports`` (default: all portals)."""
        self.stop_nginx()
        self.nginx_port, self.nginx = self.spawn_nginx(ports or self.portal_ports, "nginx")
        return self.nginx_port

    def spawn_nginx(self, ports: list[int], name: str) -> tuple[int, subprocess.Popen[bytes]]:
        """One more nginx from the deployment template in front of ``ports``, in its own
        prefix ``workdir/name`` (access log ``workdir/name-access.log``); stopped by close()."""
        prefix = self.workdir / name
        prefix.mkdir(exist_ok=True)
        if not (prefix / "tls.crt").exists():
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
                + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
                + ["-keyout", str(prefix / "tls.key"), "-out", str(prefix / "tls.crt")],
                check=True,
                capture_output=True,
            )
        port = free_port()
        upstreams = " ".join(f"server 127.0.0.1:{p};" for p in ports)
        rendered = subprocess.run(
            ["envsubst", NGINX_VARS],
            input=(ROOT / "deploy/nginx/portal.conf.template").read_text(),
            capture_output=True,
            text=True,
            check=True,
            env={
                **os.environ,
                "NGINX_PREFIX": str(prefix),
                "NGINX_ACCESS_LOG": str(self.workdir / f"{name}-access.log"),
                "NGINX_LISTEN": f"127.0.0.1:{port}",
                "NGINX_SERVER_NAME": "127.0.0.1",
                "NGINX_TLS_CERT": str(prefix / "tls.crt"),
                "NGINX_TLS_KEY": str(prefix / "tls.key"),
                "NGINX_UPSTREAMS": upstreams,
                "NGINX_AGILER_URL": self.env["AGILER_API_URL"].rstrip("/"),
            },
        ).stdout
        (prefix / "nginx.conf").write_text(rendered)
        nginx = self._spawn(["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], name)
        wait_http(f"https://127.0.0.1:{port}/healthz", nginx, insecure=True)
        return port, nginx

    def stop_nginx(self) -> None:
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
            self.processes.remove(self.nginx)
            self.nginx = None

    def close(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "dropdb", "--if-exists", "--force", self.database],
            check=False,
        )
        shutil.rmtree(self.workdir, ignore_errors=True)

    # --- helpers --------------------------------------------------------------------------
    def manage(self, code: str) -> str:
        """Run Python ``code`` with Django set up as the servers have it; return its stdout."""
        prelude = "import django; django.setup()\n"
        done = subprocess.run(
            [PYTHON, "-c", prelude + code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(done.stderr)
        return done.stdout.strip()

    def session_cookie(
        self, username: str, role: str, token: str, *, backend: str | None = None
    ) -> str:
        """A user with ``role`` and their Agiler ``token``, signed in: the ``Cookie`` header a
        browser sends once it has loaded a page (``sessionid=…; csrftoken=…``). Without the
        CSRF cookie every request would mint a new CSRF secret and set the cookie again, work
        no real browser's second request causes.

        Signed in with a password only: production requires two-factor sign-in of admins by
        default, so this throwaway database turns that off, as ``make prod-check`` does for its
        smoke journey (a benchmark cannot type authenticator codes). ``backend``: the
        authentication backend the session records, for a baseline checkout older than this
        one's (``OLD_BACKEND``); by default this checkout's."""
        return self.manage(
            f"""
from django.test import Client
from portal.accounts.models import SecurityPolicy, User
from portal.tokens.store import token_save
policy = SecurityPolicy.current()
policy.require_mfa_admins = False
policy.save()
user, _ = User.objects.get_or_create(username={username!r}, defaults={{"role": {role!r}}})
token_save(user=user, token={token!r})
client = Client()
client.force_login(user, backend={backend!r})
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string
csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
print("sessionid=" + client.cookies["sessionid"].value + "; csrftoken=" + csrf)
"""
        )


#: the authentication backend of checkouts before ``portal.accounts.backends.PortalBackend``
#: (a session records its backend's path; an older checkout does not know the new one)
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def cpu_seconds_of_tree(root: int) -> float:
    """User + system CPU seconds so far of process ``root`` and all its descendants (a portal's
    gunicorn master and worker, nginx's master and workers), all threads, from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, *, seconds: int, connections: int, headers: dict[str, str]) -> WrkResult:
    """``wrk --latency`` (Debian's package) against a 127.0.0.1 URL."""
    assert url.startswith(("http://127.0.0.1", "https://127.0.0.1")), url
    command = ["wrk", "--latency", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s"]  # slow answers are measured, not dropped as errors
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return WrkResult(rps=rps, p50_ms=p50, p99_ms=p99, errors=errors)
