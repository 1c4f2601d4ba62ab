"""Domains, variables, rules, logs and SQL statements (usage: test_usage.py)."""

from __future__ import annotations

import re
import time

import pytest

from tests.helpers import assert_error, follow_all


# -- domains ---------------------------------------------------------------------------------
def test_domains_have_one_primary_and_a_wildcard_somewhere(owner) -> None:
    projects = owner.get("/projects").json()
    all_domains = [
        d for p in projects[:6] for d in owner.get(f"/projects/{p['id']}/domains").json()
    ]
    assert any(d["name"].startswith("*.") for d in all_domains)
    first = owner.get(f"/projects/{projects[0]['id']}/domains").json()
    assert sum(d["primary"] for d in first) == 1


def test_create_update_delete_domain(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/domains"
    created = owner.post(base, json={"name": "Blog.Example.COM", "primary": True})
    assert created.status_code == 201
    domain = created.json()
    assert domain["name"] == "blog.example.com" and domain["primary"] is True
    other = owner.post(base, json={"name": "www.example.com"}).json()
    assert owner.patch(f"{base}/{other['id']}", json={"primary": True}).json()["primary"]
    primaries = [d["name"] for d in owner.get(base).json() if d["primary"]]
    assert primaries == ["www.example.com"]
    assert owner.delete(f"{base}/{domain['id']}").status_code == 204
    assert_error(owner.delete(f"{base}/{domain['id']}"), 404)


def test_domain_validation(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/domains"
    for bad in ("not a domain", "localhost", "-bad.example.com", "a..b.com", "*.*.example.com"):
        assert_error(owner.post(base, json={"name": bad}), 400, field="name")
    assert_error(
        owner.post(base, json={"name": "*.example.org", "primary": True}), 400, field="primary"
    )
    wildcard = owner.post(base, json={"name": "*.example.org"})
    assert wildcard.status_code == 201
    assert_error(
        owner.patch(f"{base}/{wildcard.json()['id']}", json={"primary": True}), 400, field="primary"
    )
    assert_error(owner.post(base, json={"name": "*.example.org"}), 409)
    assert_error(owner.patch(f"{base}/{wildcard.json()['id']}", json={}), 400, field="primary")


# -- variables -------------------------------------------------------------------------------
def test_sensitive_variables_never_show_their_value(owner, project) -> None:
    variables = owner.get(f"/projects/{project['id']}/variables").json()
    sensitive = [v for v in variables if v["sensitive"]]
    assert sensitive and all("value" not in v for v in sensitive)
    assert all("value" in v for v in variables if not v["sensitive"])


def test_variable_lifecycle_and_upper_casing(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/variables"
    created = owner.post(base, json={"name": "api_key", "value": "s3cret", "sensitive": True})
    assert created.status_code == 201
    var = created.json()
    assert var["name"] == "API_KEY" and "value" not in var
    assert_error(owner.post(base, json={"name": "API_KEY", "value": "x"}), 409, field="name")
    updated = owner.patch(f"{base}/{var['id']}", json={"sensitive": False})
    assert updated.json()["value"] == "s3cret"
    assert owner.delete(f"{base}/{var['id']}").status_code == 204
    assert_error(owner.patch(f"{base}/{var['id']}", json={"value": "x"}), 404)


def test_variable_validation(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/variables"
    assert_error(owner.post(base, json={"name": "1BAD", "value": "x"}), 400, field="name")
    assert_error(owner.post(base, json={"name": "OK"}), 400, field="value")
    assert_error(owner.post(base, json={"name": "OK", "value": 3}), 400, field="value")
    assert_error(
        owner.post(base, json={"name": "OK", "value": "v", "sensitive": "yes"}),
        400,
        field="sensitive",
    )


# -- rules -----------------------------------------------------------------------------------
def test_catalog_shape(owner) -> None:
    catalog = owner.get("/rules").json()
    assert set(catalog) == {"conditions", "actions", "notes", "templates"}
    facts = {c["fact"] for c in catalog["conditions"]}
    assert {"request.method", "request.header.*", "request.path", "request.ip"} <= facts
    method = next(c for c in catalog["conditions"] if c["fact"] == "request.method")
    assert "GET" in method["allowed_values"] and "eq" in method["operators"]
    assert all(c["description"] for c in catalog["conditions"])
    end = next(a for a in catalog["actions"] if a["operator"] == "end")
    assert "fact" not in end and "allowed_values" not in end
    assert set(catalog["notes"]) == {"conditions_shape", "statement_shape", "terminal_action_end"}
    assert any(t.get("requires_configuration") for t in catalog["templates"])


def test_every_template_is_accepted_as_a_rule(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/rules"
    for template in owner.get("/rules").json()["templates"]:
        body = {k: template[k] for k in ("name", "conditions", "actions")}
        assert owner.post(base, json=body).status_code == 201, template["name"]


def test_rule_lifecycle_and_priority_order(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/rules"
    body = {
        "name": "Bypass admin",
        "priority": 50,
        "conditions": {
            "all": [{"fact": "request.path", "operator": "prefix", "value": "/wp-admin"}]
        },
        "actions": [
            {"operator": "set", "fact": "cache.bypass", "value": "true"},
            {"operator": "end"},
        ],
    }
    rule = owner.post(base, json=body).json()
    assert rule["active"] is True and rule["priority"] == 50
    owner.post(base, json={**body, "name": "first", "priority": 1})
    assert [r["name"] for r in owner.get(base).json()] == ["first", "Bypass admin"]
    assert owner.get(f"{base}/{rule['id']}").json()["name"] == "Bypass admin"
    patched = owner.patch(f"{base}/{rule['id']}", json={"active": False, "priority": 0}).json()
    assert patched["active"] is False and patched["priority"] == 0
    assert owner.delete(f"{base}/{rule['id']}").status_code == 204
    assert_error(owner.get(f"{base}/{rule['id']}"), 404)


def test_rules_are_checked_against_the_catalog(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/rules"
    ok_actions = [{"operator": "set", "fact": "cache.bypass", "value": "true"}]

    def cond(**stmt):
        return {"name": "r", "conditions": {"all": [stmt]}, "actions": ok_actions}

    cases = [
        (cond(fact="request.nope", operator="eq", value="x"), "conditions.all[0].fact"),
        (cond(fact="request.method", operator="prefix", value="G"), "conditions.all[0].operator"),
        (cond(fact="request.method", operator="eq", value="FETCH"), "conditions.all[0].value"),
        (cond(fact="request.ip", operator="cidr", value="not-a-net"), "conditions.all[0].value"),
        ({"name": "r", "conditions": {"every": []}, "actions": ok_actions}, "conditions.every"),
        (
            {"name": "r", "conditions": {"all": []}, "actions": [{"operator": "end"}, *ok_actions]},
            "actions[0]",
        ),
        (
            {
                "name": "r",
                "conditions": {"all": []},
                "actions": [{"operator": "end", "fact": "cache.bypass"}],
            },
            "actions[0]",
        ),
        (
            {
                "name": "r",
                "conditions": {"all": []},
                "actions": [{"operator": "set", "fact": "cache.ttl", "value": "7"}],
            },
            "actions[0].value",
        ),
        ({"name": "r", "conditions": {"all": []}, "actions": []}, "actions"),
        ({"conditions": {"all": []}, "actions": ok_actions}, "name"),
    ]
    for body, field in cases:
        assert_error(owner.post(base, json=body), 400, "invalid_argument", field)
    header = cond(fact="request.header.x-debug", operator="eq", value="1")
    assert owner.post(base, json=header).status_code == 201


def test_rule_priority_must_be_whole(owner, fresh_project) -> None:
    body = {
        "name": "r",
        "priority": 1.5,
        "conditions": {"all": []},
        "actions": [{"operator": "end"}],
    }
    assert_error(
        owner.post(f"/projects/{fresh_project['id']}/rules", json=body), 400, field="priority"
    )


# -- logs ------------------------------------------------------------------------------------
def test_logs_page_newest_first_to_the_end(owner, project) -> None:
    items, pages = follow_all(owner, f"/projects/{project['id']}/logs", limit=100)
    assert len(items) == 300 and pages == 3
    stamps = [e["timestamp"] for e in items]
    assert stamps == sorted(stamps, reverse=True)
    assert {"info", "warning", "error"} <= {e["priority"] for e in items}
    assert set(items[0]) == {"timestamp", "priority", "message", "request_id"}


def test_logs_filter_by_q_and_window(owner, project) -> None:
    url = f"/projects/{project['id']}/logs"
    hits = owner.get(url, params={"q": "php fatal", "limit": 200}).json()
    assert hits and all("PHP Fatal" in e["message"] for e in hits)
    everything = owner.get(url, params={"limit": 200}).json()
    pivot = everything[50]["timestamp"]
    window = owner.get(url, params={"until": pivot, "limit": 200}).json()
    assert window and all(e["timestamp"] <= pivot for e in window)
    newer = owner.get(url, params={"since": pivot, "limit": 200}).json()
    assert all(e["timestamp"] >= pivot for e in newer)
    assert_error(owner.get(url, params={"since": "yesterday"}), 400, field="since")
    assert_error(owner.get(url, params={"until": "2024-13-01T00:00:00Z"}), 400, field="until")


# -- SQL -------------------------------------------------------------------------------------
def test_select_returns_plausible_wordpress_rows(owner, project) -> None:
    url = f"/projects/{project['id']}/sql/statements"
    result = owner.post(
        url,
        json={
            "sql": "SELECT option_name, option_value FROM wp_options WHERE option_name = 'siteurl'",
            "read_only": True,
        },
    )
    assert result.status_code == 200
    stmt = result.json()
    assert stmt["status"] == "success" and stmt["columns"] == ["option_name", "option_value"]
    assert stmt["rows"][0][1].startswith("https://") and stmt["row_count"] == 1
    for key in (
        "id",
        "sql",
        "read_only",
        "timeout",
        "submitted_at",
        "submitted_by",
        "completed_at",
        "duration_ms",
        "rows_affected",
        "error",
    ):
        assert key in stmt


def test_writes_report_rows_affected_and_change_the_data(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/sql/statements"
    update = owner.post(
        url,
        json={
            "sql": "UPDATE wp_posts SET post_status = 'draft' WHERE post_type = 'page'",
            "read_only": False,
        },
    ).json()
    assert update["status"] == "success" and update["rows_affected"] == 2
    count = owner.post(
        url,
        json={
            "sql": "SELECT COUNT(*) FROM wp_posts WHERE post_type = "
            "'page' AND post_status = 'draft'",
            "read_only": True,
        },
    ).json()
    assert count["rows"] == [[2]]


def test_write_with_read_only_true_is_refused(owner, project) -> None:
    response = owner.post(
        f"/projects/{project['id']}/sql/statements",
        json={"sql": "DELETE FROM wp_users", "read_only": True},
    )
    assert_error(response, 400, "invalid_argument", "sql")


def test_unparseable_sql_is_an_error_status_not_an_http_error(owner, project) -> None:
    response = owner.post(
        f"/projects/{project['id']}/sql/statements",
        json={"sql": "SELEC nonsense", "read_only": True},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "error" and "syntax" in response.json()["error"]


def test_sql_body_validation(owner, project) -> None:
    url = f"/projects/{project['id']}/sql/statements"
    assert_error(owner.post(url, json={"sql": "SELECT 1"}), 400, field="read_only")
    assert_error(owner.post(url, json={"read_only": True}), 400, field="sql")
    assert_error(
        owner.post(url, json={"sql": "SELECT 1", "read_only": True, "timeout": 0}),
        400,
        field="timeout",
    )


def test_async_statement_completes_and_lists_with_preview(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/sql/statements"
    long_sql = (
        "SELECT ID, post_title, post_status FROM wp_posts WHERE post_status = 'publish' "
        "ORDER BY post_date DESC LIMIT 5"
    )
    accepted = owner.post(
        url, json={"sql": long_sql, "read_only": True}, headers={"Prefer": "respond-async"}
    )
    assert accepted.status_code == 202 and accepted.json()["status"] == "pending"
    sid = accepted.json()["id"]
    item = owner.get(url).json()[0]
    assert item["id"] == sid and len(item["sql_preview"]) == 80
    assert item["sql_preview"].endswith("…")
    time.sleep(0.35)
    finished = owner.get(f"{url}/{sid}").json()
    assert finished["status"] == "success" and finished["row_count"] == 5


def test_deleting_a_pending_statement_cancels_it(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/sql/statements"
    sid = owner.post(
        url,
        json={"sql": "DELETE FROM wp_posts", "read_only": False},
        headers={"Prefer": "respond-async"},
    ).json()["id"]
    assert owner.delete(f"{url}/{sid}").status_code == 204
    time.sleep(0.35)
    assert owner.get(f"{url}/{sid}").json()["status"] == "cancelled"
    count = owner.post(url, json={"sql": "SELECT COUNT(*) FROM wp_posts", "read_only": True})
    assert count.json()["rows"] == [[137]]
    assert owner.delete(f"{url}/{sid}").status_code == 204
    assert_error(owner.get(f"{url}/{sid}"), 404)


@pytest.mark.parametrize(
    ("sql", "column", "value"),
    [
        ("select 1 as one", "one", 1),
        ("SELECT COUNT(*) AS n FROM wp_posts", "n", 137),
        ("SELECT ID AS id FROM wp_posts ORDER BY ID LIMIT 1", "id", 1),
        ("SELECT 1 one", "one", 1),
        ("SELECT VERSION() AS v", "v", "8.0.36-agiler"),
        ("SELECT 1+1", "1+1", 2),
        ("SELECT 'a'", "a", "a"),
        ('SELECT "it\\"s"', 'it"s', 'it"s'),
        ("SELECT `ID` FROM `wp_posts` ORDER BY `ID` LIMIT 1", "ID", 1),
        ("SHOW TABLES LIKE 'wp_users'", "Tables_in_wordpress", "wp_users"),
    ],
)
def test_statements_people_type_are_answered_with_mysql_column_names(
    owner, project, sql: str, column: str, value: object
) -> None:
    stmt = owner.post(
        f"/projects/{project['id']}/sql/statements", json={"sql": sql, "read_only": True}
    ).json()
    assert stmt["status"] == "success", stmt["error"]
    assert stmt["columns"] == [column] and stmt["rows"][0] == [value]


def test_now_is_a_mysql_datetime(owner, project) -> None:
    stmt = owner.post(
        f"/projects/{project['id']}/sql/statements",
        json={"sql": "select now() as t", "read_only": True},
    ).json()
    assert stmt["columns"] == ["t"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", stmt["rows"][0][0])


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("select * from wp_nope", "Table 'wordpress.wp_nope' doesn't exist"),
        ("select nope from wp_posts", "Unknown column 'nope' in 'field list'"),
        ("SELEC * FROM wp_users", "near 'SELEC * FROM wp_users' at line 1"),
        ("-- nothing to run", "Query was empty"),
        ("ATTACH DATABASE '/tmp/x.db' AS x", "Access denied"),
        ("PRAGMA query_only = OFF", "Access denied"),
        ("WITH d AS (SELECT 1) DELETE FROM wp_posts", "READ ONLY transaction"),
    ],
)
def test_failures_are_error_statements_in_mysql_words(owner, project, sql, message) -> None:
    response = owner.post(
        f"/projects/{project['id']}/sql/statements", json={"sql": sql, "read_only": True}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "error" and message in response.json()["error"]


def test_result_rows_page_at_100_with_a_link_to_the_next_page(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/sql/statements"
    created = owner.post(
        url, json={"sql": "SELECT ID FROM wp_posts ORDER BY ID", "read_only": True}
    )
    assert created.json()["row_count"] == 137 and len(created.json()["rows"]) == 100
    first = owner.get(f"{url}/{created.json()['id']}")
    assert len(first.json()["rows"]) == 100 and first.json()["rows"][0] == [1]
    pages = [owner.get(f"{url}/{created.json()['id']}?limit=50")]
    while "link" in pages[-1].headers:
        pages.append(owner.get(pages[-1].headers["link"].split(">")[0].lstrip("<")))
    assert [len(p.json()["rows"]) for p in pages] == [50, 50, 37]
    assert [r[0] for p in pages for r in p.json()["rows"]] == list(range(1, 138))
    assert_error(owner.get(f"{url}/{created.json()['id']}?limit=1001"), 400, field="limit")
    assert len(owner.get(f"{url}/{created.json()['id']}?limit=1000").json()["rows"]) == 137


def test_a_write_changes_what_the_next_select_and_the_backup_dump_see(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/sql/statements"
    sql = "UPDATE wp_options SET option_value = 'Renamed' WHERE option_name = 'blogname'"
    update = owner.post(url, json={"sql": sql, "read_only": False}).json()
    assert update["rows_affected"] == 1
    again = owner.post(
        url,
        json={"sql": "SELECT option_value FROM wp_options WHERE option_id = 3", "read_only": True},
    ).json()
    assert again["rows"] == [["Renamed"]]


def test_a_sleeping_async_statement_stays_pending_until_cancelled(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/sql/statements"
    sid = owner.post(
        url,
        json={"sql": "SELECT SLEEP(20)", "read_only": True, "timeout": 60},
        headers={"Prefer": "respond-async"},
    ).json()["id"]
    time.sleep(0.35)
    assert owner.get(f"{url}/{sid}").json()["status"] == "pending"
    assert owner.delete(f"{url}/{sid}").status_code == 204
    assert owner.get(f"{url}/{sid}").json()["status"] == "cancelled"


def test_sleeping_past_the_timeout_is_interrupted(owner, project) -> None:
    stmt = owner.post(
        f"/projects/{project['id']}/sql/statements",
        json={"sql": "SELECT SLEEP(5)", "read_only": True, "timeout": 2},
    ).json()
    assert stmt["status"] == "error" and "interrupted" in stmt["error"]
