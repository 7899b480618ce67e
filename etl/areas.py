"""The areas already in the database (and the gazetteer's), for resolving codes, names and points to areas."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, text

from etl.gazetteer import Gazetteer
from etl.names import NameMatch, NameMatcher


@dataclass
class AreaIndex:
    """Codes, names, hierarchy and geometry of the loaded areas of one region, and its gazetteer."""

    region_code: str
    frame: pd.DataFrame  # index code; columns name, level, parent_code, x, y
    desa_codes: np.ndarray
    desa_tree: shapely.STRtree | None
    region: shapely.Geometry | None
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    _matchers: dict[tuple[str | None, str], NameMatcher] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection, region_code: str, buffer_km: float,
             gazetteer: Gazetteer | None = None) -> AreaIndex:
        """Read the region's areas from the database."""
        rows = conn.execute(
            text(
                "SELECT code, name, level, parent_code, ST_X(p) AS x, ST_Y(p) AS y, "
                "CASE WHEN level = 'desa' THEN ST_AsBinary(geom) END AS wkb "
                "FROM (SELECT *, ST_PointOnSurface(geom) AS p FROM areas "
                "      WHERE code = :region OR code LIKE :prefix) a"
            ),
            {"region": region_code, "prefix": region_code + ".%"},
        ).all()
        frame = pd.DataFrame(
            [r[:6] for r in rows], columns=["code", "name", "level", "parent_code", "x", "y"]
        ).set_index("code")
        desa = [(r[0], shapely.from_wkb(bytes(r[6]))) for r in rows if r[6] is not None]
        desa_codes = np.array([c for c, _ in desa], dtype=object)
        tree = shapely.STRtree([g for _, g in desa]) if desa else None
        region = conn.execute(
            text(
                "SELECT ST_AsBinary(ST_Buffer(geom::geography, :m)::geometry) FROM areas "
                "WHERE code = :region AND NOT derived"  # a derived outline covers only the desa loaded so far
            ),
            {"region": region_code, "m": buffer_km * 1000},
        ).scalar()
        region_geom = shapely.from_wkb(bytes(region)) if region is not None else None
        if region_geom is not None:
            shapely.prepare(region_geom)
        return cls(region_code, frame, desa_codes, tree, region_geom, gazetteer or Gazetteer())

    def in_region(self, code: str) -> bool:
        """True when ``code`` is the region or lies below it."""
        return code == self.region_code or code.startswith(self.region_code + ".")

    def known(self, codes: pd.Series) -> pd.Series:
        """Mask of codes that are loaded areas."""
        return codes.isin(self.frame.index)

    def level_of(self, codes: pd.Series) -> pd.Series:
        """Level of each code, loaded or in the gazetteer (NaN when unknown)."""
        levels = codes.map(self.frame["level"]).astype(object)
        unknown = levels.isna() & codes.notna()
        if unknown.any():
            levels[unknown] = codes[unknown].map(self.gazetteer.level_of)
        return levels

    def name_of(self, code: str) -> str:
        """The name of an area, loaded or in the gazetteer (its code when neither knows it)."""
        if code in self.frame.index:
            return str(self.frame.at[code, "name"])
        return self.gazetteer.name_of(code) or code

    def points_of(self, codes: pd.Series) -> tuple[pd.Series, pd.Series]:
        """A point inside each area (for rows that only name their area)."""
        return codes.map(self.frame["x"]), codes.map(self.frame["y"])

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Mask of points inside the region (with its buffer); all True when it has no outline."""
        if self.region is None:
            return np.ones(len(x), dtype=bool)
        return shapely.contains_xy(self.region, x, y)

    def desa_at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Code of the desa containing each point, or None."""
        out = np.full(len(x), None, dtype=object)
        if self.desa_tree is None or len(x) == 0:
            return out
        points = shapely.points(x, y)
        point_idx, geom_idx = self.desa_tree.query(points, predicate="intersects")
        out[point_idx] = self.desa_codes[geom_idx]
        return out

    def match_name(self, name: str, level: str, parent: str | None) -> NameMatch:
        """Match an area name among the areas of ``level`` (below ``parent`` when given), loaded or
        in the gazetteer."""
        return self._matcher(level, parent).match(name)

    def closest_names(self, name: str, level: str, parent: str | None) -> list[str]:
        """The names nearest to ``name`` among the areas :meth:`match_name` looks at."""
        return [self.name_of(c) for c in self._matcher(level, parent).closest(name)]

    def _matcher(self, level: str, parent: str | None) -> NameMatcher:
        key = (parent, level)
        if key not in self._matchers:
            f = self.frame[self.frame["level"] == level]
            if parent is not None:
                f = f[f["parent_code"] == parent]
            loaded = list(zip(f.index, f["name"], strict=True))
            self._matchers[key] = NameMatcher(loaded + self.gazetteer.names(level, parent))
        return self._matchers[key]
