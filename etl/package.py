"""Load every file described by a folder's datapackage.json, in the order given there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.errors import EtlError
from etl.jobs import JOBS


@dataclass(frozen=True)
class Resource:
    """One loadable file of a data package."""

    name: str
    path: Path
    kind: str
    commodity: str | None = None
    year: int | None = None
    area: str | None = None  # grdp: the region of a table whose title does not name it
    price_basis: str | None = None  # grdp: adhk or adhb, for a table whose title does not say


def read_package(folder: Path) -> list[Resource]:
    """The loadable resources of ``folder/datapackage.json``, checked for kind and file."""
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        raise EtlError(f"{folder} has no datapackage.json describing its files (see datasets/README.md)")
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EtlError(f"{descriptor}: not valid JSON ({exc})") from exc
    return list(_resources(folder, data.get("resources", [])))


def _resources(folder: Path, entries: list[dict]) -> Iterator[Resource]:
    for i, entry in enumerate(entries, start=1):
        kind = entry.get("kind")
        if kind not in JOBS:
            raise EtlError(f"resource {i} ({entry.get('name')}): unknown kind {kind!r}; "
                           f"use one of {', '.join(JOBS)}")
        path = (folder / entry["path"]).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            raise EtlError(f"resource {i} ({entry.get('name')}): file {entry['path']} not found in {folder}")
        options = entry.get("options", {})
        yield Resource(entry.get("name", path.stem), path, kind, options.get("commodity"),
                       options.get("year"), options.get("area"), options.get("price_basis"))
