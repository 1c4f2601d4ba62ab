"""Bearer tokens, scopes and their implications, rate limiting."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from agiler_sandbox import create_app
from agiler_sandbox.scopes import expand_scopes
from agiler_sandbox.server import start_in_thread

from .conftest import assert_error


def test_status_needs_no_token(server) -> None:
    assert httpx.get(f"{server.root_url}/status").json() == {"status": "green"}


def test_missing_token_is_401_with_error_response(server) -> None:
    assert_error(httpx.get(f"{server.base_url}/projects"), 401, "unauthorized")


def test_unknown_token_is_401(client_for: Callable[[str], httpx.Client]) -> None:
    assert_error(client_for("raw:ak_nope").get("/users/me"), 401, "unauthorized")


def test_operations_without_scope_need_only_a_valid_token(client_for) -> None:
    limited = client_for("raw:ak_test_backups_only")
    for path in ("/regions", "/runtimes", "/rules", "/users/me", "/users/me/verify"):
        assert limited.get(path).status_code == 200, path


def test_missing_scope_is_403_with_error_response(client_for) -> None:
    error = assert_error(
        client_for("readonly").post("/workspaces", json={"name": "x"}), 403, "forbidden"
    )
    assert "projects:write" in error["message"]


def test_readonly_token_cannot_run_sql(client_for, project) -> None:
    response = client_for("readonly").get(f"/projects/{project['id']}/sql/statements")
    assert_error(response, 403, "forbidden")


def test_finance_token_reads_billing_but_cannot_write_projects(client_for, project) -> None:
    finance = client_for("finance")
    assert finance.get("/users/me/billing").status_code == 200
    assert finance.get(f"/projects/{project['id']}/usage").status_code == 200
    assert_error(finance.post(f"/projects/{project['id']}/backups"), 403, "forbidden")


def test_projects_read_implies_every_project_read_scope(client_for, project) -> None:
    me = client_for("readonly").get("/users/me").json()
    assert "projects.logs:read" in me["effective_scopes"]
    assert "projects.sql:execute" not in me["effective_scopes"]
    assert me["effective_scopes"] == sorted(me["effective_scopes"])


def test_projects_write_implies_sql_execute_and_reads() -> None:
    scopes = expand_scopes(["projects:write"])
    assert {
        "projects.sql:execute",
        "projects.files:write",
        "projects.logs:read",
        "projects:read",
    } <= scopes
    assert "billing:read" not in scopes


def test_write_implies_read_for_the_same_area() -> None:
    assert "billing:read" in expand_scopes(["billing:write"])


def test_support_token_belongs_to_a_second_user(client_for) -> None:
    owner_me = client_for("owner").get("/users/me").json()
    support_me = client_for("support").get("/users/me").json()
    assert owner_me["id"] != support_me["id"]
    assert "notifications:write" in support_me["effective_scopes"]
    assert "billing:write" not in support_me["effective_scopes"]
    owner_ids = {n["id"] for n in client_for("owner").get("/users/me/notifications").json()}
    support_ids = {n["id"] for n in client_for("support").get("/users/me/notifications").json()}
    assert owner_ids and support_ids and not owner_ids & support_ids


def test_readonly_and_finance_are_the_same_user_as_owner(client_for) -> None:
    ids = {
        client_for(who).get("/users/me").json()["id"] for who in ("owner", "readonly", "finance")
    }
    assert len(ids) == 1


def test_unknown_path_is_404_and_wrong_method_405(owner) -> None:
    assert_error(owner.get("/nope"), 404, "not_found")
    assert_error(owner.put("/projects"), 405)


def test_rate_limit_answers_429_with_retry_after() -> None:
    srv = start_in_thread(create_app(rate_limit=2.0))
    try:
        with httpx.Client(
            base_url=srv.base_url, headers={"Authorization": "Bearer ak_sandbox_owner"}
        ) as client:
            statuses = [client.get("/regions") for _ in range(6)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited, [r.status_code for r in statuses]
        assert_error(limited[0], 429, "rate_limited")
        assert int(limited[0].headers["retry-after"]) >= 1
    finally:
        srv.stop()


def test_rate_limit_is_per_token() -> None:
    app = create_app(rate_limit=1.0)
    transport = httpx.WSGITransport(app=app)
    owner = httpx.Client(
        transport=transport,
        base_url="http://sb/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    support = httpx.Client(
        transport=transport,
        base_url="http://sb/v1",
        headers={"Authorization": "Bearer ak_sandbox_support"},
    )
    assert owner.get("/regions").status_code == 200
    assert owner.get("/regions").status_code == 429
    assert support.get("/regions").status_code == 200
