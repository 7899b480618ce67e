"""Dependencies point one way: ``gis`` and ``etl`` import neither Flask nor ``webmap``; ``gis`` no ``etl``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"gis": ("flask", "webmap", "etl", "app"), "etl": ("flask", "webmap", "app")}


def _imports(path: Path) -> set[str]:
    """The top-level package of every module ``path`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_the_core_and_the_loader_import_nothing_above_them(package):
    modules = sorted((ROOT / package).rglob("*.py"))
    assert len(modules) > 5
    wrong = {str(m.relative_to(ROOT)): sorted(_imports(m) & set(FORBIDDEN[package])) for m in modules}
    assert {m: names for m, names in wrong.items() if names} == {}
