"""Project domains against the sandbox."""

from __future__ import annotations

import pytest

from portal.agiler import AgilerClient, BadRequest, ProjectDomainOutput
from tests.helpers import RecordingTransport, sent_json


def test_attach_make_primary_and_detach_a_domain(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    listed = client.list_domains(project_id)
    assert listed.items and all(isinstance(d, ProjectDomainOutput) for d in listed)
    assert wire.last.url.path == f"/v1/projects/{project_id}/domains"

    created = client.create_domain(project_id, name="shop.example.org")
    assert sent_json(wire.last) == {"name": "shop.example.org"}
    assert created.primary is False

    updated = client.update_domain(project_id, created.id, primary=True)
    assert (wire.last.method, sent_json(wire.last)) == ("PATCH", {"primary": True})
    assert updated.primary is True

    client.delete_domain(project_id, created.id)
    assert (wire.last.method, wire.last.url.path) == (
        "DELETE",
        f"/v1/projects/{project_id}/domains/{created.id}",
    )
    assert created.id not in {d.id for d in client.list_domains(project_id)}


def test_a_wildcard_cannot_be_primary(client: AgilerClient, project_id: str) -> None:
    with pytest.raises(BadRequest):
        client.create_domain(project_id, name="*.wild.example.org", primary=True)
