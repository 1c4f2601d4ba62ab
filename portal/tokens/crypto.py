"""The keyring that encrypts stored Agiler tokens: AES-256-GCM, a key id per ciphertext.

``PORTAL_TOKEN_KEYS`` is ``id:base64(32 bytes)[,id:base64(32 bytes)…]``. The first key encrypts,
every key decrypts, so a new key is introduced by putting it first, running
``manage.py rotate_token_keys``, and later removing the old one.

Each ciphertext is sealed with a fresh 96-bit random nonce and *associated data* naming the owning
user's id and the key id. A ciphertext copied onto another user's row, or relabelled with another
key id, fails authentication instead of decrypting: tokens cannot be swapped between people even
by someone who can write to the database.

Demo mode (DEBUG on and no keys configured) generates a key into ``PORTAL_DEMO_KEY_FILE`` (a
git-ignored file) with a warning. With DEBUG off, missing or malformed keys stop the application
at start-up (``AccountsConfig.ready``).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.views.decorators.debug import sensitive_variables

logger = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce; random per encryption
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_AAD_FORMAT = "agiler-portal/token/v1|user={user_id}|key={key_id}"


class TokenDecryptError(Exception):
    """A stored ciphertext cannot be decrypted (unknown key id, wrong owner, or tampered)."""


@dataclass(frozen=True)
class TokenKey:
    """One named 256-bit key. Its bytes never appear in ``repr()``."""

    id: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class Sealed:
    """A ciphertext with what is needed to open it again (besides the key and the owner)."""

    ciphertext: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    key_id: str


def _aad(user_id: int, key_id: str) -> bytes:
    return _AAD_FORMAT.format(user_id=int(user_id), key_id=key_id).encode()


class Keyring:
    """The configured keys, first one primary."""

    def __init__(self, keys: list[TokenKey]) -> None:
        if not keys:
            raise ImproperlyConfigured("The token keyring needs at least one key.")
        self.keys: tuple[TokenKey, ...] = tuple(keys)
        self._by_id = {key.id: key for key in keys}

    def __repr__(self) -> str:
        return f"Keyring(ids={list(self.key_ids)!r})"

    @property
    def primary(self) -> TokenKey:
        """The key new ciphertexts are made with."""
        return self.keys[0]

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(key.id for key in self.keys)

    def has(self, key_id: str) -> bool:
        """Return whether ``key_id`` is configured."""
        return key_id in self._by_id

    @sensitive_variables("plaintext")
    def encrypt(self, plaintext: str, *, user_id: int) -> Sealed:
        """Seal ``plaintext`` for the user ``user_id`` under the primary key."""
        key = self.primary
        nonce = secrets.token_bytes(NONCE_BYTES)
        ciphertext = AESGCM(key.secret).encrypt(nonce, plaintext.encode(), _aad(user_id, key.id))
        return Sealed(ciphertext=ciphertext, nonce=nonce, key_id=key.id)

    @sensitive_variables("plaintext")
    def decrypt(self, sealed: Sealed, *, user_id: int) -> str:
        """Open ``sealed`` for ``user_id``; raise :class:`TokenDecryptError` on any failure."""
        key = self._by_id.get(sealed.key_id)
        if key is None:
            raise TokenDecryptError(f"no configured key has id {sealed.key_id!r}")
        if len(sealed.nonce) != NONCE_BYTES:
            raise TokenDecryptError("stored nonce has the wrong length")
        try:
            plaintext = AESGCM(key.secret).decrypt(
                bytes(sealed.nonce), bytes(sealed.ciphertext), _aad(user_id, sealed.key_id)
            )
        except InvalidTag:
            # Deliberately vague: wrong owner, wrong key bytes and tampering look the same.
            raise TokenDecryptError(
                f"authentication failed under key {sealed.key_id!r} (wrong owner, key or data)"
            ) from None
        return plaintext.decode()


def parse_keys(spec: str) -> Keyring:
    """Parse ``id:base64key[,id:base64key…]``; raise ImproperlyConfigured naming the problem.

    Messages name the entry's position and key id, never any key material.
    """
    entries = [entry.strip() for entry in spec.split(",") if entry.strip()]
    if not entries:
        raise ImproperlyConfigured("PORTAL_TOKEN_KEYS is empty.")
    keys: list[TokenKey] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        where = f"PORTAL_TOKEN_KEYS entry {position}"
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"{where} must look like 'id:base64key' with an id of letters, digits, '_', '-' "
                "or '.' (at most 32)."
            )
        if key_id in seen:
            raise ImproperlyConfigured(f"{where}: key id {key_id!r} appears twice.")
        seen.add(key_id)
        secret = _decode_key(encoded.strip())
        if secret is None or len(secret) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"{where} (id {key_id!r}) must be base64 of exactly {KEY_BYTES} random bytes. "
                "Generate one with: python manage.py check_token_keys --generate"
            )
        keys.append(TokenKey(id=key_id, secret=secret))
    return Keyring(keys)


def _decode_key(encoded: str) -> bytes | None:
    padded = encoded + "=" * (-len(encoded) % 4)
    # validate=True: a typo must not silently decode to some other 32 bytes.
    for altchars in (None, b"-_"):
        try:
            return base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
    return None


def generate_key_entry(key_id: str) -> str:
    """Return a fresh ``id:base64key`` entry for ``PORTAL_TOKEN_KEYS``."""
    if not _KEY_ID.match(key_id):
        raise ValueError("key id must be 1-32 letters, digits, '_', '-' or '.'")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def _demo_keys(path: Path) -> str:
    """Read the demo key file, creating it first (atomically, mode 0600) if needed."""
    if not path.exists():
        logger.warning(
            "PORTAL_TOKEN_KEYS is not set: generating a demo token key in %s. Demo mode only; "
            "set PORTAL_TOKEN_KEYS in production.",
            path,
        )
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_key_entry("demo1") + "\n")
        try:
            # link() fails if another worker won the race; then everyone reads the winner's key.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()


_lock = threading.Lock()
_cached: Keyring | None = None


def load_keyring() -> Keyring:
    """Build the keyring from settings (or the demo file); ImproperlyConfigured if unusable."""
    spec = (getattr(settings, "PORTAL_TOKEN_KEYS", "") or "").strip()
    if spec:
        return parse_keys(spec)
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "PORTAL_TOKEN_KEYS must be set when PORTAL_DEBUG is off: it encrypts the stored "
            "Agiler tokens. Generate an entry with: python manage.py check_token_keys --generate"
        )
    return parse_keys(_demo_keys(Path(settings.PORTAL_DEMO_KEY_FILE)))


def get_keyring() -> Keyring:
    """Return the process-wide keyring (built once; rebuilt when the settings change)."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = load_keyring()
    return _cached


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: object) -> None:
    global _cached
    if setting in {"PORTAL_TOKEN_KEYS", "PORTAL_DEMO_KEY_FILE", "DEBUG"}:
        _cached = None
