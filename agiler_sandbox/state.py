"""The sandbox's in-memory state.

Resources are kept as plain dicts in their JSON shape where that is all they are; keys starting
with ``_`` are internal and stripped before answering. Per-project data (backups, files, logs …)
is generated lazily on first access from a per-project RNG, so ``scale="large"`` starts fast and
the result does not depend on access order.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .http import ApiError, not_found


def public(record: dict[str, Any]) -> dict[str, Any]:
    """Drop internal (``_``-prefixed) keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


@dataclass
class User:
    """An Agiler user (the demo has two: the account owner and a support colleague)."""

    key: str
    id: str
    name: str
    email: str
    created_at: datetime


@dataclass
class FileNode:
    """One entry in a project's file tree (directories have no data)."""

    is_dir: bool
    modified_at: datetime
    data: bytes = b""


@dataclass
class Project:
    """A project; ``index`` selects its lazily generated demo data."""

    id: str
    name: str
    region: str
    runtime: str
    workspace_id: str
    active: bool
    status: str
    created_at: datetime
    updated_at: datetime
    index: int = -1


@dataclass
class ProjectData:
    """Everything that lives under ``/projects/{project}/…``."""

    backups: list[dict[str, Any]] = field(default_factory=list)
    policy: dict[str, int] = field(default_factory=dict)
    domains: list[dict[str, Any]] = field(default_factory=list)
    variables: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, FileNode] = field(default_factory=dict)
    logs: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    usage_seed: int = 0


@dataclass
class Restore:
    """One restore request (kept as history so tests can check ``drain_requests``)."""

    project_id: str
    backup_id: str
    drain_requests: bool
    requested_by: str
    started_at: datetime
    drain_seconds: float
    restore_seconds: float

    def phase(self, now: datetime) -> str | None:
        """``draining``/``restoring`` while it runs, None once finished."""
        elapsed = (now - self.started_at).total_seconds()
        if elapsed < self.drain_seconds:
            return "draining"
        if elapsed < self.drain_seconds + self.restore_seconds:
            return "restoring"
        return None


@dataclass
class UserData:
    """Per-user account data: billing profile, payment methods, transactions, notifications."""

    billing: dict[str, Any]
    payment_methods: list[dict[str, Any]]
    months: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    verifications: list[dict[str, Any]]


@dataclass
class Settings:
    """Knobs fixed at create_app time."""

    seed: int = 1
    scale: str = "demo"
    backup_seconds: float = 3.0
    restore_seconds: float = 5.0
    sql_seconds: float = 1.0
    dump_size: int | None = None
    max_upload_bytes: int = 64 * 1024 * 1024


class State:
    """All mutable sandbox state, guarded by one re-entrant lock held per request."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self.clock = clock or (lambda: datetime.now(UTC))
        # Demo data is anchored to the current hour so that two apps built with the same seed
        # moments apart are identical, while "expires within 48h" stays true in real time.
        self.anchor = self.clock().replace(minute=0, second=0, microsecond=0)
        self.rng = random.Random(f"{settings.seed}:runtime")
        self.users: dict[str, User] = {}
        self.workspaces: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[dict[str, Any]]] = {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self.projects: dict[str, Project] = {}
        self.project_names: dict[str, str] = {}
        self.regions: list[dict[str, Any]] = []
        self.runtimes: list[dict[str, Any]] = []
        self.user_data: dict[str, UserData] = {}
        self.restores: list[Restore] = []
        self._data: dict[str, ProjectData] = {}
        self._data_factory: Callable[[State, Project], ProjectData] | None = None

    # -- time and ids -------------------------------------------------------------------------
    def now(self) -> datetime:
        """Current time (UTC)."""
        return self.clock()

    def new_id(self) -> str:
        """A fresh UUID for a resource created at run time (deterministic per seed)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def ago(self, **delta: float) -> datetime:
        """A moment relative to the demo anchor."""
        return self.anchor - timedelta(**delta)

    # -- lookups ------------------------------------------------------------------------------
    def user(self, key: str) -> User:
        """The user behind a token."""
        return self.users[key]

    def membership(self, workspace_id: str, user_key: str) -> dict[str, Any] | None:
        """The caller's active membership of a workspace, if any."""
        user_id = self.users[user_key].id
        for member in self.members.get(workspace_id, []):
            if member.get("user_id") == user_id and member["status"] == "active":
                return member
        return None

    def workspace_for(self, ident: str, user_key: str) -> dict[str, Any]:
        """Resolve a workspace the caller belongs to, 404 otherwise (hidden, not forbidden)."""
        ws = self.workspaces.get(ident)
        if ws is None or self.membership(ident, user_key) is None:
            raise not_found("workspace", ident)
        return ws

    def visible_workspace_ids(self, user_key: str) -> set[str]:
        """Ids of the workspaces the caller is an active member of."""
        return {w for w in self.workspaces if self.membership(w, user_key) is not None}

    def project_for(self, ident: str, user_key: str) -> Project:
        """Resolve ``{project}`` by id (or, as a convenience, by name) for the caller."""
        project = self.projects.get(ident)
        if project is None and ident in self.project_names:
            project = self.projects.get(self.project_names[ident])
        if project is None or self.membership(project.workspace_id, user_key) is None:
            raise not_found("project", ident)
        return project

    def data(self, project: Project) -> ProjectData:
        """The project's sub-resources, generated on first access."""
        found = self._data.get(project.id)
        if found is None:
            assert self._data_factory is not None
            found = self._data_factory(self, project)
            self._data[project.id] = found
        return found

    def set_data_factory(self, factory: Callable[[State, Project], ProjectData]) -> None:
        """Install the lazy generator for per-project data (see seed.py)."""
        self._data_factory = factory

    def add_project(self, project: Project, data: ProjectData | None = None) -> None:
        """Register a project (and, for new ones, its empty data)."""
        self.projects[project.id] = project
        self.project_names[project.name] = project.id
        if data is not None:
            self._data[project.id] = data

    def delete_project(self, project: Project) -> None:
        """Remove a project and everything under it (backups, files, logs, SQL history …)."""
        self.projects.pop(project.id, None)
        self.project_names.pop(project.name, None)
        self._data.pop(project.id, None)
        self.restores = [r for r in self.restores if r.project_id != project.id]

    def rename_project(self, project: Project, name: str) -> None:
        """Change a project's name, keeping the by-name index in step."""
        self.project_names.pop(project.name, None)
        project.name = name
        self.project_names[name] = project.id

    def has_data(self, project_id: str) -> bool:
        """Whether per-project data was materialised (for tests of lazy generation)."""
        return project_id in self._data

    # -- derived status -----------------------------------------------------------------------
    def active_restore(self, project_id: str) -> Restore | None:
        """The restore currently running on a project, if any."""
        now = self.now()
        for restore in reversed(self.restores):
            if restore.project_id == project_id and restore.phase(now) is not None:
                return restore
        return None

    def project_status(self, project: Project) -> str:
        """``draining``/``restoring`` during a restore, else the stored status."""
        restore = self.active_restore(project.id)
        if restore is not None:
            phase = restore.phase(self.now())
            if phase is not None:
                return phase
        return project.status

    def backup_status(self, backup: dict[str, Any]) -> str:
        """``pending`` → ``running`` → ``done`` (or ``failed``) computed from the creation time."""
        if backup["_started"] is None:  # seeded history: already finished
            return str(backup["_final"])
        elapsed = (self.now() - backup["_started"]).total_seconds()
        total = self.settings.backup_seconds
        if elapsed < total * 0.2:
            return "pending"
        if elapsed < total:
            return "running"
        return str(backup.get("_final") or "done")

    def require_ready_backup(self, backup: dict[str, Any]) -> None:
        """Answer 409 unless the backup finished successfully."""
        status = self.backup_status(backup)
        if status != "done":
            raise ApiError(409, f"backup {backup['id']} is {status}, not done", code="conflict")
