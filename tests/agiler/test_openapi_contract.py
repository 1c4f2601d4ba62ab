"""The committed OpenAPI contract (portal/agiler/openapi.json) says what the API reference says.

The reference is parsed here by a deliberately small, independent parser (not the generator's),
so a generator bug cannot hide behind itself. Additions taken from agiler-facts.md must carry
``x-source: facts`` so the two sources stay distinguishable.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
from schemathesis.specs.openapi import definitions

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "portal" / "agiler" / "openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")
SECTIONS = ("Path parameters", "Query parameters", "Header parameters", "Request body", "Responses")
OPERATION_IDS = [
    "list_projects",
    "create_project",
    "delete_project",
    "get_project",
    "update_project",
    "list_backups",
    "create_backup",
    "get_backup_policy",
    "update_backup_policy",
    "delete_backup",
    "download_backup_database",
    "restore_backup",
    "download_backup_storage",
    "list_domains",
    "create_domain",
    "delete_domain",
    "update_domain",
    "list_files",
    "delete_file",
    "get_file",
    "put_file",
    "list_logs",
    "list_rules",
    "create_rule",
    "delete_rule",
    "get_rule",
    "update_rule",
    "list_sql_statements",
    "create_sql_statement",
    "delete_sql_statement",
    "get_sql_statement",
    "get_usage",
    "list_variables",
    "create_variable",
    "delete_variable",
    "update_variable",
    "list_regions",
    "get_region",
    "get_rule_catalog",
    "list_runtimes",
    "get_runtime",
    "get_me",
    "get_billing",
    "update_billing",
    "list_payment_methods",
    "download_statement",
    "list_transactions",
    "list_notifications",
    "dismiss_notification",
    "list_verifications",
    "list_workspaces",
    "create_workspace",
    "get_workspace",
    "get_billing_transfer",
    "list_workspace_members",
]


def reference_path() -> Path:
    """Where the API reference lives: env override, else the shared folder beside the repo."""
    override = os.environ.get("AGILER_API_REFERENCE")
    return Path(override) if override else REPO.parent / "shared" / "agiler-api-reference.txt"


def parse_reference_operations(text: str) -> list[dict[str, Any]]:
    """Return method, path, scopes and documented statuses of every reference operation."""
    lines = [line.strip() for line in text.splitlines()]
    end = lines.index("Schemas")
    starts = [i for i in range(end - 1) if lines[i] in METHODS and lines[i + 1].startswith("/")]
    operations = []
    for n, start in enumerate(starts):
        block = lines[start : starts[n + 1] if n + 1 < len(starts) else end]
        scopes_at = block.index("Scopes:")
        after_scopes = block[scopes_at + 1 :]
        scope_end = next(i for i, line in enumerate(after_scopes) if line in SECTIONS)
        responses_text = " ".join(block[block.index("Responses") + 1 :])
        operations.append(
            {
                "method": block[0],
                "path": block[1],
                "scopes": [s for s in after_scopes[:scope_end] if s],
                "statuses": re.findall(r"-\s(\d{3})\b", responses_text),
                "params": " ".join(block[block.index(s) + 1] for s in SECTIONS[:3] if s in block),
            }
        )
    return operations


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference_text() -> str:
    path = reference_path()
    if not path.is_file():
        pytest.skip(f"API reference not found at {path} (set AGILER_API_REFERENCE to run)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference_ops(reference_text: str) -> list[dict[str, Any]]:
    return parse_reference_operations(reference_text)


def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation object)."""
    return {
        op["operationId"]: (method, path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }


def by_route(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return spec["paths"][path][method]


def test_spec_declares_exactly_the_55_operation_ids(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) == 55
    assert set(ids) == set(OPERATION_IDS)


def test_files_root_listing_and_file_get_have_their_own_ids(spec: dict[str, Any]) -> None:
    assert by_route(spec, "get", "/projects/{project}/files")["operationId"] == "list_files"
    assert by_route(spec, "get", "/projects/{project}/files/{path}")["operationId"] == "get_file"


def test_reference_has_55_operations_and_each_is_in_the_spec(
    spec: dict[str, Any], reference_ops: list[dict[str, Any]]
) -> None:
    assert len(reference_ops) == 55
    routes = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert {(op["method"], op["path"]) for op in reference_ops} == routes


def test_scopes_match_the_reference_in_x_scopes_and_security(
    spec: dict[str, Any], reference_ops: list[dict[str, Any]]
) -> None:
    for ref_op in reference_ops:
        op = by_route(spec, ref_op["method"], ref_op["path"])
        assert op["x-scopes"] == ref_op["scopes"], op["operationId"]
        assert op["security"] == [{"apiKeyAuth": ref_op["scopes"]}], op["operationId"]


def test_success_status_matches_the_reference(
    spec: dict[str, Any], reference_ops: list[dict[str, Any]]
) -> None:
    for ref_op in reference_ops:
        op = by_route(spec, ref_op["method"], ref_op["path"])
        ref_success = [s for s in ref_op["statuses"] if s.startswith("2")]
        spec_success = [s for s, r in op["responses"].items() if s.startswith("2")]
        assert len(ref_success) == 1, ref_op
        # The one success status the reference names is in the spec; any other 2xx is a facts
        # extra (put_file 201, create_sql_statement 202) and must say so.
        assert ref_success[0] in spec_success, op["operationId"]
        for status in set(spec_success) - set(ref_success):
            assert op["responses"][status].get("x-source") == "facts", (op["operationId"], status)


def test_every_reference_status_is_documented_and_extras_are_marked_facts(
    spec: dict[str, Any], reference_ops: list[dict[str, Any]]
) -> None:
    for ref_op in reference_ops:
        op = by_route(spec, ref_op["method"], ref_op["path"])
        assert set(ref_op["statuses"]) <= set(op["responses"]), op["operationId"]
        for status, response in op["responses"].items():
            if status not in ref_op["statuses"]:
                assert response.get("x-source") == "facts", (op["operationId"], status)
            else:
                assert "x-source" not in response, (op["operationId"], status)


def test_reference_parameters_are_in_the_spec_and_extras_are_marked_facts(
    spec: dict[str, Any], reference_ops: list[dict[str, Any]]
) -> None:
    for ref_op in reference_ops:
        op = by_route(spec, ref_op["method"], ref_op["path"])
        for parameter in op["parameters"]:
            listed = parameter["name"] in ref_op["params"]
            assert listed or parameter.get("x-source") == "facts", parameter


def test_spec_facts_extras_named_by_the_brief_exist(spec: dict[str, Any]) -> None:
    ops = operations(spec)
    put_file = ops["put_file"][2]
    assert {"200", "201", "412", "413"} <= set(put_file["responses"])
    headers = {p["name"]: p for p in put_file["parameters"] if p["in"] == "header"}
    assert {"X-Move-Source", "X-Copy-Source", "If-None-Match", "Idempotency-Key"} <= set(headers)
    assert put_file["requestBody"]["content"]["application/octet-stream"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    sql = ops["create_sql_statement"][2]
    prefer = next(p for p in sql["parameters"] if p["name"] == "Prefer")
    assert prefer["schema"]["enum"] == ["respond-async"]
    assert sql["responses"]["202"]["x-source"] == "facts"


def test_every_write_takes_an_idempotency_key_of_at_most_128_chars(spec: dict[str, Any]) -> None:
    for op_id, (method, _path, op) in operations(spec).items():
        keys = [p for p in op["parameters"] if p["name"] == "Idempotency-Key"]
        if method == "get":
            assert keys == [], op_id
            continue
        assert len(keys) == 1, op_id
        assert keys[0]["in"] == "header" and keys[0]["schema"]["maxLength"] == 128


def test_paginated_lists_cap_limit_at_200_and_document_the_link_header(
    spec: dict[str, Any],
) -> None:
    for op_id, (_method, _path, op) in operations(spec).items():
        names = {p["name"]: p for p in op["parameters"]}
        if "cursor" not in names:
            continue
        limit = names["limit"]["schema"]
        # Usage buckets go to 365 and a statement's result rows to 1000 (facts); lists to 200.
        maximum = {"get_usage": 365, "get_sql_statement": 1000}.get(op_id, 200)
        assert limit["maximum"] == maximum, op_id
        assert 'rel="next"' in op["responses"]["200"]["headers"]["Link"]["description"]


def test_limit_defaults_follow_the_reference(spec: dict[str, Any]) -> None:
    expected = {"list_projects": 50, "list_files": 100, "get_usage": 30, "list_transactions": 12}
    ops = operations(spec)
    for op_id, default in expected.items():
        limit = next(p for p in ops[op_id][2]["parameters"] if p["name"] == "limit")
        assert limit["schema"]["default"] == default
    sql_limit = next(p for p in ops["list_sql_statements"][2]["parameters"] if p["name"] == "limit")
    assert "default" not in sql_limit["schema"]


def test_usage_granularity_and_restore_drain_are_typed(spec: dict[str, Any]) -> None:
    ops = operations(spec)
    granularity = next(p for p in ops["get_usage"][2]["parameters"] if p["name"] == "granularity")
    assert granularity["schema"] == {
        "type": "string",
        "enum": ["hour", "day", "week", "month"],
        "default": "day",
    }
    drain = next(p for p in ops["restore_backup"][2]["parameters"] if p["name"] == "drain_requests")
    assert drain["schema"] == {"type": "boolean", "default": False}


def test_every_429_documents_retry_after_and_errors_use_error_response(
    spec: dict[str, Any],
) -> None:
    for op_id, (_m, _p, op) in operations(spec).items():
        assert "Retry-After" in op["responses"]["429"]["headers"], op_id
        for status, response in op["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (op_id, status)


def test_bodiless_and_binary_responses_are_declared_as_such(spec: dict[str, Any]) -> None:
    for op_id, (_m, _p, op) in operations(spec).items():
        for status in ("202", "204"):
            if status in op["responses"] and op_id != "create_sql_statement":
                assert "content" not in op["responses"][status], (op_id, status)
    ops = operations(spec)
    binary = {"$ref": "#/components/schemas/BinaryStream"}
    assert ops["download_statement"][2]["responses"]["200"]["content"] == {
        "application/pdf": {"schema": binary}
    }
    for op_id in ("download_backup_database", "download_backup_storage"):
        content = ops[op_id][2]["responses"]["200"]["content"]
        assert content["application/gzip"]["schema"] == binary
    file_content = ops["get_file"][2]["responses"]["200"]["content"]
    # JSON first: validators check the first media type's schema against JSON bodies.
    assert next(iter(file_content)) == "application/json"
    assert file_content["application/json"]["schema"]["type"] == "array"
    assert spec["components"]["schemas"]["BinaryStream"] == {"type": "string", "format": "binary"}


def test_every_reference_schema_is_a_component_with_open_properties(
    spec: dict[str, Any], reference_text: str
) -> None:
    section = reference_text.split("\nSchemas\n", 1)[1].split("\n©", 1)[0]
    names = set(re.findall(r"^([A-Z][A-Za-z0-9]+)$", section, flags=re.MULTILINE))
    schemas = spec["components"]["schemas"]
    assert names == set(schemas)
    assert all(schema.get("additionalProperties") is not False for schema in schemas.values())
    assert schemas["FreeformObject"]["type"] == "object"
    assert schemas["ErrorResponse"]["required"] == ["error"]
    assert set(schemas["ErrorPayload"]["required"]) == {"code", "message"}
    assert schemas["ProjectDetail"]["properties"]["id"]["format"] == "uuid"
    assert schemas["ProjectDetail"]["properties"]["created_at"]["format"] == "date-time"


def test_bearer_security_scheme_is_declared(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["apiKeyAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_spec_is_valid_openapi_31_and_loads_in_schemathesis(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    errors = list(definitions.OPENAPI_31_VALIDATOR.iter_errors(spec))
    assert errors == []
    schemathesis.experimental.OPEN_API_3_1.enable()
    loaded = schemathesis.from_dict(spec, validate_schema=True)
    assert len(list(loaded.get_all_operations())) == 55


def test_every_ref_resolves_and_component_schemas_are_valid_json_schema(
    spec: dict[str, Any],
) -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    all_refs = refs(spec)
    assert all_refs
    for ref in all_refs:
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_spec_is_what_the_generator_produces(tmp_path: Path, reference_text: str) -> None:
    out = tmp_path / "openapi.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "build_openapi.py"),
            "--reference",
            str(reference_path()),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_text(encoding="utf-8") == SPEC_PATH.read_text(encoding="utf-8"), (
        "portal/agiler/openapi.json is stale: re-run tools/build_openapi.py"
    )
