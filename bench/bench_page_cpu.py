"""Benchmark: CPU time per request of a page, in-process, this checkout against ``--baseline``.

The wall-clock page-cost benchmark (bench_page_cost.py) swings with the machine's load; CPU time
per request is steadier: ``time.process_time`` of the portal's own process around ``--requests``
requests through Django's WSGI handler (DEBUG off, cached template loaders, SQLite). The sandbox
answers the page's upstream calls from **its own process** (one for both trees, so both read the
same data), so the figure is what a gunicorn worker spends on the page; the sandbox's CPU per
request is measured apart from ``/proc`` and printed below the table. Each tree runs in its own
process, alternating, ``--rounds`` times; the table gives medians.

    .venv/bin/python bench/bench_page_cpu.py [--baseline d0f1cf3] [--rounds 5] [--requests 200]
    .venv/bin/python bench/bench_page_cpu.py --production     # PostgreSQL + Redis (needs root)

By default the portal runs on the test settings (SQLite, local-memory cache, plain static
files). ``--production`` runs it as gunicorn does: ``portal.settings`` with DEBUG off, a
throwaway PostgreSQL database per tree, Redis (its own key prefix per tree), the manifest static
storage over files collected by this checkout, INFO logging (to a file); that is the CPU a
production worker spends, without gunicorn's own share.

``--profile PATH`` prints a cProfile (CPU time, upstream calls run inline so the pool threads'
work is in it) of this checkout's PATH instead; ``SORT=tottime`` and ``NSTATS=80`` in the
environment change its order and length.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import _stack

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "/healthz": ("/healthz", {}),
    "/accounts/token/ (layout + a small page)": ("/accounts/token/", {}),
    "GET /projects/ (htmx: the table only)": ("/projects/", {"HTTP_HX_REQUEST": "true"}),
    "GET /projects/": ("/projects/", {}),
}
TREES = ("baseline", "this checkout")
REDIS_URL = "redis://127.0.0.1:6379/14"  # --production: the same database as bench/_stack.py


def boot(sandbox_url: str) -> Callable[[str, dict[str, str]], bytes]:
    """Django for the tree that is the current folder, a signed-in admin with the sandbox's
    owner token, and a function that GETs a page through the WSGI handler. The environment
    says which settings (``BENCH_PRODUCTION``: see the module docstring)."""
    sys.path.insert(0, os.getcwd())
    workdir = tempfile.mkdtemp()
    production = bool(os.environ.get("BENCH_PRODUCTION"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings" if production else "tests.settings",
        PORTAL_DEBUG="false",
        # Throwaway keys for this process (the start-up checks refuse weak ones).
        PORTAL_AUDIT_HMAC_KEY=secrets.token_urlsafe(48),
        PORTAL_SECRET_KEY=secrets.token_urlsafe(50),
        PORTAL_ALLOWED_HOSTS="testserver",
    )
    if production:
        os.environ.update(
            PORTAL_TOKEN_KEYS="b1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            PORTAL_TRUSTED_PROXY="true",
            AGILER_API_URL=sandbox_url,
        )
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    import logging

    import django

    django.setup()
    if production:  # logged as in production, to a file rather than this script's stderr
        log = open(Path(workdir) / "portal.log", "a")  # noqa: SIM115 - open for the whole run
        for handler in logging.getLogger().handlers:
            handler.setStream(log)  # type: ignore[attr-defined]
    else:
        logging.disable(logging.INFO)  # the per-call log lines would go to this script's stderr
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.test import Client, RequestFactory

    from portal.accounts.models import SecurityPolicy, User
    from portal.tokens.store import token_save

    settings.ALLOWED_HOSTS = ["*"]
    settings.PORTAL_CHECK_MEMO = False  # the test settings' re-render of every {% memo %} reuse
    call_command("migrate", verbosity=0)
    settings.AGILER_API_URL = sandbox_url
    settings.AGILER_TRANSPORT = None
    if production:  # as make prod-check's smoke: a benchmark cannot type two-factor codes
        policy = SecurityPolicy.current()
        policy.require_mfa_admins = False
        policy.save()
    # (a production database is kept across rounds: the user may exist already)
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", password="x", role="admin"
    )
    token_save(user=user, token="ak_sandbox_owner")
    client = Client()
    client.force_login(user)
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    # As a browser after its first page: with its CSRF cookie (see _stack.session_cookie).
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    cookie += "; csrftoken=" + get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    handler = WSGIHandler()  # no test client: its template instrumentation costs CPU too

    def get(path: str, headers: dict[str, str]) -> bytes:
        environ = dict(RequestFactory().get(path, secure=True, **headers).environ)
        environ.update(HTTP_COOKIE=cookie, **{"wsgi.input": io.BytesIO(b"")})
        environ["HTTP_X_FORWARDED_PROTO"] = "https"  # the trusted proxy's word, in production
        status: list[str] = []
        body = b"".join(handler(environ, lambda s, h, *a: status.append(s)))
        assert status[0].startswith("200"), (path, status)
        return body

    return get


def measure(requests: int, sandbox_url: str, sandbox_pid: int) -> dict[str, list[float]]:
    """[portal CPU ms, sandbox CPU ms] per request for each page, in the current folder's tree."""
    get = boot(sandbox_url)
    results = {}
    for label, (path, headers) in PAGES.items():
        for _ in range(5):
            body = get(path, headers)  # warm: templates, connection pool, caches
        if path == "/projects/":
            assert body.count(b'data-testid="project-row"') == 25, label  # a full page each
        upstream = _stack.cpu_seconds_of_tree(sandbox_pid)
        start = time.process_time()
        for _ in range(requests):
            get(path, headers)
        spent = time.process_time() - start
        upstream = _stack.cpu_seconds_of_tree(sandbox_pid) - upstream
        results[label] = [spent / requests * 1000, upstream / requests * 1000]
    return results


def profile(path: str, requests: int, sandbox_url: str) -> None:
    """Print where this checkout's CPU goes on ``path`` (cProfile with a CPU-time clock)."""
    import cProfile
    import pstats

    get = boot(sandbox_url)
    import portal.lib.parallel as parallel

    parallel.run_concurrently = parallel._inline  # every call on this thread, in the profile
    for module in list(sys.modules.values()):
        if getattr(module, "run_concurrently", None) is not None and module is not parallel:
            module.run_concurrently = parallel._inline  # type: ignore[attr-defined]
    headers = {"HTTP_HX_REQUEST": "true"} if path.endswith("#htmx") else {}
    path = path.removesuffix("#htmx")
    for _ in range(5):
        get(path, headers)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        get(path, headers)
    profiler.disable()
    if os.environ.get("PSTATS_OUT"):
        profiler.dump_stats(os.environ["PSTATS_OUT"])
    pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
        int(os.environ.get("NSTATS", "60"))
    )


def production_environment(static: Path, databases: Iterable[str]) -> dict[str, str]:
    """Create a throwaway database per tree, collect this checkout's static files into
    ``static``; the environment that makes ``--measure`` run the production settings."""
    for database in databases:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "createdb", "-O", _stack.PG_USER, database],
            check=True,
        )
    env = {
        "BENCH_PRODUCTION": "1",
        "PORTAL_STATIC_ROOT": str(static),
        "REDIS_URL": REDIS_URL,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_DEBUG": "false",
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(50),
            "PORTAL_AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
            "PORTAL_TOKEN_KEYS": "b1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "PORTAL_ALLOWED_HOSTS": "testserver",
        },
        check=True,
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="d0f1cf3", help="commit to compare against")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", metavar="PATH", help="profile PATH (append #htmx) instead")
    parser.add_argument(
        "--production", action="store_true", help="PostgreSQL, Redis, manifest static (root)"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", nargs=2, help=argparse.SUPPRESS)  # url pid
    args = parser.parse_args()
    if args.measure:
        url, pid = args.sandbox
        print(json.dumps(measure(args.requests, url, int(pid))))
        return
    sandbox, url = _stack.start_sandbox()  # this checkout's sandbox, for both trees
    base = Path(tempfile.mkdtemp(prefix="bench-baseline."))
    static = Path(tempfile.mkdtemp(prefix="bench-static."))
    databases = {name: f"bench_cpu_{os.getpid()}_{n}" for n, name in enumerate(TREES)}
    runs: dict[str, list[dict[str, list[float]]]] = {"this checkout": [], "baseline": []}
    try:
        if args.profile:
            profile(args.profile, args.requests, url)
            return
        archive = subprocess.run(
            ["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        env = dict(os.environ)
        if args.production:
            env.update(production_environment(static, databases.values()))
            (base / "staticfiles").symlink_to(static)  # an older tree may not read STATIC_ROOT
        for _ in range(args.rounds):
            for name, tree in zip(TREES, (base, ROOT), strict=True):
                env["PORTAL_CACHE_KEY_PREFIX"] = f"{databases[name]}-"  # a Redis key space each
                command = [sys.executable, __file__, "--measure", "--requests", str(args.requests)]
                command += ["--sandbox", url, str(sandbox.pid)]
                if args.production:
                    env["DATABASE_URL"] = (
                        f"postgres://{_stack.PG_USER}:{_stack.PG_PASSWORD}@127.0.0.1:5432/"
                        + databases[name]
                    )
                out = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
                if out.returncode:
                    raise RuntimeError(f"{name}: {out.stderr[-3000:]}")
                runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        sandbox.terminate()
        sandbox.wait()
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(static, ignore_errors=True)
        if args.production:
            import redis

            keys = redis.Redis.from_url(REDIS_URL)
            for database in databases.values():
                for key in keys.scan_iter(f"{database}-*"):
                    keys.delete(key)
                subprocess.run(
                    ["runuser", "-u", "postgres", "--", "dropdb", "--if-exists", "--force"]
                    + [database],
                    check=False,
                )
    where = (
        "production settings (PostgreSQL, Redis, manifest static, INFO logging)"
        if args.production
        else "test settings (SQLite, local-memory cache)"
    )
    print(
        f"Portal CPU ms per request, in-process (DEBUG off), {where}, sandbox in its own "
        f"process, {args.requests} requests × {args.rounds} alternating rounds, medians; "
        f"baseline = commit {args.baseline}\n"
    )
    print("| page | baseline ms | this checkout ms | baseline / this |")
    print("|---|---:|---:|---:|")
    for label in PAGES:
        old = statistics.median(r[label][0] for r in runs["baseline"])
        new = statistics.median(r[label][0] for r in runs["this checkout"])
        print(f"| {label} | {old:.2f} | {new:.2f} | {old / new:.2f}× |")
    print("\nThe sandbox's own CPU per request (the upstream's work, the same for both trees):")
    for label in PAGES:
        upstream = statistics.median(r[label][1] for rs in runs.values() for r in rs)
        print(f"- {label}: {upstream:.2f} ms")


if __name__ == "__main__":
    main()
