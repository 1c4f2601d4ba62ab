"""``{% audit_trail_url "backup" backup.id %}``: link a feature page to its object's history."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def audit_trail_url(target_type: str, target_id: object, project: str = "") -> str:
    """The audit page filtered to one object (and optionally its project).

    A workspace's trail is everything done in it (its projects' events carry the workspace),
    not only the few events that target the workspace itself.
    """
    if target_type == "workspace":
        return reverse("audit:list") + "?" + urlencode({"workspace": str(target_id)})
    params = {"target_type": target_type, "target": str(target_id)}
    if project:
        params["project"] = project
    return reverse("audit:list") + "?" + urlencode(params)


@register.filter
def describe(event: object) -> str:
    """The event as a sentence ("finance changed the monthly budget from … to …")."""
    from portal.audit.sentences import describe as sentence

    return sentence(event)


@register.filter
def outcome_words(event: object) -> str:
    """ "Done", "Refused by Agiler: …", "Not sure — may have been applied"."""
    from portal.audit.sentences import outcome_words as words

    return words(event)


@register.filter
def workspace_words(event: object) -> str:
    """The event's workspace by name, or "workspace 1a2b3c4d" when the name was not known."""
    from portal.audit.sentences import workspace_words as words

    return words(event)
