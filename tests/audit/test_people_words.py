"""The audit log speaks people: events as sentences with names, outcomes in words, money in
currency, filters by name; and the names kept with an event are part of its tamper check
without breaking the rows recorded before they existed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from portal.agiler import AgilerClient
from portal.audit.chain import canonical_bytes, compute_hash, verify_chain
from portal.audit.models import AuditEvent
from portal.audit.observer import AuditObserver
from portal.audit.sentences import describe, outcome_words
from portal.audit.services import record_event
from tests.helpers import client_for, tamper

pytestmark = pytest.mark.django_db


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).exclude(outcome="intent").latest("id")


def test_a_restore_names_the_project_and_the_backup_by_its_time_and_kind(
    make_client: Callable[..., AgilerClient], operator: Any
) -> None:
    client = make_client(AuditObserver(actor=operator))
    workspaces = {w.id: w.name for w in client.list_workspaces().items}
    project = client.list_projects().items[0]
    backup = next(b for b in client.list_backups(project.id).items if b.status == "done")
    client.restore_backup(project.id, backup.id)
    event = _event("backups.restore")
    assert event.project_name == project.name and event.project_id == project.id
    assert event.target_id == backup.id  # the id is kept
    kind = "automatic" if backup.automatic else "on-demand"
    sentence = describe(event)
    assert sentence.startswith(f"otto restored {project.name} from the {kind} backup of ")
    assert backup.created_at.strftime("%b %Y") in sentence
    assert outcome_words(event) == "Done"
    assert event.workspace_name == workspaces[project.workspace_id]
    assert verify_chain().ok


def test_a_budget_change_reads_from_the_old_amount_to_the_new_in_dollars(
    make_client: Callable[..., AgilerClient], finance: Any
) -> None:
    client = make_client(AuditObserver(actor=finance), token="ak_sandbox_finance")
    before = client.get_billing().monthly_budget
    client.update_billing(monthly_budget=before + 5000)
    event = _event("billing.update")
    old, new = f"${before / 100:,.2f}", f"${(before + 5000) / 100:,.2f}"
    assert describe(event) == f"fiona changed the monthly budget from {old} to {new}"


def test_outcomes_are_words_not_statuses(admin: Any) -> None:
    refused = record_event(
        action="projects.delete",
        actor=admin,
        outcome="failure",
        status=409,
        error_message="The project has running backups.",
        target_label="acme-blog",
    )
    unsure = record_event(action="projects.delete", actor=admin, outcome="unknown")
    assert outcome_words(refused) == "Refused by Agiler: The project has running backups."
    assert outcome_words(unsure) == "Not sure — may have been applied"
    assert describe(refused) == "ada deleted the project acme-blog"


def test_rows_recorded_before_names_existed_verify_and_a_changed_name_is_caught(
    admin: Any,
) -> None:
    plain = record_event(action="auth.login", actor=admin)
    # With the new fields empty the hashed bytes are exactly v1's: old rows still verify.
    assert b"project_name" not in canonical_bytes(plain)
    named = record_event(
        action="projects.update", actor=admin, project_id="p-1", project_name="acme-blog"
    )
    assert compute_hash(named) == named.hash
    assert verify_chain().ok
    tamper("UPDATE {table} SET project_name = %s WHERE id = %s", ["evil-blog", named.id])
    result = verify_chain()
    assert not result.ok and result.broken_at == named.id


def test_the_list_shows_sentences_and_filters_projects_by_name(admin: Any) -> None:
    record_event(
        action="backups.create",
        actor=admin,
        project_id="p-1",
        project_name="acme-blog",
        workspace_id="w-1",
        workspace_name="Acme",
    )
    page = client_for(admin).get(reverse("audit:list"))
    body = page.content.decode()
    assert "ada took an on-demand backup of acme-blog" in body
    assert '<option value="p-1">acme-blog</option>' in body
    assert '<option value="w-1">Acme</option>' in body
    # Only actions that happened are offered, in words.
    assert ">Backup taken</option>" in body
    assert "rules.delete" not in body
    filtered = client_for(admin).get(reverse("audit:list"), {"project": "p-1"})
    assert [e.project_name for e in filtered.context["page"].events] == ["acme-blog"]


def test_the_detail_keeps_ids_and_statuses_inside_technical_details(admin: Any) -> None:
    event = record_event(
        action="backups.create",
        actor=admin,
        project_id="p-1",
        project_name="acme-blog",
        status=202,
        idempotency_key="key-123",
    )
    body = client_for(admin).get(reverse("audit:detail", args=[event.id])).content.decode()
    sentence_at = body.index("ada took an on-demand backup of acme-blog")
    technical = body.index('data-testid="technical-details"')
    assert sentence_at < technical
    assert body.index("key-123") > technical and body.index("p-1") > technical
    assert ">Done<" in body


def test_a_workspace_whose_name_was_never_seen_reads_as_workspace_and_its_short_id(
    admin: Any,
) -> None:
    # Nobody listed the workspaces before this was recorded: no name was known.
    event = record_event(
        action="workspaces.members_export",
        actor=admin,
        target_type="workspace",
        target_id="9f3c2a1b-7d4e-4f00-a1b2-c3d4e5f60718",
        target_label="9f3c2a1b-7d4e-4f00-a1b2-c3d4e5f60718",
        workspace_id="9f3c2a1b-7d4e-4f00-a1b2-c3d4e5f60718",
    )
    assert describe(event).endswith("exported the members of workspace 9f3c2a1b")
    listing = client_for(admin).get(reverse("audit:list")).content.decode()
    assert "In workspace 9f3c2a1b" in listing
    detail = client_for(admin).get(reverse("audit:detail", args=[event.id])).content.decode()
    assert "workspace 9f3c2a1b" in detail and "its name was not known" in detail


@pytest.mark.parametrize(
    ("action", "target", "summary", "expected"),
    [
        ("logs.search", ("project", "acme-blog"), {}, "otto searched the logs of acme-blog"),
        ("usage.export", ("project", "acme-blog"), {}, "otto exported the usage of acme-blog"),
        (
            "sql.execute",
            ("sql_statement", ""),
            {"read_only": True},
            "otto ran a SQL statement (read-only) on acme-blog",
        ),
        (
            "files.put",
            ("file", "docs/b.txt"),
            {"move_source": "a.txt"},
            "otto moved a.txt to docs/b.txt in acme-blog",
        ),
        (
            "files.download_sent",
            ("file", "big.bin"),
            {"completed": False},
            "otto received the file big.bin of acme-blog only in part (the download stopped)",
        ),
        (
            "domains.update",
            ("domain", "www.acme.example"),
            {"primary": True},
            "otto made www.acme.example the site address of acme-blog",
        ),
        (
            "variables.create",
            ("variable", "DB_HOST"),
            {},
            "otto added the variable DB_HOST to acme-blog",
        ),
    ],
)
def test_the_newer_areas_read_as_sentences(
    operator: Any, action: str, target: tuple[str, str], summary: dict[str, Any], expected: str
) -> None:
    kind, label = target
    event = record_event(
        action=action,
        actor=operator,
        target_type=kind,
        target_label=label or "",
        project_id="p1",
        summary=summary,
    )
    event.project_name = "acme-blog"
    if kind == "project":
        event.target_label = "acme-blog"
    assert describe(event) == expected


def test_a_name_read_again_unchanged_is_kept_and_a_changed_one_replaces_it(
    make_client: Callable[..., AgilerClient], operator: Any, sandbox: Any
) -> None:
    """Names are written once per hour while unchanged (a list page reads fifty on every
    request); a rename seen on the next read is written at once."""
    from portal.audit import naming

    client = make_client(AuditObserver(actor=operator))
    project = client.list_projects().items[0]
    assert naming.recall(project.id) == project.name
    client.list_projects()
    assert naming.recall(project.id) == project.name
    sandbox.inspect.project(project.id).name = "renamed-blog"
    client.list_projects()
    assert naming.recall(project.id) == "renamed-blog"


def test_an_id_no_agiler_object_can_have_is_not_looked_up() -> None:
    """Ids from a URL may hold anything: no cache key is made of them (and nothing is found)."""
    from unittest import mock

    from portal.audit import naming

    with mock.patch.object(naming.cache, "get") as get:
        for odd in ("", "a\x00b", "x" * 201, "two words", "\x1e\x10"):
            assert naming.recall(odd) == ""
            assert naming.workspace_of(odd) == ""
        get.assert_not_called()
