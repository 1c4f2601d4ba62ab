"""A variable's value goes to Agiler and nowhere else: not the audit log, not a log line, not the
database, and (sensitive: for no one; plain: not for support) not a page or a fragment.

Each canary is set through every path the portal offers (add, a refused add, edit, the .env
paste), then every page, fragment and export those people can open is searched, with every
audit row, every captured log record and a dump of the whole database.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.core.management import call_command
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.conftest import HTMX, client_for
from tests.variables.conftest import variables_of
from tests.variables.test_paste import _apply_data

SECRET_ADD = "canary-secret-add-5e1f0a"
SECRET_EDIT = "canary-secret-edit-77b2c9"
SECRET_PASTE = "canary-secret-paste-0d4e88"
PLAIN = "canary-plain-value-9a3c61"
SECRETS = (SECRET_ADD, SECRET_EDIT, SECRET_PASTE)


class Recorder:
    """A signed-in test client that keeps every body it received."""

    def __init__(self, user: Any) -> None:
        self.client = client_for(user)
        self.bodies: list[tuple[str, str]] = []

    def _keep(self, url: str, response: Any) -> Any:
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        self.bodies.append((url, body.decode("utf-8", "replace")))
        return response

    def get(self, url: str, **extra: Any) -> Any:
        self._keep(url, self.client.get(url))
        return self._keep(url + " (htmx)", self.client.get(url, **HTMX, **extra))

    def post(self, url: str, data: dict[str, Any], **extra: Any) -> Any:
        return self._keep(url + " POST", self.client.post(url, data, **extra))


def test_canary_values_appear_nowhere_but_in_agiler(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    operator = Recorder(tokened_cast["operator"])
    add = reverse("variables:add", args=[project.id])
    paste = reverse("variables:paste", args=[project.id])
    listing = reverse("variables:list", args=[project.id])

    # A refused add first (bad name), then the corrected one from the sealed value.
    refused = operator.post(
        add, {"idempotency_key": "c1", "name": "1BAD", "value": SECRET_ADD, "sensitive": "on"}
    )
    sealed = refused.content.decode().split('name="sealed_value" value="')[1].split('"')[0]
    operator.post(
        add,
        {"idempotency_key": "c2", "name": "CANARY_ADD", "sensitive": "on", "sealed_value": sealed},
        **HTMX,
    )
    operator.post(add, {"idempotency_key": "c3", "name": "CANARY_PLAIN", "value": PLAIN})
    held = variables_of(sandbox, project)
    assert held["CANARY_ADD"]["value"] == SECRET_ADD
    assert held["CANARY_PLAIN"]["value"] == PLAIN

    edit = reverse("variables:edit", args=[project.id, held["CANARY_ADD"]["id"]])
    operator.get(edit)
    operator.post(
        edit,
        {
            "idempotency_key": "c4",
            "name": "CANARY_ADD",
            "sensitive": "on",
            "replace_value": "on",
            "value": SECRET_EDIT,
        },
    )
    assert variables_of(sandbox, project)["CANARY_ADD"]["value"] == SECRET_EDIT

    text = f'CANARY_PASTE_SECRET="{SECRET_PASTE}"\nCANARY_PLAIN={PLAIN}\n'
    preview = operator.post(paste, {"step": "preview", "paste": text}, **HTMX).content.decode()
    operator.post(paste, _apply_data(preview), **HTMX)
    operator.post(paste, _apply_data(preview), **HTMX)  # a double submit
    assert variables_of(sandbox, project)["CANARY_PASTE_SECRET"]["value"] == SECRET_PASTE

    # Every page the operator can open about it.
    held = variables_of(sandbox, project)
    for url in [
        listing,
        paste,
        reverse("variables:edit", args=[project.id, held["CANARY_PASTE_SECRET"]["id"]]),
        reverse("variables:remove", args=[project.id, held["CANARY_ADD"]["id"]]),
        reverse("projects:detail", args=[project.id]),
        reverse("audit:list"),
        reverse("audit:export", kwargs={"fmt": "csv"}),
    ] + [reverse("audit:detail", args=[event.id]) for event in AuditEvent.objects.all()]:
        operator.get(url)
    operator.post(
        reverse("variables:remove", args=[project.id, held["CANARY_ADD"]["id"]]),
        {"idempotency_key": "c5"},
    )

    support = Recorder(tokened_cast["support"])
    for url in [
        listing,
        reverse("projects:detail", args=[project.id]),
        reverse("audit:list"),
        reverse("audit:export", kwargs={"fmt": "csv"}),
    ] + [reverse("audit:detail", args=[event.id]) for event in AuditEvent.objects.all()]:
        support.get(url)

    # Pages and fragments: sensitive canaries for no one, the plain one not for support.
    for url, body in operator.bodies + support.bodies:
        for secret in SECRETS:
            assert secret not in body, f"{secret} in {url}"
    for url, body in support.bodies:
        assert PLAIN not in body, f"plain value shown to support in {url}"
    assert any(PLAIN in body for _, body in operator.bodies)  # the operator does see it

    # The audit log: every column of every row; and it did record the writes, by name.
    rows = [str(row) for row in AuditEvent.objects.values()]
    assert any("CANARY_ADD" in row for row in rows)
    for row in rows:
        for canary in (*SECRETS, PLAIN):
            assert canary not in row

    # Log lines, formatted and raw.
    logged = caplog.text + "".join(repr(r.args) + repr(r.__dict__) for r in caplog.records)
    for canary in (*SECRETS, PLAIN):
        assert canary not in logged

    # The database, every table.
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for canary in (*SECRETS, PLAIN):
        assert canary not in dump.getvalue()
