"""Domains pages: primary first, add (IDN as ASCII), make primary and remove confirmed, gated."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.conftest import HTMX, client_for
from tests.domains.conftest import domains_of


def _list(project: Any) -> str:
    return reverse("domains:list", args=[project.id])


def _named(sandbox: Any, project: Any, name: str) -> dict[str, Any]:
    return next(d for d in domains_of(sandbox, project) if d["name"] == name)


def test_the_list_pins_the_site_address_first_and_labels_wildcards(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    # Make a later domain primary: it must still be listed first.
    for d in domains_of(sandbox, project):
        d["primary"] = d["name"] == f"{project.name}.example"
    body = client_for(tokened_cast["operator"]).get(_list(project)).content.decode()
    rows = body.split('data-testid="domain-row"')[1:]
    assert f'data-name="{project.name}.example" data-primary="true"' in rows[0]
    assert 'data-testid="primary-badge"' in rows[0] and "Site address" in rows[0]
    wildcard = next(r for r in rows if f"*.{project.name}.example" in r)
    assert "Wildcard" in wildcard and "make-primary" not in wildcard
    assert f'href="https://{project.name}.example/"' in body  # open the site
    assert "<time" in body and "data-local" in body


def test_the_list_is_a_fragment_for_htmx_and_pages_with_a_cursor(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    for i in range(30):
        domains_of(sandbox, project).append(
            {
                "id": f"dom-{i:02d}",
                "name": f"d{i:02d}.example.org",
                "primary": False,
                "created_at": "2026-01-01T00:00:00Z",
            }
        )
    client = client_for(tokened_cast["support"])
    first = client.get(_list(project), **HTMX).content.decode()
    assert "<html" not in first and 'id="domains-table"' in first
    assert 'data-testid="next-page"' in first
    next_url = first.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(next_url.replace("&amp;", "&"), **HTMX).content.decode()
    assert "Page 2" in second and 'data-primary="true"' not in second  # pinned on page 1 only


def test_adding_a_unicode_domain_sends_its_ascii_form_and_shows_unicode(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    client = client_for(tokened_cast["operator"])
    response = client.post(
        reverse("domains:add", args=[project.id]),
        {"idempotency_key": "add-1", "name": "  Bücher.Example "},
        **HTMX,
    )
    assert response.headers["HX-Redirect"] == _list(project)
    assert _named(sandbox, project, "xn--bcher-kva.example")["primary"] is False
    body = client.get(_list(project)).content.decode()
    assert "bücher.example" in body and "Sent to Agiler as" in body
    assert "Domain bücher.example added (sent to Agiler as xn--bcher-kva.example)." in body
    event = AuditEvent.objects.get(action="domains.create", outcome="success")
    assert event.target_label == "xn--bcher-kva.example"


def test_adding_as_primary_changes_the_site_address(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["admin"])
    client.post(
        reverse("domains:add", args=[project.id]),
        {"idempotency_key": "add-2", "name": "shop.example.net", "primary": "on"},
    )
    primaries = [d["name"] for d in domains_of(sandbox, project) if d["primary"]]
    assert primaries == ["shop.example.net"]
    home = client.get(reverse("projects:detail", args=[project.id])).content.decode()
    assert 'data-testid="site-link"' in home and "https://shop.example.net/" in home


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("exаmple.com", "cyrillic small letter a"),
        ("a\x00b.com", "Null characters are not allowed"),
        ("x" * 300 + ".com", "253 characters"),
        ("not a domain", "spaces"),
        ("..", "full domain name"),
        ("", "required"),
    ],
)
def test_bad_names_get_a_message_on_the_field_never_a_500(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project, typed: str, message: str
) -> None:
    before = len(domains_of(sandbox, project))
    client = client_for(tokened_cast["operator"])
    url = reverse("domains:add", args=[project.id])
    plain = client.post(url, {"idempotency_key": "k", "name": typed})
    assert plain.status_code == 400 and message in plain.content.decode()
    fragment = client.post(url, {"idempotency_key": "k", "name": typed}, **HTMX)
    assert fragment.status_code == 200 and 'id="domain-form"' in fragment.content.decode()
    assert len(domains_of(sandbox, project)) == before


def test_a_wildcard_cannot_be_made_the_site_address(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).post(
        reverse("domains:add", args=[project.id]),
        {"idempotency_key": "k", "name": "*.example.org", "primary": "on"},
    )
    assert response.status_code == 400
    assert "A wildcard domain cannot be the site" in response.content.decode()


def test_agilers_own_refusal_lands_on_the_field(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    response = client.post(
        reverse("domains:add", args=[project.id]),
        {"idempotency_key": "dup-1", "name": f"www.{project.name}.example"},
        **HTMX,
    )
    body = response.content.decode()
    assert "already attached to this project" in body and "invalid-feedback" in body
    assert 'value="dup-1"' not in body  # rekeyed for the corrected submission


def test_make_primary_says_the_address_changes_from_old_to_new(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    target = _named(sandbox, project, f"{project.name}.example")
    url = reverse("domains:primary", args=[project.id, target["id"]])
    client = client_for(tokened_cast["operator"])
    dialog = client.get(url, **HTMX).content.decode()
    assert (
        f"changes from www.{project.name}.example to {project.name}.example" in dialog
        and "<html" not in dialog
    )
    response = client.post(url, {"idempotency_key": "prim-1"}, **HTMX)
    assert response.headers["HX-Redirect"] == _list(project)
    assert target["primary"] is True
    assert not _named(sandbox, project, f"www.{project.name}.example")["primary"]
    event = AuditEvent.objects.get(action="domains.update", outcome="success")
    assert event.target_label == f"{project.name}.example"


def test_a_wildcard_or_the_primary_itself_is_blocked_in_the_dialog(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    client = client_for(tokened_cast["operator"])
    for name, reason in [
        (f"*.{project.name}.example", "wildcard domain cannot be"),
        (f"www.{project.name}.example", "already the site's address"),
    ]:
        url = reverse("domains:primary", args=[project.id, _named(sandbox, project, name)["id"]])
        body = client.get(url).content.decode()
        assert reason in body.replace("&#x27;", "'") and 'data-testid="confirm-submit"' not in body
        assert client.post(url, {"idempotency_key": "x"}).status_code == 409


def test_removing_the_primary_says_the_site_will_have_no_address(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    primary = _named(sandbox, project, f"www.{project.name}.example")
    url = reverse("domains:remove", args=[project.id, primary["id"]])
    client = client_for(tokened_cast["operator"])
    body = client.get(url, **HTMX).content.decode().replace("&#x27;", "'")
    assert "is the site's address" in body and "no primary address" in body
    assert f"Make another domain primary afterwards ({project.name}.example)" in body
    client.post(url, {"idempotency_key": "rm-1"})
    assert primary not in domains_of(sandbox, project)
    event = AuditEvent.objects.get(action="domains.delete", outcome="success")
    assert event.target_label == f"www.{project.name}.example"


def test_removing_the_last_domain_says_there_will_be_no_custom_address(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    last = domains_of(sandbox, project)[1]
    del domains_of(sandbox, project)[:]
    domains_of(sandbox, project).append(last)
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("domains:remove", args=[project.id, last["id"]]))
        .content.decode()
    )
    assert "It is the last domain: the site will have no custom address" in body


def test_removing_a_secondary_domain_leaves_the_address(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    other = _named(sandbox, project, f"{project.name}.example")
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("domains:remove", args=[project.id, other["id"]]))
        .content.decode()
    )
    assert "address does not change" in body


def test_a_409_on_remove_is_explained_in_the_dialog(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    other = _named(sandbox, project, f"{project.name}.example")
    sandbox.faults.add(FaultRule(operation="delete_domain", status=409, times=1))
    body = (
        client_for(tokened_cast["operator"])
        .post(
            reverse("domains:remove", args=[project.id, other["id"]]),
            {"idempotency_key": "x"},
            **HTMX,
        )
        .content.decode()
    )
    assert "Refused by Agiler" in body and "Nothing was changed" in body
    assert other in domains_of(sandbox, project)


def test_support_sees_the_list_without_controls(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    body = client_for(tokened_cast["support"]).get(_list(project)).content.decode()
    assert 'data-testid="domain-row"' in body
    assert "make-primary" not in body and "remove-domain" not in body
    assert 'id="domain-form"' not in body
    assert "Your role (Support) can look at domains" in body


def test_a_readonly_token_shows_disabled_controls_naming_the_scope(  # type: ignore[no-untyped-def]
    cast, give_token, sandbox, project
) -> None:
    give_token(cast["operator"], "ak_sandbox_readonly")
    client = client_for(cast["operator"])
    body = client.get(_list(project)).content.decode()
    assert "projects.domains:write" in body and 'aria-disabled="true"' in body
    other = _named(sandbox, project, f"{project.name}.example")
    dialog = client.get(reverse("domains:remove", args=[project.id, other["id"]])).content.decode()
    assert "projects.domains:write" in dialog and 'data-testid="confirm-submit"' not in dialog


def test_a_verification_status_and_records_are_shown_only_when_agiler_sends_them(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    client = client_for(tokened_cast["operator"])
    assert 'data-testid="dns-status"' not in client.get(_list(project)).content.decode()
    target = _named(sandbox, project, f"{project.name}.example")
    target["status"] = "pending"
    target["records"] = [{"type": "CNAME", "name": "www", "value": "edge.agiler.example"}]
    body = client.get(_list(project)).content.decode()
    assert "Waiting for DNS" in body and "edge.agiler.example" in body
    target["status"] = "something-new"
    assert 'data-testid="dns-status"' not in client.get(_list(project)).content.decode()


@pytest.mark.parametrize("bad", ["..", "no-such-domain", "x" * 600])
def test_unknown_domain_ids_are_a_404(tokened_cast, sandbox, project, bad: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    for name in ("domains:primary", "domains:remove"):
        assert client.get(reverse(name, args=[project.id, bad])).status_code == 404


def test_the_project_home_says_when_there_is_no_site_address(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    for d in domains_of(sandbox, project):
        d["primary"] = False
    home = client_for(tokened_cast["support"]).get(reverse("projects:detail", args=[project.id]))
    assert 'data-testid="no-site-address"' in home.content.decode()


@pytest.mark.parametrize(
    "query", ["?cursor=garbage", "?cursor=%00", "?cursor=" + "x" * 5000, "?cursor=a&prev=%00"]
)
@pytest.mark.parametrize("area", ["domains:list", "variables:list"])
def test_bad_cursors_are_a_message_never_a_500(  # type: ignore[no-untyped-def]
    tokened_cast, project, area: str, query: str
) -> None:
    client = client_for(tokened_cast["operator"])
    for extra in ({}, HTMX):
        response = client.get(reverse(area, args=[project.id]) + query, **extra)
        assert response.status_code in (200, 400)
