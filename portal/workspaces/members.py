"""The members-and-invites table of a workspace: display rows, filters, sort, counts, CSV.

Agiler returns members and pending invites in one list (``status`` ``active`` or ``pending``
with ``expires_at``). People think of three states, so a pending invite whose ``expires_at`` has
passed is shown as *expired*, and one expiring within 48 hours is flagged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.agiler import WorkspaceMemberOutput
from portal.lib import csv as spreadsheet

#: An invite expiring sooner than this is highlighted (someone should chase or re-send it).
EXPIRY_WARNING = timedelta(hours=48)

STATUS_LABELS = {"active": "Active", "invited": "Invited", "expired": "Invite expired"}
ROLE_ORDER = ["owner", "admin", "developer", "viewer"]
SORT_KEYS = ("name", "email", "role", "status", "mfa", "since", "expires")
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class MemberRow:
    """One line of the table: a member or an invite, as a person reads it."""

    name: str
    email: str
    role: str
    status: str  # active | invited | expired (or Agiler's own word when unknown)
    upstream_status: str
    mfa_enabled: bool | None
    is_billing_user: bool
    since: datetime
    expires_at: datetime | None
    expiring_soon: bool

    @property
    def is_invite(self) -> bool:
        return self.upstream_status == "pending"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status.capitalize())


def member_row(member: WorkspaceMemberOutput, *, now: datetime) -> MemberRow:
    """Turn one Agiler member/invite into a table row, judged at ``now``."""
    status = member.status
    expiring_soon = False
    if status == "pending":
        if member.expires_at is not None and member.expires_at <= now:
            status = "expired"
        else:
            status = "invited"
            expiring_soon = (
                member.expires_at is not None and member.expires_at - now < EXPIRY_WARNING
            )
    return MemberRow(
        name=member.name or "",
        email=member.email,
        role=member.role,
        status=status,
        upstream_status=member.status,
        # An invitee has no account yet, so MFA does not apply (None), unlike "off" (False).
        mfa_enabled=member.mfa_enabled if member.status != "pending" else None,
        is_billing_user=member.is_billing_user,
        since=member.created_at,
        expires_at=member.expires_at,
        expiring_soon=expiring_soon,
    )


def _sort_value(row: MemberRow, key: str) -> tuple[object, ...]:
    if key == "role":
        rank = ROLE_ORDER.index(row.role) if row.role in ROLE_ORDER else len(ROLE_ORDER)
        return (rank, row.role)
    if key == "status":
        return (list(STATUS_LABELS).index(row.status) if row.status in STATUS_LABELS else 9,)
    if key == "mfa":
        return ({True: 0, False: 1, None: 2}[row.mfa_enabled],)
    if key == "since":
        return (row.since,)
    if key == "expires":
        # Rows without an expiry (members) go last in either direction of interest.
        return (row.expires_at is None, row.expires_at or row.since)
    if key == "email":
        return (row.email.lower(),)
    return ((row.name or row.email).lower(), row.email.lower())


def select_rows(
    rows: Iterable[MemberRow],
    *,
    q: str = "",
    status: str = "",
    role: str = "",
    sort: str = DEFAULT_SORT,
) -> list[MemberRow]:
    """Filter by free text (name or email), status and role; sort by ``sort`` (``-`` = desc)."""
    needle = q.strip().lower()
    chosen = [
        row
        for row in rows
        if (not needle or needle in row.name.lower() or needle in row.email.lower())
        and (not status or row.status == status)
        and (not role or row.role == role)
    ]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, descending = DEFAULT_SORT, False
    return sorted(chosen, key=lambda row: _sort_value(row, key), reverse=descending)


def status_counts(rows: Iterable[MemberRow]) -> dict[str, int]:
    """How many rows per status, every known status present (zero included)."""
    counts = Counter(row.status for row in rows)
    result = {status: counts.get(status, 0) for status in STATUS_LABELS}
    result.update({status: n for status, n in counts.items() if status not in result})
    return result


def without_mfa(rows: Iterable[MemberRow]) -> list[MemberRow]:
    """Active members whose MFA is off: those a require-MFA workspace should chase."""
    return [row for row in rows if row.status == "active" and row.mfa_enabled is False]


CSV_HEADER = [
    "name",
    "email",
    "role",
    "status",
    "mfa",
    "billing_user",
    "joined_or_invited_at",
    "invite_expires_at",
]


def csv_lines(rows: Iterable[MemberRow]) -> Iterator[str]:
    """The rows as CSV lines, header first, produced one at a time for a streamed response."""
    return spreadsheet.csv_lines(CSV_HEADER, (_csv_row(row) for row in rows))


def _csv_row(row: MemberRow) -> list[object]:
    mfa = "" if row.mfa_enabled is None else ("on" if row.mfa_enabled else "off")
    return [
        row.name,
        row.email,
        row.role,
        row.status,
        mfa,
        "yes" if row.is_billing_user else "no",
        row.since.isoformat(),
        row.expires_at.isoformat() if row.expires_at else "",
    ]
