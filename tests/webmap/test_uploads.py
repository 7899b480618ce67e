"""Uploads: the key's role decides what loads; bad and hostile files change nothing."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import tempfile
import zipfile
from dataclasses import replace

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app import create_app
from etl import readers
from etl.report import MAX_LISTED
from gis import keys
from tests.conftest import table_checksums
from tests.webmap.openapi_schemas import assert_declared
from webmap.api_v1 import openapi_document
from webmap.uploads import bearer_token, safe_upload_name

GOOD_CSV = b"kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
BAD_CSV = b"kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,-10\n"
PROBLEM = "application/problem+json"


def _token(engine, role: str, name: str | None = None) -> str:
    return keys.create_key(engine, name or f"test-{role}", role)[1]


def _post(client, kind: str, data: bytes, filename: str, token: str | None = None, **form):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename), **form})
    return client.post(f"/api/v1/uploads/{kind}", data=body, headers=headers,
                       content_type=f"multipart/form-data; boundary={boundary}")


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
    assert f"the first: row 2, column 'produksi_ton': {issue['reason']}" in body["detail"]
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
    _refused(client, engine, kind, data, filename)


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
    assert_declared(openapi_document(""), resp, "/api/v1/uploads/{kind}", "post")
    assert table_checksums(engine) == before


def test_loads_lists_recent_runs_newest_first(client, engine):
    _post(client, "agriculture", GOOD_CSV, "jagung.csv", _token(engine, "agriculture"))
    resp = client.get("/api/v1/loads?limit=3")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-cache" and resp.headers["ETag"]  # revalidated, never stale
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


# --------------------------------------------------------------------------- hostile archives and tables


def _deflated_zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _refused(client, engine, kind: str, data: bytes, filename: str) -> dict:
    """Upload as admin; assert a 400 problem whose report loaded nothing and the tables are unchanged."""
    token = _token(engine, "admin")
    before = table_checksums(engine)
    body = _assert_problem(_post(client, kind, data, filename, token), 400)
    report = body["report"]
    assert report["status"] == "invalid" and report["rows_loaded"] == 0 and report["errors"] >= 1
    assert table_checksums(engine) == before
    first = next(issue for issue in report["issues"] if issue["severity"] == "error")
    assert first["reason"] in body["detail"]  # the problem itself says what is wrong
    assert tempfile.gettempdir() + "/" not in json.dumps(body)  # and shows no server path
    return report


def test_zip_bomb_is_refused_before_it_is_unpacked(client, engine):
    geojson = b'{"type": "FeatureCollection", "features": [' + b" " * (40 << 20) + b"]}"
    bomb = _deflated_zip({"desa.geojson": geojson})
    assert len(bomb) * readers.ZIP_MAX_RATIO < len(geojson)  # the point of the test: a high ratio
    report = _refused(client, engine, "boundaries", bomb, "desa.zip")
    issue = report["issues"][0]
    assert issue["type"] == "unreadable-file"
    assert "desa.geojson" in issue["reason"] and f"more than {readers.ZIP_MAX_RATIO}:1" in issue["reason"]


def test_zip_adding_up_to_too_much_is_refused(client, engine):
    # Every entry stays under the size from which the ratio is checked; together they are too big.
    part = b" " * (readers.ZIP_RATIO_MIN_BYTES - 1)
    count = readers.ZIP_MAX_TOTAL_BYTES // len(part) + 1
    archive = _deflated_zip({f"part{i:04}.geojson": part for i in range(count)})
    report = _refused(client, engine, "boundaries", archive, "desa.zip")
    assert f"at most {readers.ZIP_MAX_TOTAL_BYTES // 2**20} MB" in report["issues"][0]["reason"]


def test_zip_with_a_symbolic_link_is_refused(client, engine):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("desa.geojson")
        link.create_system = 3  # Unix: the mode bits below are read
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    report = _refused(client, engine, "boundaries", buf.getvalue(), "desa.zip")
    assert "symbolic link" in report["issues"][0]["reason"]


def test_table_with_a_huge_number_of_columns_is_refused(client, engine):
    columns = 20_000
    header = ",".join(["kode_wilayah", "komoditas", "tahun", "produksi_ton"]
                      + [f"kolom_{i}" for i in range(columns - 4)])
    row = ",".join(["32.12.01", "jagung", "2024", "10"] + ["1"] * (columns - 4))
    report = _refused(client, engine, "agriculture", f"{header}\n{row}\n".encode(), "lebar.csv")
    issue = report["issues"][0]
    assert issue["type"] == "unreadable-file" and issue["row"] == 1
    assert f"{columns:,} columns" in issue["reason"] and f"at most {readers.MAX_COLUMNS:,}" in issue["reason"]
    assert len(json.dumps(report)) < 20_000  # the report does not list 20,000 column names


def test_layer_with_a_huge_number_of_attributes_is_refused(client, engine):
    properties = {f"atribut_{i}": i for i in range(readers.MAX_COLUMNS + 1)}
    feature = {"type": "Feature", "properties": {"KDEPUM": "32.12.01", **properties},
               "geometry": {"type": "Point", "coordinates": [108.3, -6.4]}}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    report = _refused(client, engine, "boundaries", data, "lebar.geojson")
    assert f"at most {readers.MAX_COLUMNS:,}" in report["issues"][0]["reason"]


def test_xlsx_that_is_a_zip_bomb_is_refused(client, engine):
    book = Workbook()
    book.active.append(["kode_wilayah", "komoditas", "tahun", "produksi_ton"])
    book.active.append(["32.12.01", "jagung", 2024, 10])
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":  # white space between rows: valid XML
                content = content.replace(b"</sheetData>", b" " * (40 << 20) + b"</sheetData>")
            out.writestr(part.filename, content)
    report = _refused(client, engine, "agriculture", bomb.getvalue(), "jagung.xlsx")
    reason = report["issues"][0]["reason"]
    assert "sheet1.xml" in reason and f"more than {readers.ZIP_MAX_RATIO}:1" in reason


def test_many_rows_of_garbage_are_refused_with_a_bounded_report(client, engine):
    rows = 200_000
    data = b"kode_wilayah,komoditas,tahun,produksi_ton\n" + b"zz,??,abcd,-x\n" * rows
    report = _refused(client, engine, "agriculture", data, "sampah.csv")
    assert report["rows_read"] == rows and report["errors"] >= rows
    assert len(report["issues"]) <= MAX_LISTED
    assert report["issues"][0]["row"] == 2


def test_an_enormous_cell_is_refused_naming_its_row_and_column(client, engine):
    data = (b"kode_wilayah,komoditas,tahun,produksi_ton\n32.12.01,jagung,2024,10\n"
            b"32.12.02," + b"x" * (20 << 20) + b",2024,10\n")
    report = _refused(client, engine, "agriculture", data, "sel.csv")
    issue = report["issues"][0]
    assert issue["row"] == 3 and issue["column"] == "field 2", issue
    assert f"{20 << 20:,} characters (at most {readers.MAX_CELL_CHARS:,}" in issue["reason"]
    assert len(json.dumps(report)) < 20_000  # the value is not echoed whole


def test_an_enormous_first_line_is_refused(client, engine):
    data = b"kode_wilayah,komoditas," + b"x" * (readers.HEAD_BYTES + 10) + b"\n32.12.01,jagung,1\n"
    report = _refused(client, engine, "agriculture", data, "baris.csv")
    assert "first line is longer than" in report["issues"][0]["reason"]


# --------------------------------------------------------------------------- formula injection in exports

LIVE_FORMULA = re.compile(r"[=@]|\+(?![0-9.,]+$)")
FORMULAS = ('=HYPERLINK("http://evil.example/x","klik")', "+6281234567", "-1+2 Usaha", "@SUM(1+1)")


def _producer_rows(engine) -> bytes:
    with engine.connect() as conn:
        desa = conn.execute(text(
            "SELECT code, ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon "
            "FROM areas WHERE level = 'desa' ORDER BY code LIMIT 1")).one()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["name", "products", "kbli", "area_code", "lat", "lon"])
    for i, formula in enumerate(FORMULAS):
        writer.writerow([f"{formula} Formula {i}", f"{formula} produk", "10794", desa.code,
                         round(desa.lat, 6), round(desa.lon, 6)])
    return buf.getvalue().encode()


def _uploaded_formula_producers(client, engine) -> None:
    resp = _post(client, "producers", _producer_rows(engine), "formula.csv", _token(engine, "umkm"))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    assert resp.get_json()["rows_loaded"] == len(FORMULAS)


def _is_live_formula(cell: object) -> bool:
    """Text a spreadsheet would evaluate: '=' or '@' first, or '+' before more than a number."""
    return isinstance(cell, str) and bool(LIVE_FORMULA.match(cell))


def _assert_neutralised(cells: list[str]) -> None:
    ours = [c for c in cells if " Formula " in c]
    assert len(ours) == len(FORMULAS), cells[:20]
    for cell in ours:
        assert cell.startswith("'") and cell[1] in "=+-@", cell
        assert cell[1:].split(" Formula ")[0] in FORMULAS


def test_formulas_in_uploaded_names_are_neutralised_in_the_csv_export(client, engine):
    _uploaded_formula_producers(client, engine)
    resp = client.get("/ogc/collections/producers/items?f=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    _assert_neutralised([row["name"] for row in table])
    products = [row["products"] for row in table if " Formula " in row["name"]]
    assert all(p.startswith("'") for p in products), products
    live = [cell for row in table for cell in row.values() if _is_live_formula(cell)]
    assert not live, live[:5]


def test_formulas_in_uploaded_names_are_neutralised_in_the_xlsx_export(client, engine):
    _uploaded_formula_producers(client, engine)
    resp = client.get("/ogc/collections/producers/items?f=xlsx")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    book = load_workbook(io.BytesIO(resp.get_data()), read_only=True)
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    name = rows[0].index("name")
    _assert_neutralised([r[name] for r in rows[1:] if isinstance(r[name], str)])
    live = [cell for row in rows[1:] for cell in row if _is_live_formula(cell)]
    assert not live, live[:5]
