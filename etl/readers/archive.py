"""ZIP archives (a zipped map layer, an XLSX workbook): refused when they unpack to too much or hold unsafe
entries, extracted without writing more than they declare."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from etl.errors import ReadError
from etl.readers.limits import ZIP_MAX_ENTRIES, ZIP_MAX_RATIO, ZIP_MAX_TOTAL_BYTES, ZIP_RATIO_MIN_BYTES

#: Files of a map layer that a zip may hold.
VECTOR_DATASET_EXTENSIONS = (".shp", ".gpkg", ".geojson", ".json", ".kml")


def check_unpacked_sizes(
    entries: Sequence[zipfile.ZipInfo], path: Path, *, archive: str, entry: str, smaller: str, again: str
) -> None:
    """Refuse an archive that unpacks to more than ZIP_MAX_TOTAL_BYTES, or with an entry compressed more
    than ZIP_MAX_RATIO:1 (a zip bomb). The words name the archive and its entries, and what to do."""
    total = sum(e.file_size for e in entries)
    if total > ZIP_MAX_TOTAL_BYTES:
        raise ReadError(
            f"{archive} unpacks to {total / 2**20:.0f} MB (at most {ZIP_MAX_TOTAL_BYTES // 2**20} MB "
            f"allowed): {smaller}",
            path,
        )
    for info in entries:
        if info.file_size >= ZIP_RATIO_MIN_BYTES and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(
                f"{entry} '{info.filename}' is compressed more than {ZIP_MAX_RATIO}:1 (a zip bomb?): refused; "
                f"{again}",
                path,
            )


def extract_layer_zip(path: Path, folder: Path) -> list[Path]:
    """Check a zipped map layer, extract it into ``folder``; return the map files it holds."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError("the zip file is damaged: create it again", path) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise ReadError(
                f"the zip has {len(entries)} entries (at most {ZIP_MAX_ENTRIES} allowed): zip only "
                "the map layer's files",
                path,
            )
        check_unpacked_sizes(entries, path, archive="the zip", entry="zip entry",
                             smaller="split or simplify the layer", again="zip the layer's files again")
        for entry in entries:
            _check_entry(entry, path)
        for entry in entries:
            _extract_entry(archive, entry, folder, path)
    return _find_datasets(folder)


def _check_entry(entry: zipfile.ZipInfo, path: Path) -> None:
    name = entry.filename
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise ReadError(
            f"unsafe zip entry '{name}' (absolute path or '..'): create the zip again from the "
            "layer's files only",
            path,
        )
    if (entry.external_attr >> 16) & 0o170000 == 0o120000:
        raise ReadError(f"unsafe zip entry '{name}' is a symbolic link: zip the real files", path)
    if entry.flag_bits & 0x1:
        raise ReadError(f"zip entry '{name}' is encrypted: zip it without a password", path)


def _extract_entry(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, folder: Path, path: Path
) -> None:
    """Extract one entry inside ``folder``, never writing more than its declared size."""
    if entry.is_dir():
        return
    relative = PurePosixPath(entry.filename.replace("\\", "/"))
    target = folder.joinpath(*relative.parts)
    if not target.resolve().is_relative_to(folder.resolve()):
        raise ReadError(f"unsafe zip entry '{entry.filename}': outside the archive", path)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(entry) as source, target.open("wb") as out:
        while block := source.read(1 << 20):
            written += len(block)
            if written > entry.file_size:
                raise ReadError(
                    f"zip entry '{entry.filename}' is larger than it declares: refused",
                    path,
                )
            out.write(block)


def _find_datasets(folder: Path) -> list[Path]:
    found = []
    for candidate in sorted(folder.rglob("*")):
        relative = candidate.relative_to(folder)
        if any(part.startswith(".") or part == "__MACOSX" for part in relative.parts):
            continue
        if candidate.is_file() and candidate.suffix.lower() in VECTOR_DATASET_EXTENSIONS:
            found.append(candidate)
    return found

