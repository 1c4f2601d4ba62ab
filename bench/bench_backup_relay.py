"""Benchmark: a 1 GiB backup dump relayed through the portal (gunicorn, real HTTP) vs. direct.

Starts the sandbox (``--dump-size``) and the portal under gunicorn (1 gthread worker) as separate
processes on 127.0.0.1 with a throw-away SQLite database seeded with the demo users, signs in as
``operator``, then in the same run downloads one backup's database dump

* directly from the sandbox (``GET …/backups/{id}/database`` with the owner token), and
* through the portal's download view (``StreamingHttpResponse`` over the client's stream),

and prints a Markdown table: bytes, seconds, MiB/s, and the gunicorn worker's RSS before the
download and at its peak during it (sampled from /proc every 20 ms, plus the kernel's VmHWM).

    .venv/bin/python bench/bench_backup_relay.py              # 1 GiB
    .venv/bin/python bench/bench_backup_relay.py --size 256M
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
CHUNK = 256 * 1024
OWNER = {"Authorization": "Bearer ak_sandbox_owner", "Accept-Encoding": "identity"}


def parse_size(text: str) -> int:
    """Parse 1G / 256M / 1048576 into bytes."""
    units = {"K": 1024, "M": MiB, "G": 1024 * MiB}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers, failing if ``process`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def status_kib(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` memory field (VmRSS, VmHWM) in KiB; 0 if gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def worker_pid(master: int) -> int:
    """The gunicorn worker: the master's only child."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if not children:
        raise SystemExit("gunicorn has no worker")
    return int(children[0])


class RssSampler(threading.Thread):
    """Samples a process's RSS every 20 ms and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, status_kib(self.pid, "VmRSS"))
            time.sleep(0.02)


def timed_stream(client: httpx.Client, url: str, headers: dict[str, str]) -> tuple[int, float]:
    """Download ``url`` chunk by chunk, discarding it; return (bytes, seconds)."""
    started = time.perf_counter()
    total = 0
    with client.stream("GET", url, headers=headers) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(CHUNK):
            total += len(chunk)
    return total, time.perf_counter() - started


def sign_in(client: httpx.Client, portal: str, username: str) -> None:
    """Sign in through the login form (CSRF cookie + token)."""
    page = client.get(f"{portal}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    answer = client.post(
        f"{portal}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": "agiler-demo",
        },
        headers={"Referer": f"{portal}/accounts/login/"},
    )
    if answer.status_code != 302:
        raise SystemExit(f"sign-in failed: {answer.status_code}")


def demo_portal(workdir: Path, sandbox_url: str) -> dict[str, str]:
    """The environment of a demo portal on a SQLite file in ``workdir``, pointed at the sandbox,
    its database migrated and the demo users seeded."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite3'}",
        "AGILER_API_URL": sandbox_url,
        "PORTAL_DEMO_KEY_FILE": str(workdir / "portal-keys"),
    }
    env.pop("PORTAL_TOKEN_KEYS", None)
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G", help="dump size, e.g. 1G, 256M (default 1G)")
    args = parser.parse_args()
    size = parse_size(args.size)

    workdir = Path(tempfile.mkdtemp(prefix="bench-relay-"))
    sandbox_port, portal_port = free_port(), free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}/v1"
    portal_url = f"http://127.0.0.1:{portal_port}"
    env = demo_portal(workdir, sandbox_url)
    python = sys.executable
    sandbox = subprocess.Popen(
        [python, "-m", "agiler_sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port),
         "--dump-size", str(size)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    portal = subprocess.Popen(
        [python, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{portal_port}", "--workers", "1", "--threads", "4",
         "--timeout", "600", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{sandbox_port}/status", sandbox)
        wait_for(f"{portal_url}/healthz", portal)
        with httpx.Client(timeout=600, follow_redirects=False) as http:
            project = http.get(f"{sandbox_url}/projects?limit=1", headers=OWNER).json()[0]["id"]
            backups = http.get(f"{sandbox_url}/projects/{project}/backups", headers=OWNER).json()
            backup = next(b["id"] for b in backups if b["status"] == "done")
            direct_url = f"{sandbox_url}/projects/{project}/backups/{backup}/database"
            relay_url = f"{portal_url}/projects/{project}/backups/{backup}/database/"
            sign_in(http, portal_url, "operator")
            # Warm-up: the sandbox builds its repeating block, the worker imports the views.
            with http.stream("GET", direct_url, headers=OWNER) as warm:
                next(warm.iter_bytes(CHUNK))
            with http.stream("GET", relay_url) as warm:
                next(warm.iter_bytes(CHUNK))

            direct_bytes, direct_s = timed_stream(http, direct_url, OWNER)
            worker = worker_pid(portal.pid)
            rss_before = status_kib(worker, "VmRSS")
            sampler = RssSampler(worker)
            sampler.start()
            relay_bytes, relay_s = timed_stream(http, relay_url, {})
            sampler.stop.set()
            sampler.join()
            hwm = status_kib(worker, "VmHWM")
    finally:
        for process in (portal, sandbox):
            process.terminate()
        for process in (portal, sandbox):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    if direct_bytes != size or relay_bytes != size:
        raise SystemExit(f"incomplete download: direct {direct_bytes}, relay {relay_bytes}")
    print(
        f"Dump: {size / MiB:.0f} MiB; sandbox and portal (gunicorn, 1 gthread worker) as separate "
        f"processes on 127.0.0.1; relay chunk {CHUNK // 1024} KiB\n"
    )
    print("| path | MiB | seconds | MiB/s | server RSS before → peak (MiB) |")
    print("|---|---:|---:|---:|---:|")
    direct_rate = size / MiB / direct_s
    print(f"| sandbox directly | {size / MiB:.0f} | {direct_s:.2f} | {direct_rate:.1f} | — |")
    print(
        f"| through the portal | {size / MiB:.0f} | {relay_s:.2f} | {size / MiB / relay_s:.1f} | "
        f"{rss_before / 1024:.1f} → {sampler.peak / 1024:.1f} (VmHWM {hwm / 1024:.1f}) |"
    )
    print(
        f"\nPortal/direct throughput: {direct_s / relay_s:.2f}; worker RSS grew "
        f"{(sampler.peak - rss_before) / 1024:.1f} MiB while relaying {size / MiB:.0f} MiB."
    )


if __name__ == "__main__":
    main()
