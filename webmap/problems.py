"""Errors as ``application/problem+json`` (RFC 9457), mapped in one place."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from gis.errors import InvalidRequest, NotFoundError

PROBLEM_TYPE = "application/problem+json"


class ApiError(Exception):
    """A client-facing error with its HTTP status."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status


class NotFound(ApiError):
    """A resource (collection, feature, area, layer, tile) or data that does not exist."""

    status = 404
    title = "Not found"


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    """A problem+json response."""
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error as problem+json, never with a stack trace."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return problem(exc.status, exc.title, exc.detail)

    @app.errorhandler(InvalidRequest)
    def _invalid_request(exc: InvalidRequest) -> Response:  # the core's: a parameter, filter or format
        return problem(400, "Invalid parameter", str(exc))

    @app.errorhandler(NotFoundError)
    def _not_found(exc: NotFoundError) -> Response:  # the core's: no such area, collection or data
        return problem(404, "Not found", str(exc.args[0]) if exc.args else "not found")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        kept = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type", "content-length")}
        return problem(exc.code or 500, exc.name, exc.description or exc.name, kept)  # e.g. Allow on 405

    @app.errorhandler(OperationalError)
    def _database_away(exc: OperationalError) -> Response:
        app.logger.warning("database unavailable: %s", exc.orig)
        return problem(503, "Service unavailable", "the database is not reachable; try again shortly",
                       {"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error")
        return problem(500, "Internal server error", "an unexpected error occurred; it has been logged")
