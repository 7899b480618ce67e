"""Tests of etl.readers: messy agency tables and map layers."""

from __future__ import annotations

import csv
import stat
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from openpyxl import Workbook
from shapely.geometry import Point, Polygon

from etl.errors import ReadError
from etl.numbers import parse_numbers
from etl.readers import TableChunk, csv_source, normalize_header, open_table, read_vector, sniff_kind, text_scan
from tests.conftest import REAL_DATA

REAL = REAL_DATA


def read_all(path: Path, **kwargs) -> tuple[object, pd.DataFrame, np.ndarray]:
    """Open a table and concatenate its chunks."""
    info, chunks = open_table(path, **kwargs)
    parts = list(chunks)
    assert all(isinstance(p, TableChunk) for p in parts)
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    rows = np.concatenate([p.rows for p in parts])
    return info, frame, rows


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def cells(values: pd.Series) -> list[object]:
    """Column values with missing cells as None."""
    return [None if pd.isna(v) else v for v in values]


# ---------------------------------------------------------------------------------------
# normalize_header and sniff_kind
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Produksi (Ton)", "produksi_ton"),
        ("Luas Panen (Ha)", "luas_panen_ha"),
        ("Lintang", "lintang"),
        ("KDEPUM", "kdepum"),
        ("No.", "no"),
        ("Produksi (Ton) 2023", "produksi_2023_ton"),
        ("Luas [km²]", "luas_km2"),
        ("Persentase (%)", "persentase_persen"),
        ("  Nama   Desa/Kelurahan ", "nama_desa_kelurahan"),
        ("Jénis", "jenis"),
        ("Produksi\n(Ton)", "produksi_ton"),
    ],
)
def test_normalize_header(header: str, key: str) -> None:
    assert normalize_header(header) == key


def test_sniff_kind_by_extension(tmp_path: Path) -> None:
    assert sniff_kind(write(tmp_path / "a.csv", "a,b\n1,2\n")) == "table"
    assert sniff_kind(write(tmp_path / "a.TSV", "a\tb\n1\t2\n")) == "table"
    assert sniff_kind(write(tmp_path / "a.geojson", '{"type": "FeatureCollection"}')) == "vector"
    assert sniff_kind(REAL / "indramayu_desa.geojson") == "vector"


def test_sniff_kind_rejects_content_that_does_not_match(tmp_path: Path) -> None:
    workbook = tmp_path / "real.xlsx"
    wb = Workbook()
    wb.active.append(["a"])
    wb.save(workbook)
    disguised = write(tmp_path / "data.csv", workbook.read_bytes())
    with pytest.raises(ReadError, match="file content does not match its extension.*Excel"):
        sniff_kind(disguised)
    with pytest.raises(ReadError, match="file content does not match its extension"):
        sniff_kind(write(tmp_path / "table.xlsx", "a,b\n1,2\n"))
    with pytest.raises(ReadError, match="file content does not match its extension"):
        sniff_kind(write(tmp_path / "old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64))
    with pytest.raises(ReadError, match="file content does not match its extension"):
        sniff_kind(write(tmp_path / "layer.gpkg", "not a database"))


def test_sniff_kind_rejects_unknown_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="unsupported file type '.pdf'"):
        sniff_kind(write(tmp_path / "report.pdf", "%PDF-1.4"))
    with pytest.raises(ReadError, match="save it as .xlsx"):
        sniff_kind(write(tmp_path / "old.xls", "x"))
    with pytest.raises(ReadError, match="file not found"):
        sniff_kind(tmp_path / "missing.csv")
    with pytest.raises(ReadError, match="empty"):
        sniff_kind(write(tmp_path / "empty.csv", b""))


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------


@pytest.fixture
def bps_workbook(tmp_path: Path) -> Path:
    """A BPS-style table: title rows, two-row merged header, text numbers, total, footnote."""
    wb = Workbook()
    wb.active.title = "Kosong"  # an empty first sheet
    ws = wb.create_sheet("Tabel 5.2.1")
    ws["A1"] = "Tabel 5.2.1 Produksi Mangga Menurut Kecamatan di Kabupaten Indramayu, 2022-2023"
    ws.merge_cells("A1:F1")
    ws["A2"] = "Mango Production by Subdistrict in Indramayu Regency"
    ws.merge_cells("A2:F2")
    ws["A4"] = "No."
    ws.merge_cells("A4:A5")
    ws["B4"] = "Kecamatan"
    ws.merge_cells("B4:B5")
    # column C is empty: no header, no data
    ws["D4"] = "Produksi (Kuintal)"
    ws.merge_cells("D4:E4")
    ws["D5"] = "2022"
    ws["E5"] = 2023
    ws["F4"] = "Luas Panen"
    ws["F5"] = "(Ha)"
    for col, number in zip("ABCDEF", range(1, 7), strict=True):
        ws[f"{col}6"] = f"({number})"
    ws.append([1, "Anjatan", None, "92.577", 92577, "12,5"])  # row 7
    ws.append([2, " Kedokan Bunder ", None, "1.118.941", 7054.5, "1.234,5"])  # row 8
    ws.append([])  # row 9
    ws.append([3, "Haurgeulis", None, "-", 158675, None])  # row 10
    ws.append(["Jumlah", None, None, "1.211.518", 258306.5, None])  # row 11
    ws.merge_cells("A11:B11")
    ws["A12"] = "Sumber: BPS Kabupaten Indramayu, Kecamatan Dalam Angka 2024"
    ws.merge_cells("A12:F12")
    ws["A13"] = "Catatan: angka 2023 sementara"
    other = wb.create_sheet("Lampiran")
    other.append(["Kode", "Nama"])
    other.append(["32.12.01", "Haurgeulis"])
    path = tmp_path / "bps.xlsx"
    wb.save(path)
    return path


def test_bps_workbook_header_title_and_rows(bps_workbook: Path) -> None:
    info, frame, rows = read_all(bps_workbook)
    assert info.headers == {
        "no": "No.",
        "kecamatan": "Kecamatan",
        "produksi_2022_kuintal": "Produksi (Kuintal) 2022",
        "produksi_2023_kuintal": "Produksi (Kuintal) 2023",
        "luas_panen_ha": "Luas Panen (Ha)",
    }
    assert list(frame.columns) == list(info.headers)
    assert info.title == (
        "Tabel 5.2.1 Produksi Mangga Menurut Kecamatan di Kabupaten Indramayu, 2022-2023\n"
        "Mango Production by Subdistrict in Indramayu Regency"
    )
    assert (info.encoding, info.delimiter) == (None, None)
    assert rows.tolist() == [7, 8, 10]
    assert cells(frame["kecamatan"]) == ["Anjatan", "Kedokan Bunder", "Haurgeulis"]
    assert info.dropped == [
        (6, "column numbers row '(1) (2) (3) (4) (5) (6)'"),
        (9, "empty row"),
        (11, "total row 'Jumlah'"),
        (12, "footnote 'Sumber: BPS Kabupaten Indramayu, Kecamatan Dalam Angka 2024'"),
        (13, "footnote 'Catatan: angka 2023 sementara'"),
    ]


def test_bps_workbook_keeps_numbers_and_text_numbers(bps_workbook: Path) -> None:
    _, frame, _ = read_all(bps_workbook)
    assert cells(frame["produksi_2023_kuintal"]) == [92577, 7054.5, 158675]
    assert isinstance(frame["produksi_2023_kuintal"].iloc[0], int)
    assert cells(frame["produksi_2022_kuintal"]) == ["92.577", "1.118.941", "-"]
    production, bad = parse_numbers(frame["produksi_2022_kuintal"])
    assert production.tolist() == [92577.0, 1118941.0, 0.0]
    area, bad_area = parse_numbers(frame["luas_panen_ha"])
    assert area.tolist()[:2] == [12.5, 1234.5] and np.isnan(area.iloc[2])
    assert not bad.any() and not bad_area.any()


def test_workbook_sheet_choice(bps_workbook: Path) -> None:
    info, frame, rows = read_all(bps_workbook, sheet="Lampiran")
    assert info.headers == {"kode": "Kode", "nama": "Nama"}
    assert cells(frame["kode"]) == ["32.12.01"] and rows.tolist() == [2]
    with pytest.raises(ReadError, match="sheet 'Tabel 5' not found.*'Kosong', 'Tabel 5.2.1', 'Lampiran'"):
        open_table(bps_workbook, sheet="Tabel 5")


def test_workbook_vertical_merge_in_data_is_filled_down(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Kecamatan", "Desa", "Tanggal"])
    ws.append(["Krangkeng", "Singakerta", pd.Timestamp("2024-05-01").to_pydatetime()])
    ws.append([None, "Srengseng", None])
    ws.merge_cells("A2:A3")
    ws.append(["Sindang", "Kenanga", True])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    _, frame, rows = read_all(path)
    assert cells(frame["kecamatan"]) == ["Krangkeng", "Krangkeng", "Sindang"]
    assert cells(frame["tanggal"]) == ["2024-05-01", None, "TRUE"]
    assert rows.tolist() == [2, 3, 4]


def test_workbook_chunks_and_rows_after_gaps(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["B3"] = "Kode"
    ws["C3"] = "Nilai"
    for i in range(10):
        ws.cell(row=5 + 2 * i, column=2, value=f"K{i}")
        ws.cell(row=5 + 2 * i, column=3, value=i)
    path = tmp_path / "gaps.xlsx"
    wb.save(path)
    info, chunks = open_table(path, chunk_rows=4)
    parts = list(chunks)
    assert [len(p.frame) for p in parts] == [2, 2, 2, 2, 2]
    assert np.concatenate([p.rows for p in parts]).tolist() == list(range(5, 24, 2))
    assert cells(parts[-1].frame["kode"]) == ["K8", "K9"]
    assert [row for row, _ in info.dropped] == [4, *range(6, 23, 2)]


def test_workbook_without_data(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["Kode", "Nama"])
    path = tmp_path / "header.xlsx"
    wb.save(path)
    with pytest.raises(ReadError, match="no data rows"):
        open_table(path)
    empty = Workbook()
    empty.save(tmp_path / "empty.xlsx")
    with pytest.raises(ReadError, match="no data rows.*empty"):
        open_table(tmp_path / "empty.xlsx")


def test_workbook_value_outside_the_table(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Kode", "Nama"])
    for i in range(70):
        ws.append([str(i), f"Desa {i}"])
    ws["D65"] = "catatan"
    path = tmp_path / "stray.xlsx"
    wb.save(path)
    with pytest.raises(ReadError, match="right of the table") as error:
        list(open_table(path, chunk_rows=10)[1])
    assert (error.value.row, error.value.column) == (65, "D")


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


@pytest.fixture
def excel_id_csv(tmp_path: Path) -> Path:
    """What Excel in an Indonesian locale writes: cp1252, ';' and comma decimals."""
    text = (
        "Lokasi TPI Kabupaten Indramayu 2023\r\n"
        "\r\n"
        "Nama;Desa;Lintang;Bujur;Produksi (Ton)\r\n"
        "TPI Karangsong;Karangsong;-6,311703;108,354087;1.234,5\r\n"
        "TPI Café Eretan;Eretan Kulon;-6,318464;108,05438;92.577\r\n"
        ";;;;\r\n"
        '"TPI ""Dadap""";Dadap;-6,29;108,21;-\r\n'
    )
    return write(tmp_path / "tpi.csv", text, encoding="cp1252")


def test_excel_indonesian_csv(excel_id_csv: Path) -> None:
    info, frame, rows = read_all(excel_id_csv)
    assert (info.encoding, info.delimiter) == ("cp1252", ";")
    assert info.title == "Lokasi TPI Kabupaten Indramayu 2023"
    assert info.headers == {
        "nama": "Nama",
        "desa": "Desa",
        "lintang": "Lintang",
        "bujur": "Bujur",
        "produksi_ton": "Produksi (Ton)",
    }
    assert cells(frame["nama"]) == ["TPI Karangsong", "TPI Café Eretan", 'TPI "Dadap"']
    assert rows.tolist() == [4, 5, 7]
    assert info.dropped == [(6, "empty row")]
    latitude, bad = parse_numbers(frame["lintang"])
    assert latitude.tolist() == [-6.311703, -6.318464, -6.29] and not bad.any()
    production, _ = parse_numbers(frame["produksi_ton"])
    assert production.tolist() == [1234.5, 92577.0, 0.0]


def test_csv_cells_are_stripped_strings_and_na_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "na.csv", "kode,catatan,nilai\n A ,NA, n/a \nB,,...\n")
    _, frame, _ = read_all(path)
    assert cells(frame["kode"]) == ["A", "B"]
    assert cells(frame["catatan"]) == ["NA", None]
    assert cells(frame["nilai"]) == ["n/a", "..."]
    assert pd.api.types.is_string_dtype(frame["kode"].dtype)


def test_csv_utf8_bom_tab_and_single_column(tmp_path: Path) -> None:
    info, frame, _ = read_all(write(tmp_path / "bom.csv", "\ufeffkode,nama\n1,Jénis\n"))
    assert info.encoding == "utf-8-sig" and list(frame.columns) == ["kode", "nama"]
    assert cells(frame["nama"]) == ["Jénis"]
    info, frame, _ = read_all(write(tmp_path / "t.tsv", "a\tb,c\n1\t2,5\n"))
    assert info.delimiter == "\t" and cells(frame["b_c"]) == ["2,5"]
    info, frame, rows = read_all(write(tmp_path / "one.txt", "Desa\nAnjatan\n\nSukra\n"))
    assert cells(frame["desa"]) == ["Anjatan", "Sukra"] and rows.tolist() == [2, 4]


def test_csv_two_row_header_duplicates_and_empty_columns(tmp_path: Path) -> None:
    text = (
        "No,Kecamatan,Produksi,Produksi,,Luas Panen\n"
        ",,(Ton),(Kw),,(Ha)\n"
        "1,Anjatan,10,100,,5\n"
        "2,Sukra,20,200,,6\n"
    )
    info, frame, rows = read_all(write(tmp_path / "two.csv", text))
    assert list(frame.columns) == ["no", "kecamatan", "produksi_ton", "produksi_kw", "luas_panen_ha"]
    assert info.headers["produksi_kw"] == "Produksi (Kw)"
    assert rows.tolist() == [3, 4]
    dup = "Nama,Nama,Nilai,\nA,B,1,\n"
    assert list(read_all(write(tmp_path / "dup.csv", dup))[1].columns) == ["nama", "nama_2", "nilai"]


def test_csv_group_header_spanning_sub_headers(tmp_path: Path) -> None:
    text = "Kecamatan,Produksi,,Luas\n,2022,2023,(Ha)\nAnjatan,1,2,3\n"
    info, frame, _ = read_all(write(tmp_path / "group.csv", text))
    assert list(info.headers.values()) == ["Kecamatan", "Produksi 2022", "Produksi 2023", "Luas (Ha)"]
    assert list(frame.columns) == ["kecamatan", "produksi_2022", "produksi_2023", "luas_ha"]


def test_csv_column_without_header_but_with_data_is_kept(tmp_path: Path) -> None:
    info, frame, _ = read_all(write(tmp_path / "noname.csv", "kode,,nilai\n1,x,2\n"))
    assert list(frame.columns) == ["kode", "column_2", "nilai"]
    assert info.headers["column_2"] == "column_2"


def test_csv_multiline_values_keep_physical_line_numbers(tmp_path: Path) -> None:
    text = 'kode,"catatan\npanjang"\r\n1,"baris\r\nkedua"\r\n\r\n2,biasa\r\n3,"a\n\nb"\n4,x\n'
    info, chunks = open_table(write(tmp_path / "multi.csv", text), chunk_rows=1)
    parts = list(chunks)
    assert [p.rows.tolist() for p in parts] == [[3], [6], [7], [10]]
    assert parts[0].frame.columns.tolist() == ["kode", "catatan_panjang"]
    assert cells(parts[0].frame["catatan_panjang"]) == ["baris\r\nkedua"]
    assert info.headers["catatan_panjang"] == "catatan panjang"
    assert info.dropped == [(5, "empty row")]


def test_csv_totals_footnotes_and_regency_rows(tmp_path: Path) -> None:
    text = (
        "Kecamatan,Nilai\n"
        "Anjatan,1\n"
        "JUMLAH/TOTAL,1\n"  # a sub-total inside the table
        "Sukra,2\n"
        "Kabupaten Indramayu,3\n"
        "\n"
        "Sumber : BPS Kabupaten Indramayu\n"
        "Anjatan lagi,9\n"
        "¹) angka sementara\n"
    )
    info, chunks = open_table(write(tmp_path / "totals.csv", text), chunk_rows=1)
    parts = list(chunks)
    assert [cells(p.frame["kecamatan"]) for p in parts] == [["Anjatan"], ["Sukra"]]
    assert info.dropped == [
        (3, "total row 'JUMLAH/TOTAL'"),
        (5, "total row 'Kabupaten Indramayu'"),
        (6, "empty row"),
        (7, "footnote 'Sumber : BPS Kabupaten Indramayu'"),
        (8, "below footnote 'Sumber : BPS Kabupaten Indramayu': 'Anjatan lagi'"),
        (9, "footnote '¹) angka sementara'"),
    ]


def test_csv_list_of_regencies_is_data(tmp_path: Path) -> None:
    text = "Wilayah,Nilai\nKabupaten Indramayu,1\nKabupaten Cirebon,2\n\nSumber: BPS Jawa Barat\n"
    for chunk_rows in (1, 100):
        info, frame, rows = read_all(write(tmp_path / "kab.csv", text), chunk_rows=chunk_rows)
        assert cells(frame["wilayah"]) == ["Kabupaten Indramayu", "Kabupaten Cirebon"]
        assert rows.tolist() == [2, 3]
    middle = "Wilayah,Nilai\nAnjatan,1\nKabupaten Indramayu,2\nSukra,3\nKab. Indramayu,4\n"
    info, frame, _ = read_all(write(tmp_path / "mid.csv", middle), chunk_rows=2)
    assert cells(frame["wilayah"]) == ["Anjatan", "Kabupaten Indramayu", "Sukra"]
    assert info.dropped == [(5, "total row 'Kab. Indramayu'")]


def test_csv_short_rows_are_padded_even_far_into_the_file(tmp_path: Path) -> None:
    lines = ["a,b,c"] + [f"{i},{i},{i}" for i in range(200)]
    lines[150] = "149,149"  # line 151 has a missing last field
    info, frame, rows = read_all(write(tmp_path / "short.csv", "\n".join(lines) + "\n"), chunk_rows=64)
    assert len(frame) == 200
    assert rows.tolist() == list(range(2, 202))
    assert frame.loc[149, "b"] == "149" and pd.isna(frame.loc[149, "c"])
    assert frame.loc[199, "c"] == "199"


def test_csv_stream_of_many_rows(tmp_path: Path) -> None:
    lines = ["kode,nama,nilai"] + [f"{i},Desa {i},{i}.5" for i in range(150_000)]
    lines[100_001] = '100000,"Desa\n100000",100000.5'  # a record over two lines
    path = write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    info, chunks = open_table(path, chunk_rows=40_000)
    sizes, rows, total = [], [], 0.0
    for chunk in chunks:
        sizes.append(len(chunk.frame))
        rows.append(chunk.rows)
        total += parse_numbers(chunk.frame["nilai"], decimal=".")[0].sum()
    # chunk_rows rows, but a quarter of that first and for the last two chunks' worth of rows
    assert sizes[0] == 10_000 and sizes[1] == 40_000 and sizes[-1] == 10_000
    assert set(sizes) == {10_000, 40_000} and sum(sizes) == 150_000
    expected = list(range(2, 100_003)) + list(range(100_004, 150_003))  # line 100_003 continues a record
    assert np.concatenate(rows).tolist() == expected
    assert total == sum(i + 0.5 for i in range(150_000))
    assert info.dropped == []


def test_csv_irregular_row_deep_in_a_big_file(tmp_path: Path) -> None:
    lines = ["kode,nama,nilai"] + [f"{i},Desa {i},{i}" for i in range(120_000)]
    lines[110_001] = "110000,Desa 110000"  # a short row after many regular ones
    lines[20_001] = '20000,"Desa\r\n20000",20000'
    path = write(tmp_path / "irregular.csv", "\n".join(lines) + "\n")
    info, chunks = open_table(path, chunk_rows=25_000)
    parts = list(chunks)
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    rows = np.concatenate([p.rows for p in parts])
    assert len(frame) == 120_000
    assert rows.tolist() == [*range(2, 20_003), *range(20_004, 120_003)]
    assert cells(frame["nama"].iloc[[20_000, 110_000]]) == ["Desa\r\n20000", "Desa 110000"]
    assert pd.isna(frame.loc[110_000, "nilai"]) and frame.loc[119_999, "nilai"] == "119999"
    assert frame["kode"].tolist() == [str(i) for i in range(120_000)]


def test_csv_old_mac_line_breaks(tmp_path: Path) -> None:
    info, frame, rows = read_all(write(tmp_path / "mac.csv", "kode;nama\r1;Anjatan\r\r2;Sukra\r"))
    assert info.delimiter == ";"
    assert cells(frame["nama"]) == ["Anjatan", "Sukra"] and rows.tolist() == [2, 4]


def test_dropped_rows_of_the_first_chunk_are_known_when_the_table_opens(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "kode,nilai\n1,2\n\nJumlah,2\nSumber: BPS\n")
    info, chunks = open_table(path)
    assert info.dropped == [(3, "empty row"), (4, "total row 'Jumlah'"), (5, "footnote 'Sumber: BPS'")]
    assert [len(c.frame) for c in chunks] == [1]


# ---------------------------------------------------------------------------------------
# Broken CSV files
# ---------------------------------------------------------------------------------------


def test_csv_row_with_too_many_fields(tmp_path: Path) -> None:
    lines = ["kode,nama"] + [f"{i},Desa {i}" for i in range(100)]
    lines[79] = "78,Desa 78,ekstra"  # line 80, beyond the rows used to find the header
    path = write(tmp_path / "wide.csv", "\n".join(lines) + "\n")
    info, chunks = open_table(path, chunk_rows=30)
    with pytest.raises(ReadError, match="this line has 3 fields but the table has 2") as error:
        list(chunks)
    assert error.value.row == 80
    near = write(tmp_path / "near.csv", "kode,nama\n1,a\n2,b,c\n")
    with pytest.raises(ReadError, match="right of the table") as error:
        open_table(near)
    assert (error.value.row, error.value.column) == (3, "field 3")


def test_csv_unclosed_quote(tmp_path: Path) -> None:
    lines = ["kode,nama"] + [f"{i},Desa {i}" for i in range(100)]
    lines[90] = '89,"Desa 89'
    path = write(tmp_path / "quote.csv", "\n".join(lines) + "\n")
    with pytest.raises(ReadError, match="never closed") as error:
        list(open_table(path)[1])
    assert error.value.row == 91


def test_csv_binary_garbage(tmp_path: Path) -> None:
    path = write(tmp_path / "garbage.csv", b"kode,nama\n1,a\n2,\x00\x01\x02\xff\n")
    with pytest.raises(ReadError, match="binary data") as error:
        open_table(path)
    assert error.value.row == 3
    bad_bytes = write(tmp_path / "bytes.csv", b"kode,nama\n1,a\n2,\x81\xc3(\n")
    with pytest.raises(ReadError, match="neither UTF-8 nor Windows-1252") as error:
        open_table(bad_bytes)
    assert error.value.row == 3
    utf16 = write(tmp_path / "utf16.csv", "kode,nama\n1,a\n".encode("utf-16"))
    with pytest.raises(ReadError, match="UTF-16"):
        open_table(utf16)


def test_csv_control_byte_in_a_later_block(tmp_path: Path) -> None:
    """The scan reads the file in blocks: a control byte far down still names its line; the
    control bytes text tables do hold (tab, form feed, DOS end of file, CR) pass."""
    rows = [f"{i},Desa {i}\tx\x0c" for i in range(300_000)]  # about 6 MB: two scan blocks
    rows[250_000] = "250000,Desa \x07 250000"
    path = write(tmp_path / "bell.csv", ("kode,nama\r\n" + "\r\n".join(rows) + "\r\n\x1a").encode())
    with pytest.raises(ReadError, match="byte 0x07") as error:
        open_table(path)
    assert error.value.row == 250_002
    rows[250_000] = "250000,Desa 250000"
    path.write_bytes(("kode,nama\r\n" + "\r\n".join(rows) + "\r\n\x1a").encode())
    assert open_table(path)[0].headers


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("kode,nama\n", "no data rows"),
        ("kode,nama\n\n\n", "no data rows"),
        ("kode,nama\nJumlah,5\nSumber: BPS\n", "no data rows"),
        ("1,2,3\n4,5,6\n", "no header row found"),
    ],
)
def test_csv_without_data(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        open_table(write(tmp_path / "nodata.csv", content))


def test_read_error_message_names_file_row_and_column() -> None:
    error = ReadError("this row has a value in a column without a header", "a.csv", row=5, column="D")
    assert str(error) == "a.csv, row 5, column 'D': this row has a value in a column without a header"
    assert (error.message, error.path, error.row, error.column) == (error.message, "a.csv", 5, "D")
    assert str(ReadError("file is empty", "b.csv")) == "b.csv: file is empty"


# ---------------------------------------------------------------------------------------
# Real data
# ---------------------------------------------------------------------------------------


def test_real_mango_csv() -> None:
    path = REAL / "agriculture_mangga_kecamatan.csv"
    with path.open(encoding="utf-8", newline="") as f:
        expected = list(csv.DictReader(f))
    info, frame, rows = read_all(path)
    assert list(info.headers) == [
        "kecamatan_code",
        "kecamatan_name",
        "production",
        "unit",
        "year",
        "source_url",
        "note",
    ]
    assert (info.encoding, info.delimiter, info.title) == ("utf-8", ",", None)
    assert len(frame) == len(expected) == 33
    assert rows.tolist() == list(range(2, 35))
    assert frame.loc[0, "kecamatan_name"] == "Anjatan"
    assert frame.loc[28, "kecamatan_name"] == "Kedokan Bunder"
    production, bad = parse_numbers(frame["production"])
    assert not bad.any()
    assert production.iloc[0] == 92577.0
    assert production.sum() == sum(float(r["production"]) for r in expected)
    assert info.dropped == []


def test_real_desa_geojson() -> None:
    frame, warnings = read_vector(REAL / "indramayu_desa.geojson")
    assert warnings == []
    assert len(frame) == 317
    assert frame.crs.to_epsg() == 4326
    assert frame["__row__"].tolist() == list(range(1, 318))
    first = frame.iloc[0]
    assert (first["kode"], first["nama"], first["kecamatan_nama"]) == (
        "32.12.01.2007",
        "Haurkolot",
        "Haurgeulis",
    )
    minx, miny, maxx, maxy = frame.total_bounds
    assert 107.8 < minx < maxx < 108.6 and -6.7 < miny < maxy < -5.8
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}


# ---------------------------------------------------------------------------------------
# Vector layers
# ---------------------------------------------------------------------------------------


def landing_sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"Kode": ["32.12.15.2016", "32.12.21.2012"], "Nama TPI": ["Karangsong", "Eretan Kulon"]},
        geometry=[Point(108.354087, -6.311703), Point(108.05438, -6.318464)],
        crs="EPSG:4326",
    )


def write_shapefile(folder: Path, frame: gpd.GeoDataFrame, name: str = "tpi") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.shp"
    pyogrio.write_dataframe(frame, path)
    return path


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, prefix + file.name)
    return target


def test_zipped_utm_shapefile_comes_back_in_wgs84(tmp_path: Path) -> None:
    write_shapefile(tmp_path / "shp", landing_sites().to_crs("EPSG:32749"))
    archive = zip_folder(tmp_path / "shp", tmp_path / "tpi.zip", prefix="data/tpi/")
    frame, warnings = read_vector(archive)
    assert warnings == []
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == ["kode", "nama_tpi", "geometry", "__row__"]
    assert frame["nama_tpi"].tolist() == ["Karangsong", "Eretan Kulon"]
    assert frame.geometry.x.tolist() == pytest.approx([108.354087, 108.05438], abs=1e-7)
    assert frame.geometry.y.tolist() == pytest.approx([-6.311703, -6.318464], abs=1e-7)


def test_shapefile_without_prj(tmp_path: Path) -> None:
    utm = write_shapefile(tmp_path / "utm", landing_sites().to_crs("EPSG:32749"))
    utm.with_suffix(".prj").unlink()
    with pytest.raises(ReadError, match=r"no CRS \(.prj missing\).*add the .prj"):
        read_vector(utm)
    degrees = write_shapefile(tmp_path / "deg", landing_sites())
    degrees.with_suffix(".prj").unlink()
    frame, warnings = read_vector(degrees)
    assert frame.crs.to_epsg() == 4326
    assert len(warnings) == 1 and "EPSG:4326" in warnings[0]


def test_shapefile_without_shx(tmp_path: Path) -> None:
    path = write_shapefile(tmp_path / "noshx", landing_sites())
    path.with_suffix(".shx").unlink()
    with pytest.raises(ReadError, match=r"tpi.shx is missing"):
        read_vector(path)


def test_zip_with_parent_path_entry(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("layer.geojson", landing_sites().to_json())
        z.writestr("../evil.geojson", "{}")
    with pytest.raises(ReadError, match=r"unsafe zip entry '../evil.geojson'"):
        read_vector(archive)
    assert not (tmp_path.parent / "evil.geojson").exists()


def test_zip_with_absolute_path_or_symlink(tmp_path: Path) -> None:
    absolute = tmp_path / "abs.zip"
    with zipfile.ZipFile(absolute, "w") as z:
        z.writestr("/etc/layer.geojson", "{}")
    with pytest.raises(ReadError, match="unsafe zip entry"):
        read_vector(absolute)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as z:
        info = zipfile.ZipInfo("layer.geojson")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    with pytest.raises(ReadError, match="symbolic link"):
        read_vector(link)


def test_zip_bomb_and_too_many_entries(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("layer.geojson", b" " * (20 << 20))
    with pytest.raises(ReadError, match="compressed more than 100:1"):
        read_vector(bomb)
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as z:
        for i in range(1001):
            z.writestr(f"f{i}.txt", "x")
    with pytest.raises(ReadError, match="1001 entries"):
        read_vector(crowded)


def test_zip_with_several_layers_needs_a_layer_name(tmp_path: Path) -> None:
    folder = tmp_path / "two"
    write_shapefile(folder, landing_sites(), "tpi")
    write_shapefile(folder, landing_sites().iloc[[1]], "eretan")
    archive = zip_folder(folder, tmp_path / "two.zip")
    with pytest.raises(ReadError, match="several map layers"):
        read_vector(archive)
    frame, _ = read_vector(archive, layer="eretan")
    assert frame["nama_tpi"].tolist() == ["Eretan Kulon"]


def test_zip_with_geojson_in_a_folder_and_metadata(tmp_path: Path) -> None:
    archive = tmp_path / "layer.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export/tpi.geojson", landing_sites().to_json())
        z.writestr("export/metadata.json", '{"author": "Diskanla"}')
        z.writestr("__MACOSX/export/._tpi.geojson", "junk")
    frame, _ = read_vector(archive)
    assert frame["kode"].tolist() == ["32.12.15.2016", "32.12.21.2012"]


def test_kml(tmp_path: Path) -> None:
    kml = write(
        tmp_path / "tpi.kml",
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Folder><name>tpi</name><Placemark><name>Karangsong</name><Point>"
        "<coordinates>108.354087,-6.311703</coordinates></Point></Placemark></Folder>"
        "</Document></kml>",
    )
    frame, _ = read_vector(kml)
    assert frame["name"].tolist() == ["Karangsong"]
    assert frame.geometry.x.iloc[0] == pytest.approx(108.354087)


def test_zip_without_layer(tmp_path: Path) -> None:
    archive = tmp_path / "docs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "no map here")
    with pytest.raises(ReadError, match="holds no map layer"):
        read_vector(archive)


def test_geopackage_first_layer_with_geometry(tmp_path: Path) -> None:
    path = tmp_path / "data.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"catatan": ["tanpa geometri"]}), path, layer="catatan")
    pyogrio.write_dataframe(landing_sites().to_crs("EPSG:32749"), path, layer="tpi")
    pyogrio.write_dataframe(landing_sites().iloc[[0]], path, layer="karangsong")
    frame, warnings = read_vector(path)
    assert warnings == []
    assert frame["nama_tpi"].tolist() == ["Karangsong", "Eretan Kulon"]
    assert frame.geometry.x.iloc[0] == pytest.approx(108.354087, abs=1e-7)
    assert len(read_vector(path, layer="karangsong")[0]) == 1
    with pytest.raises(ReadError, match="layer 'desa' not found"):
        read_vector(path, layer="desa")


def test_geojson_problems(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.geojson", '{"type": "FeatureCollection", "features": []}')
    with pytest.raises(ReadError, match="no features"):
        read_vector(empty)
    utm = write(tmp_path / "utm.geojson", landing_sites().to_crs("EPSG:32749").to_json(drop_id=True))
    utm.write_text(utm.read_text().replace('"crs": {', '"_crs": {'))
    with pytest.raises(ReadError, match="outside longitude"):
        read_vector(utm)
    broken = write(tmp_path / "broken.geojson", '{"type": "FeatureColl')
    with pytest.raises(ReadError, match="cannot read this map file"):
        read_vector(broken)
    with pytest.raises(ReadError, match="map layer, not a table"):
        open_table(REAL / "indramayu_desa.geojson")
    with pytest.raises(ReadError, match="table, not a map layer"):
        read_vector(REAL / "agriculture_mangga_kecamatan.csv")


def test_invalid_geometries_are_kept(tmp_path: Path) -> None:
    bowtie = Polygon([(108.3, -6.3), (108.4, -6.4), (108.4, -6.3), (108.3, -6.4)])
    frame = gpd.GeoDataFrame({"nama": ["dasi", "kosong"]}, geometry=[bowtie, None], crs="EPSG:4326")
    path = tmp_path / "invalid.geojson"
    pyogrio.write_dataframe(frame, path)
    read, warnings = read_vector(path)
    assert len(read) == 2 and warnings == []
    assert not read.geometry.iloc[0].is_valid
    assert read.geometry.iloc[0].equals(bowtie)
    assert read.geometry.iloc[1] is None


def test_csv_first_and_last_chunks_are_small_and_row_numbers_run_on(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_source, "ARROW_BLOCK", 64)  # many arrow batches
    path = tmp_path / "rows.csv"
    path.write_text("name,value\n" + "".join(f"row {i:03},{i:03}\n" for i in range(60)), encoding="utf-8")
    _, chunks = open_table(path, chunk_rows=8)
    parts = list(chunks)
    sizes = [len(c.frame) for c in parts]
    assert sizes[0] == 2 and sizes[-1] == 2 and 8 in sizes and sum(sizes) == 60
    assert sizes[-4:] == [2, 2, 2, 2]  # the last two chunks' worth, in quarters
    assert np.concatenate([c.rows for c in parts]).tolist() == list(range(2, 62))
    assert pd.concat([c.frame for c in parts])["name"].tolist() == [f"row {i:03}" for i in range(60)]


def test_utf8_sequence_cut_by_a_block_then_plain_text_is_not_utf8(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_scan, "SCAN_BLOCK", 8)
    path = tmp_path / "cut.csv"
    path.write_bytes(b"name,v\nab\xc3,1\nplain,2\n")  # 0xC3 then ASCII: not UTF-8, but Windows-1252 "Ã"
    info, chunks = open_table(path)
    assert info.encoding == "cp1252"
    assert next(chunks).frame["name"].tolist() == ["abÃ", "plain"]
    good = tmp_path / "good.csv"
    good.write_bytes("name,v\nabé,1\nplain,2\n".encode())  # "é" cut by the block, then ASCII blocks
    assert open_table(good)[0].encoding == "utf-8"


def test_a_wide_irregular_csv_is_read_whole_by_the_tolerant_parser(tmp_path: Path) -> None:
    """A short row sends the rest to pandas, whose wide chunks come in several Arrow pieces per column."""
    width, count = 200, 5000
    header = ",".join(f"kolom_{p}" for p in range(width))
    lines = [header, "pendek,1"] + [",".join(f" v{r}_{p} " for p in range(width)) for r in range(count)]
    path = write(tmp_path / "lebar.csv", "\n".join(lines) + "\n")
    _, frame, rows = read_all(path)
    assert frame.shape == (count + 1, width)
    assert cells(frame.iloc[0, :3]) == ["pendek", "1", None]  # padded
    assert frame.iloc[-1, -1] == f"v{count - 1}_{width - 1}"  # stripped
    assert rows.tolist() == list(range(2, count + 3))
