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


def page_policy(image_origins: tuple[str, ...] = ()) -> str:
    """The page policy, also allowing images (and their fetches) from ``image_origins``: a basemap's host."""
    extra = "".join(f" {origin}" for origin in image_origins)
    directives = [d + extra if d.startswith(("img-src", "connect-src")) else d for d in PAGE_DIRECTIVES]
    return "; ".join(directives)


def content_security_policy(mimetype: str | None, page: str = PAGE_POLICY) -> str:
    """The policy for a response of this media type: permissive enough for pages, strict for the rest."""
    return page if (mimetype or "") in PAGE_TYPES else API_POLICY


def init_security(app: Flask, image_origins: tuple[str, ...] = ()) -> None:
    """Add the security headers to every response of ``app``; pages may show images from ``image_origins``."""
    page = page_policy(image_origins)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", content_security_policy(response.mimetype, page))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
