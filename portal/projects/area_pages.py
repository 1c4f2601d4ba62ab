"""What the pages of a project's areas (backups, domains, rules, variables, SQL, logs, usage)
have in common, written once so that the areas cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from django.urls import reverse

from portal.agiler import AgilerClient, NotFound
from portal.lib.parallel import run_concurrently
from portal.tokens.scopes import scope_gate


def area_crumbs(
    project: Any, area: str, area_url: str, *tail: tuple[str, str]
) -> list[dict[str, str]]:
    """Projects › <project> › <area> › *tail (label, url) for the breadcrumbs component.

    The area links to its page only when something follows it: on its own page it is where
    the person already is, and the component shows an unlinked crumb as the current page."""
    trail = [
        {"label": "Projects", "url": reverse("projects:list")},
        {"label": project.name, "url": reverse("projects:detail", args=[project.id])},
        {"label": area, "url": area_url if tail else ""},
    ]
    return trail + [{"label": label, "url": url} for label, url in tail]


def write_controls(user: Any, scope: str) -> dict[str, Any]:
    """Whether an area page offers its write controls, and whether they work (the two gates).

    The portal role decides whether the controls are there at all (``projects.write``); the
    person's token decides whether they are enabled: without ``scope`` they are shown disabled
    with the missing scope named. A role that may not write gets no gate, as it gets no controls.
    """
    can_write = bool(user.can("projects.write"))
    return {"can_write": can_write, "write_gate": scope_gate(user, scope) if can_write else None}


def with_project(
    client: AgilerClient,
    project: str,
    calls: Mapping[str, Callable[[], Any]],
    *,
    wanted: bool = True,
) -> tuple[Any, dict[str, Any]]:
    """The project and the answers to the area's ``calls``, all fetched side by side (one
    round trip's wait). ``wanted=False`` leaves the project out (None): an htmx swap of a list
    region needs only the list, the project's name and breadcrumbs are on the page already."""
    if wanted:
        calls = {**calls, "project": lambda: client.get_project(project)}
    found = run_concurrently(calls)
    return found.get("project"), found


class _Listed(Protocol):
    @property
    def id(self) -> str: ...


Listed = TypeVar("Listed", bound=_Listed)


def find_listed(items: Iterable[Listed], ident: str, *, resource: str) -> Listed:
    """The item ``ident`` (its id) among the project's ``items``, for an area Agiler offers no
    "get one" operation for; NotFound (a 404 page) when Agiler does not list it."""
    for item in items:
        if item.id == ident:
            return item
    raise NotFound(
        f"Agiler lists no such {resource} for this project; it may have been removed already.",
        status=404,
        code="not_found",
        resource=resource,
        id=ident[:80],  # the id comes from the URL: echoed, but never at any length
    )
