"""HTTP hygiene shared by every blueprint: CORS on reads, ETag/304, Cache-Control, compression."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request, stream_with_context
from flask_compress import Compress

from gis.exports import Export, content_disposition

READ_METHODS = ("GET", "HEAD", "OPTIONS")
COMPRESSED_TYPES = [
    "application/json", "application/geo+json", "application/problem+json", "application/schema+json",
    "application/vnd.oai.openapi+json", "application/x-protobuf", "application/vnd.mapbox-vector-tile",
    "text/html", "text/css", "text/csv", "text/javascript", "application/javascript", "image/svg+xml",
]
DEFAULT_CACHE = "public, max-age=60"


def init_http(app: Flask) -> None:
    """Install CORS, conditional responses and compression on ``app``."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", 512)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # flask-compress's streaming mode never closes a static file's handle; compress whole bodies instead.
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    app.after_request(_finish)


def _finish(response: Response) -> Response:
    if request.method in READ_METHODS:
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("Access-Control-Expose-Headers", "ETag, Link, Content-Crs, Retry-After")
        if request.method == "OPTIONS":
            response.headers.setdefault("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
            response.headers.setdefault("Access-Control-Allow-Headers", "Accept, If-None-Match, Content-Type, Range")
            response.headers.setdefault("Access-Control-Max-Age", "86400")
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        response.headers.setdefault("Cache-Control", DEFAULT_CACHE)
        if not response.get_etag()[0]:
            response.set_etag(hashlib.blake2b(response.get_data(), digest_size=12).hexdigest())
        response.make_conditional(request)
    return response


def stream_export(export: Export) -> Response:
    """A download streamed chunk by chunk, with its file name."""
    headers = {"Content-Disposition": content_disposition(export.filename)}
    return Response(stream_with_context(export.chunks), mimetype=export.mimetype, headers=headers)


def link(href: str, rel: str, type_: str = "application/json", title: str | None = None) -> dict[str, str]:
    """A link object of the APIs; ``href`` is absolute, or a path on this host."""
    if href.startswith("/"):
        href = request.host_url.rstrip("/") + href
    found = {"href": href, "rel": rel, "type": type_}
    if title:
        found["title"] = title
    return found
