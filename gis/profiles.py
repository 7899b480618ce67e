"""Area profiles: what a kabupaten, kecamatan or desa is, produces and offers (plain data, bilingual labels)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, text

from gis.area_codes import AREA_CODE
from gis.errors import NotFoundError
from gis.features import Memo
from gis.i18n import CATALOG, t
from gis.kbli import SECTIONS, section_label
from gis.layers import Layer, stat_layers
from gis.stats import subject_label

TOP_COMMODITIES = 10


class UnknownArea(NotFoundError):
    """No area has this code."""


def area_profile(engine: Engine, code: str, lang: str = "id", memo: Memo | None = None) -> dict[str, Any]:
    """Profile of one area: identity, population, top commodities, producers, opportunities, children.

    ``memo`` keeps the producer counts until the data change (the regency's count scans every producer).
    """
    if not AREA_CODE.fullmatch(code):
        raise UnknownArea(f"no area has code {code!r}: codes look like 32.12, 32.12.16 or 32.12.16.2004")
    with engine.connect() as conn:
        area = _area(conn, code)
        if area is None:
            raise UnknownArea(f"no area has code {code!r}")
        return {
            **_identity(area, lang),
            "view_bbox": list(view_bbox(conn, code) or ()) or None,
            "top_commodities": top_commodities(conn, code, lang),
            "producers": producers_by_sector(conn, code, lang, memo),
            "opportunities": opportunities_in(conn, code, lang),
            "children": _children(conn, code),
        }


# The first view of an area leaves out its parts under a twentieth of its largest: far islands (Pasekan's
# P. Biawak, 40 km offshore) would otherwise shrink the mainland to a corner of a phone screen.
VIEW_PART_SHARE = 0.05
_VIEW_BBOX = """
    WITH parts AS (SELECT (ST_Dump(geom)).geom AS part FROM areas WHERE code = :code),
    kept AS (SELECT part FROM parts WHERE ST_Area(part) >= :share * (SELECT max(ST_Area(part)) FROM parts))
    SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(part) AS e FROM kept) x
"""


def view_bbox(conn: Connection, code: str) -> tuple[float, float, float, float] | None:
    """West, south, east, north of the area's main parts (its first view on a map), or None if unknown."""
    row = conn.execute(text(_VIEW_BBOX), {"code": code, "share": VIEW_PART_SHARE}).one_or_none()
    return None if row is None or row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def _area(conn: Connection, code: str) -> Any:
    sql = ("SELECT a.code, a.bps_code, a.name, a.level, a.type, a.parent_code, p.name AS parent_name, "
           "a.population, a.population_year, a.population_source, a.area_km2, a.area_source, a.area_year, "
           "a.approximate, a.derived, "
           "ST_X(ST_PointOnSurface(a.geom)) AS lon, ST_Y(ST_PointOnSurface(a.geom)) AS lat, "
           "ST_XMin(a.geom) AS west, ST_YMin(a.geom) AS south, ST_XMax(a.geom) AS east, ST_YMax(a.geom) AS north "
           "FROM areas a LEFT JOIN areas p ON p.code = a.parent_code WHERE a.code = :code")
    return conn.execute(text(sql), {"code": code}).mappings().first()


def _identity(area: Any, lang: str) -> dict[str, Any]:
    level_key = f"level.{area['level']}"
    level_label = t(level_key, lang) if level_key in CATALOG else area["level"]
    parent = {"code": area["parent_code"], "name": area["parent_name"]} if area["parent_code"] else None
    density = None
    if area["population"] and area["area_km2"]:
        density = round(area["population"] / area["area_km2"], 1)
    return {
        "code": area["code"], "bps_code": area["bps_code"], "name": area["name"], "level": area["level"],
        "level_label": level_label, "type": area["type"], "parent": parent,
        "population": area["population"], "population_year": area["population_year"],
        "population_source": area["population_source"],
        "area_km2": area["area_km2"], "area_source": area["area_source"], "area_year": area["area_year"],
        "density_per_km2": density, "approximate": bool(area["approximate"]), "derived": bool(area["derived"]),
        "centroid": [area["lon"], area["lat"]],
        "bbox": [area["west"], area["south"], area["east"], area["north"]],
    }


def top_commodities(conn: Connection, code: str, lang: str = "id", limit: int = TOP_COMMODITIES) -> list[dict]:
    """Largest productions of the area, each commodity (or fisheries kind) at its latest year."""
    layers = [layer for layer in stat_layers() if layer.stats and "production_ton" in layer.stats.measures]
    if not layers:
        return []
    produced = " UNION ALL ".join(  # tables and columns from the registry (ours); the sector ids are bound
        f"SELECT CAST(:sector{i} AS text) AS sector, t.{_subject(layer)} AS subject, t.year, "
        f"sum(t.production_ton) AS ton FROM {layer.table} t WHERE t.area_code = :code "
        f"AND t.production_ton IS NOT NULL GROUP BY 2, 3" for i, layer in enumerate(layers))
    sql = f"""
        WITH produced AS ({produced}), latest AS (
            SELECT DISTINCT ON (sector, subject) sector, subject, year, ton
            FROM produced ORDER BY sector, subject, year DESC
        )
        SELECT sector, subject, year, ton FROM latest ORDER BY ton DESC, subject LIMIT :limit
    """
    sectors = {f"sector{i}": layer.id for i, layer in enumerate(layers)}
    rows = conn.execute(text(sql), {"code": code, "limit": limit, **sectors}).all()
    return [{"sector": sector, "subject": subject, "label": subject_label(subject, lang), "year": int(year),
             "production_ton": float(ton), "unit": "ton"} for sector, subject, year, ton in rows]


def producers_by_sector(conn: Connection, code: str, lang: str = "id", memo: Memo | None = None) -> dict[str, Any]:
    """Number of producers in the area by KBLI 2020 section, with the section labels."""
    sql = ("SELECT t.sector, count(*) FROM producers t "
           "WHERE t.area_code = ANY(ARRAY(SELECT code FROM areas WHERE code LIKE :prefix)) "
           "GROUP BY t.sector ORDER BY count(*) DESC, t.sector")

    def count() -> list[tuple[str | None, int]]:
        return [(s, n) for s, n in conn.execute(text(sql), {"prefix": code + "%"})]

    rows = count() if memo is None else memo(("producers_by_sector", code), count)
    sectors = [{"section": s, "label": section_label(s, lang) if s in SECTIONS else None, "count": n}
               for s, n in rows]
    return {"total": sum(n for _, n in rows), "by_section": sectors}


def opportunities_in(conn: Connection, code: str, lang: str = "id") -> list[dict[str, Any]]:
    """Investment opportunities inside the area (by geometry, or by area code when they have none)."""
    sql = ("SELECT o.id, o.code, o.title_id, o.title_en, o.sector, o.status, o.readiness, o.value_idr, "
           "o.area_code FROM opportunities o, areas a WHERE a.code = :code "
           "AND (ST_Intersects(o.geom, a.geom) OR o.area_code LIKE :prefix) ORDER BY o.code")
    rows = conn.execute(text(sql), {"code": code, "prefix": code + "%"}).mappings().all()
    return [{"id": r["id"], "code": r["code"], "title": _pick(r["title_id"], r["title_en"], lang),
             "sector": r["sector"], "status": r["status"], "readiness": r["readiness"],
             "value_idr": r["value_idr"], "area_code": r["area_code"]} for r in rows]


def _pick(indonesian: str | None, english: str | None, lang: str) -> str | None:
    return (english or indonesian) if lang == "en" else (indonesian or english)


def _children(conn: Connection, code: str) -> list[dict[str, str]]:
    rows = conn.execute(text("SELECT code, name FROM areas WHERE parent_code = :code ORDER BY code"),
                        {"code": code}).all()
    return [{"code": c, "name": n} for c, n in rows]


def _subject(layer: Layer) -> str:
    """The subject column of a statistical layer."""
    assert layer.stats is not None
    return layer.stats.subject
