"""Query-parameter parsers: small pure functions that raise ``BadParameter`` (HTTP 400)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from webmap.problems import ApiError


class BadParameter(ApiError):
    """A query parameter the client must fix."""

    status = 400
    title = "Invalid parameter"


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minLon,minLat,maxLon,maxLat`` in WGS84 (6 numbers with heights are accepted, heights ignored)."""
    if text is None or text == "":
        return None
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BadParameter("bbox must be minLon,minLat,maxLon,maxLat (4 numbers, comma separated)")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BadParameter(f"bbox must contain numbers only, got {text!r}") from None
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    west, south, east, north = values
    if not all(math.isfinite(v) for v in values):
        raise BadParameter("bbox values must be finite numbers")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise BadParameter("bbox is out of range: longitudes -180..180, latitudes -90..90, minLat <= maxLat")
    return west, south, east, north


def parse_int(text: str | None, name: str, *, default: int, minimum: int, maximum: int) -> int:
    """A whole number within [minimum, maximum]; says which parameter is wrong."""
    if text is None or text == "":
        return default
    if not re.fullmatch(r"[+-]?\d+", text.strip()):
        raise BadParameter(f"{name} must be a whole number, got {text!r}")
    value = int(text)
    if not minimum <= value <= maximum:
        raise BadParameter(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def parse_point(text: str | None, name: str = "near") -> tuple[float, float] | None:
    """``lon,lat`` in WGS84."""
    if text is None or text == "":
        return None
    parts = text.split(",")
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise BadParameter(f"{name} must be lon,lat (two numbers), got {text!r}") from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadParameter(f"{name} is out of range: lon -180..180, lat -90..90")
    return lon, lat


_YEAR = r"(\d{4})(?:-\d{2}(?:-\d{2}(?:T[^/]*)?)?)?"


def parse_year_interval(text: str | None) -> tuple[int | None, int | None] | None:
    """An OGC ``datetime`` (instant or interval, ``..`` open) reduced to years, for yearly data."""
    if text is None or text == "":
        return None
    ends = text.split("/")
    if len(ends) > 2:
        raise BadParameter("datetime must be an instant or an interval start/end")
    years: list[int | None] = []
    for end in ends:
        if end in ("..", ""):
            years.append(None)
            continue
        m = re.fullmatch(_YEAR, end.strip())
        if not m:
            raise BadParameter(f"datetime must be RFC 3339 (e.g. 2024 or 2020-01-01/2024-12-31), got {end!r}")
        years.append(int(m.group(1)))
    if len(years) == 1:
        if years[0] is None:
            raise BadParameter("datetime '..' needs an interval such as 2020/..")
        return years[0], years[0]
    start, end = years
    if start is not None and end is not None and start > end:
        raise BadParameter("datetime interval ends before it starts")
    return start, end


def parse_lang(args: Mapping[str, str], accept_language: str | None = None) -> str:
    """``id`` (default) or ``en``, from ``?lang=`` or the Accept-Language header."""
    lang = (args.get("lang") or "").lower()
    if lang in ("id", "en"):
        return lang
    if lang:
        raise BadParameter("lang must be id or en")
    if accept_language and accept_language.lower().startswith("en"):
        return "en"
    return "id"


def parse_float(text: str | None, name: str, *, minimum: float | None = None,
                maximum: float | None = None) -> float | None:
    """A finite number, optionally within [minimum, maximum]; None when absent."""
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise BadParameter(f"{name} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise BadParameter(f"{name} must be a finite number, got {text!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise BadParameter(f"{name} must be between {minimum} and {maximum}, got {value:g}")
    return value


def parse_bool(text: str | None, name: str, *, default: bool = False) -> bool:
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``)."""
    if text is None or text == "":
        return default
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise BadParameter(f"{name} must be true or false, got {text!r}")


def parse_choice(text: str | None, name: str, choices: tuple[str, ...], *, default: str | None = None) -> str | None:
    """One of ``choices`` (case-sensitive), or ``default`` when absent."""
    if text is None or text == "":
        return default
    if text not in choices:
        raise BadParameter(f"{name} must be one of {', '.join(choices)}; got {text!r}")
    return text
