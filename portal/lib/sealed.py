"""Sealed form values: a secret a form must carry from one request to the next, unreadable.

A sensitive variable's value must never be sent back to the browser in clear, yet a form
re-shown with an error, or a ``.env`` preview the person confirms, must not lose what was typed.
The value travels sealed instead: AES-256-GCM under a key derived from ``SECRET_KEY`` for this
purpose only, bound to the user and a purpose string (a blob sealed for one person or one form
opens for no other), with its sealing time inside so it expires. Nothing is stored on the
server: no row, no session entry, no cache key holds the value.

    blob = seal(text, purpose="variables.paste", user_id=request.user.pk)
    text = unseal(blob, purpose="variables.paste", user_id=request.user.pk)  # or raises
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import struct
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.encoding import force_bytes
from django.views.decorators.debug import sensitive_variables

#: How long a sealed value stays usable (a preview confirmed within the hour).
MAX_AGE = 3600
_NONCE = 12
_INFO = b"agiler-portal/sealed-form-value/v1"


class Unsealable(ValueError):
    """The blob is expired, tampered with, sealed for someone or something else, or garbage."""


def _key() -> bytes:
    return hashlib.sha256(_INFO + b"|" + force_bytes(settings.SECRET_KEY)).digest()


def _aad(purpose: str, user_id: object) -> bytes:
    return f"{_INFO.decode()}|purpose={purpose}|user={user_id}".encode()


@sensitive_variables("text")
def seal(text: str, *, purpose: str, user_id: object) -> str:
    """``text`` sealed for ``user_id`` and ``purpose``, as URL-safe ASCII."""
    nonce = secrets.token_bytes(_NONCE)
    payload = struct.pack(">Q", int(time.time())) + text.encode()
    sealed = AESGCM(_key()).encrypt(nonce, payload, _aad(purpose, user_id))
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


@sensitive_variables("payload")
def unseal(blob: str, *, purpose: str, user_id: object, max_age: int = MAX_AGE) -> str:
    """The text ``blob`` holds; :class:`Unsealable` when it cannot be opened or has expired."""
    try:
        raw = base64.urlsafe_b64decode(blob.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise Unsealable("not a sealed value") from None
    if len(raw) < _NONCE + 8 + 16:
        raise Unsealable("not a sealed value")
    try:
        payload = AESGCM(_key()).decrypt(raw[:_NONCE], raw[_NONCE:], _aad(purpose, user_id))
    except InvalidTag:
        raise Unsealable("sealed for someone or something else, or altered") from None
    (sealed_at,) = struct.unpack(">Q", payload[:8])
    if time.time() - sealed_at > max_age:
        raise Unsealable("expired")
    return payload[8:].decode()
