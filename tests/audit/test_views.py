"""The audit page: who sees what, filters in the URL, htmx fragments, keyset pages, export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from portal.audit import record
from portal.audit.models import AuditEvent
from portal.audit.queries import page_of, visible_events
from tests.conftest import HTMX, client_for

pytestmark = pytest.mark.django_db

LIST = "/audit/"


def _seed(cast: dict[str, Any]) -> None:
    record(action="backups.restore", actor=cast["operator"], target_type="backup", target_id="b-1")
    record(action="billing.update", actor=cast["admin"], target_type="billing_profile")
    record(action="projects.delete", actor=cast["admin"], outcome="failure", status=409)
    record(action="sql.execute", actor=cast["support"], project_id="p-9")


def _actions(response: Any) -> list[str]:
    return [e.action for e in response.context["page"].events]


def test_admin_and_support_see_every_event(cast: dict[str, Any]) -> None:
    _seed(cast)
    for role in ("admin", "support"):
        body = _actions(client_for(cast[role]).get(LIST))
        assert {"backups.restore", "billing.update", "projects.delete", "sql.execute"} <= set(body)


def test_finance_sees_its_own_and_billing_events_only(cast: dict[str, Any]) -> None:
    _seed(cast)
    record(action="auth.login", actor=cast["finance"])
    assert set(_actions(client_for(cast["finance"]).get(LIST))) == {"billing.update", "auth.login"}


def test_an_operator_sees_only_their_own_events(cast: dict[str, Any]) -> None:
    _seed(cast)
    # (signing the test client in records the operator's own auth.login)
    assert set(_actions(client_for(cast["operator"]).get(LIST))) == {
        "backups.restore",
        "auth.login",
    }


def test_an_event_outside_your_scope_is_a_404(cast: dict[str, Any]) -> None:
    _seed(cast)
    admin_event = AuditEvent.objects.get(action="billing.update")
    url = reverse("audit:detail", args=[admin_event.id])
    assert client_for(cast["operator"]).get(url).status_code == 404
    response = client_for(cast["finance"]).get(url)
    assert response.status_code == 200
    assert b"billing.update" in response.content


def test_filters_live_in_the_url_and_combine(cast: dict[str, Any]) -> None:
    _seed(cast)
    admin = client_for(cast["admin"])
    assert _actions(admin.get(LIST, {"outcome": "failure"})) == ["projects.delete"]
    assert _actions(admin.get(LIST, {"action": "billing."})) == ["billing.update"]
    assert _actions(admin.get(LIST, {"actor": "otto"})) == ["backups.restore"]
    assert _actions(admin.get(LIST, {"target_type": "backup", "target": "b-1"})) == [
        "backups.restore"
    ]
    assert _actions(admin.get(LIST, {"project": "p-9"})) == ["sql.execute"]
    assert _actions(admin.get(LIST, {"q": "restore"})) == ["backups.restore"]
    empty = admin.get(LIST, {"q": "nothing-like-this"})
    assert b"No events match these filters" in empty.content


def test_htmx_gets_only_the_table_fragment(cast: dict[str, Any]) -> None:
    _seed(cast)
    response = client_for(cast["admin"]).get(LIST, {"outcome": "failure"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="events-table"' in body and "projects.delete" in body


def test_keyset_pages_walk_every_event_once_without_offset(admin: Any) -> None:
    made = [record(action="auth.login", actor=admin, target_id=str(i)).id for i in range(23)]
    seen: list[int] = []
    events = visible_events(admin)
    page = page_of(events, size=5)
    while True:
        seen += [e.id for e in page.events]
        if not page.older:
            break
        page = page_of(events, before=page.older, size=5)
    assert seen == sorted(made, reverse=True)
    back = page_of(events, after=page.newer or "", size=5)
    assert [e.id for e in back.events] == seen[-8:-3]


def test_the_older_link_carries_the_filters_and_a_cursor(admin: Any) -> None:
    for _ in range(55):
        record(action="auth.login", actor=admin)
    response = client_for(admin).get(LIST, {"action": "auth.login"})
    older = response.context["page"].older
    assert f"action=auth.login&amp;before={older}".encode() in response.content
    second = client_for(admin).get(LIST, {"action": "auth.login", "before": older})
    assert len(second.context["page"].events) == 56 - 50  # 55 logins + the force_login one


def test_an_intent_and_its_outcome_are_one_row_with_a_two_step_timeline(admin: Any) -> None:
    intent = record(action="backups.restore", actor=admin, outcome="intent", target_id="b-1")
    outcome = record(
        action="backups.restore", actor=admin, outcome="success", target_id="b-1", intent=intent
    )
    client = client_for(admin)
    rows = [e.id for e in client.get(LIST, {"action": "backups.restore"}).context["page"].events]
    assert rows == [outcome.id]
    detail = client.get(reverse("audit:detail", args=[outcome.id]))
    assert f"#{intent.id} intent".encode() in detail.content
    fragment = client.get(reverse("audit:detail", args=[outcome.id]), **HTMX).content.decode()
    assert "<html" not in fragment and 'id="event-detail"' in fragment


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_streams_the_filtered_events_and_is_itself_audited(
    cast: dict[str, Any], fmt: str
) -> None:
    _seed(cast)
    response = client_for(cast["admin"]).get(
        reverse("audit:export", args=[fmt]), {"outcome": "failure"}
    )
    assert response.status_code == 200 and response.streaming
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    if fmt == "jsonl":
        rows = [json.loads(line) for line in body.splitlines()]
        assert [r["action"] for r in rows] == ["projects.delete"]
        assert rows[0]["status"] == 409
    else:
        lines = body.splitlines()
        assert lines[0].startswith("id,time,actor_id")
        assert len(lines) == 2 and "projects.delete" in lines[1]
    exported = AuditEvent.objects.get(action="audit.export")
    assert exported.actor_id == cast["admin"].pk
    assert exported.summary == {"format": fmt, "filters": {"outcome": "failure"}}


def test_an_operator_exports_only_their_own_events(cast: dict[str, Any]) -> None:
    _seed(cast)
    response = client_for(cast["operator"]).get(reverse("audit:export", args=["jsonl"]))
    actions = [
        json.loads(line)["action"] for line in b"".join(response.streaming_content).splitlines()
    ]
    assert set(actions) <= {"backups.restore", "auth.login", "audit.export"}
    assert "billing.update" not in actions


def test_a_csv_cell_cannot_smuggle_a_spreadsheet_formula(admin: Any) -> None:
    record(action="files.put", actor=admin, target_label='=HYPERLINK("http://x")')
    body = b"".join(
        client_for(admin).get(reverse("audit:export", args=["csv"])).streaming_content
    ).decode()
    assert "'=HYPERLINK" in body


def test_the_audit_trail_link_of_an_object_filters_to_it(admin: Any) -> None:
    from django.template import Context, Template

    url = Template('{% load audit_tags %}{% audit_trail_url "backup" "b-1" %}').render(Context())
    assert url == "/audit/?target_type=backup&amp;target=b-1"  # escaped for an href


# --- htmx filtering keeps exports, the form and refusals in step with the table ---------------

FORM_TRIGGER = {**HTMX, "HTTP_HX_TRIGGER": "audit-filter"}


def test_an_htmx_filter_brings_export_links_for_that_filter(cast: dict[str, Any]) -> None:
    _seed(cast)
    body = (
        client_for(cast["admin"]).get(LIST, {"outcome": "failure"}, **FORM_TRIGGER).content.decode()
    )
    csv = reverse("audit:export", args=["csv"])
    jsonl = reverse("audit:export", args=["jsonl"])
    assert f'href="{csv}?outcome=failure"' in body
    assert f'href="{jsonl}?outcome=failure"' in body
    assert 'id="audit-filter"' not in body  # the form asked: it is left alone, focus and all


def test_clear_over_htmx_redraws_the_form_empty_with_the_table(cast: dict[str, Any]) -> None:
    _seed(cast)
    # The Clear link has no id: htmx sends no HX-Trigger for it.
    body = client_for(cast["admin"]).get(LIST, **HTMX).content.decode()
    form = body[body.index('<form id="audit-filter"') : body.index("</form>")]
    assert 'hx-swap-oob="true"' in form
    assert 'value="failure" selected' not in form
    assert f'href="{reverse("audit:export", args=["csv"])}"' in body


def test_a_link_that_pages_through_a_filter_redraws_the_form_with_that_filter(
    cast: dict[str, Any],
) -> None:
    _seed(cast)
    body = client_for(cast["admin"]).get(LIST, {"actor": "otto"}, **HTMX).content.decode()
    form = body[body.index('<form id="audit-filter"') : body.index("</form>")]
    assert 'hx-swap-oob="true"' in form and 'value="otto"' in form


def test_an_invalid_htmx_filter_says_why_inside_the_table(cast: dict[str, Any]) -> None:
    _seed(cast)
    query = {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    response = client_for(cast["admin"]).get(LIST, query, **FORM_TRIGGER)
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    table = body[body.index('id="events-table"') :]
    assert "The end date is before the start date." in table
    assert 'data-testid="filter-refused"' in table
    assert "No events yet" not in body and 'data-testid="export-csv"' not in body


def test_an_invalid_filter_as_a_page_is_a_400_with_the_reason(cast: dict[str, Any]) -> None:
    query = {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    response = client_for(cast["admin"]).get(LIST, query)
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_is_a_sandboxed_download_never_sniffed(admin: Any, fmt: str) -> None:
    response = client_for(admin).get(reverse("audit:export", args=[fmt]))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
