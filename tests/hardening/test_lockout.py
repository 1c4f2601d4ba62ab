"""Sign-in lockout per username *and* address (issue 15, item 7): five wrong passwords for
finance from one address no longer lock finance out everywhere; spraying many usernames from one
address is throttled per address."""

from __future__ import annotations

from django.test import Client

from tests.helpers import PASSWORD


def _login(client: Client, username: str, password: str, address: str) -> int:
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
    return response.status_code


def test_an_attacker_cannot_lock_a_user_out_from_another_address(finance) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        _login(Client(), "fiona", "wrong", "203.0.113.7")
    # The attacker's address is locked for fiona ...
    assert _login(Client(), "fiona", PASSWORD, "203.0.113.7") == 429
    # ... but fiona signs in from her own address.
    assert _login(Client(), "fiona", PASSWORD, "198.51.100.20") == 302


def test_spraying_many_usernames_from_one_address_is_throttled(settings, finance) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_LOGIN_ADDRESS_LIMIT = 8
    for i in range(8):
        assert _login(Client(), f"guess{i}", "wrong", "203.0.113.9") == 200
    # The address has used its allowance: even a right password waits, with the lockout page.
    assert _login(Client(), "fiona", PASSWORD, "203.0.113.9") == 429
    assert _login(Client(), "fiona", PASSWORD, "198.51.100.21") == 302
