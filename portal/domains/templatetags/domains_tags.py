"""``{% site_address project %}``: the project's site link (its primary domain), for any page.

    {% load domains_tags %}{% site_address project %}

One call to Agiler; a failure (no domains scope, Agiler down) shows a sentence, never breaks
the page around it.
"""

from __future__ import annotations

from typing import Any

from django import template

from portal.agiler import AgilerError
from portal.domains.services import primary_domain
from portal.tokens.service import agiler_for

register = template.Library()


@register.inclusion_tag("domains/_site_address.html", takes_context=True)
def site_address(context: Any, project: Any) -> dict[str, Any]:
    """The context of the site-address block for ``project`` (a ProjectDetail)."""
    request = context["request"]
    problem = ""
    primary = None
    try:
        primary = primary_domain(agiler_for(request.user, request=request), project.id)
    except AgilerError as error:
        problem = "unknown"
        if error.status == 403:
            problem = "scope"
    return {"project": project, "primary": primary, "problem": problem, "request": request}
