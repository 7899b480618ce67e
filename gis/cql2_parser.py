"""The CQL2-text parser: boolean structure, comparisons, ``CASEI`` and array functions, compiled to SQL.

One pass, recursive descent, no AST: each rule returns the SQL of what it read. Property names resolve only
through the layer registry (``Prop.sql``, plus ``id``); literals are converted to the type of the property
they meet and bound (gis/cql2_lexer.py); spatial functions are read by gis/cql2_geometry.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from gis.cql2_geometry import GEOMETRY_NAMES, SPATIAL_FUNCTIONS, GeometryReader
from gis.cql2_lexer import MAX_DEPTH, CqlError, SqlFilter, Token, tokenize
from gis.layers import Layer

MAX_LENGTH = 10_000
MAX_NUMBER_LENGTH = 400  # longer than any finite double written out; Python reads at most 4300 digits as an int
_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE"}
_COMPARISONS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ARRAY = {"A_CONTAINS": "@>", "A_CONTAINEDBY": "<@", "A_OVERLAPS": "&&", "A_EQUALS": "="}
_NUMERIC = {"number", "integer"}


@dataclass(frozen=True)
class _Operand:
    """A scalar side of a predicate: SQL text (or a pending literal) and its type."""

    kind: str  # "property", "literal", "casei"
    type: str  # string, number, integer, boolean, array
    sql: str = ""
    value: object = None
    name: str = ""


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


class _Parser(GeometryReader):
    """Recursive descent over the tokens of one filter; each rule returns SQL."""

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
        if word in SPATIAL_FUNCTIONS:
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
            if len(tok.text) > MAX_NUMBER_LENGTH:
                self.fail(f"numbers are at most {MAX_NUMBER_LENGTH} characters long")
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

    def property(self, name: str, tok: Token) -> _Operand:
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
