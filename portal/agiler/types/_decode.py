"""Strict, reflective decoding of JSON into the frozen response dataclasses.

One decoder for every schema keeps the rules uniform: required fields must be present and of the
documented JSON type; optional fields may be missing or null (→ None); date-times become aware
``datetime`` objects; unknown fields the server adds later are kept in ``extra`` instead of
breaking the portal. Anything else raises :class:`~portal.agiler.errors.AgilerResponseError`
naming the schema and field — never a KeyError/TypeError deep inside a view. Error messages name
the JSON type received, never the value (values may be sensitive).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar, cast

from portal.agiler.errors import AgilerResponseError

__all__ = ["FreeformObject", "Model", "decode", "decode_list", "parse_datetime"]

T = TypeVar("T", bound="Model")

#: A JSON object whose shape belongs to another service (SQL statements); kept as a plain dict.
FreeformObject = dict[str, object]


@dataclass(frozen=True, kw_only=True, slots=True)
class Model:
    """Base of every response dataclass: ``extra`` keeps fields this client does not know."""

    extra: dict[str, object] = field(default_factory=dict, repr=False, compare=False)


class _Invalid(Exception):
    """Internal: a value did not match; carries the dotted location (built on the way out)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem

    def at(self, outer: str) -> _Invalid:
        """The same problem, located inside ``outer`` (a field name, ``[i]``, a class name)."""
        return _Invalid(outer + self.where, self.problem)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def parse_datetime(value: str) -> datetime:
    """Parse an RFC 3339 timestamp into an aware datetime (naive input is taken as UTC)."""
    text = value.strip()
    # fromisoformat (3.11) accepts "Z", but not lower-case "z" or a space-less "t".
    if text.endswith("z"):
        text = text[:-1] + "Z"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@cache
def _hints_cached(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _hints(cls: type[Model]) -> dict[str, Any]:
    return _hints_cached(cast(type, cls))


@cache
def _origin_args(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    return typing.get_origin(hint), typing.get_args(hint)


Converter = Callable[[object], object]


def _wrong(hint: Any, value: object) -> _Invalid:
    if value is None:
        return _Invalid("", "must not be null")
    return _Invalid("", f"expected {_describe(hint)}, got {_json_type(value)}")


@cache
def _converter(hint: Any) -> Converter:
    """The function that checks and converts one JSON value for a field typed ``hint``, built
    once per type: decoding a page of 25 projects then runs one small function per field
    instead of working out what the type asks for each time (issue 14: page cost). It raises
    ``_Invalid`` located at the value itself; callers add where the value sits."""
    origin, args = _origin_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = (a for a in args if a is not type(None))
        convert_inner = _converter(inner)
        if type(None) not in args:
            return convert_inner

        def optional(value: object) -> object:
            return None if value is None else convert_inner(value)

        return optional
    if hint is object:

        def anything(value: object) -> object:
            if value is None:
                raise _Invalid("", "must not be null")
            return value

        return anything
    if hint is str or hint is bool:

        def as_is(value: object) -> object:
            if isinstance(value, hint):
                return value
            raise _wrong(hint, value)

        return as_is
    if hint is int:

        def integer(value: object) -> object:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            # JSON has one number type; accept 3.0 for an integer field, refuse 3.5.
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise _wrong(hint, value)

        return integer
    if hint is float:

        def number(value: object) -> object:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            raise _wrong(hint, value)

        return number
    if hint is datetime:

        def moment(value: object) -> object:
            if isinstance(value, str):
                try:
                    return parse_datetime(value)
                except ValueError:
                    raise _Invalid("", "expected an RFC 3339 date-time string") from None
            raise _wrong(hint, value)

        return moment
    if origin is list:
        (item_hint,) = args
        convert_item = _converter(item_hint)

        def array(value: object) -> object:
            if not isinstance(value, list):
                raise _wrong(hint, value)
            items = []
            for i, item in enumerate(value):
                try:
                    items.append(convert_item(item))
                except _Invalid as exc:
                    raise exc.at(f"[{i}]") from None
            return items

        return array
    if origin is dict:

        def mapping(value: object) -> object:
            if isinstance(value, dict):
                return dict(value)
            raise _wrong(hint, value)

        return mapping
    if isinstance(hint, type) and issubclass(hint, Model):
        model = hint

        def nested(value: object) -> object:
            if value is None:
                raise _Invalid("", "must not be null")
            return _decode_model(model, value)

        return nested
    raise TypeError(f"unsupported field type {hint!r}")  # pragma: no cover - a schema bug


def _describe(hint: Any) -> str:
    names = {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        datetime: "date-time string",
        object: "any",
    }
    if hint in names:
        return names[hint]
    origin = typing.get_origin(hint)
    if origin is list:
        return "array"
    if origin is dict:
        return "object"
    return f"object ({getattr(hint, '__name__', hint)})"


@cache
def _plan(cls: type) -> tuple[tuple[tuple[str, bool, Converter], ...], frozenset[str]]:
    """Per model class, once: each field's name, whether it is required, and its converter."""
    hints = _hints(cls)
    fields = tuple(
        (
            f.name,
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            _converter(hints[f.name]),
        )
        for f in dataclasses.fields(cls)
        if f.name != "extra"
    )
    return fields, frozenset(name for name, _, _ in fields)


def _decode_model(cls: type[T], value: object) -> T:
    if not isinstance(value, dict):
        raise _Invalid("", f"expected object ({cls.__name__}), got {_json_type(value)}")
    fields, known = _plan(cast(type, cls))
    kwargs: dict[str, object] = {}
    for name, required, convert in fields:
        if name in value:
            try:
                kwargs[name] = convert(value[name])
            except _Invalid as exc:
                raise exc.at(f".{name}") from None
        elif required:
            raise _Invalid(f".{name}", "required field is missing")
    # Every key was a known field (the usual case) when as many were read as the object has.
    kwargs["extra"] = (
        {} if len(kwargs) == len(value) else {k: v for k, v in value.items() if k not in known}
    )
    # Field types were checked one by one above; the constructor call itself is dynamic.
    return cast(Any, cls)(**kwargs)  # type: ignore[no-any-return]


def _mismatch(
    cls: type[Model], exc: _Invalid, *, operation: str, status: int | None
) -> AgilerResponseError:
    return AgilerResponseError(
        f"Agiler's answer to {operation} does not match {cls.__name__}: {exc}",
        status=status,
        code="invalid_response",
        field=exc.where,
        operation=operation,
    )


def decode(cls: type[T], data: object, *, operation: str, status: int | None = None) -> T:
    """Decode ``data`` (parsed JSON) into ``cls`` or raise AgilerResponseError."""
    try:
        return _decode_model(cls, data)
    except _Invalid as exc:
        raise _mismatch(cls, exc.at(cls.__name__), operation=operation, status=status) from None


def decode_list(
    cls: type[T], data: object, *, operation: str, status: int | None = None
) -> list[T]:
    """Decode a JSON array of ``cls`` objects or raise AgilerResponseError."""
    if not isinstance(data, list):
        raise AgilerResponseError(
            f"Agiler's answer to {operation} should be an array of {cls.__name__}, "
            f"got {_json_type(data)}",
            status=status,
            code="invalid_response",
            operation=operation,
        )
    decoded: list[T] = []
    for i, item in enumerate(data):
        try:
            decoded.append(_decode_model(cls, item))
        except _Invalid as exc:
            located = exc.at(f"{cls.__name__}[{i}]")
            raise _mismatch(cls, located, operation=operation, status=status) from None
    return decoded


def decode_freeform(data: object, *, operation: str, status: int | None = None) -> FreeformObject:
    """Check that ``data`` is a JSON object (FreeformObject) and return it as a dict."""
    if not isinstance(data, dict):
        raise AgilerResponseError(
            f"Agiler's answer to {operation} should be a JSON object, got {_json_type(data)}",
            status=status,
            code="invalid_response",
            operation=operation,
        )
    return cast(FreeformObject, data)
