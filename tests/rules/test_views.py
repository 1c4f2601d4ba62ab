"""Rules pages against the in-process sandbox: list, toggle, reorder, delete, builder save,
with upstream success and errors, plain and htmx, and the audit outcomes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from agiler_sandbox import FaultRule
from agiler_sandbox.catalog import catalog as sandbox_catalog
from portal.audit.models import AuditEvent
from portal.rules.catalog import _CACHE_KEY
from tests.helpers import HTMX, client_for
from tests.rules.formparse import form_fields


def _ids(direct: Any, project: str) -> list[str]:
    return [r.id for r in direct.list_rules(project).items]


def _post_form(client: Any, page_url: str, save_url: str, change: Any = None) -> Any:
    """Submit the builder as rendered, after ``change(data)`` edits the submitted fields."""
    fields = form_fields(client.get(page_url).content.decode(), "rule-form")
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    if change:
        change(data)
    return client.post(save_url, data)


def test_the_list_shows_rules_in_order_with_summaries(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    url = reverse("rules:list", args=[project_id])
    page = client_for(tokened_cast["operator"]).get(url).content.decode()
    assert "<html" in page and page.count('data-testid="rule-row"') == 3
    assert page.index("Redirect HTTP to HTTPS") < page.index("Block xmlrpc.php")
    assert "When scheme is http → set redirect.location = https://{host}{path}" in page
    fragment = client_for(tokened_cast["operator"]).get(url, **HTMX).content.decode()
    assert 'id="rules-table"' in fragment and "<html" not in fragment
    support = client_for(tokened_cast["support"]).get(url).content.decode()
    assert 'data-testid="rule-active"' not in support and 'data-testid="new-rule"' not in support
    assert client_for(tokened_cast["finance"]).get(url).status_code == 403


@pytest.mark.parametrize(("status", "says"), [(429, "busy"), (503, "problem"), (404, "Not found")])
def test_upstream_errors_on_the_list_become_pages(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project_id, status, says
) -> None:
    sandbox.faults.add(FaultRule(operation="list_rules", status=status, retry_after=1))
    response = client_for(tokened_cast["operator"]).get(reverse("rules:list", args=[project_id]))
    assert (
        response.status_code in (status, 502) and says.lower() in response.content.decode().lower()
    )


def test_toggling_a_rule_is_one_audited_patch(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    rule = direct.list_rules(project_id).items[0]
    url = reverse("rules:active", args=[project_id, rule.id])
    response = client_for(tokened_cast["operator"]).post(url, {"idempotency_key": "t-1"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and f'id="rule-{rule.id}"' in body
    assert 'data-active="false"' in body and "<html" not in body
    assert direct.get_rule(project_id, rule.id).active is False
    event = AuditEvent.objects.get(action="rules.update", outcome="success")
    assert event.idempotency_key == "t-1"


def test_a_token_without_the_write_scope_gets_a_403_page(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    from portal.tokens.store import token_save

    operator = tokened_cast["operator"]
    token_save(user=operator, token="ak_sandbox_readonly")
    rule = direct.list_rules(project_id).items[0]
    client = client_for(operator)
    page = client.get(reverse("rules:list", args=[project_id])).content.decode()
    assert "projects.rules:write" in page  # the controls say why they are disabled
    response = client.post(
        reverse("rules:active", args=[project_id, rule.id]), {"idempotency_key": "t-2"}
    )
    assert response.status_code == 403 and "projects.rules:write" in response.content.decode()
    assert direct.get_rule(project_id, rule.id).active is True
    assert AuditEvent.objects.filter(action="rules.update", outcome="failure").count() == 1


def test_moving_a_rule_up_swaps_two_priorities(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    first, second, third = direct.list_rules(project_id).items
    response = client_for(tokened_cast["operator"]).post(
        reverse("rules:reorder", args=[project_id]),
        {"idempotency_key": "m-1", "move": third.id, "direction": "up"},
        **HTMX,
    )
    assert "New order saved" in response.content.decode()
    assert _ids(direct, project_id) == [first.id, third.id, second.id]
    assert AuditEvent.objects.filter(action="rules.update", outcome="success").count() == 2


def test_a_dragged_order_is_saved_and_a_stale_one_refused(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _ids(direct, project_id)
    client = client_for(tokened_cast["operator"])
    url = reverse("rules:reorder", args=[project_id])
    client.post(url, {"idempotency_key": "d-1", "order": [c, a, b]}, **HTMX)
    assert _ids(direct, project_id) == [c, a, b]
    stale = client.post(url, {"idempotency_key": "d-2", "order": [a, b]}, **HTMX)
    assert "changed since" in stale.content.decode()
    assert _ids(direct, project_id) == [c, a, b]


def test_a_reorder_failing_half_way_says_what_moved(
    tokened_cast, sandbox, project_id, direct
) -> None:  # type: ignore[no-untyped-def]
    rules = direct.list_rules(project_id).items
    a, b, c = (r.id for r in rules)
    sandbox.faults.add(FaultRule(operation="update_rule", path=f".*{a}$", status=503))
    response = client_for(tokened_cast["operator"]).post(
        reverse("rules:reorder", args=[project_id]),
        {"idempotency_key": "h-1", "order": [c, a, b]},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in body
    assert f"Saved at their new place: {rules[2].name}" in body
    # Agiler received the first failed change and answered 503: it may have been applied.
    assert f"Not sure whether it moved: {rules[0].name}" in body
    assert f"Not moved: {rules[1].name}" in body
    outcomes = AuditEvent.objects.filter(action="rules.update").exclude(outcome="intent")
    assert sorted(outcomes.values_list("outcome", flat=True)) == ["success", "unknown"]


def test_delete_asks_then_deletes_once(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    rule = direct.list_rules(project_id).items[1]
    url = reverse("rules:delete", args=[project_id, rule.id])
    client = client_for(tokened_cast["operator"])
    dialog = client.get(url, **HTMX).content.decode()
    assert 'id="rule-dialog"' in dialog and rule.name in dialog and "cannot be undone" in dialog
    response = client.post(url, {"idempotency_key": "x-1"}, **HTMX)
    assert response.headers["HX-Redirect"] == reverse("rules:list", args=[project_id])
    assert rule.id not in _ids(direct, project_id)
    assert AuditEvent.objects.filter(action="rules.delete", outcome="success").count() == 1
    assert client.get(reverse("rules:edit", args=[project_id, rule.id])).status_code == 404


def test_creating_from_a_template_and_local_errors_on_their_row(
    tokened_cast, project_id, direct
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    new = reverse("rules:new", args=[project_id])
    page = client.get(new + "?template=5").content.decode()
    assert "203.0.113.0/24" in page
    fields = form_fields(page, "rule-form")
    assert ("active", "on") not in fields  # requires configuration: starts inactive
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    ip_key = next(k[: -len("-value")] for k, v in data.items() if v == ["203.0.113.0/24"])
    data[f"{ip_key}-value"] = ["not-a-network"]
    response = client.post(new, data)
    body = response.content.decode()
    assert response.status_code == 400 and 'data-testid="row-error"' in body
    assert "Enter an IP network" in body and len(_ids(direct, project_id)) == 3
    assert not AuditEvent.objects.filter(action="rules.create").exists()
    data[f"{ip_key}-value"] = ["198.51.100.0/24"]
    assert client.post(new, data).status_code == 302
    created = next(r for r in direct.list_rules(project_id).items if r.priority == 2)
    assert created.conditions["all"][1]["value"] == "198.51.100.0/24" and created.active is False
    assert AuditEvent.objects.filter(action="rules.create", outcome="success").count() == 1


def test_an_upstream_400_lands_on_the_row_it_names(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    # The portal's cached catalog allows a TTL Agiler does not: Agiler's 400 must find the row.
    data = sandbox_catalog()
    data["actions"] = [dict(a) for a in data["actions"]]
    ttl = next(a for a in data["actions"] if a.get("fact") == "cache.ttl")
    ttl["allowed_values"] = [*ttl["allowed_values"], "42"]
    cache.set(_CACHE_KEY, data, 600)
    client = client_for(tokened_cast["operator"])
    rule = direct.list_rules(project_id).items[2]  # bypass cache for wp-admin
    edit = reverse("rules:edit", args=[project_id, rule.id])

    def to_ttl_42(data: dict[str, list[str]]) -> None:
        key = data["act"][0]
        data[f"{key}-action"], data[f"{key}-value"] = ["set cache.ttl"], ["42"]

    response = _post_form(
        client, edit, reverse("rules:save", args=[project_id, rule.id]), to_ttl_42
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'data-testid="row-error"' in body and "42" in body
    assert AuditEvent.objects.filter(action="rules.update", outcome="failure").count() == 1


def test_a_fact_the_catalog_dropped_is_shown_with_a_warning_and_kept(
    tokened_cast, project_id, direct
) -> None:  # type: ignore[no-untyped-def]
    data = sandbox_catalog()
    data["conditions"] = [c for c in data["conditions"] if c["fact"] != "request.scheme"]
    cache.set(_CACHE_KEY, data, 600)
    rule = direct.list_rules(project_id).items[0]  # redirect http → https: request.scheme
    edit = reverse("rules:edit", args=[project_id, rule.id])
    client = client_for(tokened_cast["operator"])
    page = client.get(edit).content.decode()
    assert 'data-testid="stale-notice"' in page and 'data-testid="row-warning"' in page
    fields = form_fields(page, "rule-form")
    assert any(v == "request.scheme" for _, v in fields)  # kept, not swapped for another fact
    response = _post_form(client, edit, reverse("rules:save", args=[project_id, rule.id]))
    assert response.status_code == 400 and "not in Agiler" in response.content.decode()
    assert direct.get_rule(project_id, rule.id).conditions == rule.conditions


def test_support_opens_the_builder_read_only_and_may_try_it(
    tokened_cast, project_id, direct
) -> None:  # type: ignore[no-untyped-def]
    rule = direct.list_rules(project_id).items[1]  # block xmlrpc.php
    client = client_for(tokened_cast["support"])
    page = client.get(reverse("rules:edit", args=[project_id, rule.id])).content.decode()
    assert 'data-testid="readonly-notice"' in page and 'data-testid="save-rule"' not in page
    assert '<fieldset class="mb-0" disabled>' in page
    fragment = client.get(reverse("rules:edit", args=[project_id, rule.id]), **HTMX)
    assert 'id="rule-builder"' in fragment.content.decode()
    tried = client.post(
        reverse("rules:try", args=[project_id]),
        {"rule-json": form_fields(page, "try-form")[0][1], "try-path": "/xmlrpc.php"},
        **HTMX,
    ).content.decode()
    assert "The rule matches this request." in tried and "set response.status = 403" in tried
    save = client.post(reverse("rules:save", args=[project_id, rule.id]), {})
    assert save.status_code == 403


def test_builder_fragments_re_render_one_row_and_the_preview(tokened_cast, project_id) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    row_url = reverse("rules:row", args=[project_id])
    added = client.post(row_url, {"kind": "condition", "group": "any", "add": "1"}, **HTMX)
    # After the swap settles: the preview must read the redrawn row, not the one it replaced.
    assert "rules-changed" in added.headers["HX-Trigger-After-Settle"]
    changed = client.post(
        row_url,
        {
            "kind": "condition",
            "group": "any",
            "key": "rk1",
            "changed": "fact",
            "rk1-fact": "request.header.*",
            "rk1-op": "eq",
            "rk1-value": "GET",
        },
        **HTMX,
    ).content.decode()
    assert 'id="row-rk1"' in changed and 'name="rk1-sub"' in changed and "exists" in changed
    assert "<html" not in changed
    preview = client.post(
        reverse("rules:preview", args=[project_id]),
        {
            "name": "p",
            "row": ["all:rk1"],
            "rk1-fact": "request.header.*",
            "rk1-sub": "x-a",
            "rk1-op": "eq",
            "rk1-value": "1",
            "act": ["ra"],
            "ra-action": "end",
        },
        **HTMX,
    ).content.decode()
    assert "&quot;request.header.x-a&quot;" in preview and "refuse" not in preview


def test_an_action_changed_to_end_previews_without_the_old_value(tokened_cast, project_id) -> None:  # type: ignore[no-untyped-def]
    # The form still carries the previous action's value until the row is redrawn; the preview
    # (and a save) must show the rule the rows show: ``end`` alone.
    client = client_for(tokened_cast["operator"])
    preview = client.post(
        reverse("rules:preview", args=[project_id]),
        {
            "name": "p",
            "row": ["all:rk1"],
            "rk1-fact": "request.method",
            "rk1-op": "eq",
            "rk1-value": "GET",
            "act": ["ra", "rb"],
            "ra-action": "set response.status",
            "ra-value": "429",
            "rb-action": "end",
            "rb-value": "true",
        },
        **HTMX,
    ).content.decode()
    assert "refuse" not in preview
    assert "&quot;value&quot;: &quot;true&quot;" not in preview
    assert "&quot;operator&quot;: &quot;end&quot;" in preview


def test_a_keyboard_move_shows_as_one_audit_entry_with_its_patches_inside(
    tokened_cast, project_id, direct
) -> None:  # type: ignore[no-untyped-def]
    first, second, third = direct.list_rules(project_id).items
    client = client_for(tokened_cast["operator"])
    client.get(reverse("rules:list", args=[project_id]))  # the page a person moves rules on
    key = str(uuid.uuid4())
    client.post(
        reverse("rules:reorder", args=[project_id]),
        {"idempotency_key": key, "move": third.id, "direction": "up"},
        **HTMX,
    )
    entry = AuditEvent.objects.get(action="rules.reorder")
    assert entry.outcome == "success" and entry.target_label == third.name

    listing = client.get(reverse("audit:list")).content.decode()
    assert f"moved the rule {third.name} above {second.name}" in listing
    # The two PATCHes are inside the entry, not beside it.
    assert "to priority" not in listing

    detail = client.get(reverse("audit:detail", args=[entry.id])).content.decode()
    assert "Saved at Agiler as 2 changes" in detail
    assert detail.count("to priority") == 2 and third.name in detail and second.name in detail
