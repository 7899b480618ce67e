"""Test helpers: OpenAPI 3.0 schemas as JSON Schemas for jsonschema validators; statuses checked against a document."""

from __future__ import annotations

from typing import Any


def json_schema(schema: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: ``nullable: true`` becomes a null type; refs stay local."""
    if isinstance(schema, list):
        return [json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: json_schema(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def assert_declared(document: dict[str, Any], response: Any, path: str, method: str = "get") -> None:
    """The status of ``response`` is declared on the operation, with its media type (304: without a body)."""
    responses = document["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method.upper()} {path} answered {status}, not declared: {sorted(responses)}"
    declared = responses[status].get("content", {})
    if response.status_code == 304:
        assert not declared, f"{path}: 304 has no body"
    else:
        assert response.mimetype in declared, f"{path} {status}: {response.mimetype} not in {sorted(declared)}"
    for header in responses[status].get("headers", {}):
        assert header in response.headers, f"{path} {status}: declared header {header} missing"
