"""``python -m agiler_sandbox`` and ``manage.py runsandbox`` serve over real HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from agiler_sandbox.cli import parse_size

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never came up")


@pytest.mark.parametrize("entry", [["-m", "agiler_sandbox"], ["manage.py", "runsandbox"]])
def test_cli_serves_with_flags_and_prints_tokens(entry: list[str], tmp_path: Path) -> None:
    port = _free_port()
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps([{"operation": "list_regions", "status": 503, "times": 1}]))
    proc = subprocess.Popen(
        [
            sys.executable,
            *entry,
            "--port",
            str(port),
            "--seed",
            "2",
            "--faults",
            str(faults),
            "--token",
            "ak_cli=projects:read",
            "--dump-size",
            "1M",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/status")
        base = f"http://127.0.0.1:{port}/v1"
        cli_token = {"Authorization": "Bearer ak_cli"}
        assert httpx.get(f"{base}/regions", headers=cli_token).status_code == 503
        assert httpx.get(f"{base}/projects", headers=cli_token).status_code == 200
        assert httpx.get(f"{base}/users/me/billing", headers=cli_token).status_code == 403
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert "ak_sandbox_owner" in output and "ak_cli" in output


def test_parse_size_understands_units() -> None:
    assert parse_size("1G") == 1024**3
    assert parse_size("512M") == 512 * 1024**2
    assert parse_size("64KiB") == 65536
    assert parse_size("100") == 100
