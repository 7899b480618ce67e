"""BPS "Dalam Angka" tables as BPS publishes them, read and loaded as they are (real PostGIS)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from etl.context import LoadOptions
from etl.jobs import AGRICULTURE
from etl.pipeline import map_headers, run_job
from etl.readers import open_table
from gis.db import get_engine
from tests.conftest import REAL_DATA, table_checksums

TITLE = "Tabel 5.1.3 Luas Panen dan Produksi Padi Menurut Kecamatan di Kabupaten Indramayu, 2024"
TITLE_EN = "Table 5.1.3 Harvested Area and Production of Paddy by Subdistrict in Indramayu Regency, 2024"
INDONESIAN = ["Kecamatan", "Luas Panen (ha)", "Produksi (ton)", "Produktivitas (ku/ha)"]
ENGLISH = ["Subdistrict", "Harvested Area (ha)", "Production (ton)", "Productivity (quintal/ha)"]
NUMBERS = ["(1)", "(2)", "(3)", "(4)"]
DATA = [
    ["010 Haurgeulis", "7.123", "45.210", "63,47"],
    ["020. Kroya", "1.234,5", "7.890,25", "..."],
    ["030 Gabuswetan", "-", "-", "-"],  # BPS "-": nil
    ["200 Kertasmaya", "...", "92.577", "..."],  # "...": no figure; a misspelt name, matched tolerantly
    ["310 Kedokanbunder", 512.5, 3075, 60],  # figures typed as numbers in a workbook
    ["290 Pasekan", "...", "...", "..."],  # no figure at all: skipped, with a warning
]
TOTAL = ["Jumlah/Total", "8.870", "148.752,25", "..."]
FOOTNOTE = "Sumber/Source: BPS Kabupaten Indramayu / BPS-Statistics of Indramayu Regency"
# area code -> (harvested_ha, production_ton) that the table must give
EXPECTED = {"32.12.01": (7123, 45210), "32.12.02": (1234.5, 7890.25), "32.12.03": (0, 0),
            "32.12.08": (None, 92577), "32.12.28": (512.5, 3075)}


def bps_workbook(path: Path, *, one_cell: bool = False) -> Path:
    """The table as an XLSX: titles in two languages, the header cells merged over two rows (or both
    languages in one cell on two lines), a column numbers row, a Jumlah row and a footnote."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tabel 5.1.3"
    ws.append([TITLE])
    ws.merge_cells("A1:D1")
    ws.append([TITLE_EN])
    ws.merge_cells("A2:D2")
    ws.append([])
    if one_cell:
        ws.append([f"{a}\n{b}" for a, b in zip(INDONESIAN, ENGLISH, strict=True)])
        ws.append([])
        for col in "ABCD":
            ws.merge_cells(f"{col}4:{col}5")
    else:
        ws.append(INDONESIAN)
        ws.append([None, *ENGLISH[1:]])
        ws.merge_cells("A4:A5")  # "Kecamatan" merged over both header rows, "Subdistrict" left out
    ws.append(NUMBERS)
    for row in DATA:
        ws.append(row)
    ws.append(TOTAL)
    ws.append([])
    ws.append([FOOTNOTE])
    ws.merge_cells(f"A{ws.max_row}:D{ws.max_row}")
    wb.save(path)
    return path


def bps_csv(path: Path, english: list[str] = ENGLISH) -> Path:
    """The same table as a CSV saved by Excel in the Indonesian locale (';', numbers as text)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        for row in ([TITLE], [TITLE_EN], [], INDONESIAN, english, NUMBERS,
                    *[[c if isinstance(c, str) else str(c).replace(".", ",") for c in r] for r in DATA],
                    TOTAL, [], [FOOTNOTE]):
            writer.writerow(row)
    return path


TABLES = {"xlsx": lambda p: bps_workbook(p / "padi_2024.xlsx"),
          "xlsx-one-cell": lambda p: bps_workbook(p / "padi_2024.xlsx", one_cell=True),
          "csv": lambda p: bps_csv(p / "padi_2024.csv"),
          # saved from the workbook: "Kecamatan" was merged over both rows, its lower half is blank
          "csv-from-merged": lambda p: bps_csv(p / "padi_2024.csv", ["", *ENGLISH[1:]])}


@pytest.mark.parametrize("variant", sorted(TABLES))
def test_bilingual_header_is_read_as_one_named_column(tmp_path, variant):
    info, chunks = open_table(TABLES[variant](tmp_path))
    frame = next(chunks).frame
    assert list(info.headers.values())[:3] == (["Kecamatan", "Luas Panen (ha)", "Produksi (ton)"]
                                               if variant != "xlsx-one-cell" else
                                               ["Kecamatan Subdistrict", "Luas Panen (ha) Harvested Area (ha)",
                                                "Produksi (ton) Production (ton)"])
    assert frame.iloc[:, 0].tolist() == [r[0] for r in DATA]  # neither "Subdistrict" nor "(1)" is data
    mapping = map_headers(AGRICULTURE, list(info.headers), info.alternatives)
    assert {k: info.headers[v] for k, v in mapping.items()}.keys() == {"kecamatan_name", "harvested_ha",
                                                                       "production_ton"}
    dropped = dict(info.dropped)
    if variant != "xlsx-one-cell":  # the English row is said in the report, not silently taken
        assert dropped[5].startswith("header translation row") and "Harvested Area (ha)" in dropped[5]
    assert any(reason.startswith("column numbers row '(1) (2) (3) (4)'") for reason in dropped.values())
    assert any(reason.startswith("total row 'Jumlah/Total'") for reason in dropped.values())
    assert any(reason.startswith("footnote 'Sumber/Source:") for reason in dropped.values())


def test_an_english_header_row_is_not_taken_for_data_and_a_text_data_row_is_not_taken_for_a_header(tmp_path):
    english = tmp_path / "en.csv"
    english.write_text("Kecamatan,Produksi (ton)\nSubdistrict,Production (ton)\nSindang,5\nLohbener,6\n",
                       encoding="utf-8")
    info, chunks = open_table(english)
    assert info.alternatives == {"kecamatan": ("subdistrict", "kecamatan_subdistrict"),
                                 "produksi_ton": ("production_ton", "produksi_production_ton_ton")}
    assert next(chunks).frame["kecamatan"].tolist() == ["Sindang", "Lohbener"]
    data = tmp_path / "data.csv"  # the first row is all text, but "n/a" sits where figures go: data
    data.write_text("Kecamatan,Produksi (ton)\nSindang,n/a\nLohbener,6\n", encoding="utf-8")
    info, chunks = open_table(data)
    assert next(chunks).frame["kecamatan"].tolist() == ["Sindang", "Lohbener"] and not info.alternatives


def test_one_cell_in_two_languages_keeps_its_unit(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Kecamatan/Subdistrict,Produksi/Production (kuintal)\nSindang,50\n", encoding="utf-8")
    info, _ = open_table(path)
    mapping = map_headers(AGRICULTURE, list(info.headers), info.alternatives)
    assert mapping == {"kecamatan_name": "kecamatan_subdistrict", "production_ton": "produksi_production_kuintal"}
    assert "produksi_kuintal" in info.alternatives["produksi_production_kuintal"]  # scaled: kuintal -> ton


def load(settings, kind: str, path: Path, **options):
    return run_job(get_engine(settings), settings, kind, path, LoadOptions(**options))


def figures(settings) -> dict[str, tuple]:
    with get_engine(settings).connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(text(
            "SELECT area_code, harvested_ha, production_ton FROM agriculture_production "
            "WHERE commodity = 'padi' AND year = 2024"))}


@pytest.mark.parametrize("variant", sorted(TABLES))
def test_a_bps_table_loads_as_published(empty_db, tmp_path, variant):
    assert load(empty_db, "boundaries", REAL_DATA / "indramayu_desa.geojson").status == "loaded"
    report = load(empty_db, "agriculture", TABLES[variant](tmp_path), commodity="padi", year=2024)
    assert report.status == "loaded", [i.describe() for i in report.issues]
    assert report.rows_loaded == 5
    assert figures(empty_db) == EXPECTED
    fuzzy = [i for i in report.issues if i.type == "fuzzy-match"]
    assert [(i.row, i.value) for i in fuzzy] == [(10, "200 Kertasmaya")]
    assert "Kertasemaya" in fuzzy[0].reason
    assert [(i.row, i.type) for i in report.issues if i.type != "fuzzy-match"] == [(12, "no-figure")]
    assert any("Jumlah/Total" in note for note in report.notes)
    assert any("Produktivitas" in note for note in report.notes)  # a column the job does not use


def test_a_bps_table_with_a_wrong_figure_names_row_column_and_value(empty_db, tmp_path):
    assert load(empty_db, "boundaries", REAL_DATA / "indramayu_desa.geojson").status == "loaded"
    path = bps_csv(tmp_path / "padi.csv")
    path.write_text(path.read_text(encoding="utf-8").replace("7.890,25", "7.890,2x"), encoding="utf-8")
    before = table_checksums(get_engine(empty_db))
    report = load(empty_db, "agriculture", path, commodity="padi", year=2024)
    assert report.status == "invalid"
    error = next(i for i in report.issues if i.severity == "error")
    assert (error.row, error.column, error.value, error.type) == (8, "Produksi (ton)", "7.890,2x", "invalid-value")
    assert table_checksums(get_engine(empty_db)) == before


@pytest.mark.parametrize("header", ["Kecamatan;Produksi\nSubdistrict;Production (kuintal)",
                                    "Kecamatan/Subdistrict;Produksi/Production (kuintal)"])
def test_a_unit_given_in_one_language_scales_the_figures(empty_db, tmp_path, header):
    """"Produksi" over "Production (kuintal)": kuintal, so 92.577 ku is 9,257.7 ton."""
    assert load(empty_db, "boundaries", REAL_DATA / "indramayu_desa.geojson").status == "loaded"
    path = tmp_path / "mangga.csv"
    path.write_text(f"{header}\n(1);(2)\n230 Anjatan;92.577\nJumlah/Total;92.577\n", encoding="utf-8")
    report = load(empty_db, "agriculture", path, commodity="mangga", year=2023)
    assert report.status == "loaded", [i.describe() for i in report.issues]
    with get_engine(empty_db).connect() as conn:
        assert conn.execute(text("SELECT area_code, production_ton FROM agriculture_production")).all() \
            == [("32.12.23", pytest.approx(9257.7))]
