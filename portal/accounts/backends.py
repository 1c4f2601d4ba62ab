"""How the portal loads the signed-in person on every request.

Every page starts by loading the person its session belongs to, and nearly every page then
needs their stored Agiler token. Through the ORM that was two queries, each compiled from a
queryset on every request: ~0.6 ms of a page's ~6 ms of worker CPU, most of it building the
same SQL again (issue 14). ``PortalBackend`` loads both in one query whose SQL is built once
per database connection from the models' own fields, and turns the row into model instances with the
fields' own database converters, exactly as the ORM does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from portal.accounts.models import AgilerToken, User
from portal.tokens.scope_cache import seed_token_row


@dataclass(frozen=True)
class _Columns:
    """One model's share of the joined row: its fields' names and converters."""

    model: type[models.Model]
    names: list[str]
    converters: list[tuple[int, list[Any], Any]]

    def instance(self, values: list[Any], connection: BaseDatabaseWrapper) -> models.Model:
        for index, converters, expression in self.converters:
            value = values[index]
            for convert in converters:
                value = convert(value, expression, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.names, values)


def _columns(
    model: type[models.Model], alias: str, connection: BaseDatabaseWrapper
) -> tuple[str, _Columns]:
    """The SELECT list for ``model``'s concrete fields under table ``alias``, and how to read
    them back (the converters Django's SQL compiler would apply)."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    select = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(alias)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if found:
            converters.append((index, found, expression))
    return select, _Columns(model, [field.attname for field in fields], converters)


def _plan(connection: BaseDatabaseWrapper) -> tuple[str, _Columns, _Columns]:
    """The person-with-token query and how to read its row: built once per connection object
    (Django keeps one per thread and database), whose converters it binds."""
    plan: tuple[str, _Columns, _Columns] | None = getattr(connection, "_portal_person_plan", None)
    if plan is None:
        plan = _build_plan(connection)
        connection._portal_person_plan = plan  # type: ignore[attr-defined]
    return plan


def _build_plan(connection: BaseDatabaseWrapper) -> tuple[str, _Columns, _Columns]:
    quote = connection.ops.quote_name
    user_select, user_columns = _columns(User, "u", connection)
    token_select, token_columns = _columns(AgilerToken, "t", connection)
    user_pk = quote(User._meta.pk.column)
    token_owner = quote(AgilerToken._meta.get_field("user").column)
    sql = (
        f"SELECT {user_select}, {token_select} "
        f"FROM {quote(User._meta.db_table)} u "
        f"LEFT OUTER JOIN {quote(AgilerToken._meta.db_table)} t ON t.{token_owner} = u.{user_pk} "
        f"WHERE u.{user_pk} = %s"
    )
    return sql, user_columns, token_columns


def load_person(user_id: Any) -> tuple[User | None, AgilerToken | None]:
    """The person with primary key ``user_id`` and their stored token (None when absent)."""
    connection = connections[User._default_manager.db]
    sql, user_columns, token_columns = _plan(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None, None
    split = len(user_columns.names)
    user = user_columns.instance(list(row[:split]), connection)
    assert isinstance(user, User)
    if row[split] is None:  # the token's primary key: no token stored
        return user, None
    token = token_columns.instance(list(row[split:]), connection)
    assert isinstance(token, AgilerToken)
    AgilerToken.user.field.set_cached_value(token, user)
    return user, token


class PortalBackend(ModelBackend):
    """Django's model backend, whose per-request load of the signed-in person brings their
    stored Agiler token along (``load_person``).

    The row goes into the request's token memo (``portal.tokens.scope_cache``), which every
    change to the token clears, so a page that replaces or refuses the token reads the new
    row. Signing in checks the password exactly as ``ModelBackend`` does.
    """

    def get_user(self, user_id: Any) -> User | None:
        user, token = load_person(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        seed_token_row(user, token)
        return user
