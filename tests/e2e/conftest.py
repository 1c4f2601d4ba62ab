"""Browser tests: the real portal (gunicorn) and the real sandbox over loopback HTTP, in Chromium.

The servers run as separate processes with their own SQLite database in a temporary folder,
seeded with the demo users, exactly as `make run` would. Chromium is Debian's
(/usr/bin/chromium, or $PORTAL_CHROMIUM). Where it is missing, the tests are skipped with a
notice, unless PORTAL_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
REQUIRE_BROWSER = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"
SKIP_NOTICE = (
    f"Chromium not found at {CHROMIUM}: browser tests skipped "
    "(install Debian's package: apt-get install -y chromium)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    e2e = [item for item in items if "tests/e2e/" in str(item.fspath)]
    for item in e2e:
        item.add_marker(pytest.mark.e2e)
    selected = [item for item in e2e if not item.get_closest_marker("skip")]
    if HAVE_CHROMIUM or not selected:
        return
    if REQUIRE_BROWSER:
        # CI must not go green with the browser tests unrun: stop the session, exit non-zero.
        raise pytest.UsageError(f"PORTAL_REQUIRE_BROWSER=1 but {SKIP_NOTICE}")
    for item in e2e:
        item.add_marker(pytest.mark.skip(reason=SKIP_NOTICE))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if not HAVE_CHROMIUM:
        terminalreporter.write_sep("!", "NOTICE: " + SKIP_NOTICE, yellow=True, bold=True)


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread; the browser tests never
    touch the ORM, so Django's async-safety check is relaxed for them alone."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log: Path, lines: int = 50) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server for {url} exited with {process.returncode}; its log:\n{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {timeout} s; its log:\n{_tail(log)}")


@pytest.fixture(scope="session")
def live_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Start the sandbox and the portal (gunicorn) on free loopback ports."""
    if not HAVE_CHROMIUM:
        pytest.skip(SKIP_NOTICE)
    workdir = tmp_path_factory.mktemp("e2e")
    sandbox_port, portal_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite3'}",
        "AGILER_API_URL": f"http://127.0.0.1:{sandbox_port}/v1",
        "PORTAL_DEMO_KEY_FILE": str(workdir / "portal-keys"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PORTAL_TOKEN_KEYS", None)
    python = sys.executable
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    logs = {name: open(workdir / f"{name}.log", "wb") for name in ("sandbox", "portal")}  # noqa: SIM115
    sandbox = subprocess.Popen(
        [
            python,
            "manage.py",
            "runsandbox",
            "--host",
            "127.0.0.1",
            "--port",
            str(sandbox_port),
            "--backup-seconds",
            "2",
            "--restore-seconds",
            "3",
            # /_sandbox/… control endpoints (loopback only): journeys add log entries.
            "--enable-faults",
        ],
        cwd=ROOT,
        env=env,
        stdout=logs["sandbox"],
        stderr=subprocess.STDOUT,
    )
    portal = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{portal_port}",
            "--workers",
            "1",
            "--threads",
            "8",
        ],
        cwd=ROOT,
        env=env,
        stdout=logs["portal"],
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(f"http://127.0.0.1:{sandbox_port}/status", sandbox, workdir / "sandbox.log")
        _wait_for(f"http://127.0.0.1:{portal_port}/healthz", portal, workdir / "portal.log")
        yield {
            "portal": f"http://127.0.0.1:{portal_port}",
            "sandbox": f"http://127.0.0.1:{sandbox_port}/v1",
            "workdir": str(workdir),
        }
    finally:
        for process in (portal, sandbox):
            process.terminate()
        for process in (portal, sandbox):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for handle in logs.values():
            handle.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:  # type: ignore[type-arg]
    """pytest-playwright launches Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_servers: dict[str, str]) -> str:  # overrides pytest-base-url's fixture
    return live_servers["portal"]


@pytest.fixture
def shot(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under tests/e2e/artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
