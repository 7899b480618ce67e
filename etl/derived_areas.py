"""Kecamatan and kabupaten derived from a boundary file's desa when the higher levels are not loaded.

A desa file loaded alone names each desa's kecamatan (by the code's prefix, 32.12.16.2004 ->
32.12.16 -> 32.12, and often by name: ``kecamatan_nama``, BIG's ``WADMKC`` and ``WADMKK``). The
areas it needs that are neither loaded nor in the file are derived: made first, empty, so that
the desa can refer to them; once every row is written, each becomes the union of its desa
(dissolved, made valid, a MultiPolygon), measured (``area_source`` 'computed') and marked
``derived``. Loading the real level later replaces them (an upsert that sets ``derived`` false);
an area loaded from a file is never overwritten by a derivation. It all happens in the load's
transaction, so a rejected file leaves nothing behind.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from etl.columns import code_level, parent_of
from etl.context import ChunkContext
from etl.names import normalize_name
from etl.report import Report

if TYPE_CHECKING:
    from etl.staging import Sink

PLAN = "derive"  # the transform's column of areas to derive for each row (not staged)
DERIVABLE = ("kecamatan", "kabupaten")


@dataclass(frozen=True)
class DerivedArea:
    """An area to derive from its desa: code, name, level and (once it exists) its parent."""

    code: str
    name: str
    level: str
    parent_code: str | None


def plan_parents(ctx: ChunkContext, frame: pd.DataFrame, codes: pd.Series, parents: pd.Series,
                 orphans: np.ndarray, in_file: set[str]) -> tuple[pd.Series, np.ndarray]:
    """The areas to derive for each orphan row (its parent, and that one's parent when missing too),
    and the mask of orphans whose parent cannot be derived (not the code's prefix, or outside the region)."""
    areas = ctx.areas
    plan = pd.Series(None, index=frame.index, dtype=object)
    stuck = np.zeros(len(frame), dtype=bool)
    kecamatan_names = _column(frame, "kecamatan_name")
    kabupaten_names = _column(frame, "kabupaten_name")
    made: dict[str, DerivedArea] = {}
    for i in np.flatnonzero(orphans):
        code, parent = codes.iat[i], parents.iat[i]
        if parent is None or parent != parent_of(code) or not areas.in_region(parent) \
                or code_level(parent) not in DERIVABLE:
            stuck[i] = True
            continue
        chain = [parent]
        grand = parent_of(parent)
        if code_level(parent) == "kecamatan" and grand is not None and areas.in_region(grand) \
                and grand not in in_file and grand not in areas.frame.index:
            chain.append(grand)
        given = {"kecamatan": kecamatan_names[i] if code_level(code) == "desa" else None,
                 "kabupaten": kabupaten_names[i]}
        for area in chain:
            if area not in made:
                made[area] = _derived(ctx, area, given[code_level(area)], i)
        plan.iat[i] = tuple(made[a] for a in chain)
    if ctx.options.dry_run and made:
        ctx.report.notes.append(f"not loaded, so derived by dissolving the areas below them when the file loads: "
                                f"{_tally(made.values())}")
    return plan, stuck


def _derived(ctx: ChunkContext, code: str, given: str | None, row: int) -> DerivedArea:
    level = code_level(code)
    name = given or ctx.areas.gazetteer.name_of(code)
    if name is None:
        name = code
        mask = np.zeros(len(ctx.rows), dtype=bool)
        mask[row] = True
        ctx.warn(mask, f"{level}_name", None, f"{level} {code} is named neither in the file nor in the "
                 "gazetteer: it is derived under its code as name", "unnamed-area")
    return DerivedArea(code, name, level, parent_of(code) if level == "kecamatan" else None)


def _column(frame: pd.DataFrame, name: str) -> list[str | None]:
    if name not in frame:
        return [None] * len(frame)
    return [v if isinstance(v, str) and v.strip() else None for v in frame[name].astype(object)]


def _tally(areas: Any) -> str:
    counts = Counter(a.level for a in areas)
    return ", ".join(f"{counts[level]} {level}" for level in DERIVABLE if counts[level])


class DerivedAreasSink:
    """A sink that makes the areas a chunk's rows need before writing them, and dissolves them at the end."""

    def __init__(self, sink: Sink, conn: Connection, load_run_id: int) -> None:
        self.sink = sink
        self.conn = conn
        self.load_run_id = load_run_id
        self.created: dict[str, DerivedArea] = {}
        self.touched: set[str] = set()  # ancestors of the rows written: derived ones are dissolved again

    def prepare(self, frame: pd.DataFrame, rows: np.ndarray) -> tuple[list[DerivedArea], set[str], Any]:
        """The areas to make for these rows, their ancestors, and what the wrapped sink prepares."""
        plans = frame[PLAN].dropna() if PLAN in frame else []
        needed = list({a.code: a for plan in plans for a in plan}.values())
        ancestors = {a for code in frame["code"].dropna() for a in _ancestors(code)}
        return needed, ancestors, self.sink.prepare(frame, rows)

    def write(self, prepared: tuple[list[DerivedArea], set[str], Any]) -> int:
        """Make the missing areas (empty for now, without parent), then write through the wrapped sink."""
        needed, ancestors, rows = prepared
        self.touched |= ancestors
        new = [a for a in needed if a.code not in self.created]
        if new:
            made = set(self.conn.execute(text(
                "INSERT INTO areas (code, name, name_key, level, geom, approximate, derived, load_run_id) "
                "SELECT a.code, a.name, a.name_key, a.level, ST_GeomFromText('MULTIPOLYGON EMPTY', 4326), false, "
                "true, :run FROM jsonb_to_recordset(CAST(:areas AS jsonb)) "
                "AS a(code text, name text, name_key text, level text) "
                "ON CONFLICT (code) DO NOTHING RETURNING code"),  # an area loaded meanwhile is kept as it is
                {"run": self.load_run_id, "areas": _json(new)}).scalars())
            self.created.update({a.code: a for a in new if a.code in made})
        return self.sink.write(rows)

    def finish(self, report: Report) -> None:
        """Hang the new areas below their parents and dissolve every derived area the load touched."""
        for area in self.created.values():
            if area.parent_code is not None:
                self.conn.execute(text("UPDATE areas SET parent_code = :p WHERE code = :c AND derived "
                                       "AND EXISTS (SELECT 1 FROM areas WHERE code = :p)"),
                                  {"p": area.parent_code, "c": area.code})
        codes = sorted(self.touched | set(self.created))
        for level in DERIVABLE:  # kecamatan first: a kabupaten without desa is the union of its kecamatan
            self.conn.execute(text(DISSOLVE), {"codes": codes, "level": level, "run": self.load_run_id})
        still = set(self.conn.execute(text("SELECT code FROM areas WHERE code = ANY(:codes) AND derived"),
                                      {"codes": sorted(self.created)}).scalars())  # not in a later chunk
        derived = [a for a in self.created.values() if a.code in still]
        for level, n in Counter(a.level for a in derived).items():
            report.counts[f"derived:{level}"] += n
        if derived:
            report.notes.append(f"not loaded, so derived by dissolving the areas below them (loading the real "
                                f"ones replaces them): {_tally(derived)}")


# The union of the desa below a derived area (of its children when it has no desa), valid, a MultiPolygon.
DISSOLVE = """
UPDATE areas k SET geom = u.geom, approximate = u.approximate, load_run_id = :run,
       area_km2 = CASE WHEN u.approximate THEN NULL ELSE ST_Area(u.geom::geography) / 1e6 END,
       area_source = CASE WHEN u.approximate THEN NULL ELSE 'computed' END, area_year = NULL
FROM (
    SELECT k2.code, bool_or(d.approximate) AS approximate,
           ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(d.geom)), 3)) AS geom
    FROM areas k2
    JOIN areas d ON CASE WHEN EXISTS (SELECT 1 FROM areas x WHERE x.level = 'desa' AND x.code LIKE k2.code || '.%')
                         THEN d.level = 'desa' AND d.code LIKE k2.code || '.%'
                         ELSE d.parent_code = k2.code END
    WHERE k2.code = ANY(:codes) AND k2.derived AND k2.level = :level AND NOT ST_IsEmpty(d.geom)
    GROUP BY k2.code
) u
WHERE k.code = u.code AND (k.geom IS DISTINCT FROM u.geom OR k.approximate IS DISTINCT FROM u.approximate)
"""


def _ancestors(code: str) -> list[str]:
    out = []
    while (code := parent_of(code)) is not None:
        out.append(code)
    return out


def _json(areas: list[DerivedArea]) -> str:
    return json.dumps([{"code": a.code, "name": a.name, "name_key": normalize_name(a.name), "level": a.level}
                       for a in areas])
