"""Benchmark: a backup dump fetched with curl through nginx, the portal's two ways against
nginx's own relay of the same download, in one run (issue 14, relay).

The sandbox serves a dump of ``--size`` (1 GiB by default); `curl` (not a Python client, which
would measure itself) fetches it over TLS these ways, in rotating order, ``--rounds`` times:
  0. straight from the sandbox (plain HTTP): the ceiling, for reference;
  1. nginx → sandbox, with the download location's directives of
     deploy/nginx/portal.conf.template (proxy_buffering off, 256k buffers): nginx's own relay,
     the baseline;
  2. nginx → portal, hand-off: the deployment template in front of a portal process with
     ``PORTAL_RELAY_VIA_PROXY`` on (scripts/prod.sh serve): the portal asks Agiler, then
     answers X-Accel-Redirect and nginx fetches and sends the bytes itself;
  3. nginx → portal, Python relay: the same template in front of a second portal process with
     the setting off: the portal relays the bytes.
Each is signed in as an operator. Per path: MiB/s (median and best round), its ratio to the baseline
(median of the per-round ratios, each against the baseline of the same round), CPU seconds per
GiB of the portal process tree, of that nginx and of the sandbox (from /proc, median), and the
portal worker's RSS before and after. The load average is printed: the machine is shared.

    .venv/bin/python bench/bench_relay_nginx.py [--size 1G] [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

import _stack

BASELINE = "nginx → sandbox (nginx's own relay)"
HANDOFF = "nginx → portal, hand-off (X-Accel-Redirect)"
PYTHON = "nginx → portal, Python relay"
DIRECT = "sandbox directly (plain HTTP, reference)"

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
        ssl_certificate {tls}/tls.crt;
        ssl_certificate_key {tls}/tls.key;
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


def rss_mib(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(values["VmRSS"].split()[0]) / 1024, int(values["VmHWM"].split()[0]) / 1024


def worker_of(master: int) -> int:
    """The gunicorn worker under ``master`` (bash → gunicorn master → worker)."""
    frontier = [master]
    while frontier:
        pid = frontier.pop()
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    children.append(int(entry.name))
        if not children and pid != master:
            return pid
        frontier.extend(children)
    raise RuntimeError("no gunicorn worker")


def curl(url: str, headers: dict[str, str]) -> tuple[int, float, dict[str, str]]:
    """Fetch ``url`` to /dev/null: bytes, seconds, and the response headers (lower-case)."""
    command = ["curl", "-sS", "-k", "-o", "/dev/null", "-D", "-", "-w", "%{size_download}\n"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    t0 = time.perf_counter()
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - t0
    lines = out.strip().splitlines()
    status = lines[0].split()[1]
    assert status == "200", (url, lines)
    received = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:-1])
        if value
    }
    return int(lines[-1]), seconds, received


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1G")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    stack = _stack.Stack.start(dump_size=args.size)
    try:
        (handoff_port,) = stack.start_portals(1, env={"PORTAL_RELAY_VIA_PROXY": "true"})
        python_port = stack.start_portals(1, env={"PORTAL_RELAY_VIA_PROXY": "false"})[-1]
        portal_pids = [p.pid for p in stack.processes if "serve" in p.args]
        masters = {HANDOFF: portal_pids[0], PYTHON: portal_pids[1]}
        handoff_nginx_port, handoff_nginx = stack.spawn_nginx([handoff_port], "nginx-handoff")
        python_nginx_port, python_nginx = stack.spawn_nginx([python_port], "nginx-python")
        # An operator: an admin would first be sent to set up two-factor sign-in.
        cookie = stack.session_cookie("bench", "operator", "ak_sandbox_owner")
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
        portal_path = f"/projects/{project}/backups/{backup}/database/"

        prefix = stack.workdir / "nginx-sandbox"
        prefix.mkdir()
        relay_port = _stack.free_port()
        (prefix / "nginx.conf").write_text(
            SANDBOX_NGINX.format(
                prefix=prefix,
                sandbox=stack.sandbox_port,
                port=relay_port,
                tls=stack.workdir / "nginx-handoff",
            )
        )
        sandbox_nginx = stack._spawn(
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], "nginx-sandbox"
        )
        time.sleep(0.5)
        assert sandbox_nginx.poll() is None, (stack.workdir / "nginx-sandbox.log").read_text()
        sandbox_pid = next(p for p in stack.processes if "agiler_sandbox" in p.args).pid
        workers = {label: worker_of(pid) for label, pid in masters.items()}

        # label → (url, headers, nginx pid or None, portal master pid or None)
        paths = {
            DIRECT: (api.rsplit("/v1", 1)[0] + sandbox_path, bearer, None, None),
            BASELINE: (
                f"https://127.0.0.1:{relay_port}{sandbox_path}",
                bearer,
                sandbox_nginx.pid,
                None,
            ),
            HANDOFF: (
                f"https://127.0.0.1:{handoff_nginx_port}{portal_path}",
                {"Cookie": cookie},
                handoff_nginx.pid,
                masters[HANDOFF],
            ),
            PYTHON: (
                f"https://127.0.0.1:{python_nginx_port}{portal_path}",
                {"Cookie": cookie},
                python_nginx.pid,
                masters[PYTHON],
            ),
        }
        # The hand-off really is one (nginx sent it), the Python relay really is not.
        _, _, seen = curl(paths[HANDOFF][0], paths[HANDOFF][1])
        assert "x-agiler-authorization" not in seen and "x-accel-redirect" not in seen, seen
        rss_before = {label: rss_mib(pid) for label, pid in workers.items()}
        rows: dict[str, list[dict[str, float]]] = {label: [] for label in paths}
        labels = list(paths)
        for round_ in range(args.rounds):
            order = labels[round_ % len(labels) :] + labels[: round_ % len(labels)]
            for label in order:
                url, headers, nginx_pid, portal_pid = paths[label]
                before = (
                    _stack.cpu_seconds_of_tree(portal_pid) if portal_pid else 0.0,
                    _stack.cpu_seconds_of_tree(nginx_pid) if nginx_pid else 0.0,
                    _stack.cpu_seconds_of_tree(sandbox_pid),
                )
                size, seconds, _ = curl(url, headers)
                after = (
                    _stack.cpu_seconds_of_tree(portal_pid) if portal_pid else 0.0,
                    _stack.cpu_seconds_of_tree(nginx_pid) if nginx_pid else 0.0,
                    _stack.cpu_seconds_of_tree(sandbox_pid),
                )
                gib = size / 1024**3
                rows[label].append(
                    {
                        "mib_s": size / 1024**2 / seconds,
                        "size": size,
                        "portal_cpu": (after[0] - before[0]) / gib,
                        "nginx_cpu": (after[1] - before[1]) / gib,
                        "sandbox_cpu": (after[2] - before[2]) / gib,
                    }
                )
        rss_after = {label: rss_mib(pid) for label, pid in workers.items()}
    finally:
        stack.close()
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    sizes = {row["size"] for runs in rows.values() for row in runs}
    assert len(sizes) == 1, sizes
    size = sizes.pop()
    print(
        f"Relay of a {size / 1024**2:,.0f} MiB dump with curl over TLS, {args.rounds} rounds "
        f"in rotating order; load average {' '.join(load_before)} before, "
        f"{' '.join(load_after)} after, {os.cpu_count()} cores\n"
    )
    print(
        "| path | MiB/s, median (best) | × nginx → sandbox, median | per round "
        "| portal CPU-s/GiB | nginx CPU-s/GiB | sandbox CPU-s/GiB |"
    )
    print("|---|---:|---:|---|---:|---:|---:|")
    baseline = rows[BASELINE]

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    for label, runs in rows.items():
        ratios = [run["mib_s"] / base["mib_s"] for run, base in zip(runs, baseline, strict=True)]
        portal_cpu = f"{median(runs, 'portal_cpu'):.2f}" if "portal" in label else "—"
        nginx_cpu = f"{median(runs, 'nginx_cpu'):.2f}" if "nginx" in label else "—"
        print(
            f"| {label} | {median(runs, 'mib_s'):,.0f} ({max(r['mib_s'] for r in runs):,.0f}) "
            f"| {statistics.median(ratios):.2f}× "
            f"| {', '.join(f'{ratio:.2f}' for ratio in ratios)} "
            f"| {portal_cpu} | {nginx_cpu} | {median(runs, 'sandbox_cpu'):.2f} |"
        )
    print("\n(Ratios per round against that round's baseline; CPU from /proc, median of rounds.)")
    for label in (HANDOFF, PYTHON):
        before, after = rss_before[label], rss_after[label]
        print(
            f"{label}: portal worker RSS {before[0]:.1f} MiB before, {after[0]:.1f} MiB after "
            f"(peak {after[1]:.1f} MiB) over {args.rounds + (label == HANDOFF)} downloads."
        )


if __name__ == "__main__":
    main()
