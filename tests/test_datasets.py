"""Every bundled file says where it came from and whether it is real."""

from __future__ import annotations

import json

from tests.conftest import BUNDLED

STATUSES = {"real", "illustrative", "approximate", "mixed"}
DATA_SUFFIXES = {".csv", ".xlsx", ".geojson", ".json", ".gpkg", ".zip"}


def _descriptor() -> dict:
    return json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))


def test_every_resource_has_provenance():
    data = _descriptor()
    for entry in [*data["resources"], *data.get("reference", [])]:
        assert entry.get("source"), entry["path"]
        assert entry.get("licence"), entry["path"]
        assert entry.get("status") in STATUSES, entry["path"]
        assert (BUNDLED / entry["path"]).is_file(), entry["path"]


def test_every_data_file_is_described_and_documented():
    data = _descriptor()
    described = {e["path"] for e in [*data["resources"], *data.get("reference", [])]}
    files = {p.relative_to(BUNDLED).as_posix() for p in BUNDLED.rglob("*")
             if p.suffix in DATA_SUFFIXES and p.name != "datapackage.json"}
    assert files == described
    readme = (BUNDLED / "README.md").read_text(encoding="utf-8")
    for path in described:
        assert path in readme, f"{path} is not in datasets/README.md"


def test_boundaries_load_first():
    kinds = [e["kind"] for e in _descriptor()["resources"]]
    assert kinds[:3] == ["boundaries"] * 3
    assert "boundaries" not in kinds[3:]
