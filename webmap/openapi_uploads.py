"""OpenAPI 3.0 description of the stewards' uploads and the load log (``webmap.uploads``), for /api/v1's document.

The parameters and form fields come from the specs the routes parse with (``webmap.uploads.UPLOAD`` and
``LOADS``), the roles from ``gis.keys``. ``webmap.api_v1`` merges ``operations()``, ``schemas()`` and
``SECURITY_SCHEMES`` into its document.
"""

from __future__ import annotations

from typing import Any

from etl.jobs import JOBS
from gis import keys
from webmap.openapi_v1 import Operation, answer, nullable, ref
from webmap.uploads import LOAD_FIELDS, LOADS, MAX_LOADS_LIMIT, UPLOAD

SECURITY_SCHEMES: dict[str, Any] = {"bearerAuth": {
    "type": "http", "scheme": "bearer",
    "description": "An API key made with `flask --app app keys create --role ROLE --name NAME`, sent as "
                   "`Authorization: Bearer KEY`. Roles: " + ", ".join(
                       f"{role} ({', '.join(sorted(kinds))})" for role, kinds in keys.STEWARD_KINDS.items())
                   + f", and {keys.ADMIN} (every kind)."}}
EXAMPLE_CSV = "kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
REPORT_STATUSES = ("loaded", "validated", "unchanged", "invalid")
RUN_STATUSES = ("loaded", "superseded")


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
            "row": nullable({**integer, "description": "Row of the file (the header is row 1); null for the "
                                                        "whole file."}),
            "column": nullable(text), "value": nullable(text), "reason": text,
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
            "load_run_id": nullable(integer), "notes": {"type": "array", "items": text},
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


def operations() -> list[Operation]:
    """``POST /api/v1/uploads/{kind}`` and ``GET /api/v1/loads``, from the specs their routes parse with."""
    file = {"type": "string", "format": "binary",
            "description": "CSV, XLSX, GeoJSON, zipped Shapefile or GeoPackage (the CLI's formats)."}
    form = {"multipart/form-data": {"schema": UPLOAD.form_schema(file=file),
                                    "example": {"file": EXAMPLE_CSV, "dry_run": True}}}
    www_authenticate = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
    upload = Operation(
        "/api/v1/uploads/{kind}", "upload", "uploads", "Validate and load one file (data stewards, API key)", UPLOAD,
        ref("UploadReport"), (400, 401, 403, 404, 413, 415, 429, 503), method="post",
        ok_description="Loaded, validated (dry run) or unchanged (the same file again)",
        notes={404: "No such kind of file.", 403: "The key's role does not cover this kind.",
               503: "The database is not reachable: nothing was loaded; try again after Retry-After."},
        responses={"400": answer(400, "Invalid file (with its report) or a field to fix", "UploadProblem"),
                   "401": {**answer(401), "headers": www_authenticate}},
        more={"security": [{"bearerAuth": []}], "requestBody": {"required": True, "content": form},
              "description": "Runs the same ETL job as `flask --app app etl load` in one transaction and answers "
                             "with its report. An invalid file changes nothing (400 with the report). The fields "
                             "may also be sent as query parameters. The load records the key's name as "
                             "`loaded_by`."})
    loads = Operation("/api/v1/loads", "list_loads", "uploads",
                      "Load history, newest first: what was loaded, from which file, by whom, when", LOADS,
                      ref("LoadList"))
    return [upload, loads]
