"""Sealed form values open only for the person and purpose they were sealed for, while fresh."""

from __future__ import annotations

import pytest

from portal.lib import sealed
from portal.lib.sealed import Unsealable, seal, unseal


def test_a_sealed_value_opens_for_its_owner_and_purpose_only() -> None:
    blob = seal("hunter2 ünïcode\nline", purpose="p", user_id=7)
    assert "hunter2" not in blob and blob.isascii()
    assert unseal(blob, purpose="p", user_id=7) == "hunter2 ünïcode\nline"
    for purpose, user in [("p", 8), ("other", 7)]:
        with pytest.raises(Unsealable):
            unseal(blob, purpose=purpose, user_id=user)


def test_sealing_twice_gives_different_blobs() -> None:
    assert seal("x", purpose="p", user_id=1) != seal("x", purpose="p", user_id=1)


@pytest.mark.parametrize("blob", ["", "not base64!", "AAAA", "é", "A" * 200, "\x00"])
def test_garbage_is_refused_not_crashed_on(blob: str) -> None:
    with pytest.raises(Unsealable):
        unseal(blob, purpose="p", user_id=1)


def test_an_old_blob_has_expired(monkeypatch: pytest.MonkeyPatch) -> None:
    blob = seal("x", purpose="p", user_id=1)
    now = sealed.time.time()
    monkeypatch.setattr(sealed.time, "time", lambda: now + sealed.MAX_AGE + 1)
    with pytest.raises(Unsealable, match="expired"):
        unseal(blob, purpose="p", user_id=1)


def test_a_new_secret_key_invalidates_old_blobs(settings) -> None:  # type: ignore[no-untyped-def]
    blob = seal("x", purpose="p", user_id=1)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    with pytest.raises(Unsealable):
        unseal(blob, purpose="p", user_id=1)
