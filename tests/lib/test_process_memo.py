"""What a process keeps in front of the shared cache: for its time only, forgotten on change."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.accounts import mfa
from portal.accounts.models import SecurityPolicy, User
from portal.lib.process_memo import ProcessMemo, forget_all
from portal.projects import catalogs
from portal.tokens import scope_cache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_kept_for_its_time_only() -> None:
    clock = Clock()
    memo: ProcessMemo[str] = ProcessMemo(5, clock=clock)
    memo.set("k", "v")
    clock.now += 4.9
    assert memo.get("k") == "v"
    clock.now += 0.1
    assert memo.get("k") is None
    assert memo.get("k", "fallback") == "fallback"


def test_a_full_memo_drops_what_expired_first_and_never_grows_past_its_bound() -> None:
    clock = Clock()
    memo: ProcessMemo[int] = ProcessMemo(5, clock=clock, max_entries=3)
    memo.set("old", 1)
    clock.now += 6  # "old" expired
    memo.set("a", 2)
    memo.set("b", 3)
    memo.set("c", 4)  # full: the expired one makes room
    assert [memo.get(k) for k in ("a", "b", "c")] == [2, 3, 4]
    memo.set("d", 5)  # full of live values: all go, the new one stays
    assert [memo.get(k) for k in ("a", "b", "c", "d")] == [None, None, None, 5]
    memo.set("d", 6)  # replacing a key never empties the memo
    memo.set("e", 7)
    memo.set("f", 8)
    memo.set("f", 9)
    assert [memo.get(k) for k in ("d", "e", "f")] == [6, 7, 9]


def test_forgetting_one_key_or_all() -> None:
    memo: ProcessMemo[int] = ProcessMemo(60)
    memo.set("a", 1)
    memo.set("b", 2)
    memo.forget("a")
    assert (memo.get("a"), memo.get("b")) == (None, 2)
    forget_all()
    assert memo.get("b") is None


@pytest.mark.django_db
def test_a_policy_change_here_is_in_force_at_once_and_elsewhere_within_seconds(
    admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(mfa._policy_here, "_clock", clock)
    assert mfa.mfa_required() is False
    # This process changes it: in force here at once.
    assert mfa.policy_set_require_mfa(actor=admin, value=True) is True
    assert mfa.mfa_required() is True
    # Another process changes it back (the database and the shared cache, not this memo):
    SecurityPolicy.objects.update(require_mfa=False)
    cache.clear()
    assert mfa.mfa_required() is True  # this process still holds what it read...
    clock.now += mfa._POLICY_LOCAL
    assert mfa.mfa_required() is False  # ...for _POLICY_LOCAL seconds at most


def test_the_catalogs_are_read_from_the_cache_once_per_process_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    monkeypatch.setattr(catalogs._here, "_clock", clock)
    cache.set_many(
        {
            catalogs._REGIONS_KEY: [("eu-west-1", "Dublin", False)],
            catalogs._RUNTIMES_KEY: [("php-8.3", "PHP 8.3", False)],
        }
    )
    regions, runtimes = catalogs.cached()
    assert [r.id for r in regions or []] == ["eu-west-1"]
    cache.clear()  # gone from the shared cache: this process still has them
    assert catalogs.cached()[0] == regions
    clock.now += catalogs.CATALOG_LOCAL
    assert catalogs.cached() == (None, None)
    # An incomplete pair is never kept: the page fills the cache, the next read sees it.
    cache.set(catalogs._REGIONS_KEY, [("eu-west-1", "Dublin", False)])
    assert catalogs.cached()[1] is None
    cache.set(catalogs._RUNTIMES_KEY, [("php-8.3", "PHP 8.3", False)])
    assert catalogs.cached()[1] is not None


def test_scopes_are_kept_per_token_so_a_new_token_never_gets_the_old_ones() -> None:
    cache.set(scope_cache._cache_key(7, "…abcd"), ["projects:read"])
    assert scope_cache.cached_scopes(7, "…abcd") == ["projects:read"]
    cache.clear()
    assert scope_cache.cached_scopes(7, "…abcd") == ["projects:read"]  # this process's copy
    assert scope_cache.cached_scopes(7, "…wxyz") is None  # the replacement token: asked afresh
