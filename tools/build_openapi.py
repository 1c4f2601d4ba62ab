"""Generate portal/agiler/openapi.json (OpenAPI 3.1) from the Agiler API reference text.

The reference is a text dump of the rendered documentation page: field and parameter names run
straight into their types (``projectstring required``), so this module tokenises them with the
vocabulary the page itself provides (schema headings, path templates) plus the handful of query
parameter names it uses. Anything it cannot account for raises, so a changed reference fails
loudly instead of silently producing a thinner contract.

Behaviour documented only in ``agiler-facts.md`` is layered on top by ``facts_overlay`` and every
such addition carries ``x-source: facts`` (or ``x-facts-keywords`` when only some keywords of a
reference-derived schema come from the facts), so tests can tell the two sources apart.

Usage::

    python tools/build_openapi.py --reference ../shared/agiler-api-reference.txt \
        --out portal/agiler/openapi.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from openapi_facts import (  # noqa: E402
    BINARY_MEDIA,
    LINK_HEADER,
    OPERATION_IDS,
    REQUEST_BODY_SCHEMAS,
    RETRY_AFTER_HEADER,
    facts_overlay,
)

METHODS = ("get", "post", "put", "patch", "delete")
SECTIONS = ("Path parameters", "Query parameters", "Header parameters", "Request body", "Responses")
PARAM_TYPES = "string|integer|boolean|number"
# Query parameter names are not listed anywhere else in the page; without this vocabulary the
# tail of an enum ("…,week,month") and the next name ("cursor") cannot be told apart.
QUERY_PARAMETERS = (
    "workspace_id",
    "drain_requests",
    "granularity",
    "cursor",
    "limit",
    "since",
    "until",
    "month",
    "year",
    "q",
)
UUID_EXAMPLE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
SCALARS = {"string", "integer", "boolean", "number", "object"}
# Formats also run into the next field name ("date-timetargetstring"), so they are a closed list.
FORMATS = "date-time|date|uuid|binary|email|uri"


class ReferenceFormatError(ValueError):
    """The reference text did not have the shape this parser understands."""


def _slice(lines: list[str], start: str, stop: str) -> list[str]:
    """Return the lines strictly between the first ``start`` line and the next ``stop`` line."""
    begin = lines.index(start) + 1
    end = lines.index(stop, begin)
    return lines[begin:end]


def parse_reference(text: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Parse the reference into (operations, schemas); schemas first so names are known."""
    lines = [line.rstrip() for line in text.splitlines()]
    schema_lines = _slice(lines, "Schemas", next(li for li in lines if li.startswith("©")))
    schemas = parse_schemas(schema_lines[1:])  # skip the "Object shapes …" intro line
    endpoint_lines = _slice(lines, "Endpoints", "Schemas")
    return parse_operations(endpoint_lines, set(schemas)), schemas


# --------------------------------------------------------------------------- operations


def parse_operations(lines: list[str], schema_names: set[str]) -> list[dict[str, Any]]:
    """Split the Endpoints section into operation blocks and parse each one."""
    starts = [
        i for i, line in enumerate(lines[:-1]) if line in METHODS and lines[i + 1].startswith("/")
    ]
    operations: list[dict[str, Any]] = []
    tag = ""
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        previous = lines[start - 1] if start else ""
        if _is_group_heading(previous, schema_names):
            tag = previous
        block = lines[start:end]
        if n + 1 < len(starts) and _is_group_heading(block[-1], schema_names):
            block = block[:-1]  # the next group's heading trails this block
        operations.append(_parse_operation(block, tag, schema_names))
    return operations


def _is_group_heading(line: str, schema_names: set[str]) -> bool:
    stripped = line.strip()
    return bool(stripped) and stripped not in schema_names and not stripped.startswith(("-", "·"))


def _parse_operation(block: list[str], tag: str, schema_names: set[str]) -> dict[str, Any]:
    method, path, summary = block[0], block[1], block[2]
    if block[3] != "Scopes:":
        raise ReferenceFormatError(f"{method} {path}: expected 'Scopes:' got {block[3]!r}")
    sections: dict[str, list[str]] = {"Scopes": []}
    current = "Scopes"
    for line in block[4:]:
        if line in SECTIONS:
            current = line
            sections[current] = []
        else:
            sections[current].append(line)
    path_names = re.findall(r"{([^}]+)}", path)
    parameters = []
    for section, location in (
        ("Path parameters", "path"),
        ("Query parameters", "query"),
        ("Header parameters", "header"),
    ):
        if section in sections:
            vocabulary = path_names if location == "path" else QUERY_PARAMETERS
            if location == "header":
                vocabulary = ("Idempotency-Key",)
            parameters += parse_parameters("".join(sections[section]), location, vocabulary)
    if sorted(p["name"] for p in parameters if p["in"] == "path") != sorted(path_names):
        raise ReferenceFormatError(f"{method} {path}: path parameters do not match the template")
    body = sections.get("Request body")
    return {
        "method": method,
        "path": path,
        "summary": summary,
        "tag": tag,
        "scopes": [s.strip() for s in sections["Scopes"] if s.strip()],
        "parameters": parameters,
        "body": {"media": body[0], "schema": body[1] if len(body) > 1 else None} if body else None,
        "responses": parse_responses(" ".join(sections["Responses"]), schema_names),
    }


def parse_parameters(text: str, location: str, vocabulary: tuple[str, ...] | list[str]) -> list:
    """Tokenise ``namestring · fmt required — description`` runs into parameter dicts."""
    names = "|".join(re.escape(v) for v in sorted(vocabulary, key=len, reverse=True))
    pattern = re.compile(
        rf"(?P<name>{names})(?P<type>{PARAM_TYPES})(?: · (?P<fmt>{FORMATS}))?(?P<req> required)?"
        rf"(?: — (?P<desc>.*?))?(?=(?:{names})(?:{PARAM_TYPES})|$)"
    )
    parameters, position = [], 0
    for match in pattern.finditer(text):
        if match.start() != position:
            raise ReferenceFormatError(
                f"unparsed parameter text: {text[position : match.start()]!r}"
            )
        position = match.end()
        schema: dict[str, Any] = {"type": match["type"]}
        if match["fmt"]:
            schema["format"] = match["fmt"]
        desc = (match["desc"] or "").strip()
        if found := re.search(r"Default:\s*(\d+)", desc):
            schema["default"] = int(found[1])
        if found := re.search(r"One of:\s*([\w,]+)", desc):
            schema["enum"] = found[1].split(",")
        if found := re.search(r"Defaults to (\w+)\.", desc):
            value: Any = found[1]
            schema["default"] = {"false": False, "true": True}.get(value, value)
        if found := re.search(r"\((\d+)-(\d+)\b", desc):  # "(1-12, UTC)"
            schema["minimum"], schema["maximum"] = int(found[1]), int(found[2])
        if "four-digit" in desc:
            schema["minimum"], schema["maximum"] = 1000, 9999
        parameter: dict[str, Any] = {"name": match["name"], "in": location, "schema": schema}
        parameter["required"] = location == "path" or bool(match["req"])
        if desc:
            parameter["description"] = desc
        parameters.append(parameter)
    if position != len(text):
        raise ReferenceFormatError(f"unparsed parameter text: {text[position:]!r}")
    return parameters


def parse_responses(text: str, schema_names: set[str]) -> dict[str, dict[str, Any]]:
    """Parse ``- 200 OK · array of X - 401 Unauthorized · ErrorResponse …`` runs."""
    responses: dict[str, dict[str, Any]] = {}
    for status, rest in re.findall(r"-\s(\d{3})\s(.*?)(?=\s-\s\d{3}\s|$)", text.strip()):
        description, *alternatives = rest.split("·")
        bodies = []
        for alternative in alternatives:
            name = alternative.strip()
            is_array = name.startswith("array of")
            name = name.removeprefix("array of").strip()
            if name not in schema_names:
                raise ReferenceFormatError(f"response {status}: unknown schema {name!r}")
            bodies.append({"schema": name, "array": is_array})
        responses[status] = {"description": description.strip(), "bodies": bodies}
    if not responses:
        raise ReferenceFormatError(f"no responses in {text!r}")
    return responses


# --------------------------------------------------------------------------- schemas


def parse_schemas(lines: list[str]) -> dict[str, dict[str, Any]]:
    """Parse the Schemas section: a heading line per schema followed by its field run."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if re.fullmatch(r"[A-Z][A-Za-z0-9]*", line.strip()):
            current = line.strip()
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line)
    names = set(blocks)
    return {name: parse_schema_body(" ".join(body).strip(), names) for name, body in blocks.items()}


def parse_schema_body(text: str, schema_names: set[str]) -> dict[str, Any]:
    """Turn one schema's field run into a JSON Schema object."""
    primitive = re.fullmatch(rf"(string|object)(?: · ({FORMATS}))?(?: — (.*))?", text)
    if primitive:
        schema: dict[str, Any] = {"type": primitive[1]}
        if primitive[2]:
            schema["format"] = primitive[2]
        if primitive[3]:
            schema["description"] = primitive[3]
        if primitive[1] == "object":
            schema["additionalProperties"] = True  # freeform: the edge owns its shape
        return schema
    refs = "|".join(sorted(schema_names, key=len, reverse=True))
    scalars = "string|integer|boolean|number"
    type_re = rf"(?:array of ?(?:{scalars}|{refs})|{refs}|{scalars}|object)"
    pattern = re.compile(
        rf"(?P<name>[a-z][a-z0-9_]*?)(?P<type>{type_re})(?: · (?P<fmt>{FORMATS}))?"
        rf"(?P<req> ?required)?(?: e\.g\.(?P<example>{UUID_EXAMPLE}))?(?: — (?P<desc>.*?))?"
        rf"(?=[a-z][a-z0-9_]*{type_re}|$)"
    )
    properties: dict[str, Any] = {}
    required: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() != position:
            raise ReferenceFormatError(f"unparsed schema text: {text[position : match.start()]!r}")
        position = match.end()
        prop = _type_schema(match["type"])
        if match["fmt"]:
            prop["format"] = match["fmt"]
        if match["example"]:
            prop["examples"] = [match["example"]]
        if match["desc"]:
            prop["description"] = match["desc"].strip()
        properties[match["name"]] = prop
        if match["req"]:
            required.append(match["name"])
    if position != len(text) or not properties:
        raise ReferenceFormatError(f"unparsed schema text: {text[position:]!r}")
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _type_schema(type_text: str) -> dict[str, Any]:
    if type_text.startswith("array of"):
        return {"type": "array", "items": _type_schema(type_text.removeprefix("array of").strip())}
    if type_text in SCALARS:
        return {"type": type_text}
    return {"$ref": f"#/components/schemas/{type_text}"}


# --------------------------------------------------------------------------- assembly


def ref(name: str) -> dict[str, str]:
    """A JSON reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _body_schema(body: dict[str, Any]) -> dict[str, Any]:
    if body["array"]:
        return {"type": "array", "items": ref(body["schema"])}
    return ref(body["schema"])


def build_operation(op: dict[str, Any]) -> dict[str, Any]:
    """Build one OpenAPI operation object from a parsed reference operation."""
    operation_id = OPERATION_IDS[(op["method"], op["path"])]
    parameters = []
    for parameter in op["parameters"]:
        parameter = json.loads(json.dumps(parameter))
        if parameter["name"] == "Idempotency-Key":
            parameter["schema"]["maxLength"] = 128
        parameters.append(parameter)
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": op["summary"],
        "tags": [op["tag"]],
        "x-scopes": op["scopes"],
        "security": [{"apiKeyAuth": op["scopes"]}],
        "parameters": parameters,
        "responses": {},
    }
    if op["body"]:
        operation["requestBody"] = _request_body(operation_id, op["body"])
    paginated = any(p["name"] == "cursor" for p in parameters)
    for status, response in op["responses"].items():
        out: dict[str, Any] = {"description": response["description"]}
        content: dict[str, Any] = {}
        for body in response["bodies"]:
            if body["schema"] == "BinaryStream":
                for media in BINARY_MEDIA.get(operation_id, ("application/octet-stream",)):
                    content[media] = {"schema": ref("BinaryStream")}
            else:
                content["application/json"] = {"schema": _body_schema(body)}
        if content:
            out["content"] = content
        if status == "200" and paginated:
            out["headers"] = {"Link": LINK_HEADER}
        if status == "429":
            out["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
        operation["responses"][status] = out
    return operation


def _request_body(operation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    if body["media"] == "application/octet-stream":
        # Body-less move/copy PUTs are legal (facts), so the upload body is optional.
        schema = {"type": "string", "format": "binary"}
        return {"required": False, "content": {body["media"]: {"schema": schema}}}
    expected = REQUEST_BODY_SCHEMAS[operation_id]
    if body["schema"] not in (None, expected):
        raise ReferenceFormatError(
            f"{operation_id}: reference names {body['schema']}, not {expected}"
        )
    return {"required": True, "content": {body["media"]: {"schema": ref(expected)}}}


def build_spec(operations: list[dict[str, Any]], schemas: dict[str, Any]) -> dict[str, Any]:
    """Assemble the whole OpenAPI 3.1 document and apply the facts overlay."""
    if len(operations) != len(OPERATION_IDS):
        raise ReferenceFormatError(
            f"expected {len(OPERATION_IDS)} operations, got {len(operations)}"
        )
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op["path"], {})[op["method"]] = build_operation(op)
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Agiler API",
            "version": "v1",
            "description": "Contract for the Agiler public API v1, generated by "
            "tools/build_openapi.py from the API reference; additions from the platform facts "
            "are marked x-source: facts.",
        },
        "servers": [{"url": "https://api.agiler.io/v1"}],
        "security": [{"apiKeyAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKeyAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "API key (`ak_…`) sent as `Authorization: Bearer <token>`; "
                    "scopes are fixed at issue time and enforced server-side.",
                }
            },
            "schemas": schemas,
        },
    }
    facts_overlay(spec)
    return spec


def ordered(node: Any, parent_key: str = "") -> Any:
    """Sort keys for reviewable diffs, but keep application/json first in media-type maps.

    Validators such as schemathesis check a JSON body against the FIRST media type's schema, and
    a plain sort would put ``*/*`` ahead of ``application/json`` (get_file).
    """
    if isinstance(node, list):
        return [ordered(item) for item in node]
    if not isinstance(node, dict):
        return node
    if parent_key == "content":
        keys = sorted(node, key=lambda k: (k != "application/json", k))
    else:
        keys = sorted(node)
    return {key: ordered(node[key], key) for key in keys}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: read the reference, write the spec."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    operations, schemas = parse_reference(args.reference.read_text(encoding="utf-8"))
    spec = build_spec(operations, schemas)
    args.out.write_text(json.dumps(ordered(spec), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: {len(operations)} operations, {len(schemas)} schemas")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
