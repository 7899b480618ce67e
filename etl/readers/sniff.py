"""What a file is: a table or a map layer by its extension, checked against its first bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from etl.errors import ReadError

Kind = Literal["table", "vector"]

TABLE_EXTENSIONS = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm"})
VECTOR_EXTENSIONS = frozenset({".geojson", ".json", ".shp", ".zip", ".gpkg", ".kml"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF", "pdf"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x00\x00\x27\x0a", "shp"),
)
_CONTENT_NAMES = {
    "zip": "a ZIP archive",
    "xlsx": "an Excel workbook (.xlsx)",
    "ole": "an old-format Excel/Office file (.xls)",
    "pdf": "a PDF document",
    "sqlite": "a SQLite database / GeoPackage",
    "gzip": "a gzip archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "shp": "a shapefile geometry file (.shp)",
    "text": "a text file",
}
_EXPECTED_CONTENT = {
    ".csv": "text",
    ".txt": "text",
    ".tsv": "text",
    ".geojson": "text",
    ".json": "text",
    ".kml": "text",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".zip": "zip",
    ".gpkg": "sqlite",
    ".shp": "shp",
}


def sniff_kind(path: str | Path) -> Kind:
    """Return "table" or "vector" from the file extension, after checking the content.

    Raises ReadError for a missing or empty file, an unsupported extension, or content
    that does not match the extension (a ".csv" that is really an XLSX, an ".xlsx" that
    is not a ZIP-based workbook, ...).
    """
    path = Path(path)
    kind = _kind_by_extension(path)
    _check_content(path)
    return kind


def _kind_by_extension(path: Path) -> Kind:
    ext = path.suffix.lower()
    if ext in TABLE_EXTENSIONS:
        return "table"
    if ext in VECTOR_EXTENSIONS:
        return "vector"
    supported = ", ".join(sorted(TABLE_EXTENSIONS | VECTOR_EXTENSIONS))
    if ext == ".xls":
        hint = "open it in Excel or LibreOffice and save it as .xlsx"
    else:
        hint = f"supported are {supported}"
    raise ReadError(f"unsupported file type '{ext or '(none)'}': {hint}", path)


def _check_content(path: Path) -> None:
    if not path.is_file():
        raise ReadError("file not found: check the path and the file name", path)
    if path.stat().st_size == 0:
        raise ReadError("file is empty (0 bytes): no data rows; upload the file again", path)
    expected = _EXPECTED_CONTENT[path.suffix.lower()]
    actual = _content_type(path)
    if actual == expected:
        return
    what = _CONTENT_NAMES[actual]
    if actual == "xlsx":
        hint = "rename it to .xlsx, or save it from Excel in the format its name says"
    elif expected == "xlsx" and actual == "ole":
        hint = "open it in Excel or LibreOffice and save it as .xlsx"
    else:
        hint = "export it again in the format its name says, or give it the right extension"
    raise ReadError(
        f"file content does not match its extension: it is {what}, not a "
        f"{path.suffix.lower()} file; {hint}",
        path,
    )


def _content_type(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name == "zip" and _is_xlsx_archive(path):
                return "xlsx"
            return name
    return "text"


def _is_xlsx_archive(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names
