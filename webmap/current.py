"""What a request handler needs of the current app and request: the engine, the language, the parameters."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Engine

from gis.features import Memo
from webmap.params import BadParameter, parse_lang


def engine() -> Engine:
    """The app's one database engine."""
    return current_app.extensions["peta"].engine


def data_memo() -> Memo | None:
    """Keep costly aggregates until the data change, in the app's data-versioned cache (``webmap.tiles``)."""
    cache, eng = current_app.extensions.get("peta_tiles"), engine()
    return None if cache is None else lambda key, make: cache.get_or_make(eng, key, make)


def api_lang() -> str:
    """``id`` or ``en`` for API responses: ``?lang=``, else Accept-Language, else Indonesian."""
    return parse_lang(request.args, request.headers.get("Accept-Language"))


def allow_only(*names: str) -> None:
    """Reject unknown or repeated parameters, so that a typo is not silently ignored."""
    unknown = sorted(k for k in request.args if k not in names and not k.startswith("_"))
    if unknown:
        raise BadParameter(f"unknown parameter(s) {', '.join(unknown)}; this endpoint takes {', '.join(names)}")
    repeated = sorted(k for k in names if len(request.args.getlist(k)) > 1)
    if repeated:
        raise BadParameter(f"give {', '.join(repeated)} once")
