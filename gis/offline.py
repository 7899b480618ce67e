"""What saving an area on a phone takes ("Simpan untuk offline"): the area, the tiles covering it, its records.

The tiles covering it come from ``gis.tile_cover`` (the same rule as the offline packages).
``layer_records`` counts the records of a layer saved with the area (``records_selection``: inside it by their
``area_code``, at any level; of a statistical layer, the area's own rows) and measures them on a first page:
the exact size of GeoJSON features when that page holds them all, else the page's mean size per feature times
the count. The web side (``webmap.offline``) turns these into URLs and adds the sizes of sampled tiles.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from gis import features
from gis.area_codes import AREA_CODE
from gis.features import Selection
from gis.layers import Layer, stat_layers

# The records saved with an area, every one inside it: what /produk searches offline, the opportunities and the
# fish auctions (TPI). Of each statistical layer only the area's own production rows are saved (``own_rows``).
RECORD_LAYERS = ("producers", "opportunities", "landing-sites")
SAMPLE_FEATURES = 200  # features measured per layer when the area holds more

_AREA_SQL = text("SELECT code, name, level, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) "
                 "FROM areas WHERE code = :code")

@dataclass(frozen=True)
class Area:
    """An area to save: its Kemendagri code, name, level and bounding box (WGS84)."""

    code: str
    name: str
    level: str
    bbox: tuple[float, float, float, float] | None  # None while its polygon is empty (to be filled by a load)


@dataclass(frozen=True)
class Records:
    """The records of one layer inside an area: how many, and their size as GeoJSON features."""

    layer: str
    count: int
    count_exact: bool
    bytes: int
    bytes_exact: bool


def record_layers() -> tuple[str, ...]:
    """Ids of the layers whose records are saved with an area: ``RECORD_LAYERS``, then the statistical ones."""
    return (*RECORD_LAYERS, *(layer.id for layer in stat_layers()))


def own_rows(layer_id: str) -> bool:
    """True for a statistical layer: only the rows of the area itself are saved, as the charts of its page (and of
    the investor page, for the regency) read them, ``area_code = '<code>'``; each row carries its area's polygon,
    too large to keep for every desa and year."""
    return layer_id not in RECORD_LAYERS


def records_selection(layer_id: str, code: str) -> Selection:
    """What is saved of ``layer_id`` for the area ``code``: what lies inside it, or its own rows (``own_rows``)."""
    if not AREA_CODE.fullmatch(code):
        raise ValueError(f"not a Kemendagri area code: {code!r}")
    return Selection(cql=f"area_code = '{code}'") if own_rows(layer_id) else Selection(filters={"area_code": code})


def find_area(conn: Connection, code: str) -> Area | None:
    """The area ``code``, or None when there is none."""
    row = conn.execute(_AREA_SQL, {"code": code}).one_or_none()
    if row is None:
        return None
    bbox = None if row[3] is None else (float(row[3]), float(row[4]), float(row[5]), float(row[6]))
    return Area(row[0], row[1], row[2], bbox)


def layer_records(conn: Connection, layer: Layer, code: str) -> Records:
    """How many records of ``layer`` are saved with the area ``code`` and how large they are as GeoJSON features."""
    page = features.items(conn, layer, records_selection(layer.id, code), limit=SAMPLE_FEATURES)
    size = len(page.features_json.encode())
    if not page.has_more:
        return Records(layer.id, page.number_returned, True, size, True)
    mean = size / max(page.number_returned, 1)
    return Records(layer.id, page.number_matched, page.matched_exact, round(mean * page.number_matched), False)
