"""Uploads of data stewards at ``/api/v1/uploads/{kind}`` (API key required) and the public load log.

The file goes to a private temporary folder under a safe name, then through the same
``etl.pipeline.run_job`` as the CLI, so a bad file loads nothing and the answer carries
the same JSON report. Every load records the key that made it (``loaded_by = key:NAME``).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy import Engine, select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from etl.context import LoadOptions
from etl.jobs import JOBS
from etl.pipeline import run_job
from gis import keys
from webmap import current
from webmap.current import engine as _engine
from webmap.params import Param, Spec, boolean, choice, integer, string
from webmap.problems import PROBLEM_TYPE, ApiError, problem

bp = Blueprint("uploads", __name__, url_prefix="/api/v1")

MAX_LOADS_LIMIT = 500
MAX_LOADS_OFFSET = 1_000_000
MAX_NAME_CHARS = 80
MAX_SOURCE_CHARS = 200
MAX_COMMODITY_CHARS = 100
SAFE_EXTENSION = re.compile(r"^\.[a-z0-9]{1,8}$")
# The private folders of an upload and of an unpacked archive: server paths, not for the uploader's eyes.
TEMP_FOLDER = re.compile(re.escape(tempfile.gettempdir().rstrip("/")) + r"/peta-[a-z]+-[A-Za-z0-9_]+/")
LOAD_FIELDS = ("id", "kind", "source_key", "source_name", "status", "rows_read", "rows_loaded", "rows_rejected",
               "warnings", "loaded_by", "options", "started_at", "finished_at")


class Unauthorized(ApiError):
    """No API key, or one that is unknown or revoked."""

    status = 401
    title = "Unauthorized"


class Forbidden(ApiError):
    """A valid key whose role does not cover what was asked."""

    status = 403
    title = "Forbidden"


class UnsupportedMediaType(ApiError):
    """A body that is not multipart/form-data: there is no file field to read."""

    status = 415
    title = "Unsupported media type"


# The kind (path) and the form fields of an upload; the fields may also come as query parameters.
UPLOAD = Spec(
    Param("kind", choice(*JOBS), "Kind of file: " + "; ".join(f"{k}: {job.title}" for k, job in JOBS.items()) + ".",
          where="path", example="agriculture"),
    Param("dry_run", boolean(), "Validate only: load nothing.", default=False, where="form"),
    Param("skip_invalid", boolean(), "Load the valid rows and report the others (default: any invalid row rejects "
          "the whole file).", default=False, where="form"),
    Param("commodity", string(MAX_COMMODITY_CHARS), "Commodity of a table that has no commodity column.",
          where="form"),
    Param("year", integer(1900, 2100), "Year of a table that has no year column.", where="form"),
    Param("source", string(MAX_SOURCE_CHARS), "Source name (default: the file name): a later file with the same "
          "source replaces exactly the rows of this one.", where="form"),
)


LOADS = Spec(
    Param("limit", integer(1, MAX_LOADS_LIMIT), "Page size.", default=50),
    Param("offset", integer(0, MAX_LOADS_OFFSET), "Runs to skip.", default=0),
)


@bp.errorhandler(Unauthorized)
def _unauthorized(exc: Unauthorized) -> Response:
    return problem(exc.status, exc.title, exc.detail, {"WWW-Authenticate": 'Bearer realm="peta-ekonomi"'})


def init_uploads(app: Flask) -> None:
    """Cap request bodies at the upload limit of the settings (larger ones get 413) and add the routes."""
    settings = app.extensions["peta"].settings
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_mb * 1024 * 1024
    app.register_blueprint(bp)


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header, or None."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _authenticate() -> keys.Key:
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise Unauthorized("an API key is required: send 'Authorization: Bearer KEY'")
    key = keys.authenticate(_engine(), token)
    if key is None:
        raise Unauthorized("the API key is unknown or revoked")
    return key


def safe_upload_name(filename: str | None) -> str:
    """A file name safe to write in a private folder: ASCII stem without path parts, lower-case extension."""
    name = Path((filename or "").replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    ext = suffix if SAFE_EXTENSION.match(suffix) else ""
    stem = secure_filename(Path(name).stem)[:MAX_NAME_CHARS].strip("._") or "upload"
    return stem + ext


def _options(key: keys.Key, fields: dict[str, Any], file_name: str) -> LoadOptions:
    return LoadOptions(
        dry_run=fields["dry_run"],
        skip_invalid=fields["skip_invalid"],
        commodity=(fields["commodity"] or "").strip() or None,
        year=fields["year"],
        source_key=(fields["source"] or "").strip() or file_name,
        loaded_by=f"key:{key.name}",
    )


@bp.post("/uploads/<kind>")
def upload(kind: str) -> Response:
    """Validate and load one file as ``kind``; 200 with the report, 400 with it when the file is invalid."""
    key = _authenticate()
    fields = UPLOAD.parse(request.values, {"kind": kind})  # 404 for an unknown kind, 400 for a bad field
    if not keys.can_load(key.role, kind):
        raise Forbidden(f"the role {key.role!r} of key {key.name!r} may not load {kind!r} files")
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(f"send multipart/form-data with the file in the field 'file', not "
                                   f"{request.mimetype or 'no body'}")
    file: FileStorage | None = request.files.get("file")
    if file is None or not file.filename:
        raise ApiError("send the file as the multipart/form-data field 'file'")
    name = safe_upload_name(file.filename)
    options = _options(key, fields, name)
    with tempfile.TemporaryDirectory(prefix="peta-upload-") as folder:
        path = Path(folder) / name
        try:
            file.save(path)
        finally:
            file.close()  # werkzeug spools large parts to a temporary file of its own
        report = run_job(_engine(), current.settings(), kind, path, options)
    body = public_report(report.to_dict())
    if report.status == "invalid":
        first = first_error(body["issues"])
        response = jsonify({"type": "about:blank", "title": "Invalid file", "status": 400,
                            "detail": f"the file was not loaded: {report.error_count} error(s)"
                                      + (f", the first: {first}" if first else "") + "; see 'report'",
                            "report": body})
        response.status_code = 400
        response.mimetype = PROBLEM_TYPE
        return response
    return jsonify(body)


def public_report(body: dict[str, Any]) -> dict[str, Any]:
    """The report without the server's temporary folders in its texts ("/tmp/peta-upload-x/a.csv" -> "a.csv")."""
    body["issues"] = [{**issue, "reason": TEMP_FOLDER.sub("", issue["reason"])} for issue in body["issues"]]
    body["notes"] = [TEMP_FOLDER.sub("", note) for note in body["notes"]]
    return body


def first_error(issues: list[dict[str, Any]]) -> str | None:
    """The first error of a report as one line: where (row, column) and why."""
    for issue in issues:
        if issue["severity"] != "error":
            continue
        parts = [f"row {issue['row']}" if issue["row"] is not None else "",
                 f"column '{issue['column']}'" if issue["column"] else ""]
        where = ", ".join(p for p in parts if p)
        reason = issue["reason"]
        return f"{where}: {reason}" if where and where not in reason else reason
    return None


def recent_loads(engine: Engine, limit: int, offset: int) -> list[dict[str, Any]]:
    """Load runs, newest first, as JSON-ready dicts."""
    from gis.models import LoadRun  # GeoAlchemy2 loads on first use, not at start-up

    columns = [getattr(LoadRun, f) for f in LOAD_FIELDS]
    query = select(*columns).order_by(LoadRun.id.desc()).limit(limit).offset(offset)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows]


@bp.get("/loads")
def loads() -> Response:
    """Recent load runs, newest first (public: who loaded what, when, with how many rows)."""
    fields = LOADS.parse(request.args)
    limit, offset = fields["limit"], fields["offset"]
    items = recent_loads(_engine(), limit, offset)
    response = jsonify({"loads": items, "limit": limit, "offset": offset, "numberReturned": len(items)})
    response.headers["Cache-Control"] = "no-cache"  # a log that changes with every load: always revalidate
    return response
