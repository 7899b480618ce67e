"""The web side of the translations: the texts the pages' scripts get, labels of coded values, number formatting.

The catalogue itself is ``gis.i18n`` (shared with the core); its names are re-exported here. Templates call
``t(key)``; the browser gets the keys listed in ``JS_KEYS`` as JSON. Numbers are written the Indonesian way on
Indonesian pages (1.234,5) and the English way on English ones (1,234.5), here and in the browser
(``Intl.NumberFormat``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from gis.i18n import CATALOG, DEFAULT_LANG, LANGS, normalize_lang, t

__all__ = [
    "CATALOG", "DEFAULT_LANG", "JS_KEYS", "LANGS", "NUMBER_LOCALES", "UPLOAD_JS_KEYS", "catalog_for", "format_idr",
    "format_number", "js_config", "label", "normalize_lang", "t",
]

NUMBER_LOCALES = {"id": "id-ID", "en": "en-GB"}


def _page_keys(namespaces: set[str]) -> tuple[str, ...]:
    """The two-part keys of ``namespaces`` (``analysis.growth``); three-part keys (``analysis.class.lq.basis``)
    are the server's texts and stay off the pages."""
    return tuple(k for k in CATALOG if k.count(".") == 1 and k.split(".")[0] in namespaces)


# Keys the browser needs (labels made by the page scripts).
JS_KEYS = _page_keys({
    "common", "map", "layer", "legend", "popup", "control", "investor", "produk", "planner", "measure",
    "analysis", "share",
    "area", "level", "sector", "status", "readiness",
    "offline",
})
# Keys of the upload page's script: a page of its own, so the map pages do not carry them.
UPLOAD_JS_KEYS = _page_keys({"upload", "kind"}) + ("common.error", "common.status")


def catalog_for(lang: str, keys: tuple[str, ...] = JS_KEYS) -> dict[str, str]:
    """The texts of ``keys`` in one language (for the browser)."""
    return {key: t(key, lang) for key in keys}


def label(prefix: str, value: str | None, lang: str) -> str:
    """Label of a coded value (``status``, ``tersedia`` -> "Tersedia"); the value, tidied, when unknown."""
    if not value:
        return ""
    key = f"{prefix}.{value}"
    return t(key, lang) if key in CATALOG else value.replace("_", " ").capitalize()


def format_number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """``1234.5`` -> ``1.234,5`` (id) or ``1,234.5`` (en); ``decimals`` fixed, else as few as needed."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}" if decimals is not None else _shortest(value)
    if normalize_lang(lang) == "id":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def _shortest(value: float | int) -> str:
    """At most one decimal from 10 up, two below; no trailing zeros (19390.04 -> 19,390; 2.5 -> 2.5)."""
    digits = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_idr(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """Rupiah in words for large amounts: ``Rp 12 miliar`` / ``IDR 12 billion``."""
    if value is None:
        return "–"
    for size, key in ((1e12, "money.idr_trillion"), (1e9, "money.idr_billion"), (1e6, "money.idr_million")):
        if abs(value) >= size:
            return t(key, lang, amount=format_number(value / size, lang, 1 if (value / size) % 1 else 0))
    return t("money.idr", lang, amount=format_number(value, lang))


def js_config(lang: str, extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """What every page script gets: language, number locale and the translated texts."""
    return {"lang": normalize_lang(lang), "locale": NUMBER_LOCALES[normalize_lang(lang)],
            "messages": catalog_for(lang), **(extra or {})}
