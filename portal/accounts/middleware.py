"""Two-factor policy enforcement for every request of a signed-in person.

* A person who has set up two-factor sign-in but whose session was not verified with a code
  (e.g. a session that predates their enrolment) is signed out and sent to sign in again.
* A person whose account was created with a one-time password must change it first.
* When two-factor sign-in is required for them — for everyone when an admin turns that on, and
  for admins by default — people without it may only reach the enrolment page (and sign out)
  until they have set it up: they sign in with their password and are prompted to enrol.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import get_user as cached_user
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp.middleware import is_verified

from portal.accounts.mfa import mfa_required_for, session_has_mfa

#: what sessions signed in before ``portal.accounts.backends.PortalBackend`` recorded
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"
PORTAL_BACKEND = "portal.accounts.backends.PortalBackend"


class OldSessionBackendMiddleware:
    """Keep people signed in across the upgrade that introduced ``PortalBackend``.

    A session records the path of the backend that signed the person in, and Django treats a
    path no longer in ``AUTHENTICATION_BACKENDS`` as signed out. Sessions from before the
    upgrade (and a two-factor sign-in begun before it) name Django's ``ModelBackend``, which
    checked the same password the same way: they are renamed before the person is loaded.
    (Between ``SessionMiddleware`` and ``AuthenticationMiddleware``; safe to remove once no
    session can be older than the upgrade, i.e. ``SESSION_COOKIE_AGE`` after it.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(BACKEND_SESSION_KEY) == OLD_BACKEND:
            session[BACKEND_SESSION_KEY] = PORTAL_BACKEND
        return self.get_response(request)


class PersonMiddleware:
    """``request.user`` as the person themselves, loaded once, rather than behind two lazy
    proxies (Django's ``AuthenticationMiddleware`` wraps the person in one, django-otp's
    ``OTPMiddleware`` wraps that in another). Through the proxies every ``user.…`` a page
    reads (the layout and its gates read dozens) costs two extra calls and a caught
    ``AttributeError``: about 3 % of a list page (issue 14: page cost).

    After ``OTPMiddleware`` and ``BadInputMiddleware`` (whose answers need no person): reading
    the person runs django-otp's check first (it sets ``otp_device`` and ``is_verified`` on the
    person), then hands on the object Django's authentication cached on the request. Pages read
    the person anyway (the sign-in policy checks them before any view, the layout shows them),
    so nothing is loaded that was not loaded before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user.is_authenticated  # noqa: B018 - reads through both proxies, in order
        request.user = cached_user(request)
        return self.get_response(request)


#: URL names a person who must enrol may still open
ENROLMENT_ALLOWED = {"accounts:mfa", "accounts:logout", "accounts:login", "accounts:login_verify"}


class SignInPolicyMiddleware:
    """Apply the rules above (after django-otp's ``OTPMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        name = self._name(request)
        if is_verified(user):  # what OTPMiddleware installs as user.is_verified()
            # Verified sessions have two-factor sign-in, so only the password rule can apply.
            if getattr(user, "must_change_password", False):
                if name in ENROLMENT_ALLOWED | {"accounts:password_change"}:
                    return self._restricted(request)
                return self._go(request, reverse("accounts:password_change"))
            return None
        if session_has_mfa(user, request.session):
            logout(request)
            messages.info(request, "Sign in again with your authentication code.")
            return self._go(request, reverse("accounts:login"))
        must_change = getattr(user, "must_change_password", False)
        if name in ENROLMENT_ALLOWED:
            return self._restricted(request) if must_change or mfa_required_for(user) else None
        if must_change:
            if name == "accounts:password_change":
                return self._restricted(request)
            messages.info(request, "Choose your own password to continue.")
            return self._go(request, reverse("accounts:password_change"))
        if not mfa_required_for(user):
            return None
        messages.info(request, "Your team requires two-factor sign-in: set it up to continue.")
        return self._go(request, reverse("accounts:mfa"))

    @staticmethod
    def _restricted(request: HttpRequest) -> None:
        """Let the page render, but mark it: the layout then loads no background fragments
        (a lazily loaded header widget would be redirected here again and reload the page
        under the person filling in the form)."""
        # An ad hoc flag for the layout: HttpRequest declares no such attribute.
        request.sign_in_restricted = True  # type: ignore[attr-defined]
        return None

    @staticmethod
    def _name(request: HttpRequest) -> str:
        match = getattr(request, "resolver_match", None)
        return match.view_name if match else ""

    @staticmethod
    def _go(request: HttpRequest, url: str) -> HttpResponse:
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
