"""Security headers: strict policy on API responses, a map-friendly one on pages, on every response."""

from __future__ import annotations

import pytest

from webmap.security import API_POLICY, PAGE_POLICY, content_security_policy

COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
          "Referrer-Policy": "strict-origin-when-cross-origin"}


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (p.split() for p in policy.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/api/v1/loads", "/healthz", "/api/v1/nowhere"])
def test_api_responses_get_the_strict_policy(client, path):
    resp = client.get(path)
    for name, value in COMMON.items():
        assert resp.headers[name] == value
    assert resp.headers["Content-Security-Policy"] == API_POLICY


def test_errors_and_uploads_carry_the_headers(client):
    resp = client.post("/api/v1/uploads/agriculture")
    assert resp.status_code == 401
    assert resp.headers["Content-Security-Policy"] == API_POLICY
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_pages_get_a_policy_that_allows_only_the_site_itself(client):
    resp = client.get("/")
    assert resp.mimetype == "text/html"
    for name, value in COMMON.items():
        assert resp.headers[name] == value
    policy = _directives(resp.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src", "img-src", "font-src", "connect-src"):
        assert "'self'" in policy[directive]
        assert not any(src.startswith(("http", "*")) or src == "https:" for src in policy[directive])
    assert "blob:" in policy["worker-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_policy_by_media_type():
    assert content_security_policy("text/html") == PAGE_POLICY
    assert content_security_policy("text/javascript") == PAGE_POLICY
    for mimetype in ("application/json", "application/geo+json", "image/svg+xml", None):
        assert content_security_policy(mimetype) == API_POLICY
    assert "'unsafe-inline'" not in API_POLICY
