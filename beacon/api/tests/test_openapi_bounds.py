"""Every value a request may carry is bounded in the OpenAPI schema, so a new field cannot
forget: each text has a maxLength and a pattern that refuses NUL (or, search text, the mark that
it is normalized: NUL removed before use), each list a maxItems, each
map a maxProperties, each integer a maximum the databases hold (beacon/api/schemas.py)."""

import re

from beacon.api.schemas import DB_BIGINT_MAX
from beacon.api.urls import api
from beacon.core.search import NORMALIZED_MARK

# Formats whose own syntax bounds them (pydantic checks it before anything reaches a query).
BOUNDED_FORMATS = {"uuid", "date", "date-time", "time", "binary", "duration", "partial-time"}


def _problems(schema: dict, node: dict, where: str, seen: frozenset) -> list[str]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen |= {name}
        node = schema["components"]["schemas"][name]
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            found += _problems(schema, sub, where, seen)
    kind = node.get("type")
    if kind is None and not any(
        k in node for k in ("$ref", "anyOf", "oneOf", "allOf", "enum", "const")
    ):
        found.append(f"{where}: any value (give it a type)")
    free_text = "enum" not in node and "const" not in node
    if kind == "string" and free_text and node.get("format") not in BOUNDED_FORMATS:
        if "maxLength" not in node:
            found.append(f"{where}: text without maxLength")
        normalized = node.get(NORMALIZED_MARK) is True  # search text: NUL removed, not refused
        if not normalized and re.search(node.get("pattern", ""), "a\x00") is not None:
            found.append(f"{where}: text that may hold NUL")
    if kind == "array":
        if "maxItems" not in node:
            found.append(f"{where}: list without maxItems")
        found += _problems(schema, node.get("items", {}), f"{where}[]", seen)
    if kind == "object":
        for name, sub in node.get("properties", {}).items():
            found += _problems(schema, sub, f"{where}.{name}", seen)
        extra = node.get("additionalProperties")
        if extra is not None and extra is not False:
            if "maxProperties" not in node:
                found.append(f"{where}: map without maxProperties")
            if isinstance(extra, dict):
                found += _problems(schema, extra, f"{where}.*", seen)
            else:
                found.append(f"{where}.*: any value (give it a type)")
    if kind == "integer":
        if node.get("maximum", DB_BIGINT_MAX + 1) > DB_BIGINT_MAX:
            found.append(f"{where}: integer without a maximum the databases hold")
        if node.get("minimum", -DB_BIGINT_MAX - 2) < -DB_BIGINT_MAX - 1:
            found.append(f"{where}: integer without a minimum the databases hold")
    return found


def request_problems() -> list[str]:
    schema = api.get_openapi_schema()
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                found += _problems(
                    schema,
                    parameter["schema"],
                    f"{where} {parameter['in']} {parameter['name']}",
                    frozenset(),
                )
            body = operation.get("requestBody", {}).get("content", {})
            for content_type, content in body.items():
                found += _problems(
                    schema, content["schema"], f"{where} {content_type}", frozenset()
                )
    return found


def test_every_request_value_is_bounded():
    problems = request_problems()
    assert not problems, (
        "Bound these with the types of beacon/api/schemas.py (Text, ModelText, Items, "
        "Mapping, Integer, Version, Offset, Page):\n" + "\n".join(problems)
    )


def test_the_walk_sees_a_bound_missing():
    """The walk itself: an unbounded text, list and integer are each reported."""
    schema = {"components": {"schemas": {}}}
    node = {
        "type": "object",
        "properties": {
            "note": {"type": "string"},
            "topics": {"type": "array", "items": {"type": "string", "maxLength": 5}},
            "offset": {"type": "integer", "minimum": 0},
            "ok": {"type": "string", "maxLength": 9, "pattern": "^[^\\x00]*$"},
        },
    }
    assert _problems(schema, node, "x", frozenset()) == [
        "x.note: text without maxLength",
        "x.note: text that may hold NUL",
        "x.topics: list without maxItems",
        "x.topics[]: text that may hold NUL",
        "x.offset: integer without a maximum the databases hold",
    ]
