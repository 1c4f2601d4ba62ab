"""Benchmark: a 1 GiB file uploaded and downloaded through the portal vs straight to the sandbox.

One run starts, as separate processes on 127.0.0.1: the sandbox (``--max-upload`` raised), the
portal under gunicorn (1 gthread worker) with a throw-away SQLite database seeded with the demo
users, and nginx with a minimal reverse-proxy config written here (two servers: one in front of
the portal, one in front of the sandbox; request and response buffering off, no body size limit,
HTTP/1.1 upstream). curl moves the bytes (a Python client is slower than every path measured and
would hide the difference), each way, over four paths:

* ``nginx → sandbox``    (the baseline: nginx's own relay)
* ``nginx → portal → sandbox``
* ``sandbox``            (curl straight to it)
* ``portal → sandbox``   (curl straight to gunicorn)

For each transfer it records curl's wall time and rate, the CPU seconds every server process used
(from /proc: utime + stime of nginx's master and worker, the gunicorn worker, the sandbox), and
the gunicorn worker's RSS before and at its peak (sampled every 20 ms). Each measurement is
repeated ``--rounds`` times; the median round is reported.

Upload through the portal is the page's own request: a raw POST of the file's bytes to
``/projects/<p>/file/upload/<folder>?name=…&replace=1`` with the session cookie and CSRF token,
which the portal streams into ``PUT …/files/<path>``; straight to the sandbox it is that PUT.

    .venv/bin/python bench/bench_files_transfer.py              # 1 GiB, 3 rounds
    .venv/bin/python bench/bench_files_transfer.py --size 256M --rounds 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from bench_backup_relay import (
    MiB,
    RssSampler,
    demo_portal,
    free_port,
    parse_size,
    sign_in,
    status_kib,
    wait_for,
    worker_pid,
)

ROOT = Path(__file__).resolve().parent.parent
OWNER = "Bearer ak_sandbox_owner"
FOLDER = "bench"
NAME = "big file ü.bin"
TICK = os.sysconf("SC_CLK_TCK")

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {work}/body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
  client_max_body_size 0;
  proxy_http_version 1.1;
  proxy_request_buffering off;
  proxy_buffering off;
  proxy_read_timeout 600s;
  proxy_send_timeout 600s;
  server {{
    listen 127.0.0.1:{front_portal};
    location / {{
      proxy_pass http://127.0.0.1:{portal};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
  }}
  server {{
    listen 127.0.0.1:{front_sandbox};
    location / {{
      proxy_pass http://127.0.0.1:{sandbox};
      proxy_set_header Host $http_host;
    }}
  }}
}}
"""


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of ``pids`` (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@dataclass
class Result:
    path: str
    direction: str
    seconds: float
    nbytes: int
    cpu: dict[str, float]
    rss_before: float = 0.0
    rss_peak: float = 0.0

    @property
    def rate(self) -> float:
        return self.nbytes / MiB / self.seconds

    def cpu_per_gib(self, name: str) -> float:
        return self.cpu.get(name, 0.0) / (self.nbytes / (1024 * MiB))

    @property
    def total_cpu_per_gib(self) -> float:
        return sum(self.cpu.values()) / (self.nbytes / (1024 * MiB))


def curl(args: list[str]) -> tuple[float, int, int]:
    """Run curl; (seconds, bytes moved, HTTP status)."""
    out = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-H", "Expect:", "-w",
         "%{time_total} %{size_upload} %{size_download} %{http_code}", *args],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    seconds, up, down, status = float(out[0]), int(float(out[1])), int(float(out[2])), int(out[3])
    return seconds, max(up, down), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G", help="file size, e.g. 1G, 256M (default 1G)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = parse_size(args.size)
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")

    work = Path(tempfile.mkdtemp(prefix="bench-files-"))
    source = work / "source.bin"
    block = os.urandom(MiB)
    with source.open("wb") as out:
        for _ in range(size // MiB):
            out.write(block)
        out.write(block[: size % MiB])
    ports = {name: free_port() for name in ("sandbox", "portal", "front_portal", "front_sandbox")}
    sandbox_url = f"http://127.0.0.1:{ports['sandbox']}/v1"
    env = demo_portal(work, sandbox_url)
    python = sys.executable
    (work / "nginx.conf").write_text(NGINX_CONF.format(work=work, **ports))
    sandbox = subprocess.Popen(
        [python, "-m", "agiler_sandbox", "--host", "127.0.0.1", "--port", str(ports["sandbox"]),
         "--max-upload", str(size + MiB)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    portal = subprocess.Popen(
        [python, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{ports['portal']}", "--workers", "1", "--threads", "4",
         "--timeout", "600", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    nginx = subprocess.Popen(
        ["nginx", "-e", str(work / "nginx-error.log"), "-p", str(work), "-c",
         str(work / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results: list[Result] = []
    try:
        wait_for(f"{sandbox_url.removesuffix('/v1')}/status", sandbox)
        wait_for(f"http://127.0.0.1:{ports['portal']}/healthz", portal)
        wait_for(f"http://127.0.0.1:{ports['front_sandbox']}/status", nginx)
        with httpx.Client(timeout=60) as http:
            project = http.get(
                f"{sandbox_url}/projects?limit=1", headers={"Authorization": OWNER}
            ).json()[0]["id"]
            sign_in(http, f"http://127.0.0.1:{ports['portal']}", "operator")
            session = http.cookies["sessionid"]
            csrf = http.cookies["csrftoken"]
        worker = worker_pid(portal.pid)
        nginx_pids = [nginx.pid, *children(nginx.pid)]
        processes = {"nginx": nginx_pids, "portal": [worker], "sandbox": [sandbox.pid]}
        file_path = f"{FOLDER}/{quote(NAME, safe='')}"
        portal_headers = ["-H", f"Cookie: sessionid={session}; csrftoken={csrf}"]
        upload_query = f"?name={quote(NAME, safe='')}&replace=1"

        def targets(base_sandbox: str, base_portal: str) -> dict[str, dict[str, list[str]]]:
            return {
                "sandbox": {
                    "up": ["-X", "PUT", "-T", str(source), "-H", f"Authorization: {OWNER}",
                           "-H", "Content-Type: application/octet-stream",
                           f"{base_sandbox}/v1/projects/{project}/files/{file_path}"],
                    "down": ["-H", f"Authorization: {OWNER}",
                             f"{base_sandbox}/v1/projects/{project}/files/{file_path}"],
                },
                "portal": {
                    "up": ["-X", "POST", "-T", str(source), *portal_headers,
                           "-H", f"X-CSRFToken: {csrf}",
                           "-H", "Content-Type: application/octet-stream",
                           f"{base_portal}/projects/{project}/file/upload/{FOLDER}{upload_query}"],
                    "down": [*portal_headers,
                             f"{base_portal}/projects/{project}/file/download/{file_path}"],
                },
            }  # fmt: skip

        front = targets(
            f"http://127.0.0.1:{ports['front_sandbox']}",
            f"http://127.0.0.1:{ports['front_portal']}",
        )
        straight = targets(
            f"http://127.0.0.1:{ports['sandbox']}", f"http://127.0.0.1:{ports['portal']}"
        )
        paths = {
            "nginx → sandbox": (front["sandbox"], ["nginx", "sandbox"]),
            "nginx → portal → sandbox": (front["portal"], ["nginx", "portal", "sandbox"]),
            "sandbox": (straight["sandbox"], ["sandbox"]),
            "portal → sandbox": (straight["portal"], ["portal", "sandbox"]),
        }
        # Warm-up: a first upload creates the file, the worker imports its views.
        curl(straight["sandbox"]["up"])
        curl(["-r", "0-1023", *straight["portal"]["down"]])
        for _ in range(args.rounds):
            for name, (commands, involved) in paths.items():
                for direction in ("up", "down"):
                    pids = [p for key in involved for p in processes[key]]
                    cpu_before = {key: cpu_seconds(processes[key]) for key in involved}
                    rss_before = status_kib(worker, "VmRSS")
                    sampler = RssSampler(worker)
                    sampler.start()
                    seconds, moved, status = curl(commands[direction])
                    sampler.stop.set()
                    sampler.join()
                    if status not in (200, 201) or moved != size:
                        raise SystemExit(f"{name} {direction}: HTTP {status}, {moved} bytes")
                    del pids
                    results.append(
                        Result(
                            name, direction, seconds, moved,
                            {k: cpu_seconds(processes[k]) - v for k, v in cpu_before.items()},
                            rss_before / 1024, max(sampler.peak, rss_before) / 1024,
                        )
                    )  # fmt: skip
        hwm = status_kib(worker, "VmHWM") / 1024
    finally:
        for process in (nginx, portal, sandbox):
            process.terminate()
        for process in (nginx, portal, sandbox):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)

    report(results, size, args.rounds, hwm)


def median_result(results: list[Result], path: str, direction: str) -> Result:
    runs = sorted(
        (r for r in results if r.path == path and r.direction == direction), key=lambda r: r.seconds
    )
    return runs[len(runs) // 2]


def report(results: list[Result], size: int, rounds: int, hwm: float) -> None:
    print(
        f"File: {size / MiB:.0f} MiB; curl on 127.0.0.1; median of {rounds} round(s); gunicorn "
        "1 gthread worker; nginx 1 worker, buffering off.\n"
    )
    print(
        "| path | way | seconds | MiB/s | CPU s/GiB nginx | portal | sandbox | total "
        "| portal RSS before → peak (MiB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    paths = ["nginx → sandbox", "nginx → portal → sandbox", "sandbox", "portal → sandbox"]
    for direction in ("up", "down"):
        for path in paths:
            r = median_result(results, path, direction)
            rss = f"{r.rss_before:.1f} → {r.rss_peak:.1f}" if "portal" in path else "—"
            cells = [
                f"{r.cpu_per_gib(k):.2f}" if k in r.cpu else "—"
                for k in ("nginx", "portal", "sandbox")
            ]
            print(
                f"| {path} | {direction} | {r.seconds:.2f} | {r.rate:.1f} | "
                f"{' | '.join(cells)} | {r.total_cpu_per_gib:.2f} | {rss} |"
            )
    print()
    for direction in ("up", "down"):
        base = median_result(results, "nginx → sandbox", direction)
        ours = median_result(results, "nginx → portal → sandbox", direction)
        bare = median_result(results, "sandbox", direction)
        mine = median_result(results, "portal → sandbox", direction)
        extra_cpu = ours.total_cpu_per_gib / base.total_cpu_per_gib
        growth = max(ours.rss_peak - ours.rss_before, mine.rss_peak - mine.rss_before)
        print(
            f"- {direction}: through nginx, portal/baseline throughput "
            f"{ours.rate / base.rate:.2f}×, server CPU per GiB {extra_cpu:.2f}× "
            f"(portal alone {ours.cpu_per_gib('portal'):.2f} s/GiB vs nginx's "
            f"{base.cpu_per_gib('nginx'):.2f}); without nginx {mine.rate / bare.rate:.2f}×; "
            f"worker RSS growth {growth:.1f} MiB"
        )
    print(f"- gunicorn worker VmHWM at the end: {hwm:.1f} MiB")


if __name__ == "__main__":
    main()
