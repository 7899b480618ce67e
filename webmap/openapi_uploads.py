"""OpenAPI 3.0 description of the stewards' uploads and the load log (``webmap.uploads``), for /api/v1's document.

Built from what the routes use (the kinds of ``etl.jobs.JOBS``, the limits of ``webmap.uploads``, the roles of
``gis.keys``), so the document follows the code. ``webmap.api_v1`` merges ``openapi_paths()``, ``schemas()``
and ``SECURITY_SCHEMES`` into its document.
"""

from __future__ import annotations

from typing import Any

from etl.jobs import JOBS
from gis import keys
from webmap.uploads import LOAD_FIELDS, MAX_LOADS_LIMIT, MAX_SOURCE_CHARS

SECURITY_SCHEMES: dict[str, Any] = {"bearerAuth": {
    "type": "http", "scheme": "bearer",
    "description": "An API key made with `flask --app app keys create --role ROLE --name NAME`, sent as "
                   "`Authorization: Bearer KEY`. Roles: " + ", ".join(
                       f"{role} ({', '.join(sorted(kinds))})" for role, kinds in keys.STEWARD_KINDS.items())
                   + f", and {keys.ADMIN} (every kind)."}}
EXAMPLE_CSV = "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
REPORT_STATUSES = ("loaded", "validated", "unchanged", "invalid")
RUN_STATUSES = ("loaded", "superseded")

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                                "schema": {"type": "integer", "minimum": 0}}}


def _problem(description: str, headers: dict[str, Any] | None = None,
             schema: dict[str, Any] = _PROBLEM) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/problem+json": {
        "schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def schemas() -> dict[str, Any]:
    """Component schemas: the validation report (the CLI's JSON), its issues, a load run and the load list."""
    text, integer, count = {"type": "string"}, {"type": "integer"}, {"type": "integer", "minimum": 0}
    run_types: dict[str, Any] = {
        "id": integer, "kind": text, "source_key": text, "source_name": text,
        "status": {"type": "string", "enum": list(RUN_STATUSES)}, "rows_read": count, "rows_loaded": count,
        "rows_rejected": count, "warnings": count, "loaded_by": text, "options": {"type": "object"},
        "started_at": {"type": "string", "format": "date-time"},
        "finished_at": {"type": "string", "format": "date-time"},
    }
    return {
        "UploadIssue": {"type": "object", "required": ["row", "column", "value", "reason", "type", "severity"],
                        "properties": {
            "row": _nullable({**integer, "description": "Row of the file (the header is row 1); null for the "
                                                        "whole file."}),
            "column": _nullable(text), "value": _nullable(text), "reason": text,
            "type": {**text, "description": "A slug for the kind of finding, e.g. out-of-range."},
            "severity": {"type": "string", "enum": ["error", "warning"]}}},
        "UploadReport": {"type": "object", "required": [
            "kind", "source", "status", "valid", "rows_read", "rows_loaded", "rows_rejected", "errors", "warnings",
            "counts", "load_run_id", "notes", "issues", "issues_truncated"], "properties": {
            "kind": {"type": "string", "enum": list(JOBS)}, "source": text,
            "status": {"type": "string", "enum": list(REPORT_STATUSES)}, "valid": {"type": "boolean"},
            "rows_read": count, "rows_loaded": count, "rows_rejected": count, "errors": count, "warnings": count,
            "counts": {"type": "object", "additionalProperties": count,
                       "description": "Findings per 'severity:type'; 'derived:<level>': the kecamatan and "
                                      "kabupaten a desa file derived (etl/derived_areas.py)."},
            "load_run_id": _nullable(integer), "notes": {"type": "array", "items": text},
            "issues": {"type": "array", "items": {"$ref": "#/components/schemas/UploadIssue"}},
            "issues_truncated": {"type": "boolean"}}},
        "UploadProblem": {"type": "object", "required": ["title", "status", "detail"], "properties": {
            "type": text, "title": text, "status": integer, "detail": text,
            "report": {"$ref": "#/components/schemas/UploadReport"}}},
        "LoadRun": {"type": "object", "required": list(LOAD_FIELDS),
                    "properties": {name: run_types[name] for name in LOAD_FIELDS}},
        "LoadList": {"type": "object", "required": ["loads", "limit", "offset", "numberReturned"], "properties": {
            "loads": {"type": "array", "items": {"$ref": "#/components/schemas/LoadRun"}},
            "limit": {**integer, "minimum": 1, "maximum": MAX_LOADS_LIMIT}, "offset": count,
            "numberReturned": count}},
    }


def _upload_operation() -> dict[str, Any]:
    form = {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "CSV, XLSX, GeoJSON, zipped Shapefile or GeoPackage (the CLI's formats)."},
        "dry_run": {"type": "boolean", "default": False, "description": "Validate only: load nothing."},
        "skip_invalid": {"type": "boolean", "default": False,
                         "description": "Load the valid rows and report the others (default: any invalid row "
                                        "rejects the whole file)."},
        "commodity": {"type": "string", "description": "Commodity of a table that has no commodity column."},
        "year": {"type": "integer", "minimum": 1900, "maximum": 2100,
                 "description": "Year of a table that has no year column."},
        "source": {"type": "string", "maxLength": MAX_SOURCE_CHARS,
                   "description": "Source name (default: the file name): a later file with the same source "
                                  "replaces exactly the rows of this one."}}}
    kind = {"name": "kind", "in": "path", "required": True, "example": "agriculture",
            "schema": {"type": "string", "enum": list(JOBS)},
            "description": "Kind of file: " + "; ".join(f"{k}: {job.title}" for k, job in JOBS.items()) + "."}
    return {"post": {
        "operationId": "upload", "tags": ["uploads"], "security": [{"bearerAuth": []}],
        "summary": "Validate and load one file (data stewards, API key)",
        "description": "Runs the same ETL job as `flask --app app etl load` in one transaction and answers with "
                       "its report. An invalid file changes nothing (400 with the report). The fields may also "
                       "be sent as query parameters. The load records the key's name as `loaded_by`.",
        "parameters": [kind],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": form, "example": {
            "file": EXAMPLE_CSV, "dry_run": True}}}},
        "responses": {
            "200": {"description": "Loaded, validated (dry run) or unchanged (the same file again)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadReport"}}}},
            "400": _problem("Invalid file (with its report) or a field to fix",
                            schema={"$ref": "#/components/schemas/UploadProblem"}),
            "401": _problem("No API key, or an unknown or revoked one", {"WWW-Authenticate": {
                "description": "Bearer", "schema": {"type": "string"}}}),
            "403": _problem("The key's role does not cover this kind"),
            "404": _problem("No such kind of file"),
            "413": _problem("The file is larger than the upload limit (PETA_MAX_UPLOAD_MB)"),
            "429": _problem("Too many requests", _RETRY_AFTER),
            "503": _problem("The database is not reachable: nothing was loaded", _RETRY_AFTER),
        }}}


def _loads_operation() -> dict[str, Any]:
    params = [
        {"name": "limit", "in": "query", "required": False, "description": "Page size.",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LOADS_LIMIT, "default": 50}},
        {"name": "offset", "in": "query", "required": False, "description": "Runs to skip.",
         "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 0}},
    ]
    return {"get": {
        "operationId": "list_loads", "tags": ["uploads"], "parameters": params,
        "summary": "Load history, newest first: what was loaded, from which file, by whom, when",
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/LoadList"}}}},
            "400": _problem("A parameter to fix"),
            "429": _problem("Too many requests", _RETRY_AFTER),
            "503": _problem("The database is not reachable", _RETRY_AFTER),
        }}}


def openapi_paths() -> dict[str, Any]:
    """OpenAPI 3.0 ``paths`` of ``POST /api/v1/uploads/{kind}`` and ``GET /api/v1/loads``."""
    return {"/api/v1/uploads/{kind}": _upload_operation(), "/api/v1/loads": _loads_operation()}
