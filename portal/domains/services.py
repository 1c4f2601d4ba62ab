"""Domains as the pages show them: primary first, names in Unicode, the site's address.

Agiler has no "get one domain" operation and lists domains in the order they were attached, so
the primary one (the site's address) is found by walking the list: a project has a handful of
domains, so that is one call in practice (``LOOKUP_PAGE_SIZE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from portal.agiler import AgilerClient
from portal.agiler.types import ProjectDomainOutput
from portal.domains.names import is_wildcard, to_unicode
from portal.projects.area_pages import find_listed

LOOKUP_PAGE_SIZE = 200
#: Verification states a later API revision adds; anything else is not shown (never invented).
STATUSES = {
    "pending": ("Waiting for DNS", "bg-yellow-lt"),
    "checking": ("Checking DNS", "bg-blue-lt"),
    "ok": ("DNS verified", "bg-green-lt"),
    "error": ("DNS problem", "bg-red-lt"),
}


@dataclass(frozen=True)
class DnsRecord:
    """One record Agiler asks the owner to create (a later API revision)."""

    type: str
    name: str
    value: str


@dataclass(frozen=True)
class Domain:
    """A domain as people read it."""

    id: str
    name: str  # the ASCII form Agiler holds
    display: str  # the Unicode form people read
    primary: bool
    wildcard: bool
    created_at: datetime
    status: str = ""
    status_label: str = ""
    status_class: str = ""
    records: list[DnsRecord] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The site at this domain (none for a wildcard)."""
        return "" if self.wildcard else f"https://{self.name}/"

    @property
    def internationalised(self) -> bool:
        return self.display != self.name


def _records(raw: object) -> list[DnsRecord]:
    records = []
    if isinstance(raw, list):
        for item in raw[:20]:
            if isinstance(item, dict) and all(
                isinstance(item.get(k), str) for k in ("type", "name", "value")
            ):
                records.append(DnsRecord(item["type"], item["name"], item["value"]))
    return records


def present(entry: ProjectDomainOutput) -> Domain:
    """``entry`` for the page; a verification status is shown only when Agiler sends one."""
    sent = entry.extra.get("status")
    status = sent if isinstance(sent, str) else ""
    label, css = STATUSES.get(status, ("", ""))
    return Domain(
        id=entry.id,
        name=entry.name,
        display=to_unicode(entry.name),
        primary=entry.primary,
        wildcard=is_wildcard(entry.name),
        created_at=entry.created_at,
        status=status if label else "",
        status_label=label,
        status_class=css,
        records=_records(entry.extra.get("records")) if label else [],
    )


def all_domains(client: AgilerClient, project: str) -> list[Domain]:
    """Every domain of the project, in Agiler's order."""
    return [
        present(entry)
        for entry in client.paginate(client.list_domains, project, limit=LOOKUP_PAGE_SIZE)
    ]


def primary_domain(client: AgilerClient, project: str) -> Domain | None:
    """The project's primary domain (its site address), or None."""
    for entry in client.paginate(client.list_domains, project, limit=LOOKUP_PAGE_SIZE):
        if entry.primary:
            return present(entry)
    return None


def find_domain(domains: Iterable[Domain], domain_id: str) -> Domain:
    """The domain ``domain_id`` among ``domains``; NotFound when Agiler does not list it."""
    return find_listed(domains, domain_id, resource="domain")


def removal_consequence(domain: Domain, domains: list[Domain]) -> str:
    """What removing ``domain`` does to the site's address, in words."""
    others = [d for d in domains if d.id != domain.id]
    if not others:
        return (
            f"{domain.display} is detached from the project. It is the last domain: the site "
            "will have no custom address at all until you add one."
        )
    if domain.primary:
        candidates = [d.display for d in others if not d.wildcard]
        hint = (
            f" Make another domain primary afterwards ({', '.join(candidates[:3])})."
            if candidates
            else " The remaining domains are wildcards, which cannot be primary: add one."
        )
        return (
            f"{domain.display} is the site's address. After removing it the site has no primary "
            f"address: Agiler does not pick another domain by itself.{hint}"
        )
    return (
        f"{domain.display} is detached from the project and stops serving the site. The site's "
        "address does not change."
    )
