"""The token keyring: AES-256-GCM, key ids, owner binding, and fail-loud configuration."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.tokens.crypto import (
    Keyring,
    TokenDecryptError,
    generate_key_entry,
    load_keyring,
    parse_keys,
)
from tests.accounts.test_login import PRODUCTION_ENV, _manage

KEY_A = generate_key_entry("a")
KEY_B = generate_key_entry("b")


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    old = parse_keys(KEY_A)
    sealed = old.encrypt("ak_secret_value", user_id=7)
    assert sealed.key_id == "a"
    assert b"ak_secret_value" not in sealed.ciphertext
    both = parse_keys(f"{KEY_B},{KEY_A}")
    assert both.primary.id == "b"
    assert both.decrypt(sealed, user_id=7) == "ak_secret_value"


def test_each_encryption_uses_a_fresh_nonce() -> None:
    keyring = parse_keys(KEY_A)
    first, second = (keyring.encrypt("same", user_id=1) for _ in range(2))
    assert first.nonce != second.nonce
    assert first.ciphertext != second.ciphertext


def test_a_ciphertext_does_not_open_for_another_user() -> None:
    keyring = parse_keys(KEY_A)
    sealed = keyring.encrypt("ak_secret_value", user_id=1)
    with pytest.raises(TokenDecryptError):
        keyring.decrypt(sealed, user_id=2)


def test_a_ciphertext_under_an_unknown_key_id_is_reported() -> None:
    sealed = parse_keys(KEY_A).encrypt("ak_secret_value", user_id=1)
    with pytest.raises(TokenDecryptError, match="no configured key has id 'a'"):
        parse_keys(KEY_B).decrypt(sealed, user_id=1)


def test_tampered_ciphertext_is_refused() -> None:
    keyring = parse_keys(KEY_A)
    sealed = keyring.encrypt("ak_secret_value", user_id=1)
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(TokenDecryptError):
        keyring.decrypt(type(sealed)(flipped, sealed.nonce, sealed.key_id), user_id=1)


@pytest.mark.parametrize(
    "spec",
    [
        "nocolon",
        "a:" + base64.b64encode(b"short").decode(),
        "a:not*base64*at*all",
        f"{KEY_A},{KEY_A}",
        "bad id!:" + base64.b64encode(bytes(range(32))).decode(),
    ],
    # Readable ids that are the same in every pytest-xdist worker (KEY_A is random per process).
    ids=["no-colon", "short-key", "not-base64", "duplicate-id", "bad-id"],
)
def test_malformed_keys_are_refused_without_echoing_key_material(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_keys(spec)
    secret = spec.rpartition(":")[2]
    if len(secret) > 4:
        assert secret not in str(refused.value)


def test_reprs_never_show_key_bytes() -> None:
    keyring = parse_keys(KEY_A)
    assert KEY_A.split(":")[1] not in repr(keyring) + repr(keyring.keys)
    assert isinstance(keyring, Keyring)


def test_demo_mode_generates_a_private_key_file_once(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.PORTAL_TOKEN_KEYS = ""
    settings.PORTAL_DEMO_KEY_FILE = tmp_path / ".portal-keys"
    first = load_keyring()
    assert (tmp_path / ".portal-keys").stat().st_mode & 0o077 == 0
    assert load_keyring().primary == first.primary


def test_with_debug_off_missing_keys_stop_the_app() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PORTAL_TOKEN_KEYS"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "PORTAL_TOKEN_KEYS must be set" in result.stderr


def test_with_debug_off_malformed_keys_stop_the_app() -> None:
    env = {**PRODUCTION_ENV, "PORTAL_TOKEN_KEYS": "prod1:dG9vLXNob3J0"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "exactly 32 random bytes" in result.stderr
