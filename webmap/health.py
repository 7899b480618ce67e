"""``/healthz``: is the database reachable, and what does it hold."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from gis.status import database_status
from webmap import current

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response | tuple[Response, int, dict[str, str]]:
    """Health with row counts; 503 and Retry-After when the database is away."""
    try:
        status = database_status(current.engine())
    except SQLAlchemyError as exc:
        body = {"status": "unavailable", "database": "unreachable", "detail": str(exc.__class__.__name__)}
        return jsonify(body), 503, {"Retry-After": "5"}
    return jsonify({"status": "ok", "database": "ok", **status})
