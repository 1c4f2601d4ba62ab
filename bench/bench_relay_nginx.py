"""Benchmark: a backup dump fetched with curl through nginx → portal, against nginx's own relay
of the same download from the sandbox, in one run (issue 14, relay).

The sandbox serves a dump of ``--size`` (1 GiB by default); `curl` (not a Python client, which
would measure itself) fetches it three ways, alternating, best of ``--runs``:
  1. straight from the sandbox (plain HTTP): the ceiling;
  2. through nginx (TLS) straight to the sandbox, with the download location's directives of
     deploy/nginx/portal.conf.template (proxy_buffering off, 256k buffers): nginx's own relay;
  3. through nginx (TLS, the deployment template itself) → one portal process (scripts/prod.sh
     serve) → sandbox: the shipped path, signed in as an admin.
CPU seconds per GiB of the portal process tree and of nginx (from /proc) and the portal
worker's RSS before and after show what each hop costs.

    .venv/bin/python bench/bench_relay_nginx.py [--size 1G] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import _stack

TICKS = os.sysconf("SC_CLK_TCK")

SANDBOX_NGINX = """
daemon off;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    access_log off;
    upstream sandbox {{ server 127.0.0.1:{sandbox}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {prefix}/../nginx/tls.crt;
        ssl_certificate_key {prefix}/../nginx/tls.key;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location / {{
            proxy_pass http://sandbox;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_buffer_size 256k;
            proxy_buffers 4 256k;
            proxy_busy_buffers_size 256k;
            proxy_max_temp_file_size 0;
        }}
    }}
}}
"""


def cpu_seconds(root: int) -> float:
    """User + system CPU of ``root`` and all its descendants (from /proc)."""
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
    return sum(times.get(pid, 0) for pid in tree) / TICKS


def rss_mib(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(values["VmRSS"].split()[0]) / 1024, int(values["VmHWM"].split()[0]) / 1024


def worker_of(master: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                return int(entry.name)
    raise RuntimeError("no gunicorn worker")


def curl(url: str, headers: dict[str, str]) -> tuple[int, float]:
    command = ["curl", "-sS", "-k", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    t0 = time.perf_counter()
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - t0
    status, size = out.split()
    assert status == "200", (url, status)
    return int(size), seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1G")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    stack = _stack.Stack.start(dump_size=args.size)
    try:
        (port,) = stack.start_portals(1)
        cookie = stack.session_cookie("bench", "admin", "ak_sandbox_owner")
        portal_nginx = stack.start_nginx()
        bearer = {"Authorization": "Bearer ak_sandbox_owner"}
        api = f"http://127.0.0.1:{stack.sandbox_port}/v1"

        def get(path: str) -> dict:  # type: ignore[type-arg]
            request = urllib.request.Request(api + path, headers=bearer)
            with urllib.request.urlopen(request) as response:
                return json.load(response)  # type: ignore[no-any-return]

        project = get("/projects?limit=1")[0]["id"]
        backups = get(f"/projects/{project}/backups?limit=20")
        backup = next(b["id"] for b in backups if b["status"] == "done")
        sandbox_path = f"/v1/projects/{project}/backups/{backup}/database"

        prefix = stack.workdir / "nginx-sandbox"
        prefix.mkdir()
        relay_port = _stack.free_port()
        (prefix / "nginx.conf").write_text(
            SANDBOX_NGINX.format(prefix=prefix, sandbox=stack.sandbox_port, port=relay_port)
        )
        sandbox_nginx = stack._spawn(
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], "nginx-sandbox"
        )
        time.sleep(0.5)
        assert sandbox_nginx.poll() is None, (stack.workdir / "nginx-sandbox.log").read_text()
        assert stack.nginx is not None
        portal_master = next(p for p in stack.processes if "serve" in p.args).pid
        worker = worker_of(portal_master)

        paths = {
            "sandbox directly (curl, HTTP)": (api.rsplit("/v1", 1)[0] + sandbox_path, bearer),
            "nginx → sandbox (TLS, nginx relays)": (
                f"https://127.0.0.1:{relay_port}{sandbox_path}",
                bearer,
            ),
            "nginx → portal → sandbox (TLS, shipped path)": (
                f"https://127.0.0.1:{portal_nginx}/projects/{project}/backups/{backup}/database/",
                {"Cookie": cookie},
            ),
        }
        results: dict[str, dict[str, float]] = {}
        rss_before = rss_mib(worker)
        for _ in range(args.runs):
            for label, (url, headers) in paths.items():
                nginx_pid = sandbox_nginx.pid if "nginx → sandbox" in label else stack.nginx.pid
                cpu0 = (cpu_seconds(portal_master), cpu_seconds(nginx_pid))
                size, seconds = curl(url, headers)
                cpu1 = (cpu_seconds(portal_master), cpu_seconds(nginx_pid))
                gib = size / 1024**3
                row = {
                    "mib_s": size / 1024**2 / seconds,
                    "size": size,
                    "portal_cpu": (cpu1[0] - cpu0[0]) / gib,
                    "nginx_cpu": (cpu1[1] - cpu0[1]) / gib if "nginx" in label else 0.0,
                }
                if label not in results or row["mib_s"] > results[label]["mib_s"]:
                    results[label] = row
        rss_after = rss_mib(worker)
    finally:
        stack.close()
    nginx_relay = results["nginx → sandbox (TLS, nginx relays)"]
    size = next(iter(results.values()))["size"]
    print(f"Relay of a {size / 1024**2:,.0f} MiB dump with curl, best of {args.runs}\n")
    print("| path | MiB/s | × nginx → sandbox | portal CPU-s/GiB | nginx CPU-s/GiB |")
    print("|---|---:|---:|---:|---:|")
    for label, row in results.items():
        portal_cpu = f"{row['portal_cpu']:.2f}" if "portal" in label else "—"
        nginx_cpu = f"{row['nginx_cpu']:.2f}" if "nginx" in label else "—"
        print(
            f"| {label} | {row['mib_s']:,.0f} | {row['mib_s'] / nginx_relay['mib_s']:.2f}× "
            f"| {portal_cpu} | {nginx_cpu} |"
        )
    print(
        f"\nPortal worker RSS {rss_before[0]:.1f} MiB before, {rss_after[0]:.1f} MiB after "
        f"(peak {rss_after[1]:.1f} MiB) over {args.runs} relayed downloads."
    )


if __name__ == "__main__":
    main()
