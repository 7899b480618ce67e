"""Rate limits (Flask-Limiter) that protect the costly endpoints without hurting map users.

Redis holds the counters when ``REDIS_URL`` is set, memory otherwise. Every request falls in one bucket:

* ``free`` (not counted): what a map view asks for by the hundred and what is cheap or cached — vector
  tiles, TileJSON, the MapLibre style (``tiles``), glyphs (``fonts``), the basemap, static files, ``/healthz``,
  the web app manifest and service worker (``pwa``),
  and the HTML pages with the map images and QR codes of the share pages (``share``, cached). Thirty people
  panning behind one address (a school, an office, a carrier's NAT) never meet a 429 there.
* ``costly`` (``PETA_RATE_LIMIT`` per client address): search (``/api/v1/producers``), exports and downloads
  (``/api/v1/export/...``, the offline packages ``/api/v1/packages/<code>.<format>``,
  ``/api/v1/stats`` in any ``f`` but JSON, ``f=csv|gpkg|xlsx`` of OGC items), uploads, analysis
  (``/api/v1/analysis/...`` and the analysis collections at ``/ogc``).
* ``reads`` (``PETA_RATE_LIMIT_READS`` per client address): everything else, e.g. OGC items as JSON, and the
  save plan of "Simpan untuk offline" (``/api/v1/offline/<code>``: a few queries; the tiles it lists are free).

A request with a valid API key (``Authorization: Bearer KEY`` or ``X-API-Key: KEY``) is counted under its
key (a hash of it), with ``PETA_RATE_LIMIT_KEYED`` over all the counted endpoints, not under its address.
Whether a token is a valid key is remembered for a minute, so the database is not asked on every request;
an unknown or revoked token is counted under the address. Behind a reverse proxy, wrap the app in werkzeug's
``ProxyFix`` so the address is the client's, not the proxy's. A request over the limit gets 429 problem+json
with ``Retry-After`` (problem+json comes from ``webmap.problems``).
"""

from __future__ import annotations

import re
import threading
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from gis import keys
from gis.settings import Settings
from webmap import current

FREE_BLUEPRINTS = frozenset({"tiles", "fonts", "basemap", "health", "pages", "pwa", "share"})
FREE_ENDPOINTS = frozenset({"static", "api_v1.docs", "api_v1.docs_asset", "api_v1.openapi"})
COSTLY_ENDPOINTS = frozenset({"api_v1.producers", "api_v1.export", "uploads.upload", "packages.download"})
DOWNLOADS = frozenset({"csv", "gpkg", "xlsx"})
ANALYSIS_COLLECTION = re.compile(r"^(lq|dlq|shift-share|klassen|leading)-")
KEY_TTL_S = 60.0
KEY_CACHE_SIZE = 4096


def bucket() -> str:
    """``free``, ``costly`` or ``reads``: what the current request costs (see the module docstring)."""
    endpoint = request.endpoint or ""
    if endpoint in FREE_ENDPOINTS or endpoint.partition(".")[0] in FREE_BLUEPRINTS:
        return "free"
    if endpoint in COSTLY_ENDPOINTS or endpoint.startswith("analysis_api."):
        return "costly"
    fmt = request.args.get("f") or "json"
    if (endpoint == "api_v1.statistics" and fmt != "json") or (endpoint == "ogc.items" and fmt in DOWNLOADS):
        return "costly"
    cid = (request.view_args or {}).get("cid")
    if endpoint in ("ogc.items", "ogc.item") and ANALYSIS_COLLECTION.match(str(cid or "")):
        return "costly"
    return "reads"


def presented_token() -> str | None:
    """The API key sent as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``, or None."""
    scheme, _, token = (request.headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return (request.headers.get("X-API-Key") or "").strip() or None


class KeyCache:
    """Which token digests are active keys, remembered for ``ttl`` seconds (a bounded, thread-safe map)."""

    def __init__(self, ttl: float = KEY_TTL_S, size: int = KEY_CACHE_SIZE) -> None:
        self._ttl, self._size = ttl, size
        self._seen: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def valid(self, token: str) -> bool:
        """Whether ``token`` is an active key; asks the database at most once per ``ttl`` per token."""
        digest, now = keys.hash_token(token), time.monotonic()
        with self._lock:
            seen = self._seen.get(digest)
        if seen is not None and now - seen[0] < self._ttl:
            return seen[1]
        try:
            ok = keys.authenticate(current.engine(), token) is not None
        except SQLAlchemyError:
            return False  # no database: count under the address, the endpoint answers for itself
        with self._lock:
            if len(self._seen) >= self._size:
                self._seen.clear()
            self._seen[digest] = (now, ok)
        return ok


def client_key() -> str:
    """The counter of the request: ``key:DIGEST`` for a valid API key, else ``BUCKET:ADDRESS``."""
    token = presented_token()
    if token and current_app.extensions["peta_keys"].valid(token):
        return "key:" + keys.hash_token(token)[:32]
    return f"{bucket()}:{get_remote_address()}"


def init_limits(app: Flask, settings: Settings) -> Limiter:
    """Install the limiter; off under ``TESTING`` unless ``RATELIMIT_ENABLED`` is set."""
    app.config.setdefault("RATELIMIT_ENABLED", not app.config.get("TESTING", False))
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "peta")
    # A Redis outage must not take the map down: count in memory until it is back.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.extensions["peta_keys"] = KeyCache()

    def limit() -> str:
        key = client_key()
        if key.startswith("key:"):
            return settings.rate_limit_keyed
        return settings.rate_limit if key.startswith("costly:") else settings.rate_limit_reads

    # Application limits are one counter per key across every route; the key names the bucket.
    return Limiter(client_key, app=app, application_limits=[limit],
                   application_limits_exempt_when=lambda: bucket() == "free")
