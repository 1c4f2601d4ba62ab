"""Response schemas of the project-scoped areas (projects, backups, domains, files, logs,
rules, SQL, usage, variables), named as in the API reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._decode import Model

__all__ = [
    "ProjectBackupEntry",
    "ProjectBackupPolicyOutput",
    "ProjectDetail",
    "ProjectDomainOutput",
    "ProjectFileEntry",
    "ProjectLogEventOutput",
    "ProjectRuleOutput",
    "ProjectSummary",
    "ProjectUsageOutput",
    "ProjectUsageResponse",
    "ProjectUsageTotals",
    "ProjectVariableOutput",
    "RuleStatement",
    "StatementListItem",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectSummary(Model):
    """A project as listed (ProjectSummary). ``status``: running, stopped, building, …"""

    id: str
    name: str
    region: str
    runtime: str
    status: str
    active: bool
    workspace_id: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectDetail(Model):
    """One project (ProjectDetail)."""

    id: str
    name: str
    region: str
    runtime: str
    status: str
    active: bool
    workspace_id: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectBackupEntry(Model):
    """A backup (ProjectBackupEntry); sizes in bytes, ``status`` e.g. pending/running/done."""

    id: str
    status: str
    automatic: bool
    created_at: datetime
    runtime: str | None = None
    size: int | None = None
    database_size: int | None = None
    storage_size: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectBackupPolicyOutput(Model):
    """Automatic backup policy; ``frequency_days == 0`` disables automatic backups."""

    frequency_days: int
    retention_days: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectDomainOutput(Model):
    """A domain attached to a project; the primary one is the site URL."""

    id: str
    name: str
    primary: bool
    created_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectFileEntry(Model):
    """A file or directory in a project's file tree."""

    name: str
    path: str
    is_dir: bool
    size: int
    modified_at: datetime
    etag: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectLogEventOutput(Model):
    """One request-log line."""

    timestamp: datetime
    priority: str
    message: str
    request_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleStatement(Model):
    """One rule statement ``{fact, operator, value}``; ``{"operator": "end"}`` has neither."""

    fact: str | None = None
    operator: str | None = None
    value: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectRuleOutput(Model):
    """A project rule; ``conditions`` is ``{"all"|"any"|"not": [statement, …]}``."""

    id: str
    name: str
    active: bool
    priority: int
    conditions: dict[str, object]
    actions: list[RuleStatement]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class StatementListItem(Model):
    """A SQL execution in the history list; ``submitted_at`` is a plain string per the schema."""

    id: str
    status: str
    sql_preview: str
    submitted_at: str
    duration_ms: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class _UsageCounters(Model):
    """The usage counters, which a bucket and the window's totals both carry (bytes, ms, counts).

    Not a schema of its own: ProjectUsageOutput and ProjectUsageTotals are two schemas that
    measure the same things, so a counter added to one belongs in the other.
    """

    backup_size: int
    database_size: int
    datatransfer_out: int
    duration_average: int
    duration_total: int
    requests_total: int
    requests_worker: int
    responses_1xx: int
    responses_2xx: int
    responses_3xx: int
    responses_4xx: int
    responses_5xx: int
    storage_size: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectUsageTotals(_UsageCounters):
    """Totals over the requested usage window."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectUsageOutput(_UsageCounters):
    """One usage bucket starting at ``events_at``."""

    events_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectUsageResponse(Model):
    """Usage series plus totals. ``next_cursor`` comes from the Link header, not the body."""

    items: list[ProjectUsageOutput]
    totals: ProjectUsageTotals
    next_cursor: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectVariableOutput(Model):
    """An environment variable; ``value`` is None for sensitive variables in lists."""

    id: str
    name: str
    sensitive: bool
    value: str | None = None
