"""Rate limits on every endpoint (Flask-Limiter): Redis when ``REDIS_URL`` is set, memory otherwise.

Limits count per client address. Behind a reverse proxy, wrap the app in werkzeug's
``ProxyFix`` so the address is the client's, not the proxy's. A request over the limit
gets 429 problem+json with ``Retry-After`` (problem+json comes from ``webmap.problems``).
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from gis.settings import Settings


def init_limits(app: Flask, settings: Settings) -> Limiter:
    """Install the limiter; off under ``TESTING`` unless ``RATELIMIT_ENABLED`` is set."""
    app.config.setdefault("RATELIMIT_ENABLED", not app.config.get("TESTING", False))
    app.config.setdefault("RATELIMIT_DEFAULT", settings.rate_limit)
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "peta")
    # A Redis outage must not take the map down: count in memory until it is back.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter = Limiter(get_remote_address, app=app)
    return limiter
