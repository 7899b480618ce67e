"""Build APPROXIMATE administrative polygons for Kabupaten Indramayu from centroids only.

Input: ``reference/desa.csv`` and ``reference/kecamatan.csv`` (codes, names, centroids and
reference figures). No boundary geometry is read. Method:

1. outline = concave hull of all desa centroids, buffered by ``OUTLINE_BUFFER_M``
   (computed in UTM 49S, EPSG:32749);
2. desa polygons = Voronoi cells of the desa centroids clipped to the outline;
3. kecamatan = union of their desa cells; kabupaten = union of all kecamatan.

Coordinates are snapped to a 1e-6 degree grid (6 decimals). The process has no randomness,
so the output is deterministic. Writes ``boundaries/{kabupaten,kecamatan,desa}.geojson``.

    python datasets/build_boundaries.py
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping
from shapely.geometry.polygon import orient

HERE = Path(__file__).resolve().parent
REFERENCE_DIR = HERE / "reference"
OUT_DIR = HERE / "boundaries"

METRIC_CRS = "EPSG:32749"
HULL_RATIO = 0.1
OUTLINE_BUFFER_M = 2000.0
GRID = 1e-6

KABUPATEN = {
    "code": "32.12",
    "name": "Indramayu",
    "parent_code": "32",
    "area_km2": 2078.03,  # BPS 2024 area series (real/kabupaten.csv)
    "population": 1980080,  # Dukcapil registry attached to Kepmendagri 300.2.2-2138/2025
    "population_year": 2025,
}

TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file into a list of dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number_or_none(text: str, kind: type = float) -> Any:
    """Convert a CSV cell to a number, or None when blank."""
    return kind(text) if text.strip() else None


def project(geom: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
    """Reproject a shapely geometry with a pyproj transformer."""
    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def build_outline(points_m: list[Point]) -> Polygon:
    """Return the buffered concave hull of the (metric) desa centroids."""
    hull = shapely.concave_hull(shapely.multipoints(points_m), ratio=HULL_RATIO)
    return hull.buffer(OUTLINE_BUFFER_M)


def voronoi_cells(points_m: list[Point], outline: Polygon) -> list[shapely.Geometry]:
    """Return one Voronoi cell per point (same order), clipped to the outline."""
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(points_m), extend_to=outline, ordered=True
    )
    cells = list(diagram.geoms)
    if len(cells) != len(points_m):
        raise RuntimeError("Voronoi diagram does not have one cell per centroid")
    return [cell.intersection(outline) for cell in cells]


def to_multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    """Keep the polygonal parts of a geometry, oriented RFC 7946 style, as a MultiPolygon."""
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    return MultiPolygon([orient(p, sign=1.0) for p in parts])


def snap(geom: shapely.Geometry) -> MultiPolygon:
    """Snap a geometry to the 6-decimal grid and return a valid MultiPolygon."""
    return to_multipolygon(shapely.set_precision(geom, GRID))


def rounded_coordinates(geom: MultiPolygon) -> list:
    """Return GeoJSON coordinates rounded to 6 decimals."""
    def _round(obj: Any) -> Any:
        if isinstance(obj, (list, tuple)) and obj and isinstance(obj[0], float):
            return [round(v, 6) for v in obj]
        return [_round(o) for o in obj]

    return _round(mapping(geom)["coordinates"])


def feature(props: dict[str, Any], geom: MultiPolygon) -> str:
    """Serialise one GeoJSON feature on a single line."""
    body = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "MultiPolygon", "coordinates": rounded_coordinates(geom)},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def write_collection(path: Path, features: list[str]) -> None:
    """Write a FeatureCollection with one feature per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def properties(code: str, name: str, level: str, parent: str, **extra: Any) -> dict[str, Any]:
    """Build the common property dict in the documented key order."""
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_code": parent,
        "type": extra.get("type"),
        "area_km2": extra.get("area_km2"),
        "population": extra.get("population"),
        "population_year": extra.get("population_year"),
        "approximate": True,
    }


def check(desa: list[dict[str, str]], cells: dict[str, MultiPolygon]) -> None:
    """Raise if a cell is invalid or does not contain its own centroid."""
    for row in desa:
        cell = cells[row["code"]]
        if not cell.is_valid or cell.is_empty:
            raise RuntimeError(f"invalid cell for {row['code']}")
        if not cell.contains(Point(float(row["lon"]), float(row["lat"]))):
            raise RuntimeError(f"centroid of {row['code']} lies outside its cell")


def build() -> dict[str, int]:
    """Build and write the three boundary layers; return feature counts."""
    desa = read_rows(REFERENCE_DIR / "desa.csv")
    kecamatan = read_rows(REFERENCE_DIR / "kecamatan.csv")
    lon = np.array([float(r["lon"]) for r in desa])
    lat = np.array([float(r["lat"]) for r in desa])
    x, y = TO_METRIC.transform(lon, lat)
    points_m = list(shapely.points(np.column_stack([x, y])))

    outline = build_outline(points_m)
    cells_m = voronoi_cells(points_m, outline)
    cells = {r["code"]: snap(project(c, TO_WGS84)) for r, c in zip(desa, cells_m, strict=True)}
    check(desa, cells)

    by_kec: dict[str, list[MultiPolygon]] = defaultdict(list)
    for row in desa:
        by_kec[row["kecamatan_code"]].append(cells[row["code"]])
    kec_geoms = {
        k["code"]: to_multipolygon(shapely.union_all(by_kec[k["code"]], grid_size=GRID))
        for k in kecamatan
    }
    kab_geom = to_multipolygon(shapely.union_all(list(kec_geoms.values()), grid_size=GRID))

    desa_features = [
        feature(
            properties(
                r["code"], r["name"], "desa", r["kecamatan_code"], type=r["type"],
                area_km2=number_or_none(r["area_km2"]),
            ),
            cells[r["code"]],
        )
        for r in desa
    ]
    kec_features = [
        feature(
            properties(
                k["code"], k["name"], "kecamatan", KABUPATEN["code"],
                area_km2=number_or_none(k["area_km2"]),
                population=number_or_none(k["population"], int),
                population_year=number_or_none(k["population_year"], int),
            ),
            kec_geoms[k["code"]],
        )
        for k in kecamatan
    ]
    kab_props = properties(
        KABUPATEN["code"], KABUPATEN["name"], "kabupaten", KABUPATEN["parent_code"],
        area_km2=KABUPATEN["area_km2"], population=KABUPATEN["population"],
        population_year=KABUPATEN["population_year"],
    )
    write_collection(OUT_DIR / "kabupaten.geojson", [feature(kab_props, kab_geom)])
    write_collection(OUT_DIR / "kecamatan.geojson", kec_features)
    write_collection(OUT_DIR / "desa.geojson", desa_features)
    return {"kabupaten": 1, "kecamatan": len(kec_features), "desa": len(desa_features)}


def main() -> None:
    """Entry point."""
    counts = build()
    print("wrote boundaries:", ", ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
