"""The signed-in person is loaded with their stored token in one query, and a token changed
during a request is the one used next in that request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import AgilerToken, User
from portal.tokens.store import token_for, token_remove, token_save
from tests.helpers import client_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from agiler_sandbox import Sandbox


def _token_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "accounts_agilertoken" in q["sql"]]


def test_a_page_that_calls_agiler_reads_the_person_and_their_token_once(
    operator: User, give_token: Callable[[User, str], None], sandbox: Sandbox
) -> None:
    give_token(operator, "ak_sandbox_owner")
    client = client_for(operator)
    client.get("/projects/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/projects/")
    assert response.status_code == 200
    assert b"project-row" in response.content  # the page did call Agiler with the token
    token_reads = _token_queries(queries)
    assert len(token_reads) == 1, token_reads
    assert "accounts_user" in token_reads[0]  # the token row came with the person


def test_a_person_without_a_token_is_asked_for_one(operator: User, sandbox: Sandbox) -> None:
    assert not AgilerToken.objects.filter(user=operator).exists()
    response = client_for(operator).get("/projects/")
    assert b"Add your Agiler token" in response.content


def test_a_token_replaced_during_the_request_is_the_one_used_next(
    operator: User, give_token: Callable[[User, str], None], sandbox: Sandbox
) -> None:
    give_token(operator, "ak_sandbox_owner")
    from portal.accounts.backends import PortalBackend

    person = PortalBackend().get_user(operator.pk)  # as the request loads them
    assert person is not None
    assert token_for(person) == "ak_sandbox_owner"
    token_save(user=person, token="ak_sandbox_support")
    assert token_for(person) == "ak_sandbox_support"
    token_remove(user=person)
    assert token_for(person) is None


def test_a_deactivated_person_is_not_loaded(operator: User) -> None:
    from portal.accounts.backends import PortalBackend

    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert PortalBackend().get_user(operator.pk) is None
    assert PortalBackend().get_user(987654) is None


def _fields(instance: object) -> dict[str, object]:
    values = {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}  # type: ignore[attr-defined]
    # A BinaryField reads back as memoryview on PostgreSQL, bytes on SQLite: compare bytes.
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in values.items()}


def test_the_one_query_reads_every_field_as_the_orm_does(
    operator: User, support: User, give_token: Callable[[User, str], None], sandbox: Sandbox
) -> None:
    """Each column converted by the field's own converters: datetimes with their zone,
    booleans, the token's bytes; a person without a token has none."""
    from django.utils import timezone

    from portal.accounts.backends import load_person

    give_token(operator, "ak_sandbox_owner")
    AgilerToken.objects.filter(user=operator).update(
        last_used_at=timezone.now(), rejected_at=timezone.now()
    )
    User.objects.filter(pk=operator.pk).update(must_change_password=True, last_login=timezone.now())
    person, token = load_person(operator.pk)
    assert person is not None and token is not None
    assert _fields(person) == _fields(User.objects.get(pk=operator.pk))
    assert _fields(token) == _fields(AgilerToken.objects.get(user=operator))
    assert person.must_change_password is True
    assert token.rejected_at is not None and token.rejected_at.tzinfo is not None
    assert token.user is person

    person, token = load_person(support.pk)
    assert person is not None and person.username == support.username
    assert token is None
    assert load_person(987654) == (None, None)


def test_a_session_signed_in_before_the_portal_backend_stays_signed_in(
    operator: User, give_token: Callable[[User, str], None], sandbox: Sandbox
) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY

    give_token(operator, "ak_sandbox_owner")
    client = client_for(operator)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    response = client.get("/projects/")
    assert response.status_code == 200 and b"project-row" in response.content
    assert client.session[BACKEND_SESSION_KEY] == "portal.accounts.backends.PortalBackend"


def test_a_refusal_another_request_recorded_first_still_shows_the_banner_here(
    operator: User, give_token: Callable[[User, str], None], sandbox: Sandbox
) -> None:
    from django.utils import timezone

    from portal.accounts.backends import PortalBackend
    from portal.tokens.store import mark_token_rejected, token_rejected

    give_token(operator, "ak_sandbox_owner")
    person = PortalBackend().get_user(operator.pk)  # this request's copy: not refused
    assert person is not None and token_rejected(person) is False
    AgilerToken.objects.filter(user=operator).update(rejected_at=timezone.now())  # the other
    mark_token_rejected(person)  # this request's 401 arrives: already recorded
    assert token_rejected(person) is True
