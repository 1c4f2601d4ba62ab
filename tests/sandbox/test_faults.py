"""Fault injection: every kind, over real HTTP and through the control endpoint."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from agiler_sandbox import FaultRule, create_app
from agiler_sandbox.faults import load_faults
from agiler_sandbox.http import ConnectionDropped

from .conftest import assert_error


@pytest.fixture(autouse=True)
def _no_leftover_faults(app):
    app.faults.clear()
    yield
    app.faults.clear()


def test_status_fault_answers_error_response_then_expires(app, owner) -> None:
    app.faults.add(FaultRule(operation="list_regions", status=503, times=1))
    assert_error(owner.get("/regions"), 503, "unavailable")
    assert owner.get("/regions").status_code == 200


def test_429_fault_carries_retry_after(app, owner) -> None:
    app.faults.add(FaultRule(path=r"/runtimes$", status=429, retry_after=7, times=1))
    response = owner.get("/runtimes")
    assert_error(response, 429, "rate_limited")
    assert response.headers["retry-after"] == "7"


def test_method_filter(app, owner) -> None:
    app.faults.add(FaultRule(path="/workspaces", method="post", status=500))
    assert owner.get("/workspaces").status_code == 200
    assert_error(owner.post("/workspaces", json={"name": "x"}), 500, "internal")


def test_latency_fault_delays_the_answer(app, owner) -> None:
    app.faults.add(FaultRule(operation="get_me", latency_ms=300, times=1))
    started = time.monotonic()
    assert owner.get("/users/me").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_connection_closes_without_a_response(app, owner) -> None:
    app.faults.add(FaultRule(operation="get_me", drop_connection=True, times=1))
    with pytest.raises(httpx.RemoteProtocolError):
        owner.get("/users/me")
    assert owner.get("/users/me").status_code == 200


def test_drop_connection_in_process_raises_a_builtin_connection_error() -> None:
    # In-process there is no socket to close; a builtin ConnectionError lets clients treat it as
    # the lost connection it simulates without importing sandbox classes.
    app = create_app(faults=[FaultRule(operation="list_regions", drop_connection=True)])
    client = httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url="http://sb/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    with pytest.raises(ConnectionError) as caught:
        client.get("/regions")
    assert isinstance(caught.value, ConnectionDropped)


def test_agiler_client_retries_an_in_process_dropped_connection_on_a_get() -> None:
    from portal.agiler import AgilerClient, close_all

    app = create_app(faults=[FaultRule(operation="get_me", drop_connection=True, times=1)])
    sleeps: list[float] = []
    client = AgilerClient(
        base_url="http://sb/v1",
        token="ak_sandbox_owner",
        transport=httpx.WSGITransport(app=app),
        sleep=sleeps.append,
    )
    try:
        assert client.get_me().email
    finally:
        close_all()
    assert len(sleeps) == 1  # one retry after the dropped connection


def test_truncated_body_in_process_is_a_connection_error(app, project) -> None:
    app.faults.add(FaultRule(operation="get_file", truncate_after_bytes=10, times=1))
    client = httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url="http://sb/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    with pytest.raises(ConnectionError):
        client.get(f"/projects/{project['id']}/files/wp-config.php")


def test_malformed_json_fault(app, owner) -> None:
    app.faults.add(FaultRule(operation="list_projects", malformed_json=True, times=1))
    response = owner.get("/projects")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_truncated_body_keeps_full_content_length(app, owner, project) -> None:
    app.faults.add(FaultRule(operation="get_file", truncate_after_bytes=10, times=1))
    with pytest.raises(httpx.RemoteProtocolError):
        owner.get(f"/projects/{project['id']}/files/wp-config.php")
    assert owner.get(f"/projects/{project['id']}/files/wp-config.php").status_code == 200


def test_slow_stream_throttles_the_body(app, owner, project) -> None:
    app.faults.add(FaultRule(operation="get_rule_catalog", slow_stream_bytes_per_s=20_000, times=1))
    started = time.monotonic()
    body = owner.get("/rules").content
    elapsed = time.monotonic() - started
    assert elapsed >= len(body) / 20_000 * 0.8
    assert json.loads(body)["notes"]


def test_after_send_applies_the_write_then_fails(app, owner) -> None:
    app.faults.add(FaultRule(operation="create_workspace", status=502, after_send=True, times=1))
    key = "after-send-key"
    response = owner.post(
        "/workspaces", json={"name": "Maybe made"}, headers={"Idempotency-Key": key}
    )
    assert_error(response, 502)
    assert "Maybe made" in [w["name"] for w in owner.get("/workspaces").json()]
    retry = owner.post("/workspaces", json={"name": "Maybe made"}, headers={"Idempotency-Key": key})
    assert retry.status_code == 201
    names = [w["name"] for w in owner.get("/workspaces").json()]
    assert names.count("Maybe made") == 1


def test_after_send_drop(app, owner, fresh_project) -> None:
    app.faults.add(
        FaultRule(operation="create_variable", drop_connection=True, after_send=True, times=1)
    )
    url = f"/projects/{fresh_project['id']}/variables"
    with pytest.raises(httpx.RemoteProtocolError):
        owner.post(url, json={"name": "LOST", "value": "1"})
    assert "LOST" in [v["name"] for v in owner.get(url).json()]


def test_fail_backup_fault_makes_the_backup_fail(app, owner, fresh_project) -> None:
    app.faults.add(FaultRule(operation="create_backup", fail_backup=True, times=1))
    pid = fresh_project["id"]
    bid = owner.post(f"/projects/{pid}/backups").json()["id"]
    time.sleep(0.45)
    assert owner.get(f"/projects/{pid}/backups").json()[0] == {
        **owner.get(f"/projects/{pid}/backups").json()[0],
        "id": bid,
        "status": "failed",
    }


def test_control_endpoint_add_list_delete(server, owner) -> None:
    root = f"{server.root_url}/_sandbox/faults"
    added = httpx.post(root, json={"operation": "get_me", "status": 500})
    assert added.status_code == 201
    rule_id = added.json()[0]["id"]
    assert [r["id"] for r in httpx.get(root).json()] == [rule_id]
    assert owner.get("/users/me").status_code == 500
    assert httpx.delete(f"{root}/{rule_id}").status_code == 204
    assert owner.get("/users/me").status_code == 200
    httpx.post(root, json=[{"operation": "get_me", "status": 500}])
    assert httpx.delete(root).status_code == 204
    assert httpx.get(root).json() == []
    assert httpx.post(root, json={"bogus": 1}).status_code == 400


def test_control_endpoints_do_not_exist_without_faults_enabled() -> None:
    client = httpx.Client(transport=httpx.WSGITransport(app=create_app()), base_url="http://sb")
    assert client.get("/_sandbox/faults").status_code == 404
    assert client.post("/_sandbox/reset").status_code == 404


def test_reset_restores_the_seeded_state() -> None:
    app = create_app(faults_enabled=True)
    client = httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url="http://sb",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    before = client.get("/v1/projects").json()
    client.delete(f"/v1/projects/{before[0]['id']}")
    assert client.post("/_sandbox/reset").status_code == 204
    assert client.get("/v1/projects").json() == before


def test_rules_load_from_json_and_env(monkeypatch, tmp_path) -> None:
    from agiler_sandbox.faults import faults_from_env

    rules = load_faults('[{"operation": "get_me", "status": 503, "times": 2}]')
    assert rules[0].status == 503 and rules[0].times == 2
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([{"path": "^/v1/regions", "latency_ms": 5}]))
    monkeypatch.setenv("AGILER_SANDBOX_FAULTS", str(path))
    assert faults_from_env()[0].latency_ms == 5
    with pytest.raises(ValueError):
        load_faults('{"operation": "x", "typo": true}')
