"""Rate limits: off in tests by default; over the limit, 429 problem+json with Retry-After."""

from __future__ import annotations

from app import create_app


def _client(settings, **config):
    return create_app({"TESTING": True, "SETTINGS": settings, **config}).test_client()


def test_over_the_limit_is_429_with_retry_after(loaded_db):
    client = _client(loaded_db, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2/minute")
    assert client.get("/api/v1/loads").status_code == 200
    assert client.get("/api/v1/loads").status_code == 200
    resp = client.get("/api/v1/loads")
    assert resp.status_code == 429
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == 429 and body["title"] and body["detail"]
    assert 0 < int(resp.headers["Retry-After"]) <= 60
    assert resp.headers["X-RateLimit-Limit"] == "2"


def test_limits_count_per_client_address(loaded_db):
    client = _client(loaded_db, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="1/minute")
    assert client.get("/api/v1/loads").status_code == 200
    assert client.get("/api/v1/loads").status_code == 429
    other = client.get("/api/v1/loads", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_limits_are_off_under_testing_by_default(client):
    for _ in range(5):
        assert client.get("/api/v1/loads?limit=1").status_code == 200


def test_limit_comes_from_the_environment(loaded_db, monkeypatch):
    monkeypatch.setenv("PETA_RATE_LIMIT", "1/hour")
    monkeypatch.setenv("DATABASE_URL", loaded_db.database_url)  # settings from the environment, as in production
    monkeypatch.setenv("PETA_REPORT_DIR", str(loaded_db.report_dir))
    client = create_app({"TESTING": True, "RATELIMIT_ENABLED": True}).test_client()
    assert client.get("/api/v1/loads").status_code == 200
    resp = client.get("/api/v1/loads")
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 60
