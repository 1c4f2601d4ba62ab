"""The sandbox's inspection API: what the portal's tests may read (and the few set-ups they make).

``sandbox.inspect`` answers "what does Agiler hold now?" without the tests knowing how the
simulator stores it (``sandbox.state`` is the sandbox's own business; only tests/sandbox/ reads
it). Reads return copies of lists and mappings (the records in them are the sandbox's own, so
an assertion sees the same values the API would serve, and a test may change a field of one
record to shape an answer). The few set-ups that change state to
provoke a page's empty state or a bad upstream answer are named methods under "Set-ups".

    project = sandbox.inspect.first_project()
    assert sandbox.inspect.policy(project.id) == {"frequency_days": 2, "retention_days": 30}
    sandbox.inspect.clear_payment_methods()
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .scopes import OWNER
from .state import Project, ProjectData, Restore, State

if TYPE_CHECKING:
    from .app import Sandbox

ProjectRef = Project | str


class Inspector:
    """Read-mostly access to a sandbox's data for tests (``sandbox.inspect``)."""

    def __init__(self, app: Sandbox) -> None:
        self._app = app

    @property
    def _state(self) -> State:
        # read through the app each time: ``Sandbox.reset()`` replaces the state
        return self._app.state

    def _data(self, project: ProjectRef) -> ProjectData:
        found = self.project(project if isinstance(project, str) else project.id)
        if found is None:
            raise LookupError(f"no project {project!r} in the sandbox")
        return self._state.data(found)

    # -- projects and workspaces ----------------------------------------------------------------
    def projects(self) -> list[Project]:
        """Every project, in seed (then creation) order."""
        return list(self._state.projects.values())

    def project(self, project_id: str) -> Project | None:
        """The project with this id, or None when Agiler holds none (e.g. after a delete)."""
        return self._state.projects.get(project_id)

    def first_project(self) -> Project:
        """The first seeded project."""
        return next(iter(self._state.projects.values()))

    def project_named(self, name: str) -> Project | None:
        """The project called ``name``, if any."""
        return next((p for p in self._state.projects.values() if p.name == name), None)

    def workspaces(self) -> dict[str, dict[str, Any]]:
        """Every workspace by id."""
        return dict(self._state.workspaces)

    def workspace_named(self, name: str) -> str:
        """The id of the workspace called ``name`` (LookupError when there is none)."""
        for ws_id, ws in self._state.workspaces.items():
            if ws["name"] == name:
                return ws_id
        raise LookupError(name)

    def regions(self) -> list[dict[str, Any]]:
        """The regions Agiler offers."""
        return list(self._state.regions)

    # -- a project's resources --------------------------------------------------------------
    def backups(self, project: ProjectRef) -> list[dict[str, Any]]:
        """The project's backups, newest first."""
        return list(self._data(project).backups)

    def policy(self, project: ProjectRef) -> dict[str, int]:
        """The project's backup policy."""
        return dict(self._data(project).policy)

    def domains(self, project: ProjectRef) -> list[dict[str, Any]]:
        """The project's domains."""
        return list(self._data(project).domains)

    def variables(self, project: ProjectRef) -> list[dict[str, Any]]:
        """The project's environment variables (values included)."""
        return list(self._data(project).variables)

    def rules(self, project: ProjectRef) -> list[dict[str, Any]]:
        """The project's alert rules."""
        return list(self._data(project).rules)

    def logs(self, project: ProjectRef) -> list[dict[str, Any]]:
        """The project's log entries."""
        return list(self._data(project).logs)

    def statements(self, project: ProjectRef) -> list[dict[str, Any]]:
        """The project's SQL statements, newest first."""
        return list(self._data(project).statements)

    def usage_seed(self, project: ProjectRef) -> int:
        """The seed the project's usage series is drawn from (see seed_project.troubled)."""
        return self._data(project).usage_seed

    def restores(self) -> list[Restore]:
        """Every restore Agiler has started (running or finished)."""
        return list(self._state.restores)

    # -- the account ----------------------------------------------------------------------------
    def billing(self, owner: str = OWNER) -> dict[str, Any]:
        """The account's billing profile."""
        return dict(self._state.user_data[owner].billing)

    def months(self, owner: str = OWNER) -> list[dict[str, Any]]:
        """The account's transaction months, newest first."""
        return list(self._state.user_data[owner].months)

    def payment_methods(self, owner: str = OWNER) -> list[dict[str, Any]]:
        """The account's payment methods."""
        return list(self._state.user_data[owner].payment_methods)

    def notifications(self, owner: str = OWNER) -> list[dict[str, Any]]:
        """The account's notifications."""
        return list(self._state.user_data[owner].notifications)

    # -- set-ups (the only writes) --------------------------------------------------------------
    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's clock forward: backups, restores and statements finish."""
        state = self._state
        current: Callable[[], datetime] = state.clock
        state.clock = lambda: current() + timedelta(seconds=seconds)

    def clear_projects(self) -> None:
        """Forget every project (a list's empty state)."""
        with self._state.lock:
            self._state.projects.clear()

    def clear_workspaces(self) -> None:
        """Forget every workspace (a list's empty state)."""
        with self._state.lock:
            self._state.workspaces.clear()

    def add_log(self, project: ProjectRef, entry: dict[str, Any]) -> None:
        """A new log entry (the newest)."""
        with self._state.lock:
            self._data(project).logs.insert(0, entry)

    def add_domain(self, project: ProjectRef, domain: dict[str, Any]) -> None:
        """One more domain record, after the others."""
        with self._state.lock:
            self._data(project).domains.append(domain)

    def set_domains(self, project: ProjectRef, domains: list[dict[str, Any]]) -> None:
        """Replace the project's domains with these records."""
        with self._state.lock:
            self._data(project).domains[:] = domains

    def clear_notifications(self, owner: str = OWNER) -> None:
        """The account has no notification."""
        with self._state.lock:
            self._state.user_data[owner].notifications.clear()

    def drop_last_notification(self, owner: str = OWNER) -> None:
        """The last notification goes (as if dismissed elsewhere)."""
        with self._state.lock:
            self._state.user_data[owner].notifications.pop()

    def clear_payment_methods(self, owner: str = OWNER) -> None:
        """The account has no payment method."""
        with self._state.lock:
            self._state.user_data[owner].payment_methods.clear()

    def clear_months(self, owner: str = OWNER) -> None:
        """The account has no transactions."""
        with self._state.lock:
            self._state.user_data[owner].months.clear()

    def set_billing(self, owner: str = OWNER, **fields: Any) -> None:
        """Change fields of the billing profile (e.g. a card's expiry, an out-of-range value)."""
        with self._state.lock:
            self._state.user_data[owner].billing.update(fields)

    def set_month(self, index: int, owner: str = OWNER, **fields: Any) -> None:
        """Change fields of one transaction month (e.g. a month Agiler should never send)."""
        with self._state.lock:
            self._state.user_data[owner].months[index].update(fields)

    def set_card(self, index: int, owner: str = OWNER, **fields: Any) -> None:
        """Change fields of one payment method's card."""
        with self._state.lock:
            self._state.user_data[owner].payment_methods[index]["card"].update(fields)
