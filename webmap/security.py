"""Security headers on every response: a Content-Security-Policy, nosniff, no framing, a referrer policy.

API and JSON responses get a strict policy (``default-src 'none'``). HTML pages get one
that allows only the site itself, plus ``data:``/``blob:`` where map libraries need them
(tiles, icons, MapLibre's web workers); their scripts may also be inline, because Folium
writes each map as an inline ``<script>``: hashing every generated script is not done (yet).
"""

from __future__ import annotations

from flask import Flask, Response

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",  # Folium's inline map scripts; see the module docstring
    "style-src 'self' 'unsafe-inline'",  # Leaflet and Folium set inline styles
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",  # MapLibre starts its workers from blob: URLs
    "child-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
PAGE_POLICY = "; ".join(PAGE_DIRECTIVES)
# A worker runs under the policy of its own script response, so scripts get the page policy too.
PAGE_TYPES = ("text/html", "text/javascript", "application/javascript")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(mimetype: str | None) -> str:
    """The policy for a response of this media type: permissive enough for pages, strict for the rest."""
    return PAGE_POLICY if (mimetype or "") in PAGE_TYPES else API_POLICY


def init_security(app: Flask) -> None:
    """Add the security headers to every response of ``app``."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", content_security_policy(response.mimetype))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
