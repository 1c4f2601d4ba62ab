"""Project Domains: list, attach, detach, set primary."""

from __future__ import annotations

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .pagination import Page
from .types import ProjectDomainOutput

_DOMAINS = "/projects/{project}/domains"


class DomainsMixin(BaseClient):
    """Operations of the reference section "Project Domains"."""

    def list_domains(
        self, project: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[ProjectDomainOutput]:
        """GET /projects/{project}/domains — Project Domains."""
        return self._get_page(
            ProjectDomainOutput,
            "list_domains",
            _DOMAINS,
            {"project": project},
            cursor=cursor,
            limit=limit,
        )

    def create_domain(
        self,
        project: str,
        *,
        name: str,
        primary: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectDomainOutput:
        """POST /projects/{project}/domains — Project Domains."""
        response = self._write(
            "create_domain",
            "POST",
            _DOMAINS,
            {"project": project},
            body=given({"name": name, "primary": primary}),
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectDomainOutput, response, "create_domain")

    def delete_domain(
        self,
        project: str,
        domain: str,
        *,
        idempotency_key: str | None = None,
        audit_name: str | None = None,
    ) -> None:
        """DELETE /projects/{project}/domains/{domain} — Project Domains.

        ``audit_name`` (the domain's name) only labels the audit event; it is not sent."""
        self._write(
            "delete_domain",
            "DELETE",
            _DOMAINS + "/{domain}",
            {"project": project, "domain": domain},
            idempotency_key=idempotency_key,
            summary_extra={"name": audit_name} if audit_name else None,
        )

    def update_domain(
        self,
        project: str,
        domain: str,
        *,
        primary: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        audit_name: str | None = None,
    ) -> ProjectDomainOutput:
        """PATCH /projects/{project}/domains/{domain} — Project Domains.

        ``audit_name`` (the domain's name) only labels the audit event; it is not sent."""
        response = self._write(
            "update_domain",
            "PATCH",
            _DOMAINS + "/{domain}",
            {"project": project, "domain": domain},
            body=given({"primary": primary}),
            idempotency_key=idempotency_key,
            summary_extra={"name": audit_name} if audit_name else None,
        )
        return self._model(ProjectDomainOutput, response, "update_domain")
