"""GRDP by industry: BPS tables as published (built here), loaded by ``etl load grdp`` against a real PostGIS."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from etl.context import LoadOptions
from etl.errors import ReadError
from etl.grdp import reshape, title_region
from etl.package import read_package
from etl.pipeline import run_job
from etl.readers import open_table
from gis.db import get_engine
from tests.conftest import BUNDLED, table_checksums

YEARS = ("2014", "2015", "2016*", "2017**")  # before the bundled tables' years
YEAR_NUMBERS = (2014, 2015, 2016, 2017)
CATEGORIES = ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M,N", "O", "P", "Q", "R,S,T,U")
CODES = ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M-N", "O", "P", "Q", "R-U")
# the test's own figures (million Rupiah): category i, year j -> 1000 * (i + 1) + 10.25 * j
FIGURES = {code: [1000.0 * (i + 1) + 10.25 * j for j in range(len(YEARS))] for i, code in enumerate(CODES)}
DETAIL = {"A.1": [600.0, 605.0, 610.0, 615.5], "A.1.a": [400.0, 401.0, 402.0, 403.5],
          "A.1.b": [200.0, 204.0, 208.0, 212.0], "A.2": [400.0, 415.25, 430.5, 445.25]}
TOTALS = [sum(FIGURES[c][j] for c in CODES) for j in range(len(YEARS))]
TITLE = ("Tabel 9.2.1 Produk Domestik Regional Bruto Kabupaten Indramayu Atas Dasar Harga Konstan 2010 Menurut "
         "Lapangan Usaha (juta rupiah), 2014-2017")
TITLE_EN = "Gross Regional Domestic Product of Indramayu Regency at 2010 Constant Market Prices by Industry"


def indonesian(value: float) -> str:
    """1234567.5 -> "1.234.567,50" (BPS's Indonesian number format)."""
    whole, cents = divmod(round(value * 100), 100)
    return f"{whole:,}".replace(",", ".") + f",{cents:02d}"


def table_rows(title: str = TITLE, total: list[float] | None = None, detail_as_category: bool = False) -> list[list]:
    """A BPS GRDP table: titles, bilingual header, column numbers, categories with detail, total, footnotes."""
    rows: list[list] = [[title], [TITLE_EN], [], ["Lapangan Usaha / Industry", *YEARS],
                        [f"({i})" for i in range(1, len(YEARS) + 2)]]
    for letters, code in zip(CATEGORIES, CODES, strict=True):
        rows.append([f"{letters}. Kategori {code}", *map(indonesian, FIGURES[code])])
        if code == "A":
            rows.append(["1. Pertanian, Peternakan, Perburuan dan Jasa Pertanian", *map(indonesian, DETAIL["A.1"])])
            rows.append(["a. Tanaman Pangan", *map(indonesian, DETAIL["A.1.a"])])
            rows.append(["b. Tanaman Hortikultura", *map(indonesian, DETAIL["A.1.b"])])
            rows.append(["2. Perikanan" if not detail_as_category else "B. Perikanan",
                         *map(indonesian, DETAIL["A.2"])])
    rows.append(["PRODUK DOMESTIK REGIONAL BRUTO", *map(indonesian, total or TOTALS)])
    rows.append(["PDRB Tanpa Migas", *map(indonesian, TOTALS)])  # after the total: not loaded
    rows.append(["Catatan: * Angka sementara  ** Angka sangat sementara"])
    rows.append(["Sumber: BPS Kabupaten Indramayu"])
    return rows


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    """The same table as a workbook whose figures are numeric cells (as BPS's Excel downloads)."""
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append([_cell(v) for v in row])
    wb.save(path)
    return path


def _cell(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"[0-9.]+,[0-9]{2}", value):
        return float(value.replace(".", "").replace(",", "."))
    return value


def load(settings, path: Path, **options):
    return run_job(get_engine(settings), settings, "grdp", path, LoadOptions(**options))


def figures(settings, area: str, basis: str = "adhk") -> dict[tuple[str, int], tuple[float, str | None, int]]:
    with get_engine(settings).connect() as conn:
        rows = conn.execute(text("SELECT category, year, value_million_idr, preliminary, level FROM grdp "
                                 "WHERE area_code = :a AND price_basis = :b AND year BETWEEN 2014 AND 2017"),
                            {"a": area, "b": basis}).all()
    return {(r.category, r.year): (r.value_million_idr, r.preliminary, r.level) for r in rows}


def errors(report) -> list[str]:
    return [i.describe() for i in report.issues if i.severity == "error"]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_bps_table_loads_its_figures_with_detail_kept_apart(loaded_db, tmp_path, writer):
    report = load(loaded_db, writer(tmp_path / f"pdrb.{'csv' if writer is write_csv else 'xlsx'}", table_rows()))
    assert report.status == "loaded", errors(report)
    got = figures(loaded_db, "32.12")
    for code in CODES:
        for j, year in enumerate(YEAR_NUMBERS):
            assert got[(code, year)][0] == pytest.approx(FIGURES[code][j], abs=1e-9)
            assert got[(code, year)][2] == 1
    assert got[("A.1.a", 2017)] == (403.5, "**", 3)
    assert got[("A.1", 2016)] == (610.0, "*", 2)
    assert got[("A.2", 2015)][0] == 415.25
    assert got[("PDRB", 2014)] == (TOTALS[0], None, 0)
    # no double counting: the categories (level 1) add up to the published total, the detail is apart
    for j, year in enumerate(YEAR_NUMBERS):
        summed = sum(v for (c, y), (v, _, level) in got.items() if y == year and level == 1)
        assert summed == pytest.approx(TOTALS[j])
    assert len(got) == (len(CODES) + len(DETAIL) + 1) * len(YEARS)  # "PDRB Tanpa Migas" not loaded
    # A.1 = a + b every year; A.1 + A.2 equals A in 2014 only: the other years load with a warning
    warned = [i for i in report.issues if i.type == "detail-sum"]
    assert {i.reason.split("(")[-1][:4] for i in warned} == {"2015", "2016", "2017"}
    assert all("under A add up" in i.reason and i.severity == "warning" for i in warned)


def test_the_total_is_checked_against_the_categories(loaded_db, tmp_path):
    wrong = list(TOTALS)
    wrong[2] += 5_000
    before = table_checksums(get_engine(loaded_db))
    report = load(loaded_db, write_csv(tmp_path / "pdrb.csv", table_rows(total=wrong)))
    assert report.status == "invalid"
    (message,) = errors(report)
    total_row = len(table_rows()) - 3  # 1-based: the total is the fourth row from the end
    assert f"row {total_row}, column '2016*'" in message
    assert f"{wrong[2]:,.2f}" in message and f"{TOTALS[2]:,.2f}" in message
    assert table_checksums(get_engine(loaded_db)) == before  # a failed load changes nothing


def test_a_detail_row_taken_for_a_category_is_an_error(loaded_db, tmp_path):
    report = load(loaded_db, write_csv(tmp_path / "pdrb.csv", table_rows(detail_as_category=True)))
    assert report.status == "invalid"
    assert any("category B appears twice" in e for e in errors(report))


def test_title_and_options_must_agree(loaded_db, tmp_path):
    path = write_csv(tmp_path / "pdrb.csv", table_rows())
    before = table_checksums(get_engine(loaded_db))
    report = load(loaded_db, path, area="32")
    assert report.status == "invalid"
    assert any("--area 32 contradicts the table title, which names 32.12" in e for e in errors(report))
    report = load(loaded_db, path, price_basis="adhb")
    assert report.status == "invalid"
    assert any("--price-basis adhb contradicts" in e for e in errors(report))
    assert table_checksums(get_engine(loaded_db)) == before


def test_a_title_without_region_needs_the_options(loaded_db, tmp_path):
    rows = table_rows(title="PDRB Menurut Lapangan Usaha (juta rupiah)")
    rows[1] = ["by industry"]
    path = write_csv(tmp_path / "pdrb_tanpa_judul.csv", rows)
    report = load(loaded_db, path)
    assert report.status == "invalid"
    assert any("names no region" in e for e in errors(report))
    assert any("names no price basis" in e for e in errors(report))
    report = load(loaded_db, path, area="32", price_basis="adhb")
    assert report.status == "loaded", errors(report)
    assert figures(loaded_db, "32", "adhb")[("Q", 2017)][0] == FIGURES["Q"][3]
    assert load(loaded_db, path, area="33", price_basis="adhb").status == "invalid"  # not this province


def test_reference_regions_are_not_map_areas(loaded_db):
    with get_engine(loaded_db).connect() as conn:
        regions = set(conn.execute(text("SELECT DISTINCT area_code FROM grdp")).scalars())
        in_areas = set(conn.execute(text("SELECT code FROM areas WHERE code IN ('00', '32')")).scalars())
    assert regions == {"32.12", "32", "00"}
    assert in_areas == set()


def test_the_bundled_tables_load_and_add_up(loaded_db):
    with get_engine(loaded_db).connect() as conn:
        rows = conn.execute(text(
            "SELECT area_code, price_basis, year, sum(value_million_idr) FILTER (WHERE level = 1) AS parts, "
            "max(value_million_idr) FILTER (WHERE level = 0) AS total, count(*) FILTER (WHERE level = 1) AS n "
            "FROM grdp GROUP BY 1, 2, 3")).all()
        flags = dict(conn.execute(text("SELECT DISTINCT year, preliminary FROM grdp")).all())
    assert len(rows) == 3 * 2 * 5
    for row in rows:
        assert row.n == 17 and row.parts == pytest.approx(row.total, abs=0.5), row
    assert flags == {2019: None, 2020: None, 2021: None, 2022: "*", 2023: "**"}
    grdp = [r for r in read_package(BUNDLED) if r.kind == "grdp"]
    assert len(grdp) == 6
    again = load(loaded_db, grdp[0].path)
    assert again.status == "unchanged"  # idempotent, like the other kinds


def test_the_cli_takes_area_and_price_basis(runner, tmp_path):
    rows = table_rows(title="Produk Domestik Regional Bruto Menurut Lapangan Usaha (juta rupiah)")
    rows[1] = ["by industry"]
    path = write_csv(tmp_path / "pdrb.csv", rows)
    result = runner.invoke(args=["etl", "load", "grdp", str(path), "--area", "00", "--price-basis", "adhk",
                                 "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["etl", "load", "grdp", str(path), "--price-basis", "constant"])
    assert result.exit_code == 2


def read(path: Path):
    """The reader alone (no database): the long rows of a table, or its ReadError."""
    info, chunks = open_table(path)
    return reshape(info, ((c.frame, c.rows) for c in chunks))


def test_a_national_table_with_value_added_and_taxes(tmp_path):
    rows = table_rows(title="Produk Domestik Bruto Indonesia Atas Dasar Harga Berlaku Menurut Lapangan Usaha")
    rows[1] = ["Gross Domestic Product of Indonesia at Current Market Prices by Industry"]
    at = next(i for i, r in enumerate(rows) if r and r[0] == "PRODUK DOMESTIK REGIONAL BRUTO")
    taxes = [500.0, 510.0, 520.0, 530.0]
    rows[at:at + 1] = [["NILAI TAMBAH BRUTO ATAS HARGA DASAR", *map(indonesian, TOTALS)],
                       ["PAJAK DIKURANGI SUBSIDI ATAS PRODUK", *map(indonesian, taxes)],
                       ["PRODUK DOMESTIK BRUTO", *(indonesian(t + x) for t, x in zip(TOTALS, taxes, strict=True))]]
    frame, _ = read(write_csv(tmp_path / "pdb.csv", rows))
    assert title_region(TITLE) == "kabupaten:indramayu"
    assert set(frame["title_area"]) == {"nasional"} and set(frame["title_basis"]) == {"adhb"}
    tax = frame[frame["category"] == "TAX"]
    assert list(tax["value"]) == taxes and set(tax["level"]) == {0}
    total = frame[frame["category"] == "PDRB"]
    assert list(total["value"]) == [t + x for t, x in zip(TOTALS, taxes, strict=True)]


def test_unknown_rows_and_bad_numbers_are_named(tmp_path):
    rows = table_rows()
    rows[7][0] = "Sektor lain-lain"
    with pytest.raises(ReadError, match="'Sektor lain-lain' not understood") as caught:
        read(write_csv(tmp_path / "label.csv", rows))
    assert caught.value.row == 8
    rows = table_rows()
    rows[9][2] = "12,3,4"
    with pytest.raises(ReadError, match="'12,3,4' is not a number") as caught:
        read(write_csv(tmp_path / "number.csv", rows))
    assert (caught.value.row, caught.value.column) == (10, "2015")


def test_a_header_translated_on_its_own_row(tmp_path):
    """"Lapangan Usaha" over "Industry", the years on the first row only (a CSV saved from merged cells)."""
    rows = table_rows()
    rows[3:4] = [["Lapangan Usaha", *YEARS], ["Industry"]]
    frame, _ = read(write_csv(tmp_path / "pdrb.csv", rows))
    assert set(frame["category"]) == {*CODES, *DETAIL, "PDRB"}
    assert frame.loc[frame["category"] == "A.1.b", "preliminary"].fillna("").tolist() == ["", "", "*", "**"]


def test_the_letter_in_a_column_of_its_own(tmp_path):
    """BPS workbooks often put the category letter in a column of its own, under a header merged over both."""
    rows: list[list] = []
    for row in table_rows():
        first = str(row[0]) if row else ""
        letter = re.match(r"^([A-U](?:,[A-U])*)\. (.*)$", first)
        if letter:
            rows.append([letter.group(1), letter.group(2), *row[1:]])
        elif first == "Lapangan Usaha / Industry":
            rows.append([first, None, *row[1:]])
        elif first == "(1)":
            rows.append([f"({i})" for i in range(1, len(YEARS) + 3)])
        elif first.startswith(("Tabel", "Gross", "Catatan", "Sumber")) or not row:
            rows.append(row)
        else:
            rows.append([None, *row])
    path = write_xlsx(tmp_path / "pdrb.xlsx", rows)
    wb = load_workbook(path)
    wb.active.merge_cells("A4:B4")
    wb.save(path)
    frame, _ = read(path)
    a = frame[(frame["category"] == "A") & (frame["year"] == 2014)]
    assert a["label"].tolist() == ["Kategori A"] and a["value"].tolist() == [FIGURES["A"][0]]
    assert set(frame["category"]) == {*CODES, *DETAIL, "PDRB"}
