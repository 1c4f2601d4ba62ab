"""``AgilerClient``: one typed method per Agiler operation, composed from per-area mixins.

The transport behaviour (auth, retries, idempotency, errors, audit hook) is in ``_base.py``;
each area module only describes its operations. A client is cheap to build per user: the
pooled ``httpx.Client`` underneath is shared by the whole process.
"""

from __future__ import annotations

from .backups import BackupsMixin
from .billing import BillingMixin
from .catalog import CatalogMixin
from .domains import DomainsMixin
from .files import FilesMixin
from .logs import LogsMixin
from .me import MeMixin
from .notifications import NotificationsMixin
from .projects import ProjectsMixin
from .rules import RulesMixin
from .sql import SqlMixin
from .usage import UsageMixin
from .variables import VariablesMixin
from .workspaces import WorkspacesMixin

__all__ = ["AgilerClient"]


class AgilerClient(
    ProjectsMixin,
    BackupsMixin,
    DomainsMixin,
    FilesMixin,
    LogsMixin,
    RulesMixin,
    SqlMixin,
    UsageMixin,
    VariablesMixin,
    CatalogMixin,
    MeMixin,
    BillingMixin,
    NotificationsMixin,
    WorkspacesMixin,
):
    """Typed client for the Agiler API v1 (all 55 operations).

    ``AgilerClient(base_url=..., token=..., timeout=..., max_retries=2, observer=None,
    transport=None)``; see ``docs/agiler-client.md``. Path parameters are positional in path
    order, query and body fields keyword-only; every write accepts ``idempotency_key=``.
    """
