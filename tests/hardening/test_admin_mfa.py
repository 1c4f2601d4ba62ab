"""Two-factor sign-in is required for admins by default, visibly on the People page; an admin
without it signs in with their password and is sent to set it up (issue 15, item 10)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portal.accounts.models import SecurityPolicy
from tests.helpers import PASSWORD


@pytest.fixture
def default_policy(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_REQUIRE_MFA_FOR_ADMINS = True  # the production default


def _sign_in(client, username: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_an_admin_without_two_factor_is_sent_to_set_it_up(  # type: ignore[no-untyped-def]
    client, admin, default_policy
) -> None:
    assert _sign_in(client, "ada").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/two-factor/"
    assert client.get("/accounts/two-factor/").status_code == 200


def test_other_roles_are_not_required_by_default(client, operator, default_policy) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, "otto")
    assert client.get("/").status_code == 200


def test_the_people_page_shows_the_admin_requirement_and_it_can_be_turned_off(  # type: ignore[no-untyped-def]
    admin, make_user, default_policy
) -> None:
    from tests.helpers import client_for

    SecurityPolicy.current()  # created with the default: required for admins
    policy = SecurityPolicy.objects.get()
    policy.require_mfa_admins = False  # let this admin in to see the page
    policy.save()
    page = client_for(admin).get("/accounts/people/").content.decode()
    assert "Require two-factor sign-in for admins" in page
    client_for(admin).post("/accounts/people/policy/", {"require_mfa_admins": "on"})
    assert SecurityPolicy.objects.get().require_mfa_admins is True


def test_the_policy_starts_required_for_admins(db, default_policy) -> None:  # type: ignore[no-untyped-def]
    assert SecurityPolicy.current().require_mfa_admins is True


def test_the_demo_seed_turns_it_off_and_says_so(db, default_policy, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert SecurityPolicy.current().require_mfa_admins is False
    assert "Two-factor sign-in for admins is off in the demo" in out.getvalue()
