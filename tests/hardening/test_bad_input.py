"""Bad input anywhere is a 400 (or a 404) with a message, never a 500 — on PostgreSQL too.

Each case is a symptom found by the attack on the deployed portal (issue 15, item 5).
"""

from __future__ import annotations

import pytest

from tests.helpers import client_for


@pytest.fixture
def project_id(direct) -> str:  # type: ignore[no-untyped-def]
    return str(direct.list_projects().items[0].id)


def _client(tokened_cast, role: str = "admin"):  # type: ignore[no-untyped-def]
    return client_for(tokened_cast[role])


NUL_POSTS = [
    "/projects/x%00y/active/",
    "/projects/x%00y/backups/take/",
    "/projects/{p}/rules/x%00y/active/",
    "/notifications/x%00y/dismiss/",
    "/accounts/people/user/x%00y/role/",
]


@pytest.mark.parametrize("url", NUL_POSTS)
def test_a_nul_byte_in_a_posted_url_is_refused_with_a_message(  # type: ignore[no-untyped-def]
    url, tokened_cast, project_id
) -> None:
    response = _client(tokened_cast).post(url.format(p=project_id), {"idempotency_key": "k1"})
    assert response.status_code == 400
    assert b"NUL" in response.content or b"not valid" in response.content


def test_a_nul_byte_in_a_person_url_is_refused(tokened_cast) -> None:  # type: ignore[no-untyped-def]
    response = _client(tokened_cast).get("/accounts/people/user/x%00y/")
    assert response.status_code == 400


def test_a_nul_byte_in_a_rule_name_is_refused_on_its_field(  # type: ignore[no-untyped-def]
    tokened_cast, project_id
) -> None:
    response = _client(tokened_cast).post(
        f"/projects/{project_id}/rules/new/", {"name": "a\x00b", "idempotency_key": "k"}
    )
    assert response.status_code in (200, 400, 422)
    assert "cannot contain a NUL character" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/projects/?cursor=x&skip=%C2%B2",
        "/projects/{p}/rules/new/?template=%C2%B2",
        "/audit/?date_to=9999-12-31",
        "/audit/?date_from=9999-12-31",
        "/audit/export.csv?date_to=9999-12-31",
        "/audit/export.jsonl?date_to=9999-12-31",
        "/audit/?date_from=0001-01-01",
    ],
)
def test_odd_query_values_never_give_a_500(url, tokened_cast, project_id) -> None:  # type: ignore[no-untyped-def]
    response = _client(tokened_cast).get(url.format(p=project_id))
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize("key", ["k" * 129, "a\x00b", "ключ"])
def test_a_bad_idempotency_key_on_a_rule_form_never_gives_a_500(  # type: ignore[no-untyped-def]
    key, tokened_cast, project_id
) -> None:
    response = _client(tokened_cast).post(
        f"/projects/{project_id}/rules/new/", {"name": "ok", "idempotency_key": key}
    )
    assert response.status_code in (200, 400, 422)


@pytest.mark.parametrize("view", ["try", "preview"])
def test_deeply_nested_rule_json_never_gives_a_500(view, tokened_cast, project_id) -> None:  # type: ignore[no-untyped-def]
    response = _client(tokened_cast).post(
        f"/projects/{project_id}/rules/builder/{view}/", {"rule-json": "[" * 100_000}
    )
    assert response.status_code in (200, 400)


def test_a_256_character_username_at_login_is_a_form_error(db) -> None:  # type: ignore[no-untyped-def]
    response = client_for(None).post(
        "/accounts/login/", {"username": "u" * 256, "password": "whatever"}
    )
    assert response.status_code in (200, 400)
