"""View decorators that apply the role matrix, deny by default.

Every view in the URLconf must declare its access with exactly one of these decorators. The
``AccessControlMiddleware`` refuses (403) any view that declares nothing, and a system check
lists such views at start-up, so a forgotten decorator fails closed and loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django_htmx.http import HttpResponseClientRedirect

from portal.accounts.roles import MATRIX, role_allows
from portal.audit.actions import Action

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from portal.accounts.models import User

# Any view: pages (HttpResponse), downloads and CSV exports (StreamingHttpResponse, FileResponse).
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


class AuthenticatedHttpRequest(HttpRequest):
    """The request a ``@requires`` view receives: the decorator has already turned away anonymous
    and inactive callers, so ``request.user`` is a portal ``User``. ``htmx`` is set by
    django-htmx's middleware on every request. (A type for annotations only: Django still passes
    its own ``HttpRequest``.)"""

    user: User
    htmx: HtmxDetails


#: attribute set on every decorated view: ("public", None) or ("action", "<action>")
ACCESS_ATTR = "portal_access"


def public(view: ViewFunc) -> ViewFunc:
    """Mark a view as reachable without logging in (login page, health probes)."""
    setattr(view, ACCESS_ATTR, ("public", None))
    return view


def _login_redirect(request: HttpRequest) -> HttpResponse:
    response = redirect_to_login(request.get_full_path())
    if getattr(request, "htmx", False):
        # A fragment request cannot follow a 302 to a full page; ask htmx to navigate instead.
        return HttpResponseClientRedirect(response["Location"])
    return response


def _audit_denied(request: HttpRequest, action: str) -> None:
    """A role-denied request is a security event: who tried what, where (issue 15)."""
    from portal.audit import record

    record(
        action=Action.ACCESS_DENIED,
        actor=request.user,
        request=request,
        outcome="failure",
        status=403,
        error_code="role",
        target_type="page",
        target_id=request.path[:255],
        summary={"needs": action, "method": request.method},
    )


def requires(action: str) -> Callable[[ViewFunc], ViewFunc]:
    """Allow the view only to signed-in, active users whose role may perform ``action``."""
    if action not in MATRIX:
        raise ValueError(f"Unknown action {action!r}: add it to portal.accounts.roles.MATRIX")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return _login_redirect(request)
            # is_active too: deactivated people are shut out here, whatever the auth backend.
            if not getattr(user, "is_active", False) or not role_allows(
                getattr(user, "role", None), action
            ):
                _audit_denied(request, action)
                raise PermissionDenied(f"Your role may not perform {action}.")
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, ("action", action))
        # wraps() keeps the view's name and signature; the wrapper takes the same arguments.
        return cast(ViewFunc, wrapped)

    return decorator


def declared_access(view: Callable[..., Any]) -> tuple[str, str | None] | None:
    """Return the access a view declared, following class-based ``as_view()`` wrappers."""
    access = getattr(view, ACCESS_ATTR, None)
    if access is None and hasattr(view, "view_class"):
        access = getattr(view.view_class, ACCESS_ATTR, None)
    return access
