"""Offline packages of an area (the regency or a kecamatan) for native apps and GIS desktops.

Two files per area: an MBTiles 1.3 file of every registry layer as vector tiles (``gis/packages_mbtiles.py``)
and a GeoPackage with every feature of the area, one table per layer (``gis/exports.py`` writes each table,
with the columns of an export: the id and the properties the OGC API items give).

What belongs to an area is one rule (``in_area``): a layer's rows whose ``area_code`` (or, for the boundary
layers, ``code``) is the area's or lies inside it, as the OGC API's ``area_code=`` filter keeps them.

Files live in ``Settings.package_path`` named ``<code>-<version>.<ext>``, where the version is a digest of the
data version the tile cache watches (``gis.tiles.data_version``): after a load the next request or build makes
a new file and the old ones are removed. A file is written under a temporary name and renamed into place, and
one builder at a time per area and format holds a file lock (``fcntl.flock``), so two builders never race.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, text

from gis.area_codes import AREA_CODE
from gis.errors import NotFoundError
from gis.exports import write_layer_gpkg
from gis.layers import LAYERS, Layer
from gis.tiles import data_version

FORMATS: dict[str, str] = {"mbtiles": "application/vnd.sqlite3", "gpkg": "application/geopackage+sqlite3"}
LEVELS = ("kabupaten", "kecamatan")  # the areas that have packages
DEFAULT_ZOOMS = (8, 14)
VERSION_DIGITS = 12
Progress = Callable[[int, int], None]  # (done, total)


class UnknownPackage(NotFoundError):
    """No package for this area or format (HTTP 404)."""


@dataclass(frozen=True)
class PackageArea:
    """An area that has packages: the regency or one of its kecamatan."""

    code: str
    name: str
    level: str


@dataclass(frozen=True)
class Package:
    """One package file of an area: where it is (or would be), whether it is built, its size."""

    area: PackageArea
    fmt: str
    version: str
    path: Path

    @property
    def built(self) -> bool:
        """True when the file of this data version exists."""
        return self.path.is_file()

    @property
    def size(self) -> int | None:
        """Bytes of the file, None when it is not built."""
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return None

    @property
    def mimetype(self) -> str:
        """The media type of the file."""
        return FORMATS[self.fmt]


# --- areas and what lies in them ---------------------------------------------------------------------


def package_areas(engine: Engine, region_code: str, code: str | None = None) -> list[PackageArea]:
    """The regency ``region_code`` and its kecamatan (only ``code`` when given), the regency first."""
    sql = ("SELECT code, name, level FROM areas WHERE level = ANY(:levels) AND (code = :region OR code LIKE :inside) "
           "AND (CAST(:code AS text) IS NULL OR code = :code) ORDER BY length(code), code")
    with engine.connect() as conn:
        rows = conn.execute(text(sql), {"levels": list(LEVELS), "region": region_code,
                                        "inside": f"{region_code}.%", "code": code}).all()
    return [PackageArea(*row) for row in rows]


def package_area(engine: Engine, region_code: str, code: str) -> PackageArea:
    """The package area ``code``; ``UnknownPackage`` when it is not the regency or one of its kecamatan."""
    found = package_areas(engine, region_code, code) if AREA_CODE.fullmatch(code) else []
    if not found:
        raise UnknownPackage(f"no offline package for {code!r}: packages are made for the regency "
                             f"{region_code} and each of its kecamatan (see /api/v1/packages)")
    return found[0]


def _area_column(layer: Layer) -> str | None:
    """The SQL of the Kemendagri code that places a row of ``layer`` in an area, if it has one."""
    prop = layer.prop("area_code")
    if prop is not None and prop.area:
        return prop.sql
    prop = layer.prop("code")
    return prop.sql if prop is not None and layer.table == "areas" else None


def in_area(layer: Layer, code: str) -> Layer:
    """``layer`` restricted to the rows of area ``code``: its code or a code inside it (``inside_areas``'s
    rule); a layer without codes keeps the rows whose geometry meets the area's.

    The code becomes a literal of the layer's SQL (tiles bind only their own parameters): it is checked here
    to be a Kemendagri code, digits and dots only, and callers take it from the ``areas`` table.
    """
    if not AREA_CODE.fullmatch(code):
        raise ValueError(f"not a Kemendagri area code: {code!r}")
    column = _area_column(layer)
    if column is not None:
        clause = f"({column} = '{code}' OR {column} LIKE '{code}.%')"
    else:
        clause = f"ST_Intersects({layer.geom_sql}, (SELECT a.geom FROM areas a WHERE a.code = '{code}'))"
    return replace(layer, where=f"({layer.where}) AND {clause}")


def area_layers(code: str) -> list[Layer]:
    """Every registry layer restricted to area ``code``, in registry order."""
    return [in_area(layer, code) for layer in LAYERS.values()]


# --- files, versions and locks -----------------------------------------------------------------------


def version_token(engine: Engine) -> str:
    """A short digest of the current data version (part of the file names)."""
    return hashlib.blake2b(data_version(engine).encode(), digest_size=VERSION_DIGITS // 2).hexdigest()


def package(directory: Path, area: PackageArea, fmt: str, version: str) -> Package:
    """The package of ``area`` in ``fmt`` for data ``version`` (built or not)."""
    if fmt not in FORMATS:
        raise UnknownPackage(f"no package format {fmt!r}; formats: {', '.join(FORMATS)}")
    return Package(area, fmt, version, directory / f"{area.code}-{version}.{fmt}")


@contextmanager
def _locked(directory: Path, area: PackageArea, fmt: str) -> Iterator[None]:
    """Hold the lock of one area's package in ``fmt`` (other processes and threads wait)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f".{area.code}.{fmt}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_others(directory: Path, current: Package) -> None:
    """Remove the area's files of other versions and temporary files left by a builder that died."""
    area, fmt = current.area.code, current.fmt
    for path in [*directory.glob(f"{area}-*.{fmt}"), *directory.glob(f".{area}-*.tmp.{fmt}")]:
        if path != current.path:
            path.unlink(missing_ok=True)


def mbtiles_zooms(path: Path) -> tuple[int, int] | None:
    """The minzoom and maxzoom an MBTiles file declares, None when unreadable."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata WHERE name IN ('minzoom', 'maxzoom')"))
        return int(meta["minzoom"]), int(meta["maxzoom"])
    except (sqlite3.Error, KeyError, ValueError):
        return None


def ensure(engine: Engine, directory: Path, area: PackageArea, fmt: str, *, zooms: tuple[int, int] | None = None,
           progress: Progress | None = None) -> Package:
    """The package of ``area`` in ``fmt`` for the current data, built now unless it is already there.

    ``zooms`` (MBTiles only): rebuild unless the file has these zoom levels; None takes the file as it is,
    or ``DEFAULT_ZOOMS`` for a new one. ``progress(done, total)`` is called as tiles or tables are written.
    """
    found = package(directory, area, fmt, version_token(engine))
    if _current(found, zooms):
        return found
    with _locked(directory, area, fmt):
        if _current(found, zooms):  # another builder made it while we waited
            return found
        temporary = directory / f".{found.path.stem}.{os.getpid()}.tmp.{fmt}"  # GDAL wants the extension
        try:
            _write(engine, found, temporary, zooms or DEFAULT_ZOOMS, progress)
            os.replace(temporary, found.path)
        finally:
            temporary.unlink(missing_ok=True)
        _remove_others(directory, found)
    return found


def _current(found: Package, zooms: tuple[int, int] | None) -> bool:
    if not found.built:
        return False
    return zooms is None or found.fmt != "mbtiles" or mbtiles_zooms(found.path) == zooms


def _write(engine: Engine, found: Package, path: Path, zooms: tuple[int, int], progress: Progress | None) -> None:
    from gis.packages_mbtiles import write_mbtiles

    path.unlink(missing_ok=True)
    layers = area_layers(found.area.code)
    if found.fmt == "mbtiles":
        write_mbtiles(engine, path, found.area, layers, zooms, found.version, progress)
        return
    for done, layer in enumerate(layers):
        write_layer_gpkg(engine, layer, path)
        if progress:
            progress(done + 1, len(layers))
