"""Project variables against the sandbox; sensitive values never reach the audit summary."""

from __future__ import annotations

from portal.agiler import AgilerClient, CallInfo, ProjectVariableOutput
from tests.helpers import RecordingObserver, RecordingTransport, sent_json


def test_create_update_delete_a_sensitive_variable(
    client: AgilerClient,
    project_id: str,
    wire: RecordingTransport,
    observer: RecordingObserver,
) -> None:
    created = client.create_variable(project_id, name="api_key", value="s3cr3t", sensitive=True)
    assert isinstance(created, ProjectVariableOutput)
    assert created.name == "API_KEY"  # names are upper-cased by Agiler
    assert sent_json(wire.last) == {"name": "api_key", "value": "s3cr3t", "sensitive": True}
    listed = {v.id: v for v in client.list_variables(project_id, limit=200)}
    assert listed[created.id].value is None  # sensitive values never come back in lists

    client.update_variable(project_id, created.id, value="n3w")
    assert (wire.last.method, sent_json(wire.last)) == ("PATCH", {"value": "n3w"})
    client.delete_variable(project_id, created.id)
    assert wire.last.url.path == f"/v1/projects/{project_id}/variables/{created.id}"

    summaries = [c.summary for c in observer.of("before_write") if isinstance(c, CallInfo)]
    assert "s3cr3t" not in repr(summaries) and "n3w" not in repr(summaries)
