"""Two-factor sign-in: enrolment with a TOTP app, login with a code, recovery codes, reset,
and the lockout after repeated failures."""

from __future__ import annotations

import re
import time

import pyotp
from django.test import Client

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from tests.helpers import PASSWORD, client_for, totp_code_with_time_to_use


def enrol(user: User) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol ``user`` through the page as a person would; return their app and recovery codes."""
    client = client_for(user)
    page = client.get("/accounts/two-factor/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7 ]+)<', page).group(1)  # type: ignore[union-attr]
    totp = pyotp.TOTP(secret.replace(" ", ""))
    response = client.post("/accounts/two-factor/", {"otp_token": totp_code_with_time_to_use(totp)})
    assert response.status_code == 200
    codes = re.findall(r"<li class=\"col mb-1\">([a-z0-9-]+)</li>", response.content.decode())
    assert len(codes) == 10
    return totp, codes


def sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


def test_enrolment_needs_a_valid_code_from_the_app(operator: User) -> None:
    client = client_for(operator)
    client.get("/accounts/two-factor/")
    response = client.post("/accounts/two-factor/", {"otp_token": "000000"})
    assert response.status_code == 400
    assert "did not match" in response.content.decode()
    assert not AuditEvent.objects.filter(action="mfa.enrolled").exists()


def test_after_enrolment_signing_in_needs_a_totp_code(operator: User) -> None:
    totp, codes = enrol(operator)
    assert AuditEvent.objects.filter(action="mfa.enrolled").count() == 1
    assert not any(code in str(e.summary) for e in AuditEvent.objects.all() for code in codes)

    client = sign_in("otto")
    assert client.get("/").status_code == 302  # the password alone does not sign in
    response = client.post("/accounts/login/verify/", {"otp_token": "123456"})
    assert "not valid" in response.content.decode()
    time.sleep(1.1)  # django-otp throttles a device for 1 s after a wrong code, 2 s after two…
    # A code is single-use, and the enrolment just used the current one: take the next step's
    # (django-otp tolerates one step of clock drift).
    response = client.post("/accounts/login/verify/", {"otp_token": totp.at(time.time() + 30)})
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(operator: User) -> None:
    _, codes = enrol(operator)
    client = sign_in("otto")
    assert (
        client.post("/accounts/login/verify/", {"otp_token": codes[0].upper()}).status_code == 302
    )
    assert client.get("/").status_code == 200
    again = sign_in("otto")
    again.post("/accounts/login/verify/", {"otp_token": codes[0]})
    assert again.get("/").status_code == 302


def test_an_admin_resets_a_persons_mfa(admin: User, operator: User) -> None:
    enrol(operator)
    client_for(admin).post("/accounts/people/user/otto/two-factor-reset/")
    assert AuditEvent.objects.filter(action="mfa.reset").count() == 1
    client = sign_in("otto")
    assert client.get("/").status_code == 200  # password alone again, until they re-enrol


def test_a_session_without_the_second_factor_is_signed_out(operator: User) -> None:
    enrol(operator)
    stale = client_for(operator)  # a session that never proved the second factor
    assert stale.get("/").headers["Location"] == "/accounts/login/"


def test_a_session_asks_for_an_authenticator_once(operator: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(operator)
    client.get("/accounts/token/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/token/").status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp_totpdevice" in q["sql"]]


def test_enrolling_ends_the_persons_other_sessions_at_once(operator: User) -> None:
    """Another session remembered "no authenticator" (it asks once per session): enrolling
    ends it, so it cannot keep going on the password alone."""
    other = client_for(operator)
    assert other.get("/").status_code == 200
    enrol(operator)
    response = other.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action="mfa.enrolled")
    assert event.summary["sessions_ended"] == 1


def test_repeated_failures_lock_the_account_with_a_clear_message(operator: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "otto", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "otto", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in, even with the right password
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.login_failed", "auth.lockout"} <= actions


def test_wrong_totp_codes_count_towards_the_lockout(operator: User) -> None:
    enrol(operator)
    client = sign_in("otto")
    for _ in range(5):
        response = client.post("/accounts/login/verify/", {"otp_token": "000000"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def _secret(page: str) -> pyotp.TOTP:
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7 ]+)<', page).group(1)  # type: ignore[union-attr]
    return pyotp.TOTP(secret.replace(" ", ""))


def _verified_session(user: User, totp: pyotp.TOTP) -> Client:
    """A session that signed in with password and second factor, as a thief would inherit it."""
    client = sign_in(user.get_username())
    time.sleep(1.1)  # the last wrong code's throttle, if any
    response = client.post("/accounts/login/verify/", {"otp_token": totp.at(time.time() + 30)})
    assert response.status_code == 302
    return client


def test_viewing_the_set_up_page_saves_no_device_and_keeps_the_same_secret(
    operator: User,
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client_for(operator)
    first = _secret(client.get("/accounts/two-factor/").content.decode())
    again = _secret(client.get("/accounts/two-factor/").content.decode())
    assert first.secret == again.secret  # a reload does not invalidate the scanned code
    assert not TOTPDevice.objects.filter(user_id=operator.pk).exists()


def test_replacing_the_authenticator_without_the_current_factor_is_refused(
    operator: User,
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    old_app, _ = enrol(operator)
    hijacked = _verified_session(operator, old_app)
    page = hijacked.get("/accounts/two-factor/?setup=1").content.decode()
    assert 'data-testid="mfa-step-up"' in page
    attacker_app = _secret(page)
    response = hijacked.post("/accounts/two-factor/", {"otp_token": attacker_app.now()})
    assert response.status_code == 400
    response = hijacked.post(
        "/accounts/two-factor/", {"otp_token": attacker_app.now(), "current": "not-my-password"}
    )
    assert response.status_code == 400
    assert "neither your password nor a current code" in response.content.decode()
    assert AuditEvent.objects.filter(action="mfa.enrolled").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1
    # the old authenticator is still the one that counts
    confirmed = TOTPDevice.objects.filter(user_id=operator.pk, confirmed=True)
    assert list(confirmed.values_list("key", flat=True)) == [_hex(old_app)]


def test_replacing_the_authenticator_with_the_current_password_works(operator: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    old_app, _ = enrol(operator)
    client = _verified_session(operator, old_app)
    new_app = _secret(client.get("/accounts/two-factor/?setup=1").content.decode())
    response = client.post(
        "/accounts/two-factor/", {"otp_token": new_app.now(), "current": PASSWORD}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrolled").count() == 2
    assert list(TOTPDevice.objects.filter(user_id=operator.pk).values_list("key", "confirmed")) == [
        (_hex(new_app), True)
    ]


def test_repeated_wrong_step_up_answers_lock_the_replacement(operator: User) -> None:
    old_app, _ = enrol(operator)
    client = _verified_session(operator, old_app)
    new_app = _secret(client.get("/accounts/two-factor/?setup=1").content.decode())
    for _ in range(5):
        client.post("/accounts/two-factor/", {"otp_token": new_app.now(), "current": "guess"})
    response = client.post(
        "/accounts/two-factor/", {"otp_token": new_app.now(), "current": PASSWORD}
    )
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="mfa.enrolled").count() == 1


def _hex(totp: pyotp.TOTP) -> str:
    import base64

    padded = totp.secret + "=" * (-len(totp.secret) % 8)
    return base64.b32decode(padded).hex()


def test_a_code_used_once_is_refused_again_saying_it_was_already_used(operator: User) -> None:
    totp, _ = enrol(operator)
    code = totp.at(time.time() + 30)
    first = sign_in("otto")
    assert first.post("/accounts/login/verify/", {"otp_token": code}).status_code == 302
    second = sign_in("otto")
    response = second.post("/accounts/login/verify/", {"otp_token": code})
    body = response.content.decode()
    assert "already used" in body and "Wait for the next code" in body
    assert second.get("/").status_code == 302  # still not signed in


def test_views_see_the_person_themselves_with_their_two_factor_state(
    operator: User, finance: User
) -> None:
    """PersonMiddleware hands views the person, not Django's and django-otp's lazy proxies,
    and django-otp's check has already run on them."""
    app, _ = enrol(operator)
    verified = _verified_session(operator, app).get("/accounts/two-factor/").wsgi_request.user
    assert type(verified) is User and verified.pk == operator.pk
    assert verified.is_verified() and verified.otp_device is not None

    plain = client_for(finance).get("/accounts/two-factor/").wsgi_request.user  # not enrolled
    assert type(plain) is User and plain.pk == finance.pk and not plain.is_verified()

    nobody = Client().get("/accounts/login/").wsgi_request.user
    assert not nobody.is_authenticated and not nobody.is_verified()
