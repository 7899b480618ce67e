"""What a request handler needs of the current app and request: the engine, the data memo, the language."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Engine

from gis.features import Memo
from gis.settings import Settings
from webmap.params import LANG, choose_lang


def engine() -> Engine:
    """The app's one database engine."""
    return current_app.extensions["peta"].engine


def settings() -> Settings:
    """The app's settings."""
    return current_app.extensions["peta"].settings


def data_memo() -> Memo | None:
    """Keep costly aggregates until the data change, in the app's data-versioned cache (``webmap.tiles``)."""
    cache, eng = current_app.extensions.get("peta_tiles"), engine()
    return None if cache is None else lambda key, make: cache.get_or_make(eng, key, make)


def api_lang() -> str:
    """``id`` or ``en`` for API responses: ``?lang=`` (read as ``params.LANG`` declares it; empty: not given),
    else Accept-Language, else Indonesian."""
    return choose_lang(LANG.parse(request.args.get("lang")), request.headers.get("Accept-Language"))
