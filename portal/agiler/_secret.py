"""A tiny wrapper that keeps the API token out of reprs, logs, messages and tracebacks."""

from __future__ import annotations

__all__ = ["Secret"]


class Secret:
    """Holds a secret string; ``repr``/``str``/format show ``'***'``, never the value.

    Read the value only where it is put on the wire (``reveal()``), never into a variable that
    could end up in a traceback's locals.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a secret must be a string")
        self._value = value

    def reveal(self) -> str:
        """Return the secret value (for the Authorization header only)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str:
        # Pickling would copy the token into caches or task queues; refuse loudly.
        raise TypeError("Secret values cannot be pickled")
