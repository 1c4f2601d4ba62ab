"""No write without a record: every Agiler write the portal can make leaves exactly one event.

Each write operation is driven through the real client against the in-process sandbox with the
real AuditObserver; the log must then show exactly one event (intent folded into its outcome)
with the right actor, action, target and outcome — also when the sandbox injects a 500, a 409 or
drops the connection after applying the write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agiler_sandbox import FaultRule
from portal.agiler import AgilerClient, AgilerError
from portal.audit.chain import verify_chain
from portal.audit.models import AuditEvent, Outcome
from portal.audit.observer import AuditObserver
from portal.audit.queries import visible_events

pytestmark = pytest.mark.django_db

OPENAPI = Path(__file__).resolve().parents[2] / "portal" / "agiler" / "openapi.json"


@dataclass
class Ctx:
    """Objects that exist in the sandbox before the audited call (made by an un-audited client)."""

    project: str
    backup: str
    domain: str
    rule: str
    variable: str
    statement: str
    notification: str
    workspace: str


@pytest.fixture
def ctx(make_client: Callable[..., AgilerClient]) -> Ctx:
    setup = make_client()
    project = setup.list_projects().items[0].id
    return Ctx(
        project=project,
        backup=next(b.id for b in setup.list_backups(project).items if b.status == "done"),
        domain=setup.create_domain(project, name="audit.example.org").id,
        rule=setup.create_rule(
            project, name="r", conditions={"all": []}, actions=[{"operator": "end"}]
        ).id,
        variable=setup.create_variable(project, name="AUDIT_ME", value="x").id,
        statement=str(
            setup.create_sql_statement(project, sql="SELECT 1", respond_async=True)["id"]
        ),
        notification=make_client(token="ak_sandbox_support").list_notifications().items[0].id,
        workspace=setup.list_workspaces().items[0].id,
    )


# operationId → (call, action, target type, expected target id from the context)
WRITES: dict[str, tuple[Callable[[AgilerClient, Ctx], Any], str, str, Callable[[Ctx], str]]] = {
    "create_project": (
        lambda c, x: c.create_project(name="audited", region="eu-central-1", runtime="php-8.3"),
        "projects.create",
        "project",
        lambda x: "",
    ),
    "update_project": (
        lambda c, x: c.update_project(x.project, name="renamed"),
        "projects.update",
        "project",
        lambda x: x.project,
    ),
    "delete_project": (
        lambda c, x: c.delete_project(x.project),
        "projects.delete",
        "project",
        lambda x: x.project,
    ),
    "create_backup": (
        lambda c, x: c.create_backup(x.project),
        "backups.create",
        "backup",
        lambda x: "",
    ),
    "update_backup_policy": (
        lambda c, x: c.update_backup_policy(x.project, retention_days=9),
        "backups.update_policy",
        "project",
        lambda x: x.project,
    ),
    "delete_backup": (
        lambda c, x: c.delete_backup(x.project, x.backup),
        "backups.delete",
        "backup",
        lambda x: x.backup,
    ),
    "restore_backup": (
        lambda c, x: c.restore_backup(x.project, x.backup),
        "backups.restore",
        "backup",
        lambda x: x.backup,
    ),
    "create_domain": (
        lambda c, x: c.create_domain(x.project, name="new.example.org"),
        "domains.create",
        "domain",
        lambda x: "",
    ),
    "update_domain": (
        lambda c, x: c.update_domain(x.project, x.domain, primary=True),
        "domains.update",
        "domain",
        lambda x: x.domain,
    ),
    "delete_domain": (
        lambda c, x: c.delete_domain(x.project, x.domain),
        "domains.delete",
        "domain",
        lambda x: x.domain,
    ),
    "put_file": (
        lambda c, x: c.put_file(x.project, "audit/note.txt", b"hello"),
        "files.put",
        "file",
        lambda x: "audit/note.txt",
    ),
    "delete_file": (
        lambda c, x: c.delete_file(x.project, "wp-config.php"),
        "files.delete",
        "file",
        lambda x: "wp-config.php",
    ),
    "create_rule": (
        lambda c, x: c.create_rule(
            x.project, name="n", conditions={"all": []}, actions=[{"operator": "end"}]
        ),
        "rules.create",
        "rule",
        lambda x: "",
    ),
    "update_rule": (
        lambda c, x: c.update_rule(x.project, x.rule, active=False),
        "rules.update",
        "rule",
        lambda x: x.rule,
    ),
    "delete_rule": (
        lambda c, x: c.delete_rule(x.project, x.rule),
        "rules.delete",
        "rule",
        lambda x: x.rule,
    ),
    "create_sql_statement": (
        lambda c, x: c.create_sql_statement(x.project, sql="SELECT ID FROM wp_posts"),
        "sql.execute",
        "sql_statement",
        lambda x: "",
    ),
    "delete_sql_statement": (
        lambda c, x: c.delete_sql_statement(x.project, x.statement),
        "sql.cancel",
        "sql_statement",
        lambda x: x.statement,
    ),
    "create_variable": (
        lambda c, x: c.create_variable(x.project, name="DB_PASS", value="s3cr3t", sensitive=True),
        "variables.create",
        "variable",
        lambda x: "",
    ),
    "update_variable": (
        lambda c, x: c.update_variable(x.project, x.variable, value="y"),
        "variables.update",
        "variable",
        lambda x: x.variable,
    ),
    "delete_variable": (
        lambda c, x: c.delete_variable(x.project, x.variable),
        "variables.delete",
        "variable",
        lambda x: x.variable,
    ),
    "update_billing": (
        lambda c, x: c.update_billing(monthly_budget=25000),
        "billing.update",
        "billing_profile",
        lambda x: "",
    ),
    "dismiss_notification": (
        lambda c, x: c.dismiss_notification(x.notification),
        "notifications.dismiss",
        "notification",
        lambda x: x.notification,
    ),
    "create_workspace": (
        lambda c, x: c.create_workspace(name="Audited"),
        "workspaces.create",
        "workspace",
        lambda x: "",
    ),
}


def test_the_table_covers_every_write_operation_of_the_contract() -> None:
    spec = json.loads(OPENAPI.read_text())
    writes = {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in {"post", "put", "patch", "delete"}
    }
    assert writes == set(WRITES)


def _audited(make_client: Callable[..., AgilerClient], user: Any, op: str) -> AgilerClient:
    token = "ak_sandbox_support" if op == "dismiss_notification" else "ak_sandbox_owner"
    return make_client(AuditObserver(actor=user), token=token)


def _one_event(user: Any) -> AuditEvent:
    events = list(visible_events(user).exclude(action__startswith="auth."))
    assert len(events) == 1, [str(e) for e in events]
    return events[0]


@pytest.mark.parametrize("op", sorted(WRITES))
def test_a_successful_write_is_one_success_event(
    op: str, ctx: Ctx, make_client: Callable[..., AgilerClient], operator: Any
) -> None:
    call, action, target_type, target_id = WRITES[op]
    call(_audited(make_client, operator, op), ctx)

    event = _one_event(operator)
    assert (event.action, event.outcome, event.actor_id, event.actor_role) == (
        action,
        Outcome.SUCCESS,
        operator.pk,
        "operator",
    )
    expected_id = target_id(ctx)
    if op.startswith("create_") and not expected_id:
        # Only the answer names a created object: the outcome row carries its new id.
        assert event.target_type == target_type
        assert event.target_id and event.intent is not None and event.intent.target_id == ""
    else:
        assert (event.target_type, event.target_id) == (target_type, expected_id)
    assert event.status is not None and 200 <= event.status < 300
    assert event.intent is not None and event.intent.outcome == Outcome.INTENT
    assert event.idempotency_key and event.idempotency_key == event.intent.idempotency_key
    assert verify_chain().ok


@pytest.mark.parametrize("op", sorted(WRITES))
@pytest.mark.parametrize(
    ("fault", "outcome", "status"),
    [
        # Agiler received the write and failed: it may have applied it first (issue 15 #3).
        ({"status": 500}, Outcome.UNKNOWN, 500),
        ({"status": 409, "message": "key reused"}, Outcome.FAILURE, 409),
        ({"drop_connection": True, "after_send": True}, Outcome.UNKNOWN, None),
    ],
    ids=["500", "409", "dropped"],
)
def test_a_failed_write_is_one_event_with_its_outcome(
    op: str,
    fault: dict[str, Any],
    outcome: str,
    status: int | None,
    ctx: Ctx,
    sandbox: Any,
    make_client: Callable[..., AgilerClient],
    operator: Any,
) -> None:
    call, action, target_type, target_id = WRITES[op]
    sandbox.faults.add(FaultRule(operation=op, **fault))
    with pytest.raises(AgilerError):
        call(_audited(make_client, operator, op), ctx)

    event = _one_event(operator)
    assert (event.action, event.outcome, event.status) == (action, outcome, status)
    assert (event.target_type, event.target_id) == (target_type, target_id(ctx))
    if outcome == Outcome.FAILURE:
        assert event.error_code or event.error_message
    assert verify_chain().ok


def test_when_the_intent_cannot_be_recorded_nothing_is_sent(
    ctx: Ctx, make_client: Callable[..., AgilerClient], operator: Any, monkeypatch: Any
) -> None:
    before = len(make_client().list_backups(ctx.project).items)

    def broken_head() -> None:
        raise RuntimeError("database unavailable")

    # The database failing under the audit log (not the client) is the fault injected here.
    monkeypatch.setattr("portal.audit.services.lock_head", broken_head)
    with pytest.raises(RuntimeError):
        _audited(make_client, operator, "create_backup").create_backup(ctx.project)

    assert len(make_client().list_backups(ctx.project).items) == before
    assert not AuditEvent.objects.filter(action="backups.create").exists()


def test_a_sensitive_variable_value_never_enters_the_log(
    ctx: Ctx, make_client: Callable[..., AgilerClient], operator: Any
) -> None:
    WRITES["create_variable"][0](_audited(make_client, operator, "create_variable"), ctx)
    assert not AuditEvent.objects.filter(summary_json__contains="s3cr3t").exists()
    assert _one_event(operator).summary["value"] == "[redacted]"


@pytest.mark.parametrize(
    ("download", "action"),
    [
        ("download_backup_database", "backups.download_database"),
        ("download_backup_storage", "backups.download_storage"),
    ],
)
def test_a_backup_download_is_one_sensitive_read_event(
    download: str, action: str, ctx: Ctx, make_client: Callable[..., AgilerClient], admin: Any
) -> None:
    client = make_client(AuditObserver(actor=admin))
    with getattr(client, download)(ctx.project, ctx.backup) as stream:
        b"".join(stream.iter_bytes())
    event = _one_event(admin)
    assert (event.action, event.outcome, event.target_id) == (action, "success", ctx.backup)
    assert event.intent is None


def test_an_intent_without_an_outcome_shows_as_unknown(operator: Any) -> None:
    from portal.audit import record

    record(action="backups.restore", actor=operator, outcome="intent", target_id="b-1")
    event = _one_event(operator)
    assert event.display_outcome == Outcome.UNKNOWN
