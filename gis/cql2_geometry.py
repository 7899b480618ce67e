"""Spatial functions of CQL2 text: ``S_INTERSECTS(geometry, <literal>)`` and the other ``S_*`` functions.

Operands are the layer's geometry (``geometry`` or ``geom``), WKT literals (``POINT``, ``LINESTRING``,
``POLYGON``, ``MULTI*``, ``GEOMETRYCOLLECTION``) and ``BBOX(west, south, east, north)`` (``ENVELOPE`` is a
synonym, same axis order), coordinates in CRS84. WKT is re-serialised from the parsed numbers and checked
with shapely before it is bound; no text of the filter reaches SQL.
"""

from __future__ import annotations

import math

import shapely
from shapely.errors import GEOSException

from gis.cql2_lexer import MAX_DEPTH, CqlError, Token, TokenCursor
from gis.layers import Layer

GEOMETRY_NAMES = ("geometry", "geom")
SPATIAL_FUNCTIONS = {
    "S_INTERSECTS": "ST_Intersects", "S_DISJOINT": "ST_Disjoint", "S_WITHIN": "ST_Within",
    "S_CONTAINS": "ST_Contains", "S_TOUCHES": "ST_Touches", "S_CROSSES": "ST_Crosses",
    "S_OVERLAPS": "ST_Overlaps", "S_EQUALS": "ST_Equals",
}
_WKT_TYPES = {"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
              "GEOMETRYCOLLECTION"}
_ENVELOPES = {"BBOX", "ENVELOPE"}


class GeometryReader(TokenCursor):
    """Reads spatial predicates and geometry literals into SQL over ``layer.geom_sql``."""

    def __init__(self, tokens: list[Token], layer: Layer, prefix: str) -> None:
        super().__init__(tokens, prefix)
        self.layer = layer

    def spatial_predicate(self) -> str:
        """``S_xxx(a, b)`` at the cursor as ``ST_Xxx(a, b)``."""
        function = SPATIAL_FUNCTIONS[self.advance().upper]
        self.expect_punct("(")
        first = self.geometry_operand()
        self.expect_punct(",")
        second = self.geometry_operand()
        self.expect_punct(")")
        return f"{function}({first}, {second})"

    def geometry_operand(self) -> str:
        """The layer's geometry, a BBOX/ENVELOPE or a WKT literal."""
        tok = self.tok
        if tok.kind in ("ident", "qident"):
            name = tok.text.strip('"')
            if name.lower() in GEOMETRY_NAMES:
                self.advance()
                return self.layer.geom_sql
            if tok.upper in _ENVELOPES:
                return self.envelope()
            if tok.upper in _WKT_TYPES:
                return self.wkt_literal()
        self.fail("expected the geometry property (geometry) or a geometry literal such as POINT(lon lat) or "
                  "BBOX(west, south, east, north)")
        raise AssertionError  # unreachable

    def envelope(self) -> str:
        """``BBOX(w, s, e, n)`` (or the 6-number 3D form) as ``ST_MakeEnvelope`` with bound numbers."""
        self.advance()
        self.expect_punct("(")
        numbers = [self.number()]
        while self.at_punct(","):
            self.advance()
            numbers.append(self.number())
        self.expect_punct(")")
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        if len(numbers) != 4:
            self.fail("BBOX needs west, south, east, north (4 numbers)")
        west, south, east, north = numbers
        if south > north:
            self.fail("BBOX south is above north: the order is west, south, east, north")
        return "ST_MakeEnvelope({}, {}, {}, {}, 4326)".format(*(self.bind(v) for v in (west, south, east, north)))

    def number(self) -> float:
        """A finite number token."""
        tok = self.tok
        if tok.kind != "number":
            self.fail("expected a number")
        self.advance()
        value = float(tok.text)
        if not math.isfinite(value):
            self.fail("numbers must be finite")
        return value

    def wkt_literal(self) -> str:
        """A WKT geometry, checked with shapely, as ``ST_GeomFromText(:param, 4326)``."""
        start = self.tok.pos
        wkt = self.wkt_geometry()
        try:
            geometry = shapely.from_wkt(wkt)
        except (GEOSException, ValueError) as exc:
            raise CqlError(f"filter: the geometry at position {start} is not valid: {exc}") from None
        if geometry is None or geometry.is_empty:
            raise CqlError(f"filter: the geometry at position {start} is empty")
        return f"ST_GeomFromText({self.bind(wkt)}, 4326)"

    def wkt_geometry(self) -> str:
        """The WKT text of the geometry at the cursor, rebuilt from its parsed numbers."""
        word = self.advance().upper
        if word not in _WKT_TYPES:
            self.fail("expected a geometry type such as POINT or POLYGON")
        if word == "GEOMETRYCOLLECTION":
            self.expect_punct("(")
            parts = [self.wkt_geometry()]
            while self.at_punct(","):
                self.advance()
                parts.append(self.wkt_geometry())
            self.expect_punct(")")
            return f"{word}({', '.join(parts)})"
        return word + self.coordinate_group()

    def coordinate_group(self) -> str:
        """A parenthesised list of coordinates or of nested groups (rings, parts)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail("geometry nested too deeply")
        self.expect_punct("(")
        items = [self.coordinate_item()]
        while self.at_punct(","):
            self.advance()
            items.append(self.coordinate_item())
        self.expect_punct(")")
        self.depth -= 1
        return "(" + ", ".join(items) + ")"

    def coordinate_item(self) -> str:
        """One coordinate (2 or 3 numbers) or a nested group."""
        if self.at_punct("("):
            return self.coordinate_group()
        numbers = [self.number()]
        while self.tok.kind == "number":
            numbers.append(self.number())
        if len(numbers) not in (2, 3):
            self.fail("a coordinate is 2 or 3 numbers separated by spaces (lon lat)")
        return " ".join(repr(n) for n in numbers)
