"""Public catalogs: regions, runtimes and the rule catalog (any valid token may read them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agiler_sandbox.catalog import catalog
from agiler_sandbox.http import Request, Response, json_response, not_found
from agiler_sandbox.pagination import paginate

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox


def list_regions(app: Sandbox, request: Request) -> Response:
    """GET /regions."""
    return paginate(request, app.state.regions, 50)


def get_region(app: Sandbox, request: Request) -> Response:
    """GET /regions/{region}."""
    ident = request.params["region"]
    for region in app.state.regions:
        if region["id"] == ident:
            return json_response(region)
    raise not_found("region", ident)


def list_runtimes(app: Sandbox, request: Request) -> Response:
    """GET /runtimes."""
    return paginate(request, app.state.runtimes, 50)


def get_runtime(app: Sandbox, request: Request) -> Response:
    """GET /runtimes/{runtimeid}."""
    ident = request.params["runtimeid"]
    for runtime in app.state.runtimes:
        if runtime["id"] == ident:
            return json_response(runtime)
    raise not_found("runtime", ident)


def get_rule_catalog(app: Sandbox, request: Request) -> Response:
    """GET /rules: conditions, actions, notes and templates."""
    return json_response(catalog())
