"""Uploads: the key's role decides what loads; bad and hostile files change nothing."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app import create_app
from gis import keys
from tests.conftest import table_checksums
from webmap.uploads import bearer_token, safe_upload_name

GOOD_CSV = b"kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
BAD_CSV = b"kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,-10\n"
PROBLEM = "application/problem+json"


def _token(engine, role: str, name: str | None = None) -> str:
    return keys.create_key(engine, name or f"test-{role}", role)[1]


def _post(client, kind: str, data: bytes, filename: str, token: str | None = None, **form):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"file": (io.BytesIO(data), filename), **form}
    return client.post(f"/api/v1/uploads/{kind}", data=body, headers=headers, content_type="multipart/form-data")


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _assert_problem(resp, status: int) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == PROBLEM
    body = resp.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_upload_without_key_is_401(client, engine):
    before = table_checksums(engine)
    resp = _post(client, "agriculture", GOOD_CSV, "jagung.csv")
    _assert_problem(resp, 401)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert table_checksums(engine) == before


@pytest.mark.parametrize("header", ["Bearer peta_not-a-real-key", "Basic dXNlcjpwYXNz", "Bearer ", "peta_x"])
def test_upload_with_unknown_key_is_401(client, engine, header):
    resp = client.post("/api/v1/uploads/agriculture", headers={"Authorization": header},
                       data={"file": (io.BytesIO(GOOD_CSV), "jagung.csv")}, content_type="multipart/form-data")
    _assert_problem(resp, 401)


def test_upload_with_revoked_key_is_401(client, engine):
    token = _token(engine, "agriculture")
    keys.revoke_key(engine, "test-agriculture")
    before = table_checksums(engine)
    _assert_problem(_post(client, "agriculture", GOOD_CSV, "jagung.csv", token), 401)
    assert table_checksums(engine) == before


def test_upload_with_wrong_role_is_403(client, engine):
    token = _token(engine, "fisheries")
    before = table_checksums(engine)
    body = _assert_problem(_post(client, "agriculture", GOOD_CSV, "jagung.csv", token), 403)
    assert "fisheries" in body["detail"]
    assert table_checksums(engine) == before


def test_upload_of_unknown_kind_is_404(client, engine):
    _assert_problem(_post(client, "weather", GOOD_CSV, "x.csv", _token(engine, "admin")), 404)


def test_upload_without_file_is_400(client, engine):
    token = _token(engine, "admin")
    resp = client.post("/api/v1/uploads/agriculture", headers={"Authorization": f"Bearer {token}"},
                       data={"dry_run": "true"}, content_type="multipart/form-data")
    _assert_problem(resp, 400)


@pytest.mark.parametrize("role", ["agriculture", "admin"])
def test_valid_upload_loads_and_records_the_key(client, engine, role):
    resp = _post(client, "agriculture", GOOD_CSV, "jagung.csv", _token(engine, role))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    report = resp.get_json()
    assert report["status"] == "loaded" and report["valid"] and report["rows_loaded"] == 1
    assert report["kind"] == "agriculture" and isinstance(report["issues"], list)
    with engine.connect() as conn:
        run = conn.execute(text("SELECT loaded_by, source_key FROM load_runs WHERE id = :id"),
                           {"id": report["load_run_id"]}).one()
    assert run.loaded_by == f"key:test-{role}" and run.source_key == "jagung.csv"
    again = _post(client, "agriculture", GOOD_CSV, "jagung.csv", _token(engine, role, "second"))
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"


def test_dry_run_validates_and_changes_nothing(client, engine):
    token = _token(engine, "agriculture")
    before = table_checksums(engine)
    resp = _post(client, "agriculture", GOOD_CSV, "jagung.csv", token, dry_run="true")
    assert resp.status_code == 200 and resp.get_json()["status"] == "validated"
    assert table_checksums(engine) == before


def test_options_complete_a_table(client, engine):
    data = b"Kecamatan;Produksi (Kuintal)\nHaurgeulis;1.500\n"
    resp = _post(client, "agriculture", data, "bawang.csv", _token(engine, "agriculture"),
                 commodity="Bawang Merah", year="2022")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["rows_loaded"] == 1
    _assert_problem(_post(client, "agriculture", data, "bawang.csv", _token(engine, "admin"), year="soon"), 400)


def test_invalid_upload_returns_the_report_and_changes_nothing(client, engine):
    token = _token(engine, "agriculture")
    before = table_checksums(engine)
    body = _assert_problem(_post(client, "agriculture", BAD_CSV, "jagung.csv", token), 400)
    report = body["report"]
    assert report["status"] == "invalid" and not report["valid"] and report["errors"] >= 1
    issue = report["issues"][0]
    assert issue["row"] == 2 and issue["column"] == "produksi_ton" and issue["severity"] == "error"
    assert table_checksums(engine) == before


HOSTILE = {
    "zip with ../ entry": ("boundaries", "desa.zip", _zip({"../../evil.geojson": b'{"type":"FeatureCollection"}'})),
    "csv that is a zip": ("agriculture", "jagung.csv", _zip({"a.csv": GOOD_CSV})),
    "path in the file name": ("agriculture", "../../../etc/passwd.csv", BAD_CSV),
    "no extension": ("agriculture", "jagung", GOOD_CSV),
    "empty file": ("agriculture", "jagung.csv", b""),
    "binary garbage": ("agriculture", "jagung.csv", bytes(range(256)) * 4),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_and_change_nothing(client, engine, case):
    kind, filename, data = HOSTILE[case]
    token = _token(engine, "admin")
    before = table_checksums(engine)
    body = _assert_problem(_post(client, kind, data, filename, token), 400)
    assert body["report"]["status"] == "invalid"
    assert body["report"]["rows_loaded"] == 0
    assert table_checksums(engine) == before


def test_oversize_upload_is_413(loaded_db, engine):
    app = create_app({"TESTING": True, "SETTINGS": replace(loaded_db, max_upload_mb=1)})
    client = app.test_client()
    big = GOOD_CSV + b"32.12.01,jagung,2024,10\n" * 50_000
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "big.csv")})
    token = _token(engine, "admin")
    before = table_checksums(engine)
    resp = client.post("/api/v1/uploads/agriculture", data=body, headers={"Authorization": f"Bearer {token}"},
                       content_type=f"multipart/form-data; boundary={boundary}")
    _assert_problem(resp, 413)
    assert table_checksums(engine) == before


def test_loads_lists_recent_runs_newest_first(client, engine):
    _post(client, "agriculture", GOOD_CSV, "jagung.csv", _token(engine, "agriculture"))
    resp = client.get("/api/v1/loads?limit=3")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["limit"] == 3 and body["numberReturned"] == len(body["loads"]) == 3
    first = body["loads"][0]
    assert first["loaded_by"] == "key:test-agriculture" and first["kind"] == "agriculture"
    assert {"id", "source_name", "status", "rows_loaded", "started_at", "finished_at"} <= set(first)
    ids = [r["id"] for r in body["loads"]]
    assert ids == sorted(ids, reverse=True)
    page2 = client.get("/api/v1/loads?limit=3&offset=1").get_json()["loads"]
    assert page2[0]["id"] == ids[1]
    _assert_problem(client.get("/api/v1/loads?limit=0"), 400)


@pytest.mark.parametrize(("given", "safe"), [
    ("jagung.csv", "jagung.csv"), ("../../etc/passwd.csv", "passwd.csv"), ("C:\\data\\Desa.GeoJSON", "Desa.geojson"),
    ("..csv", "upload.csv"), ("évidence 2024.xlsx", "evidence_2024.xlsx"), ("x.c$v", "x"), (None, "upload"),
])
def test_safe_upload_name(given, safe):
    assert safe_upload_name(given) == safe


def test_bearer_token():
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer") is None
    assert bearer_token(None) is None


def test_source_option_names_the_source(client, engine):
    token = _token(engine, "agriculture")
    resp = _post(client, "agriculture", GOOD_CSV, "jagung.csv", token, source="bps-jagung")
    assert resp.status_code == 200
    with engine.connect() as conn:
        key = conn.execute(text("SELECT source_key FROM load_runs WHERE id = :id"),
                           {"id": resp.get_json()["load_run_id"]}).scalar_one()
    assert key == "bps-jagung"
    _assert_problem(_post(client, "agriculture", GOOD_CSV, "jagung.csv", token, source="x" * 201), 400)
