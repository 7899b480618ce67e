"""The one producer or investment opportunity a share page shows (``/produk/<id>``, ``/investor/peluang/<code>``):
its row, its point, and the desa and kecamatan it lies in (codes and names, for links and the map image)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

PRODUCER_ID = re.compile(r"[1-9][0-9]{0,17}")  # a positive BIGINT
OPPORTUNITY_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

_PRODUCER_SQL = text(
    "SELECT p.id, p.name, p.products, p.kbli, p.sector, p.address, p.phone, p.whatsapp, p.website, p.employees, "
    "p.established_year, p.location_precision, p.area_code, ST_Y(p.geom) AS lat, ST_X(p.geom) AS lon "
    "FROM producers p WHERE p.id = :key"
)
# An opportunity drawn as a polygon or line is placed at a point on it; one without geometry at its area's label.
_OPPORTUNITY_SQL = text(
    "SELECT o.code, o.title_id, o.title_en, o.description_id, o.description_en, o.sector, o.area_code, "
    "o.value_idr, o.status, o.contact_agency, o.licensing_url, o.npv_idr, o.irr_pct, o.bc_ratio, "
    "o.payback_years, o.readiness, o.land_status, ST_Y(pt.geom) AS lat, ST_X(pt.geom) AS lon "
    "FROM opportunities o LEFT JOIN areas a ON a.code = o.area_code "
    "CROSS JOIN LATERAL (SELECT coalesce(ST_PointOnSurface(o.geom), a.label_point) AS geom) pt "
    "WHERE o.code = :key"
)
# The area and its ancestors below the regency: desa then kecamatan.
_AREAS_SQL = text(
    "WITH RECURSIVE up AS (SELECT code, name, level, parent_code, 0 AS depth FROM areas WHERE code = :code "
    "UNION ALL SELECT a.code, a.name, a.level, a.parent_code, up.depth + 1 FROM areas a "
    "JOIN up ON a.code = up.parent_code WHERE up.depth < 3) "
    "SELECT code, name, level FROM up WHERE level IN ('desa', 'kecamatan') ORDER BY depth"
)


@dataclass(frozen=True)
class AreaRef:
    """A desa or kecamatan, for a link to its profile."""

    code: str
    name: str
    level: str


@dataclass(frozen=True)
class Place:
    """A producer (``kind`` ``producer``, ``key`` its id) or an opportunity (``opportunity``, its code)."""

    kind: str
    key: str
    row: Mapping[str, Any]
    lat: float | None
    lon: float | None
    areas: tuple[AreaRef, ...]

    def area(self, level: str) -> AreaRef | None:
        """The desa or kecamatan of the place, if known."""
        return next((a for a in self.areas if a.level == level), None)

    def title(self, lang: str) -> str:
        """The producer's name, or the opportunity's title in ``lang`` (Indonesian when not translated)."""
        if self.kind == "producer":
            return str(self.row["name"])
        return str((self.row["title_en"] if lang == "en" else None) or self.row["title_id"])

    def description(self, lang: str) -> str:
        """The opportunity's description in ``lang`` (Indonesian when not translated); a producer's products."""
        if self.kind == "producer":
            return str(self.row["products"] or "")
        return str((self.row["description_en"] if lang == "en" else None) or self.row["description_id"] or "")

    def place_name(self) -> str:
        """``Desa X, Kecamatan Y``: the names of its desa and kecamatan."""
        return ", ".join(a.name for a in self.areas)


def _place(conn: Connection, kind: str, key: str, sql: Any) -> Place | None:
    row = conn.execute(sql, {"key": int(key) if kind == "producer" else key}).mappings().one_or_none()
    if row is None:
        return None
    areas: tuple[AreaRef, ...] = ()
    if row["area_code"]:
        areas = tuple(AreaRef(r.code, r.name, r.level) for r in conn.execute(_AREAS_SQL, {"code": row["area_code"]}))
    return Place(kind, key, dict(row), row["lat"], row["lon"], areas)


def producer(conn: Connection, producer_id: str) -> Place | None:
    """The producer of ``producer_id`` (digits), or None when there is none."""
    if not PRODUCER_ID.fullmatch(producer_id) or int(producer_id) >= 2**63:
        return None
    return _place(conn, "producer", producer_id, _PRODUCER_SQL)


def opportunity(conn: Connection, code: str) -> Place | None:
    """The opportunity of ``code``, or None when there is none."""
    if not OPPORTUNITY_CODE.fullmatch(code):
        return None
    return _place(conn, "opportunity", code, _OPPORTUNITY_SQL)


def find(conn: Connection, kind: str, key: str) -> Place | None:
    """A producer or an opportunity by kind (``producer`` / ``opportunity``) and key."""
    return producer(conn, key) if kind == "producer" else opportunity(conn, key)
