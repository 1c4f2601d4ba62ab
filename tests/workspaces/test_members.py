"""The members table logic: invite states, filters, sort, counts, CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.agiler import WorkspaceMemberOutput
from portal.workspaces.members import (
    csv_lines,
    member_row,
    select_rows,
    status_counts,
    without_mfa,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def member(email: str, **fields: object) -> WorkspaceMemberOutput:
    values: dict[str, object] = {
        "email": email,
        "role": "developer",
        "status": "active",
        "is_billing_user": False,
        "created_at": NOW - timedelta(days=30),
        "updated_at": NOW - timedelta(days=30),
        "mfa_enabled": True,
    }
    values.update(fields)
    return WorkspaceMemberOutput(**values)  # type: ignore[arg-type]


def invite(email: str, expires_in: timedelta, **fields: object) -> WorkspaceMemberOutput:
    return member(email, status="pending", expires_at=NOW + expires_in, mfa_enabled=None, **fields)


def test_an_invite_past_its_expiry_is_shown_as_expired() -> None:
    row = member_row(invite("late@x.test", -timedelta(hours=1)), now=NOW)
    assert row.status == "expired"
    assert not row.expiring_soon


def test_an_invite_expiring_within_48_hours_is_flagged() -> None:
    soon = member_row(invite("soon@x.test", timedelta(hours=47)), now=NOW)
    later = member_row(invite("later@x.test", timedelta(hours=49)), now=NOW)
    assert (soon.status, soon.expiring_soon) == ("invited", True)
    assert (later.status, later.expiring_soon) == ("invited", False)


def test_mfa_does_not_apply_to_an_invite_but_is_off_for_a_member_without_it() -> None:
    assert member_row(invite("i@x.test", timedelta(days=3)), now=NOW).mfa_enabled is None
    assert member_row(member("m@x.test", mfa_enabled=False), now=NOW).mfa_enabled is False


def rows() -> list:  # type: ignore[type-arg]
    return [
        member_row(m, now=NOW)
        for m in [
            member("ada@x.test", name="Ada", role="owner", is_billing_user=True),
            member("bob@x.test", name="Bob", role="viewer", mfa_enabled=False),
            invite("new.hire@x.test", timedelta(hours=5)),
            invite("old@x.test", -timedelta(days=2), name="Olga"),
        ]
    ]


def test_search_matches_name_or_email_case_insensitively() -> None:
    assert [r.email for r in select_rows(rows(), q="BOB")] == ["bob@x.test"]
    assert [r.email for r in select_rows(rows(), q="hire")] == ["new.hire@x.test"]


def test_status_and_role_filters_combine() -> None:
    assert [r.email for r in select_rows(rows(), status="invited")] == ["new.hire@x.test"]
    assert [r.email for r in select_rows(rows(), status="expired", role="developer")] == [
        "old@x.test"
    ]
    assert select_rows(rows(), status="active", role="developer") == []


def test_sort_by_role_follows_seniority_and_minus_reverses() -> None:
    assert [r.role for r in select_rows(rows(), sort="role")][0] == "owner"
    assert [r.role for r in select_rows(rows(), sort="-role")][-1] == "owner"


def test_sort_by_expiry_puts_members_without_expiry_last() -> None:
    ordered = [r.email for r in select_rows(rows(), sort="expires")]
    assert ordered[:2] == ["old@x.test", "new.hire@x.test"]


def test_an_unknown_sort_key_falls_back_to_name() -> None:
    assert [r.email for r in select_rows(rows(), sort="drop table")][0] == "ada@x.test"


def test_counts_cover_every_status_even_when_zero() -> None:
    assert status_counts(rows()) == {"active": 2, "invited": 1, "expired": 1}
    assert status_counts([]) == {"active": 0, "invited": 0, "expired": 0}


def test_without_mfa_lists_only_active_members_with_mfa_off() -> None:
    assert [r.email for r in without_mfa(rows())] == ["bob@x.test"]


def test_csv_has_a_header_and_neutralises_formula_cells() -> None:
    evil = member_row(member("e@x.test", name="=HYPERLINK(1)"), now=NOW)
    lines = list(csv_lines([*rows()[:1], evil]))
    assert lines[0].startswith("\ufeffname,email,role,status,mfa,billing_user")
    assert lines[1].startswith("Ada,ada@x.test,owner,active,on,yes,")
    assert lines[2].startswith("'=HYPERLINK(1),")
