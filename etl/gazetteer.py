"""The official list of a region's areas (the gazetteer): names to match rows against, names for derived areas.

Read from ``PETA_GAZETTEER_DIR`` (default ``datasets/reference``): ``kecamatan.csv`` (code, name),
``desa.csv`` (code, name, kecamatan_code) and, when present, ``kabupaten.csv`` (code, name); other
columns are ignored. Only the areas of the region are kept. A directory without these files is an
empty gazetteer: rows are then matched against the loaded areas alone.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from etl.columns import code_level, normalize_code, parent_of
from etl.errors import ReadError

FILES = ("kabupaten.csv", "kecamatan.csv", "desa.csv")


@dataclass(frozen=True)
class Place:
    """One area of the gazetteer."""

    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class Gazetteer:
    """The region's official areas by code."""

    places: dict[str, Place] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path, region_code: str) -> Gazetteer:
        """Read the gazetteer files of ``directory`` (read again only when a file changes)."""
        stamps = tuple((directory / name).stat().st_mtime_ns if (directory / name).is_file() else None
                       for name in FILES)
        return _read(directory, region_code, stamps)

    def name_of(self, code: str) -> str | None:
        """The official name of ``code``, or None."""
        place = self.places.get(code)
        return place.name if place else None

    def level_of(self, code: str) -> str | None:
        """The level of ``code`` when the gazetteer lists it."""
        place = self.places.get(code)
        return place.level if place else None

    def names(self, level: str, parent: str | None) -> list[tuple[str, str]]:
        """(code, name) of the places of ``level``, below ``parent`` when given."""
        return [(p.code, p.name) for p in self.places.values()
                if p.level == level and (parent is None or p.parent_code == parent)]


@lru_cache(maxsize=8)
def _read(directory: Path, region_code: str, _stamps: tuple[int | None, ...]) -> Gazetteer:
    places: dict[str, Place] = {}
    for name in FILES:
        path = directory / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not {"code", "name"} <= set(reader.fieldnames or ()):
                raise ReadError("a gazetteer file needs the columns code and name (PETA_GAZETTEER_DIR)", path)
            for row in reader:
                place = _place(row)
                if place is not None and (place.code == region_code or place.code.startswith(region_code + ".")):
                    places[place.code] = place
    return Gazetteer(places)


def _place(row: dict[str, str]) -> Place | None:
    code = normalize_code(row.get("code") or "")
    name = (row.get("name") or "").strip()
    if code is None or not name or code.count(".") > 3:
        return None
    parent = normalize_code(row.get("kecamatan_code") or "") or parent_of(code)
    return Place(code, name, code_level(code), None if code.count(".") == 1 else parent)
