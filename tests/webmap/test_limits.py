"""Rate limits: map reads are free, costly endpoints counted per address, API keys per key; 429 is problem+json."""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import create_app
from gis import keys
from gis.db import get_engine
from tests.live_server import serve
from webmap.limits import bucket

CROWD = 30
MAP_URLS = ("/tiles/producers/7/102/66.pbf", "/tiles/producers.json", "/styles/economy.json",
            "/static/css/peta.css", "/static/favicon.svg", "/fonts/Noto%20Sans%20Regular/0-255.pbf",
            "/basemap.json", "/healthz", "/")
SEARCH = "/api/v1/producers?q=krupuk&limit=1"


def _app(settings, **limits):
    return create_app({"TESTING": True, "RATELIMIT_ENABLED": True,
                       "SETTINGS": dataclasses.replace(settings, **limits)})


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _crowd(urls: list[str], headers: dict[str, str] | None = None) -> list[tuple[int, dict[str, str], bytes]]:
    with ThreadPoolExecutor(CROWD) as pool:
        return list(pool.map(lambda url: _get(url, headers), urls))


@pytest.mark.parametrize("url, expected", [
    ("/tiles/producers/7/102/66.pbf", "free"), ("/tiles/producers.json", "free"), ("/styles/economy.json", "free"),
    ("/fonts/Noto%20Sans%20Regular/0-255.pbf", "free"), ("/basemap.json", "free"), ("/static/css/peta.css", "free"),
    ("/healthz", "free"), ("/", "free"), ("/investor", "free"), ("/api/v1/docs", "free"),
    (SEARCH, "costly"), ("/api/v1/export/producers", "costly"), ("/api/v1/stats/umkm?f=csv", "costly"),
    ("/api/v1/analysis/lq", "costly"), ("/ogc/collections/producers/items?f=gpkg", "costly"),
    ("/ogc/collections/klassen-agriculture-padi/items", "costly"), ("/ogc/collections/lq-a-b/items/1", "costly"),
    ("/ogc/collections/producers/items", "reads"), ("/ogc/collections/producers/items?f=json", "reads"),
    ("/api/v1/stats/umkm", "reads"), ("/api/v1/loads", "reads"), ("/ogc/collections", "reads"),
])
def test_each_endpoint_falls_in_its_bucket(loaded_db, url, expected):
    app = _app(loaded_db)
    with app.test_request_context(url):
        assert bucket() == expected
    with app.test_request_context("/api/v1/uploads/producers", method="POST"):
        assert bucket() == "costly"


def test_a_crowd_behind_one_address_pans_the_map_without_a_429(loaded_db):
    app = _app(loaded_db, rate_limit="3/minute", rate_limit_reads="3/minute")
    with serve(app) as base:
        results = _crowd([base + MAP_URLS[i % len(MAP_URLS)] for i in range(CROWD * 12)])
        assert [s for s, _, _ in results].count(429) == 0
        assert {s for s, _, _ in results} <= {200, 404}  # no basemap, maybe no glyphs: 404, never 429
        searches = _crowd([base + SEARCH] * CROWD)
        statuses = [s for s, _, _ in searches]
        assert statuses.count(200) == 3 and statuses.count(429) == CROWD - 3
        status, headers, body = next(r for r in searches if r[0] == 429)
        assert headers["Content-Type"].startswith("application/problem+json") and json.loads(body)["status"] == 429
        assert 0 < int(headers["Retry-After"]) <= 60
        # the map still works, and moderate reads have their own bucket
        assert [s for s, _, _ in _crowd([base + u for u in MAP_URLS] * 3)].count(429) == 0
        assert _get(base + "/ogc/collections/producers/items?limit=1")[0] == 200


def test_costly_and_reads_buckets_are_separate(loaded_db):
    client = _app(loaded_db, rate_limit="1/minute", rate_limit_reads="2/minute").test_client()
    assert client.get(SEARCH).status_code == 200
    assert client.get("/api/v1/export/producers").status_code == 429  # same costly bucket as search
    assert client.get("/ogc/collections/producers/items?limit=1&f=csv").status_code == 429
    assert client.get("/ogc/collections/producers/items?limit=1").status_code == 200
    assert client.get("/api/v1/loads").status_code == 200
    resp = client.get("/api/v1/loads")
    assert resp.status_code == 429 and resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == 429 and body["title"] and body["detail"]
    assert 0 < int(resp.headers["Retry-After"]) <= 60 and resp.headers["X-RateLimit-Limit"] == "2"
    assert client.get(SEARCH, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200  # per address


def test_each_api_key_has_its_own_quota(loaded_db):
    engine = get_engine(loaded_db)
    first, second = (keys.create_key(engine, name, keys.ADMIN)[1] for name in ("crowd-a", "crowd-b"))
    app = _app(loaded_db, rate_limit="2/minute", rate_limit_keyed="4/minute")
    with serve(app) as base:
        address = [s for s, _, _ in _crowd([base + SEARCH] * 6)]
        assert address.count(200) == 2 and address.count(429) == 4
        one = [s for s, _, _ in _crowd([base + SEARCH] * 6, {"Authorization": f"Bearer {first}"})]
        assert one.count(200) == 4 and one.count(429) == 2
        other = [s for s, _, _ in _crowd([base + SEARCH] * 6, {"X-API-Key": second})]
        assert other.count(200) == 4 and other.count(429) == 2
        forged = _get(base + SEARCH, {"Authorization": "Bearer peta_not-a-real-key"})
        assert forged[0] == 429  # an unknown key is counted under its address


def test_limits_are_off_under_testing_by_default(client):
    for _ in range(5):
        assert client.get(SEARCH).status_code == 200


def test_limits_come_from_the_environment(loaded_db, monkeypatch):
    monkeypatch.setenv("PETA_RATE_LIMIT", "1/hour")
    monkeypatch.setenv("PETA_RATE_LIMIT_READS", "2/hour")
    monkeypatch.setenv("DATABASE_URL", loaded_db.database_url)  # settings from the environment, as in production
    monkeypatch.setenv("PETA_REPORT_DIR", str(loaded_db.report_dir))
    client = create_app({"TESTING": True, "RATELIMIT_ENABLED": True}).test_client()
    assert client.get(SEARCH).status_code == 200
    resp = client.get(SEARCH)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 60
    assert [client.get("/api/v1/loads").status_code for _ in range(3)] == [200, 200, 429]
