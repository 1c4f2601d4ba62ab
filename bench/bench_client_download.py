"""Benchmark: stream a backup dump through AgilerClient vs. a plain httpx stream.

Starts the sandbox in a separate process (so its allocations and CPU do not pollute the client's
numbers) over real HTTP on 127.0.0.1 with ``dump_size`` bytes per dump, downloads the
same dump through ``client.download_backup_database(...).iter_bytes()`` and through a bare
``httpx.Client.stream`` in the same run, and prints a Markdown table with throughput (MiB/s) and
peak Python memory (tracemalloc) of each, plus the client/baseline ratio.

    .venv/bin/python bench/bench_client_download.py            # 1 GiB
    .venv/bin/python bench/bench_client_download.py --size 256M
"""

from __future__ import annotations

import argparse
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from portal.agiler import AgilerClient, close_all  # noqa: E402

MiB = 1024 * 1024
CHUNK = 64 * 1024
TOKEN = "ak_sandbox_owner"


def parse_size(text: str) -> int:
    """Parse 1G / 256M / 1048576 into bytes."""
    units = {"K": 1024, "M": MiB, "G": 1024 * MiB}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def wait_ready(url: str, timeout: float = 30.0) -> None:
    """Poll the sandbox's /status until it answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"sandbox did not start at {url}")


def measure(name: str, stream: Callable[[], Iterator[bytes]]) -> dict[str, float | str]:
    """Consume ``stream()`` and return bytes, seconds, MiB/s and the tracemalloc peak."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    total = 0
    for chunk in stream():
        total += len(chunk)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "name": name,
        "bytes": total,
        "seconds": elapsed,
        "mib_s": total / MiB / elapsed,
        "peak_mib": peak / MiB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G", help="dump size, e.g. 1G, 256M (default 1G)")
    parser.add_argument("--rounds", type=int, default=2, help="runs per path (best is kept)")
    args = parser.parse_args()
    size = parse_size(args.size)

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agiler_sandbox",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dump-size",
            str(size),
        ],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_ready(f"http://127.0.0.1:{port}/status")
        client = AgilerClient(base_url=base_url, token=TOKEN)
        project = client.list_projects().items[0].id
        backup = client.list_backups(project).items[0].id
        url = f"{base_url}/projects/{project}/backups/{backup}/database"
        # Warm-up: the sandbox builds its repeating dump chunk on first use.
        with client.download_backup_database(project, backup) as warm:
            next(iter(warm.iter_bytes(CHUNK)))

        def through_client() -> Iterator[bytes]:
            with client.download_backup_database(project, backup) as download:
                yield from download.iter_bytes(CHUNK)

        def baseline() -> Iterator[bytes]:
            with (
                httpx.Client(timeout=30) as http,
                http.stream(
                    "GET",
                    url,
                    headers={"Authorization": f"Bearer {TOKEN}", "Accept-Encoding": "identity"},
                ) as response,
            ):
                response.raise_for_status()
                yield from response.iter_bytes(CHUNK)

        results = [
            measure("plain httpx stream", baseline),
            measure("AgilerClient.iter_bytes", through_client),
        ]
    finally:
        close_all()
        server.terminate()
        server.wait(timeout=10)

    base, ours = results
    print(
        f"Dump size: {size / MiB:.0f} MiB, chunk {CHUNK // 1024} KiB, sandbox in another "
        f"process over 127.0.0.1, best of {args.rounds} runs each\n"
    )
    print("| path | MiB | seconds | MiB/s | peak Python memory (MiB) |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['name']} | {float(r['bytes']) / MiB:.0f} | {float(r['seconds']):.2f} | "
            f"{float(r['mib_s']):.1f} | {float(r['peak_mib']):.2f} |"
        )
    ratio = float(ours["mib_s"]) / float(base["mib_s"])
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"\nThroughput ratio client/baseline: {ratio:.2f}; "
        f"peak RSS of the whole benchmark process: {peak_rss:.0f} MiB"
    )
    if ours["bytes"] != size or base["bytes"] != size:
        raise SystemExit("a download was incomplete")


if __name__ == "__main__":
    main()
