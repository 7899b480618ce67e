"""A small, safe CQL2-text parser (OGC API Features Part 3) compiling to SQL for one registry layer.

Hand-written recursive descent, no dependencies. What it understands:

- boolean logic: ``AND``, ``OR``, ``NOT``, parentheses, ``TRUE``/``FALSE``;
- comparisons ``= <> != < <= > >=`` between properties and literals (either side, property-property too);
- ``[NOT] LIKE`` (``%`` and ``_`` wildcards), ``[NOT] BETWEEN .. AND ..``, ``[NOT] IN (..)``, ``IS [NOT] NULL``;
- ``CASEI(..)`` for case-insensitive comparisons (``CASEI(name) LIKE CASEI('%krupuk%')``);
- spatial functions ``S_INTERSECTS``, ``S_DISJOINT``, ``S_WITHIN``, ``S_CONTAINS``, ``S_TOUCHES``,
  ``S_CROSSES``, ``S_OVERLAPS``, ``S_EQUALS`` on the geometry (``geometry`` or ``geom``) and WKT
  literals (``POINT``, ``LINESTRING``, ``POLYGON``, ``MULTI*``, ``GEOMETRYCOLLECTION``) or
  ``BBOX(west, south, east, north)``; ``ENVELOPE(..)`` is accepted as a synonym of ``BBOX`` with the
  same axis order (CQL2 drafts), coordinates in CRS84 (longitude, latitude);
- array functions ``A_CONTAINS``, ``A_CONTAINEDBY``, ``A_OVERLAPS``, ``A_EQUALS`` on array properties
  (``A_CONTAINS(tags, ('krupuk'))``).

Safety: property names resolve only through the layer registry (``Prop.sql``); every literal becomes a
bound parameter; WKT is re-serialised from parsed numbers and checked with shapely before it reaches SQL.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import shapely
from shapely.errors import GEOSException

from gis.errors import InvalidRequest
from gis.layers import Layer

MAX_LENGTH = 10_000
MAX_DEPTH = 40
GEOMETRY_NAMES = ("geometry", "geom")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<qident>"(?:[^"]|"")+")
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.:]*)
  | (?P<op><=|>=|<>|!=|=|<|>)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE"}
_COMPARISONS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_SPATIAL = {
    "S_INTERSECTS": "ST_Intersects", "S_DISJOINT": "ST_Disjoint", "S_WITHIN": "ST_Within",
    "S_CONTAINS": "ST_Contains", "S_TOUCHES": "ST_Touches", "S_CROSSES": "ST_Crosses",
    "S_OVERLAPS": "ST_Overlaps", "S_EQUALS": "ST_Equals",
}
_ARRAY = {"A_CONTAINS": "@>", "A_CONTAINEDBY": "<@", "A_OVERLAPS": "&&", "A_EQUALS": "="}
_WKT_TYPES = {"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
              "GEOMETRYCOLLECTION"}
_ENVELOPES = {"BBOX", "ENVELOPE"}
_NUMERIC = {"number", "integer"}


class CqlError(InvalidRequest):
    """A filter the client must fix; the message says what and where."""


@dataclass(frozen=True)
class SqlFilter:
    """A SQL boolean fragment with its bound parameters."""

    sql: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Token:
    kind: str  # string, qident, number, ident, op, punct, end
    text: str
    pos: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "ident" else ""


@dataclass(frozen=True)
class _Operand:
    """A scalar side of a predicate: SQL text (or a pending literal) and its type."""

    kind: str  # "property", "literal", "casei"
    type: str  # string, number, integer, boolean, array
    sql: str = ""
    value: object = None
    name: str = ""


def tokenize(text: str) -> list[_Token]:
    """Split CQL2 text into tokens; raises CqlError at the first character it cannot read."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise CqlError(f"filter: unexpected character {text[pos]!r} at position {pos + 1}")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(_Token(kind, m.group(), pos + 1))
        pos = m.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def queryable_names(layer: Layer) -> list[str]:
    """Names usable in a filter on ``layer``: its properties, ``id`` and ``geometry``."""
    names = [p.name for p in layer.properties]
    if "id" not in names:
        names.append("id")
    return [*names, "geometry"]


def compile_cql2(text: str, layer: Layer, prefix: str = "cql") -> SqlFilter:
    """Compile CQL2 text into a SQL boolean fragment over ``layer`` (row alias ``t``) with bound parameters."""
    if not text or not text.strip():
        raise CqlError("filter is empty")
    if len(text) > MAX_LENGTH:
        raise CqlError(f"filter is too long ({len(text)} characters, at most {MAX_LENGTH})")
    parser = _Parser(tokenize(text), layer, prefix)
    try:
        sql = parser.boolean_expression()
    except RecursionError:  # a safety net: nesting is already capped at MAX_DEPTH
        raise CqlError("filter is nested too deeply") from None
    parser.expect_end()
    return SqlFilter(sql, parser.params)


class _Parser:
    def __init__(self, tokens: list[_Token], layer: Layer, prefix: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.layer = layer
        self.prefix = prefix
        self.params: dict[str, object] = {}
        self.depth = 0

    # --- token helpers ---------------------------------------------------------------------------
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def advance(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_keyword(self, *words: str) -> bool:
        return self.tok.upper in words

    def accept_keyword(self, word: str) -> bool:
        if self.tok.upper == word:
            self.i += 1
            return True
        return False

    def at_punct(self, char: str) -> bool:
        return self.tok.kind == "punct" and self.tok.text == char

    def expect_punct(self, char: str) -> None:
        if not self.at_punct(char):
            self.fail(f"expected {char!r}")
        self.i += 1

    def expect_keyword(self, word: str) -> None:
        if not self.accept_keyword(word):
            self.fail(f"expected {word}")

    def expect_end(self) -> None:
        if self.tok.kind != "end":
            self.fail("expected AND, OR or the end of the filter")

    def fail(self, message: str) -> None:
        found = "the end of the filter" if self.tok.kind == "end" else repr(self.tok.text)
        raise CqlError(f"filter: {message} at position {self.tok.pos}, found {found}")

    def bind(self, value: object) -> str:
        name = f"{self.prefix}_{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    # --- boolean structure ------------------------------------------------------------------------
    def boolean_expression(self) -> str:
        terms = [self.boolean_term()]
        while self.accept_keyword("OR"):
            terms.append(self.boolean_term())
        return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"

    def boolean_term(self) -> str:
        factors = [self.boolean_factor()]
        while self.accept_keyword("AND"):
            factors.append(self.boolean_factor())
        return factors[0] if len(factors) == 1 else "(" + " AND ".join(factors) + ")"

    def boolean_factor(self) -> str:
        negations = 0
        while self.accept_keyword("NOT"):
            negations += 1
        sql = self.boolean_primary()
        return f"(NOT {sql})" if negations % 2 else sql

    def boolean_primary(self) -> str:
        if self.at_punct("("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.fail(f"too many nested parentheses (at most {MAX_DEPTH})")
            self.advance()
            inner = self.boolean_expression()
            self.expect_punct(")")
            self.depth -= 1
            return f"({inner})"
        if self.at_keyword("TRUE", "FALSE") and self._next_ends_predicate():
            return self.advance().upper
        word = self.tok.upper
        if word in _SPATIAL:
            return self.spatial_predicate()
        if word in _ARRAY:
            return self.array_predicate()
        return self.comparison_predicate()

    def _next_ends_predicate(self) -> bool:
        nxt = self.tokens[self.i + 1]
        return nxt.kind == "end" or nxt.upper in ("AND", "OR") or (nxt.kind == "punct" and nxt.text == ")")

    # --- comparisons --------------------------------------------------------------------------------
    def comparison_predicate(self) -> str:
        left = self.scalar()
        negate = self.accept_keyword("NOT")
        if self.accept_keyword("LIKE"):
            return self.like(left, negate)
        if self.accept_keyword("BETWEEN"):
            return self.between(left, negate)
        if self.accept_keyword("IN"):
            return self.in_list(left, negate)
        if negate:
            self.fail("expected LIKE, BETWEEN or IN after NOT")
        if self.accept_keyword("IS"):
            negate = self.accept_keyword("NOT")
            self.expect_keyword("NULL")
            return f"({self.render(left, left.type)} IS {'NOT ' if negate else ''}NULL)"
        if self.tok.kind != "op":
            self.fail("expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN or IS NULL)")
        op = _COMPARISONS[self.advance().text]
        right = self.scalar()
        kind = self.common_type(left, right, op)
        return f"({self.render(left, kind)} {op} {self.render(right, kind)})"

    def like(self, left: _Operand, negate: bool) -> str:
        pattern = self.scalar()
        if pattern.kind == "literal" and pattern.type != "string":
            self.fail("LIKE needs a text pattern in single quotes")
        lhs = self.render(left, "string")
        if left.type != "string":
            lhs = f"CAST({lhs} AS text)"
        return f"({lhs} {'NOT ' if negate else ''}LIKE {self.render(pattern, 'string')})"

    def between(self, left: _Operand, negate: bool) -> str:
        low = self.scalar()
        self.expect_keyword("AND")
        high = self.scalar()
        kind = self.common_type(left, low, "BETWEEN")
        self.common_type(left, high, "BETWEEN")
        lhs, lo, hi = self.render(left, kind), self.render(low, kind), self.render(high, kind)
        return f"({lhs} {'NOT ' if negate else ''}BETWEEN {lo} AND {hi})"

    def in_list(self, left: _Operand, negate: bool) -> str:
        self.expect_punct("(")
        items = [self.scalar()]
        while self.at_punct(","):
            self.advance()
            items.append(self.scalar())
        self.expect_punct(")")
        kinds = [self.common_type(left, item, "IN") for item in items]
        rendered = ", ".join(self.render(item, kind) for item, kind in zip(items, kinds, strict=True))
        return f"({self.render(left, kinds[0])} {'NOT ' if negate else ''}IN ({rendered}))"

    def common_type(self, left: _Operand, right: _Operand, op: str) -> str:
        """The type both sides are compared as; literals adapt to properties."""
        for side in (left, right):
            if side.type == "array":
                self.fail(f"{side.name} is a list: use A_CONTAINS({side.name}, ('value')) instead of {op}")
        if left.kind == "literal" and right.kind == "literal":
            if left.type in _NUMERIC and right.type in _NUMERIC:
                return "number"
            return left.type if left.type == right.type else "string"
        typed = right if left.kind == "literal" else left
        other = left if typed is right else right
        if other.kind != "literal":
            if typed.type in _NUMERIC and other.type in _NUMERIC:
                return "number"
            if typed.type != other.type:
                self.fail(f"cannot compare {typed.name or typed.type} ({typed.type}) "
                          f"with {other.name or other.type} ({other.type})")
        return typed.type

    def render(self, operand: _Operand, as_type: str) -> str:
        """SQL for ``operand``; a literal is converted to ``as_type`` and bound."""
        if operand.kind != "literal":
            return operand.sql
        value = self.convert(operand, as_type)
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, str):
            sql = f"CAST({self.bind(value)} AS text)"
            return f"lower({sql})" if operand.name == "casei" else sql  # a literal inside CASEI()
        return self.bind(value)

    def convert(self, operand: _Operand, as_type: str) -> object:
        value = operand.value
        if as_type == "string":
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)
        if as_type in _NUMERIC:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                self.fail(f"expected a number, got {value!r}")
            try:
                number = float(value) if isinstance(value, str) else value
            except ValueError:
                raise CqlError(f"filter: {value!r} is not a number") from None
            if isinstance(number, float) and number.is_integer() and as_type == "integer":
                return int(number)
            return number
        if as_type == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise CqlError(f"filter: expected TRUE or FALSE, got {value!r}")
        return value

    # --- scalars ------------------------------------------------------------------------------------
    def scalar(self) -> _Operand:
        tok = self.tok
        if tok.kind == "string":
            self.advance()
            return _Operand("literal", "string", value=tok.text[1:-1].replace("''", "'"))
        if tok.kind == "number":
            self.advance()
            number = float(tok.text)
            if not math.isfinite(number):
                self.fail("numbers must be finite")
            is_int = re.fullmatch(r"[+-]?\d+", tok.text) is not None
            return _Operand("literal", "integer" if is_int else "number", value=int(tok.text) if is_int else number)
        if tok.upper in ("TRUE", "FALSE"):
            self.advance()
            return _Operand("literal", "boolean", value=tok.upper == "TRUE")
        if tok.upper == "NULL":
            self.fail("use IS NULL or IS NOT NULL to test for missing values")
        if tok.upper == "CASEI":
            return self.casei()
        if tok.kind == "qident":
            self.advance()
            return self.property(tok.text[1:-1].replace('""', '"'), tok)
        if tok.kind == "ident" and tok.upper not in _KEYWORDS:
            self.advance()
            if self.at_punct("("):
                raise CqlError(f"filter: unknown function {tok.text!r} at position {tok.pos}; "
                               "supported: CASEI, S_INTERSECTS (and other S_*), A_CONTAINS (and other A_*)")
            return self.property(tok.text, tok)
        self.fail("expected a property name or a value")
        raise AssertionError  # unreachable: fail() raises

    def casei(self) -> _Operand:
        self.advance()
        self.expect_punct("(")
        inner = self.scalar()
        self.expect_punct(")")
        if inner.kind == "literal":
            if inner.type != "string":
                self.fail("CASEI needs text")
            return _Operand("literal", "string", value=inner.value, name="casei")
        if inner.type != "string":
            self.fail(f"CASEI needs a text property, {inner.name} is {inner.type}")
        return _Operand("casei", "string", sql=f"lower({inner.sql})", name=inner.name)

    def property(self, name: str, tok: _Token) -> _Operand:
        prop = self.layer.prop(name)
        if prop is not None:
            return _Operand("property", prop.type, sql=prop.sql, name=name)
        if name == "id":
            return _Operand("property", self.layer.id_type, sql=self.layer.id_sql, name=name)
        if name in GEOMETRY_NAMES:
            raise CqlError(f"filter: the geometry can only be used in spatial functions such as "
                           f"S_INTERSECTS({name}, BBOX(...)) (position {tok.pos})")
        allowed = ", ".join(queryable_names(self.layer))
        raise CqlError(f"filter: unknown property {name!r} at position {tok.pos}; "
                       f"queryable properties of {self.layer.id}: {allowed}")

    # --- spatial ------------------------------------------------------------------------------------
    def spatial_predicate(self) -> str:
        function = _SPATIAL[self.advance().upper]
        self.expect_punct("(")
        first = self.geometry_operand()
        self.expect_punct(",")
        second = self.geometry_operand()
        self.expect_punct(")")
        return f"{function}({first}, {second})"

    def geometry_operand(self) -> str:
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
        tok = self.tok
        if tok.kind != "number":
            self.fail("expected a number")
        self.advance()
        value = float(tok.text)
        if not math.isfinite(value):
            self.fail("numbers must be finite")
        return value

    def wkt_literal(self) -> str:
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
        if self.at_punct("("):
            return self.coordinate_group()
        numbers = [self.number()]
        while self.tok.kind == "number":
            numbers.append(self.number())
        if len(numbers) not in (2, 3):
            self.fail("a coordinate is 2 or 3 numbers separated by spaces (lon lat)")
        return " ".join(repr(n) for n in numbers)

    # --- arrays -------------------------------------------------------------------------------------
    def array_predicate(self) -> str:
        op = _ARRAY[self.advance().upper]
        self.expect_punct("(")
        left = self.array_operand()
        self.expect_punct(",")
        right = self.array_operand()
        self.expect_punct(")")
        return f"({left} {op} {right})"

    def array_operand(self) -> str:
        if self.at_punct("("):
            self.advance()
            values: list[str] = []
            if not self.at_punct(")"):
                values.append(self.array_element())
                while self.at_punct(","):
                    self.advance()
                    values.append(self.array_element())
            self.expect_punct(")")
            return f"CAST({self.bind(values)} AS text[])"
        operand = self.scalar()
        if operand.kind == "literal":  # a single value stands for a one-element list
            return f"CAST({self.bind([str(self.convert(operand, 'string'))])} AS text[])"
        if operand.type != "array":
            self.fail(f"{operand.name or 'this value'} is not a list; array functions compare lists "
                      "such as tags with ('a', 'b')")
        return operand.sql

    def array_element(self) -> str:
        operand = self.scalar()
        if operand.kind != "literal":
            self.fail("array literals hold values, not properties")
        return str(self.convert(operand, "string"))
