"""Transform steps shared by jobs: find each row's area, make points, check geometries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from etl.areas import AreaIndex
from etl.context import ChunkContext
from etl.names import NameMatch
from gis.text import text_series


def resolve_area(ctx: ChunkContext, frame: pd.DataFrame, levels: tuple[str, ...],
                 *, required: bool = True, loaded: bool = True) -> pd.Series:
    """Area code of each row, from its code or from its names (matched within the right parent, among
    the loaded areas and the gazetteer's). ``loaded``: a name must match an area that is loaded (a
    boundary file names areas it is about to load)."""
    areas = ctx.areas
    codes = frame["area_code"].copy() if "area_code" in frame else pd.Series(None, index=frame.index, dtype=object)
    has_code = codes.notna().to_numpy()
    if has_code.any():
        positions, uniques = pd.factorize(codes)  # a few hundred codes in a chunk: each checked once
        inside = np.array([areas.in_region(c) for c in uniques] + [True], dtype=bool)[positions]
        known = np.append(areas.known(pd.Series(uniques, dtype=object)).to_numpy(), True)[positions]
        outside = has_code & ~inside
        ctx.reject(outside, "area_code", codes,
                   f"code is outside the region {areas.region_code}", "outside-region")
        unknown = has_code & ~outside & ~known
        ctx.reject(unknown, "area_code", codes,
                   "unknown area code: not among the loaded areas (load the boundaries first, "
                   "or correct the code)", "unknown-area")
        if (outside | unknown).any():
            codes[outside | unknown] = None
    by_name = ~has_code & _has_any(frame, ("desa_name", "kecamatan_name"))
    if by_name.any():
        codes[by_name] = _match_names(ctx, frame, by_name, loaded)
    present = codes.notna().to_numpy()
    positions, uniques = pd.factorize(codes)
    allowed = np.append(np.isin(areas.level_of(pd.Series(uniques, dtype=object)).to_numpy(dtype=object), levels),
                        False)
    wrong = present & ~allowed[positions]
    ctx.reject(wrong, "area_code", codes,
               "area has the wrong level here: expected " + " or ".join(levels), "wrong-level")
    codes[wrong] = None
    if required:
        missing = ~codes.notna().to_numpy() & ~ctx.bad & ~by_name
        ctx.reject(missing, None, None,
                   "row names no area: give an area code or a kecamatan/desa name", "missing-area")
    return codes


def _has_any(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    mask = np.zeros(len(frame), dtype=bool)
    for c in columns:
        if c in frame:
            mask |= frame[c].notna().to_numpy()
    return mask


def _match_names(ctx: ChunkContext, frame: pd.DataFrame, rows: np.ndarray, loaded: bool) -> list[str | None]:
    """Match (kecamatan, desa) names row by row, each distinct pair once."""
    region = ctx.areas.region_code
    none = pd.Series(None, index=frame.index, dtype=object)
    kec = frame["kecamatan_name"].astype(object) if "kecamatan_name" in frame else none
    desa = frame["desa_name"].astype(object) if "desa_name" in frame else none
    kec, desa = kec.where(kec.notna(), None), desa.where(desa.notna(), None)
    cache: dict[tuple[str | None, str | None], tuple[str | None, str, str, str]] = {}
    out: list[str | None] = []
    for i in np.flatnonzero(rows):
        pair = (kec.iat[i], desa.iat[i])
        if pair not in cache:
            cache[pair] = _match_pair(ctx, region, *pair)
            if loaded and cache[pair][0] is not None and cache[pair][0] not in ctx.areas.frame.index:
                cache[pair] = (None, "unloaded", "desa_name" if pair[1] else "kecamatan_name",
                               _not_loaded(ctx, cache[pair][0]))
        code, status, column, message = cache[pair]
        if status in ("ambiguous", "none", "parent", "unloaded"):
            ctx.reject(_one(len(frame), i), column, [pair[1] if column == "desa_name" else pair[0]] * len(frame),
                       message, {"ambiguous": "ambiguous-area", "unloaded": "area-not-loaded"}.get(
                           status, "unknown-area"))
        elif status == "fuzzy":
            ctx.warn(_one(len(frame), i), column, [pair[1] if column == "desa_name" else pair[0]] * len(frame),
                     message, "fuzzy-match")
        out.append(code)
    return out


def _match_pair(ctx: ChunkContext, region: str, kec: str | None,
                desa: str | None) -> tuple[str | None, str, str, str]:
    areas = ctx.areas
    parent = region
    m = None
    if kec is not None:
        m = areas.match_name(kec, "kecamatan", region)
        if m.code is None:
            return None, "parent" if desa else m.status, "kecamatan_name", _explain(m, "kecamatan", areas, region)
        if desa is None:
            return m.code, m.status, "kecamatan_name", _explain(m, "kecamatan", areas, region)
        parent = m.code
    within = parent if kec is not None else None
    d = areas.match_name(desa or "", "desa", within)
    if kec is not None and d.code is not None and m.status == "fuzzy":
        return d.code, "fuzzy", "kecamatan_name", _explain(m, "kecamatan", areas, region)
    return d.code, d.status, "desa_name", _explain(d, "desa", areas, within)


def _explain(match: NameMatch, level: str, areas: AreaIndex, parent: str | None) -> str:
    """Why a name matched as it did, for the report (the closest names when none matched)."""
    if match.status == "ambiguous":
        options = ", ".join(f"{areas.name_of(c)} ({c})" for c in match.candidates)
        hint = "the area code or its kecamatan" if level == "desa" else "the area code"
        return f"{level} name is ambiguous: could be {options}; give {hint}"
    if match.status == "none":
        where = f" in {areas.name_of(parent)}" if parent is not None else ""
        closest = areas.closest_names(match.query, level, parent)
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        return (f"unknown {level} '{match.query}'{where}{hint}: check the spelling (names follow the "
                "official list of the gazetteer) or give the area code")
    if match.status == "fuzzy":
        return f"matched to {areas.name_of(match.code)} ({match.code}) by similar spelling"
    return ""


def _not_loaded(ctx: ChunkContext, code: str) -> str:
    level = ctx.areas.gazetteer.level_of(code) or "area"
    return (f"{level} {ctx.areas.name_of(code)} ({code}) is in the official list but not loaded: "
            f"load the {level} boundaries first")


def _one(n: int, i: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask


def resolve_points(ctx: ChunkContext, frame: pd.DataFrame,
                   codes: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Longitude, latitude and precision of each row; fixes swapped pairs, fills from the area."""
    n = len(frame)
    lon = frame["lon"].to_numpy(dtype=float, na_value=np.nan, copy=True) if "lon" in frame else np.full(n, np.nan)
    lat = frame["lat"].to_numpy(dtype=float, na_value=np.nan, copy=True) if "lat" in frame else np.full(n, np.nan)
    given = ~np.isnan(lon) & ~np.isnan(lat)
    inside = np.zeros(n, dtype=bool)
    inside[given] = ctx.areas.contains(lon[given], lat[given])
    outside = given & ~inside
    if outside.any():
        swapped = np.zeros(n, dtype=bool)
        swapped[outside] = ctx.areas.contains(lat[outside], lon[outside])
        shown = pd.Series([f"{a}, {b}" for a, b in zip(lat, lon, strict=True)])
        ctx.warn(swapped, "lat", shown, "latitude and longitude were swapped; swapped back",
                 "swapped-coordinates")
        lon[swapped], lat[swapped] = lat[swapped], lon[swapped].copy()
        far = outside & ~swapped
        ctx.reject(far, "lat", shown, "point lies outside the region (check the coordinates, their "
                   "order and their CRS)", "outside-region")
    precision = text_series(pc.if_else(pa.array(given), "exact", "area"), frame.index)
    missing = ~given
    if missing.any():
        x, y = ctx.areas.points_of(codes)
        fill = missing & codes.notna().to_numpy()
        lon[fill] = x.to_numpy(dtype=float, na_value=np.nan)[fill]
        lat[fill] = y.to_numpy(dtype=float, na_value=np.nan)[fill]
        ctx.warn(fill, "lat", None, "no coordinates: placed at a point inside its area",
                 "no-coordinates")
        ctx.reject(missing & ~fill & ~ctx.bad, "lat", None,
                   "no coordinates and no known area to place the row in", "missing-coordinates")
    return lon, lat, precision


def area_from_points(ctx: ChunkContext, codes: pd.Series, lon: np.ndarray,
                     lat: np.ndarray) -> pd.Series:
    """Fill missing area codes with the desa that contains the row's point."""
    missing = codes.isna().to_numpy() & ~np.isnan(lon) & ~ctx.bad
    if missing.any():
        found = ctx.areas.desa_at(lon[missing], lat[missing])
        codes = codes.copy()
        codes[missing] = found
    return codes


def check_polygons(ctx: ChunkContext, geoms: np.ndarray) -> np.ndarray:
    """Polygonal geometries as MultiPolygons; rejects other types, empty and invalid ones."""
    kinds = shapely.get_type_id(geoms)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    ctx.reject(missing, "geometry", None, "feature has no geometry", "missing-geometry")
    wrong = ~missing & ~np.isin(kinds, (3, 6))
    ctx.reject(wrong, "geometry", shapely.get_type_id(geoms).astype(str),
               "geometry must be a Polygon or MultiPolygon", "wrong-geometry-type")
    ok = ~missing & ~wrong
    invalid = ok & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = np.array([shapely.is_valid_reason(g) if v else "" for g, v in zip(geoms, invalid, strict=True)],
                           dtype=object)
        ctx.reject(invalid, "geometry", reasons,
                   "invalid geometry (self-intersection or similar): repair it, e.g. QGIS "
                   "'Fix geometries', and load again", "invalid-geometry")
    out = np.array(geoms, dtype=object)
    single = ok & (kinds == 3)
    for i in np.flatnonzero(single):
        out[i] = shapely.MultiPolygon([out[i]])
    return out


def check_in_region(ctx: ChunkContext, geoms: np.ndarray) -> None:
    """Reject geometries that do not touch the region (wrong CRS, wrong file, swapped axes)."""
    region = ctx.areas.region
    present = ~ctx.bad & ~shapely.is_missing(geoms)
    if region is None or not present.any():
        return
    inside = np.zeros(len(geoms), dtype=bool)
    inside[present] = shapely.intersects(region, geoms[present])
    ctx.reject(present & ~inside, "geometry", None, "geometry lies outside the region: check the file's "
               "CRS (.prj) and that it covers this regency", "outside-region")
