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

This module is the public face; the work is split by concern:

- ``gis/cql2_lexer.py``: tokens, the token cursor, ``CqlError`` (the message names the position) and
  bound parameters;
- ``gis/cql2_geometry.py``: spatial functions, WKT and BBOX literals;
- ``gis/cql2_parser.py``: boolean structure, comparisons, ``CASEI``, array functions, typing of literals,
  and ``compile_cql2``.
"""

from __future__ import annotations

from gis.cql2_geometry import GEOMETRY_NAMES
from gis.cql2_lexer import MAX_DEPTH, CqlError, SqlFilter, tokenize
from gis.cql2_parser import MAX_LENGTH, compile_cql2, queryable_names

__all__ = ["GEOMETRY_NAMES", "MAX_DEPTH", "MAX_LENGTH", "CqlError", "SqlFilter", "compile_cql2",
           "queryable_names", "tokenize"]
