"""What a variable name and value may be (Agiler's rules, checked before asking it).

Agiler upper-cases names and accepts ``[A-Za-z_][A-Za-z0-9_]*`` up to 255 characters; values up
to 32,768 characters, empty allowed, several lines allowed. A NUL character is refused here:
no program reads it back from an environment variable.
"""

from __future__ import annotations

import re

NAME_RE = re.compile(r"[A-Z_][A-Z0-9_]*")
NAME_MAX_LENGTH = 255
VALUE_MAX_LENGTH = 32_768
#: Names that usually hold a secret: new ones are proposed as sensitive.
SECRET_HINTS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "PRIVATE", "CREDENTIAL", "SALT")


class InvalidVariable(ValueError):
    """The name or value cannot be set; ``str()`` is the sentence to show."""


def clean_name(typed: str) -> str:
    """The name upper-cased as Agiler stores it; InvalidVariable with the reason otherwise."""
    stripped = typed.strip()
    # ASCII is checked before upper-casing: "ß".upper() is "SS" and "ı".upper() is "I", and a
    # name must not change letters behind the person's back.
    name = stripped.upper() if stripped.isascii() else stripped
    if not name:
        raise InvalidVariable("Enter a name, e.g. SMTP_HOST.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidVariable(f"A name has at most {NAME_MAX_LENGTH} characters.")
    if not name.isascii() or not NAME_RE.fullmatch(name):
        raise InvalidVariable(
            "A name holds only letters A–Z, digits and underscores, and does not start with a "
            "digit (e.g. SMTP_HOST)."
        )
    return name


def check_value(value: str) -> str:
    """``value`` unchanged when Agiler can hold it; InvalidVariable otherwise."""
    if "\x00" in value:
        raise InvalidVariable("A value cannot contain a NUL character.")
    if len(value) > VALUE_MAX_LENGTH:
        raise InvalidVariable(f"A value has at most {VALUE_MAX_LENGTH:,} characters.")
    return value


def looks_secret(name: str) -> bool:
    """Whether a new variable called ``name`` should be proposed as sensitive."""
    return any(hint in name for hint in SECRET_HINTS)
