"""Token scopes, their implications, and the sandbox's fixed demo tokens."""

from __future__ import annotations

from dataclasses import dataclass

PROJECT_AREAS = ("backups", "domains", "files", "logs", "rules", "sql", "usage", "variables")

# Every scope the reference names, in a stable order.
ALL_SCOPES: tuple[str, ...] = (
    "billing:read",
    "billing:write",
    "notifications:read",
    "notifications:write",
    "projects:read",
    "projects:write",
    "projects.backups:read",
    "projects.backups:write",
    "projects.domains:read",
    "projects.domains:write",
    "projects.files:read",
    "projects.files:write",
    "projects.logs:read",
    "projects.rules:read",
    "projects.rules:write",
    "projects.sql:execute",
    "projects.usage:read",
    "projects.variables:read",
    "projects.variables:write",
)

READ_SCOPES: tuple[str, ...] = tuple(s for s in ALL_SCOPES if s.endswith(":read"))


def expand_scopes(granted: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """Resolve scope implications, returning every scope the token effectively holds.

    Facts: broader scopes imply narrower ones — ``projects:write`` grants every scope within a
    project (including ``projects.sql:execute``), ``projects:read`` every ``projects.*:read``.
    Our decision (the facts are silent): ``X:write`` also implies ``X:read``, as a token that may
    change something may always look at it. ``projects.sql:execute`` is only implied by
    ``projects:write`` — reading does not let you run SQL.
    """
    result: set[str] = set()
    for scope in granted:
        result.add(scope)
        if scope.endswith(":write"):
            result.add(scope[: -len(":write")] + ":read")
    if "projects:write" in result:
        result.update(s for s in ALL_SCOPES if s.startswith("projects."))
    if "projects:read" in result:
        result.update(s for s in ALL_SCOPES if s.startswith("projects.") and s.endswith(":read"))
    return frozenset(result)


@dataclass(frozen=True)
class TokenInfo:
    """A bearer token: which user it belongs to and the scopes it was issued with."""

    token: str
    user_key: str
    scopes: tuple[str, ...]

    @property
    def effective(self) -> frozenset[str]:
        """Scopes after implications."""
        return expand_scopes(self.scopes)


OWNER = "owner"
SUPPORT = "support"


def default_tokens() -> dict[str, TokenInfo]:
    """The four documented demo tokens (see docs/sandbox.md)."""
    finance = (
        "billing:read",
        "billing:write",
        "projects:read",
        "projects.usage:read",
        "notifications:read",
    )
    tokens = [
        TokenInfo("ak_sandbox_owner", OWNER, ALL_SCOPES),
        TokenInfo("ak_sandbox_readonly", OWNER, READ_SCOPES),
        TokenInfo("ak_sandbox_finance", OWNER, finance),
        TokenInfo("ak_sandbox_support", SUPPORT, (*READ_SCOPES, "notifications:write")),
    ]
    return {t.token: t for t in tokens}


def parse_token_spec(spec: str) -> tuple[str, list[str]]:
    """Parse ``NAME=scope1,scope2`` (CLI ``--token``) into a name and scope list."""
    name, _, scopes = spec.partition("=")
    name = name.strip()
    if not name:
        raise ValueError(f"token spec {spec!r} needs a NAME=scope1,scope2 form")
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ALL_SCOPES]
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)} in token {name!r}")
    return name, wanted
