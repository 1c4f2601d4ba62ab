"""The real-HTTP server: kept-alive connections stay fast and tests can stop it quickly."""

from __future__ import annotations

import socket
import statistics
import time

import httpx

from agiler_sandbox import create_app
from agiler_sandbox.server import start_in_thread


def test_requests_on_a_kept_alive_connection_do_not_stall(server) -> None:
    # Without TCP_NODELAY each answer waited for the client's delayed ACK: ~40 ms a request.
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": "Bearer ak_sandbox_owner"}
    ) as client:
        client.get("/regions")
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            assert client.get("/regions").status_code == 200
            timings.append(time.perf_counter() - started)
        writes = []
        for i in range(5):
            started = time.perf_counter()
            created = client.post("/workspaces", json={"name": f"keep-alive {i}"})
            assert created.status_code == 201
            writes.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.02, timings
    assert statistics.median(writes) < 0.02, writes


def test_accepted_sockets_have_nagle_disabled() -> None:
    # Streamed bodies (downloads) are still written after their headers: without TCP_NODELAY
    # the first chunk would wait for the client's delayed ACK.
    srv = start_in_thread(create_app(), host="127.0.0.1", port=0)
    try:
        with socket.create_connection((srv.host, srv.port)) as sock:
            sock.sendall(b"GET /status HTTP/1.1\r\nHost: sandbox\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            (accepted,) = list(srv.server._conns)
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        srv.stop()


def test_stop_is_fast() -> None:
    # serve_forever's default 0.5 s poll made every stop() (one per test module) wait ~0.5 s.
    srv = start_in_thread(create_app(), host="127.0.0.1", port=0)
    httpx.get(f"{srv.root_url}/status", timeout=5)
    started = time.perf_counter()
    srv.stop()
    assert time.perf_counter() - started < 0.2
    assert not srv.thread.is_alive()
