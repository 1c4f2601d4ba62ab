"""What a domain name may be, checked here with the rules Agiler (the sandbox) enforces.

Agiler takes exact FQDNs or one leading wildcard ``*.<fqdn>``, lower-cased, each label ASCII
letters, digits and inner hyphens, the top-level label starting with a letter, 253 characters at
most (``FQDN_RE`` below is the sandbox's pattern, character for character; a test keeps the two
verdicts equal over generated names).

Internationalised names: people type and read the Unicode form (``bücher.example``); Agiler is
sent the ASCII form (IDNA 2008 with UTS #46 mapping, ``xn--bcher-kva.example``), which is what DNS
and TLS certificates use and the only form the API's FQDN rule admits (docs/domains.md). A label
that mixes Latin with Cyrillic or Greek letters is refused: that is the look-alike trick
(``exаmple.com`` with a Cyrillic “а”), never a real name.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

import idna

#: The sandbox's label and FQDN patterns (agiler_sandbox/handlers/project_misc.py, FQDN_RE).
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
FQDN_RE = re.compile(rf"^(?:{_LABEL}\.)+[a-z][a-z0-9-]{{0,61}}[a-z0-9]$")
MAX_LENGTH = 253
WILDCARD = "*."
#: Scripts whose letters look alike; a label mixing two of them is a spoof.
_CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


class InvalidDomain(ValueError):
    """The name cannot be attached; ``str()`` is the sentence to show on the field."""


def _scripts(label: str) -> set[str]:
    found = set()
    for char in label:
        if char.isalpha():
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script in _CONFUSABLE_SCRIPTS:
                found.add(script)
    return found


def _mixed_scripts(label: str, scripts: set[str]) -> str:
    """The refusal of a mixed-script label, naming the odd letters (they look like the others,
    so quoting the label alone shows nothing)."""
    counts = {
        script: sum(1 for ch in label if unicodedata.name(ch, "").startswith(script + " "))
        for script in scripts
    }
    main = max(counts, key=lambda script: counts[script])
    odd = sorted(
        {ch for ch in label if ch.isalpha() and not unicodedata.name(ch, "").startswith(main)}
    )
    letters = ", ".join(f"“{ch}” ({unicodedata.name(ch, '?').lower()})" for ch in odd[:5])
    return (
        f"This name mixes {main.title()} letters with look-alikes from another alphabet: "
        f"{letters}. That is a common trick to imitate a real name; type it in one alphabet."
    )


def _ascii_form(bare: str) -> str:
    """``bare`` (no wildcard) in its ASCII (A-label) form; InvalidDomain when it has none."""
    if bare.isascii():
        return bare.lower()
    for label in bare.split("."):
        scripts = _scripts(label)
        if len(scripts) > 1:
            raise InvalidDomain(_mixed_scripts(label, scripts))
    try:
        return idna.encode(bare, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        raise InvalidDomain(
            "This is not a valid internationalised domain name (it has a character domain "
            "names cannot hold)."
        ) from None


def to_ascii(typed: str) -> str:
    """The name as Agiler is sent it: trimmed, lower-cased, ASCII, ``*.`` kept; else raises.

    For ASCII input this is exactly the sandbox's ``normalise_domain``.
    """
    value = typed.strip()
    if not value:
        raise InvalidDomain("Enter a domain name, e.g. www.example.com.")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"} for ch in value):
        raise InvalidDomain("A domain name cannot contain spaces or invisible characters.")
    value = value.rstrip(".")
    wildcard = value.startswith(WILDCARD)
    bare = value[len(WILDCARD) :] if wildcard else value
    if len(bare) > 4 * MAX_LENGTH:
        raise InvalidDomain(f"A domain name has at most {MAX_LENGTH} characters.")
    ascii_name = (WILDCARD if wildcard else "") + _ascii_form(bare)
    ascii_bare = ascii_name[len(WILDCARD) :] if wildcard else ascii_name
    if len(ascii_name) > MAX_LENGTH:
        raise InvalidDomain(f"A domain name has at most {MAX_LENGTH} characters.")
    if not FQDN_RE.match(ascii_bare):
        raise InvalidDomain(
            "Enter a full domain name such as www.example.com, or one wildcard such as "
            "*.example.com: letters, digits and hyphens between dots, ending in a top-level "
            "domain."
        )
    return ascii_name


def to_unicode(ascii_name: str) -> str:
    """How people read ``ascii_name``: its ``xn--`` labels decoded (left as they are if they
    do not decode)."""
    if "xn--" not in ascii_name:
        return ascii_name
    wildcard = ascii_name.startswith(WILDCARD)
    bare = ascii_name[len(WILDCARD) :] if wildcard else ascii_name
    labels = []
    for label in bare.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(idna.IDNAError, UnicodeError, ValueError):
                label = idna.decode(label)
        labels.append(label)
    return (WILDCARD if wildcard else "") + ".".join(labels)


def is_wildcard(name: str) -> bool:
    """Whether ``name`` is the wildcard form ``*.<fqdn>``."""
    return name.startswith(WILDCARD)
