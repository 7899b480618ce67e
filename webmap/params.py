"""Query parameters, declared once: each declaration gives both the parser and the OpenAPI description.

A ``Kind`` is what values a parameter takes: a JSON schema (type, enum, range, pattern, length) and a
parser that accepts only values of that schema, raising ``BadParameter`` (HTTP 400) that names the
parameter and the reason. A ``Param`` is a named kind with its description and default; a ``Spec``
is the parameters of one endpoint: ``spec.parse(request.args)`` checks a request (unknown, repeated
or wrong parameters get a 400 that names them; an endpoint may say itself why a name is unknown) and
``spec.openapi()`` describes it. An empty value (``?sector=``, as HTML forms send) means "not given".
``property_filter`` is the ``?name=value`` filter of a registry property, as ``gis.filters`` reads it.

The plain parsers below (``parse_int``, ``parse_bbox`` ...) are the building blocks of the kinds (also
of the OGC API's, ``webmap.ogc_params``) and are used as they are by the tiles.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from webmap.problems import ApiError, NotFound

if TYPE_CHECKING:
    from gis.layers import Prop


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
    return choose_lang(None, accept_language)


def choose_lang(lang: str | None, accept_language: str | None) -> str:
    """``lang`` when given, else English if Accept-Language starts with en, else Indonesian."""
    if lang:
        return lang
    return "en" if accept_language and accept_language.lower().startswith("en") else "id"


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
        bounds = (f"between {minimum:g} and {maximum:g}" if minimum is not None and maximum is not None
                  else f"at least {minimum:g}" if minimum is not None else f"at most {maximum:g}")
        raise BadParameter(f"{name} must be {bounds}, got {value:g}")
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


# --------------------------------------------------------------------------- kinds: schema and parser in one

# ASCII only (Python's \d also matches other scripts' digits, which no schema validator reads as numbers).
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_WHOLE = re.compile(r"[+-]?[0-9]+")
_FORM_LIST = {"style": "form", "explode": False}  # arrays as comma-separated values: bbox=1,2,3,4


@dataclass(frozen=True)
class Kind:
    """What values a parameter takes: an OpenAPI schema, and ``read(text, name)`` that accepts only those.

    ``exact`` is False when the schema cannot say everything the parser checks (``minLat <= maxLat``):
    such a kind still rejects everything outside its schema, but may reject some values inside it.
    """

    name: str
    schema: Mapping[str, Any]
    read: Callable[[str, str], Any]
    example: Any = None
    exact: bool = True
    style: Mapping[str, Any] = field(default_factory=dict)


def integer(minimum: int, maximum: int) -> Kind:
    """A whole number within [minimum, maximum]."""
    def read(value: str, name: str) -> int:
        if not _WHOLE.fullmatch(value):
            raise BadParameter(f"{name} must be a whole number, got {value!r}")
        return parse_int(value, name, default=minimum, minimum=minimum, maximum=maximum)
    return Kind("integer", {"type": "integer", "minimum": minimum, "maximum": maximum}, read)


def number(minimum: float | None = None, maximum: float | None = None) -> Kind:
    """A finite number, optionally bounded."""
    def read(value: str, name: str) -> float:
        if not re.fullmatch(NUMBER, value):
            raise BadParameter(f"{name} must be a number, got {value!r}")
        return parse_float(value, name, minimum=minimum, maximum=maximum)
    bounds = {k: v for k, v in (("minimum", minimum), ("maximum", maximum)) if v is not None}
    return Kind("number", {"type": "number", **bounds}, read)


def boolean() -> Kind:
    """``true`` or ``false`` (``1``/``0`` and ``yes``/``no`` are read too, in any case, as OpenAPI tools do)."""
    def read(value: str, name: str) -> bool:
        if value != value.strip():
            raise BadParameter(f"{name} must be true or false, got {value!r}")
        return parse_bool(value, name)
    return Kind("boolean", {"type": "boolean"}, read)


def choice(*values: str) -> Kind:
    """One of ``values`` (case-sensitive)."""
    return Kind("choice", {"type": "string", "enum": list(values)},
                lambda value, name: parse_choice(value, name, values))


def string(max_length: int, pattern: str | None = None, hint: str = "") -> Kind:
    """A string of at most ``max_length`` characters, matching ``pattern`` (whole) when given.

    ``hint`` says what a value looks like, for the error message: "{name} must be {hint}; got ...".
    """
    compiled = re.compile(pattern) if pattern else None

    def read(value: str, name: str) -> str:
        if len(value) > max_length:
            shown = value if len(value) <= 40 else value[:40] + "..."
            raise BadParameter(f"{name} must be at most {max_length} characters, got {len(value)}: {shown!r}")
        if compiled and not compiled.fullmatch(value):
            raise BadParameter(f"{name} must be {hint or 'like ' + pattern}; got {value!r}")
        return value
    schema = {"type": "string", "maxLength": max_length, **({"pattern": f"^{pattern}$"} if pattern else {})}
    return Kind("string", schema, read)


def bbox() -> Kind:
    """``minLon,minLat,maxLon,maxLat`` in WGS84 (four numbers)."""
    def read(value: str, name: str) -> tuple[float, float, float, float]:
        if not re.fullmatch(",".join([NUMBER] * 4), value):
            raise BadParameter(f"{name} must be minLon,minLat,maxLon,maxLat (4 numbers, comma separated); "
                               f"got {value!r}")
        return parse_bbox(value)
    schema = {"type": "array", "minItems": 4, "maxItems": 4,
              "items": {"type": "number", "minimum": -180, "maximum": 180}}
    return Kind("bbox", schema, read, example=[108.0, -6.7, 108.6, -6.2], exact=False, style=_FORM_LIST)


def point() -> Kind:
    """``lon,lat`` in WGS84."""
    def read(value: str, name: str) -> tuple[float, float]:
        if not re.fullmatch(f"{NUMBER},{NUMBER}", value):
            raise BadParameter(f"{name} must be lon,lat (two numbers), got {value!r}")
        return parse_point(value, name)
    schema = {"type": "array", "minItems": 2, "maxItems": 2,
              "items": {"type": "number", "minimum": -180, "maximum": 180}}
    return Kind("point", schema, read, example=[108.3143, -6.3594], exact=False, style=_FORM_LIST)


_DATE = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
_YEARS = rf"(?:{_DATE}|\.\.)(?:/(?:{_DATE}|\.\.))?"


def years() -> Kind:
    """An OGC ``datetime`` reduced to years: 2024, 2020/2024, 2020/.., ../2024 (dates are read as their year)."""
    def read(value: str, name: str) -> tuple[int | None, int | None]:
        if not re.fullmatch(_YEARS, value):
            raise BadParameter(f"{name} must be a year or an interval such as 2024, 2020/2024 or 2020/..; "
                               f"got {value!r}")
        return parse_year_interval(value)
    return Kind("years", {"type": "string", "maxLength": 21, "pattern": f"^{_YEARS}$"}, read, example="2020/2024",
                exact=False)


# --------------------------------------------------------------------------- parameters and specs


@dataclass(frozen=True)
class Param:
    """One parameter: its name, kind, description and default.

    ``where`` is ``query``, ``path`` (a wrong value means "no such resource": 404) or ``form``
    (a field of a multipart body, also accepted in the query).
    """

    name: str
    kind: Kind
    description: str
    default: Any = None
    required: bool = False
    example: Any = None
    where: Literal["query", "path", "form"] = "query"

    def parse(self, value: str | None) -> Any:
        """The typed value, ``default`` when absent or empty; BadParameter naming the parameter otherwise."""
        if value is None or value == "":
            if self.required or self.where == "path":
                raise BadParameter(f"{self.name} is required")
            return self.default
        return self.kind.read(value, self.name)

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the value, with the default."""
        return {**self.kind.schema, **({"default": self.default} if self.default is not None else {})}

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.0 parameter object."""
        required = self.required or self.where == "path"
        example = self.kind.example if self.example is None else self.example
        return {"name": self.name, "in": self.where, "required": required, "description": self.description,
                "schema": self.schema(), **({"example": example} if example is not None else {}),
                **({} if required else {"allowEmptyValue": True}), **self.kind.style}


class Spec:
    """The parameters of one endpoint: ``parse`` checks a request's, ``openapi`` documents them."""

    def __init__(self, *params: Param, unknown: Callable[[Sequence[str]], str] | None = None) -> None:
        """``unknown``, when given, writes the message of a 400 for unknown parameters (given their names)."""
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise ValueError(f"a parameter is declared twice: {names}")
        self.params = params
        self.names = tuple(p.name for p in params if p.where != "path")
        self.unknown = unknown

    def parse(self, args: Mapping[str, str], path: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Every parameter's typed value (its default when absent), after the path's (404 when wrong).

        Raises BadParameter for NUL characters, unknown parameters (names starting with ``_``, such as
        cache busters, are let through), repeated ones and wrong values.
        """
        values: dict[str, Any] = {}
        for param in self.params:
            if param.where == "path":
                try:
                    values[param.name] = param.parse((path or {}).get(param.name))
                except BadParameter as exc:
                    raise NotFound(exc.detail) from None
        self.check_names(args)
        for param in self.params:
            if param.where != "path":
                values[param.name] = param.parse(args.get(param.name))
        return values

    def check_names(self, args: Mapping[str, str]) -> None:
        """Reject NUL characters, and unknown or repeated parameters, so that a typo is not silently ignored."""
        pairs = args.items(multi=True) if hasattr(args, "getlist") else args.items()
        items = [(key or "", value or "") for key, value in pairs]  # a multipart part may come without a name
        if any("\x00" in key or "\x00" in value for key, value in items):
            raise BadParameter("parameters must not contain NUL characters")
        unknown = sorted({k or "''" for k, _ in items if k not in self.names and not k.startswith("_")})
        if unknown:
            if self.unknown is not None:
                raise BadParameter(self.unknown(unknown))
            takes = ", ".join(self.names) or "no parameters"
            raise BadParameter(f"unknown parameter(s) {', '.join(unknown)}; this endpoint takes {takes}")
        counts = Counter(k for k, _ in items)
        repeated = sorted(k for k in self.names if counts[k] > 1)
        if repeated:
            raise BadParameter(f"give {', '.join(repeated)} once")

    def openapi(self) -> list[dict[str, Any]]:
        """OpenAPI 3.0 parameter objects of the path and query parameters."""
        return [p.openapi() for p in self.params if p.where != "form"]

    def form_schema(self, **more: Mapping[str, Any]) -> dict[str, Any]:
        """The schema of a form body: the ``form`` parameters, and ``more`` required properties (a file)."""
        fields = [p for p in self.params if p.where == "form"]
        properties = {p.name: {**p.schema(), "description": p.description} for p in fields}
        required = [p.name for p in fields if p.required] + list(more)
        return {"type": "object", "required": required, "properties": {**more, **properties}}


LANG = Param("lang", choice("id", "en"),
             "Language of labels: id (Bahasa Indonesia) or en; without it, Accept-Language decides (default id).")


# --------------------------------------------------------------------------- filters of registry properties

AREA_CODES = r"[0-9]{2}\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?"  # a Kemendagri code, ASCII digits (as in a schema)
# A value of a filter of each property type, as ``gis.filters`` reads it: (pattern, hint, what an item must be).
_FILTER_VALUES = {
    "integer": (r"[+-]?[0-9]{1,18}", "whole numbers separated by commas, e.g. 5 or 5,10", "is one of these numbers"),
    "number": (NUMBER, "numbers separated by commas", "is one of these numbers"),
    "string": (r"[^,]*[^,\s][^,]*", "values separated by commas, none empty", "is one of these values"),
    "array": (r"[^,]*[^,\s][^,]*", "values separated by commas, none empty", "has every one of these values"),
    "area": (AREA_CODES, "Kemendagri codes such as 32.12 or 32.12.16, separated by commas",
             "lies inside one of these areas (any level)"),
}


def property_filter(prop: Prop) -> Param:
    """The ``?name=value`` filter of a registry property (``Prop.filterable``) as ``gis.filters`` reads it:
    several values separated by commas (booleans: true or false); an area property keeps what lies inside."""
    title = f" ({prop.title_en})" if prop.title_en else ""
    if prop.type == "boolean":
        return Param(prop.name, choice("true", "false"), f"Only items whose {prop.name}{title} is this value.")
    one, hint, what = _FILTER_VALUES["area" if prop.area else prop.type]
    return Param(prop.name, string(200, f"{one}(?:,{one})*", hint),
                 f"Only items whose {prop.name}{title} {what} (comma separated).")
