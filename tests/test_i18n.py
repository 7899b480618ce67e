"""The one translation catalogue (gis/i18n.py): complete in both languages, every used key in it, one fallback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gis import analysis, i18n, kbli, stats
from gis.settings import PROJECT_ROOT
from webmap import i18n as web_i18n

PLACEHOLDER = re.compile(r"{(\w+)}")
# t("key"), _t("key") in Python (the OGC page template is a Python string) and t('key') in the Jinja templates;
# not t('method.' + name), a key made by a template (test_keys_made_by_code_are_in_the_catalogue)
PY_KEY = re.compile(r"""\b_?t\(\s*["']([^"']+)["']\s*[,)]""")
JS_KEY = re.compile(r"""(?:msg\([^,]+, |\bt\()'([a-z_0-9]+\.[a-z_0-9]+)'""")
JS_DIR = PROJECT_ROOT / "webmap" / "static" / "js"
CODE = [*sorted((PROJECT_ROOT / "gis").rglob("*.py")), *sorted((PROJECT_ROOT / "webmap").rglob("*.py")),
        *sorted((PROJECT_ROOT / "webmap" / "templates").glob("*.html")), PROJECT_ROOT / "app.py"]


def _keys_in(paths: list[Path], pattern: re.Pattern[str]) -> dict[str, str]:
    """Each literal key found, with the first file using it."""
    found: dict[str, str] = {}
    for path in paths:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, path.name)
    return found


@pytest.mark.parametrize("key", sorted(i18n.CATALOG))
def test_every_key_is_dotted_and_has_both_texts_with_the_same_placeholders(key):
    assert re.fullmatch(r"[a-z]+(\.[A-Za-z0-9_-]+)+", key), key
    indonesian, english = i18n.CATALOG[key]
    assert indonesian.strip() and english.strip()
    assert set(PLACEHOLDER.findall(indonesian)) == set(PLACEHOLDER.findall(english))


def test_every_key_the_code_uses_is_in_the_catalogue():
    used = _keys_in(CODE, PY_KEY)
    assert {"ogc.showing", "analysis.method.lq", "export.lon", "error.area_unknown", "nav.products"} <= set(used)
    assert {key: where for key, where in used.items() if key not in i18n.CATALOG} == {}


def test_every_key_the_scripts_use_is_in_the_catalogue_and_sent_to_their_page():
    used = _keys_in(sorted(JS_DIR.glob("*.js")), JS_KEY)
    assert used, "no translated keys found in the scripts"
    assert {key: where for key, where in used.items() if key not in i18n.CATALOG} == {}
    for path in JS_DIR.glob("*.js"):  # the map pages get JS_KEYS, the upload page UPLOAD_JS_KEYS
        sent = web_i18n.UPLOAD_JS_KEYS if path.name == "page-unggah.js" else web_i18n.JS_KEYS
        assert sorted(set(JS_KEY.findall(path.read_text(encoding="utf-8"))) - set(sent)) == [], path.name


def test_keys_made_by_code_are_in_the_catalogue():
    """Keys built from coded values: analyses, scopes, levels, classifications, KBLI sections, OGC paging links..."""
    made = [*(f"analysis.name.{a}" for a in analysis.ANALYSES),
            *(f"analysis.scope.{s}" for s in analysis.SCOPES if s != "kabupaten"),
            *(f"analysis.ref_{s}" for s in analysis.SCOPES), *(f"method.{m}" for m in stats.METHODS),
            *(f"level.{level}" for level in ("kabupaten", "kecamatan", "desa")),
            *(f"kbli.{section}" for section in kbli.SECTIONS), "ogc.next", "ogc.prev", "ogc.no",
            "money.idr_trillion", "money.idr_billion", "money.idr_million"]
    assert [key for key in made if key not in i18n.CATALOG] == []
    for classes in analysis.CLASSES.values():  # built from analysis.class.* at import: both texts each
        assert all(indonesian and english for indonesian, english in classes.values())
    assert set(analysis.FIELD_TITLES) >= {name for a in analysis.ROW_FIELDS for name in analysis.ROW_FIELDS[a]}


@pytest.mark.parametrize("lang", ["fr", "", None, "id-ID", "english"])
def test_a_language_other_than_id_or_en_falls_back_to_indonesian(lang):
    assert i18n.normalize_lang(lang) == "id"
    assert i18n.t("nav.products", lang) == i18n.t("nav.products", "id") == "Cari Produk"
    assert i18n.t("error.area_unknown", lang, code="99") == "Tidak ada wilayah dengan kode 99."
    assert analysis.lang_index(lang) == 0
    assert kbli.section_label("C", lang) == "Industri Pengolahan"
    assert i18n.t("nav.products", "EN") == "Find products"


def test_placeholders_are_filled_other_braces_are_text_and_unknown_keys_come_back():
    assert i18n.t("popup.cell", "en", n=3) == "3 producers around here. Zoom in to see them."
    assert i18n.t("popup.cell", "en") == "{n} producers around here. Zoom in to see them."  # as the browser gets it
    assert "{[(1 + r_ij)/(1 + r_j)] / [(1 + R_i)/(1 + R)]}^t" in i18n.t("analysis.method.dlq", "en")
    assert i18n.t("no.such_key", "en") == "no.such_key"
    with pytest.raises(KeyError):
        i18n.t("popup.cell", "en", m=3)


def test_the_web_module_reexports_the_catalogue_and_sends_the_pages_only_their_keys():
    for name in ("CATALOG", "DEFAULT_LANG", "LANGS", "normalize_lang", "t"):
        assert getattr(web_i18n, name) is getattr(i18n, name), name
    for keys in (web_i18n.JS_KEYS, web_i18n.UPLOAD_JS_KEYS):
        assert all(key.count(".") == 1 for key in keys)  # the server's three-part texts stay off the pages
    assert "analysis.growth" in web_i18n.JS_KEYS and "analysis.class.lq.basis" not in web_i18n.JS_KEYS


def test_the_core_translates_without_flask_or_the_web_package():
    script = ("import sys; from gis import analysis, exports, i18n, kbli, profiles; "
              "print(i18n.t('level.desa', 'en'), analysis.LQ_CLASSES['basis'][1]); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'webmap')))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=PROJECT_ROOT).stdout.splitlines()
    assert out == ["Village Basic (LQ > 1)", "[]"]
