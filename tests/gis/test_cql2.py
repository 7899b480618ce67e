"""CQL2-text parser: pure tests (no database); the SQL it yields runs in tests/gis/test_features.py."""

from __future__ import annotations

import re

import pytest

from gis.cql2 import MAX_DEPTH, CqlError, compile_cql2, queryable_names, tokenize
from gis.errors import InvalidRequest
from gis.layers import LAYERS

PRODUCERS = LAYERS["producers"]
AREAS = LAYERS["kecamatan"]


def compile_(text: str, layer=PRODUCERS):
    return compile_cql2(text, layer)


def test_tokenizer_reads_strings_numbers_identifiers_and_operators():
    kinds = [(t.kind, t.text) for t in tokenize("name <> 'O''Neil' AND \"employees\">=-5.5e1")]
    assert kinds == [("ident", "name"), ("op", "<>"), ("string", "'O''Neil'"), ("ident", "AND"),
                     ("qident", '"employees"'), ("op", ">="), ("number", "-5.5e1"), ("end", "")]


def test_comparison_binds_the_value_and_uses_registry_sql():
    f = compile_("sector = 'C'")
    assert f.sql == "(t.sector = CAST(:cql_0 AS text))"
    assert f.params == {"cql_0": "C"}


@pytest.mark.parametrize("op, sql_op", [("=", "="), ("<>", "<>"), ("!=", "<>"), ("<", "<"), ("<=", "<="),
                                        (">", ">"), (">=", ">=")])
def test_every_comparison_operator(op, sql_op):
    f = compile_(f"employees {op} 5")
    assert f.sql == f"(t.employees {sql_op} :cql_0)"
    assert f.params == {"cql_0": 5}


def test_literal_is_converted_to_the_property_type():
    assert compile_("kbli = 10794").params == {"cql_0": "10794"}  # kbli is text: the number becomes text
    assert compile_("employees > '7'").params == {"cql_0": 7}
    assert compile_("employees > 2.5").params == {"cql_0": 2.5}
    assert compile_("approximate = TRUE", AREAS).sql == "(t.approximate = TRUE)"


def test_literal_on_the_left_and_property_property():
    assert compile_("5 < employees").sql == "(:cql_0 < t.employees)"
    assert compile_("employees <= established_year").sql == "(t.employees <= t.established_year)"


def test_boolean_structure_and_precedence():
    f = compile_("sector = 'C' OR sector = 'G' AND NOT (employees < 3)")
    assert f.sql == ("((t.sector = CAST(:cql_0 AS text)) OR ((t.sector = CAST(:cql_1 AS text)) AND "
                     "(NOT ((t.employees < :cql_2)))))")
    assert compile_("TRUE").sql == "TRUE"
    assert compile_("(FALSE OR employees IS NULL)").sql == "((FALSE OR (t.employees IS NULL)))"


def test_keywords_are_case_insensitive():
    assert compile_("sector = 'C' and not employees is not null").sql == (
        "((t.sector = CAST(:cql_0 AS text)) AND (NOT (t.employees IS NOT NULL)))")


def test_like_between_in_and_null():
    assert compile_("name LIKE 'Krupuk%'").sql == "(t.name LIKE CAST(:cql_0 AS text))"
    assert compile_("name NOT LIKE '%a_'").sql == "(t.name NOT LIKE CAST(:cql_0 AS text))"
    f = compile_("established_year BETWEEN 2000 AND 2010")
    assert f.sql == "(t.established_year BETWEEN :cql_0 AND :cql_1)" and f.params == {"cql_0": 2000, "cql_1": 2010}
    assert "NOT BETWEEN" in compile_("employees NOT BETWEEN 1 AND 4").sql
    f = compile_("kbli IN ('10794', 10792)")
    assert f.sql == "(t.kbli IN (CAST(:cql_0 AS text), CAST(:cql_1 AS text)))"
    assert f.params == {"cql_0": "10794", "cql_1": "10792"}
    assert "NOT IN" in compile_("sector NOT IN ('A')").sql
    assert compile_("website IS NULL").sql == "(t.website IS NULL)"
    assert compile_("website IS NOT NULL").sql == "(t.website IS NOT NULL)"


def test_casei():
    f = compile_("CASEI(name) LIKE CASEI('%KRUPUK%')")
    assert f.sql == "(lower(t.name) LIKE lower(CAST(:cql_0 AS text)))"
    assert f.params == {"cql_0": "%KRUPUK%"}


def test_double_quoted_names_and_id():
    assert compile_('"sector" = \'C\'').sql == "(t.sector = CAST(:cql_0 AS text))"
    assert compile_("id = 3").sql == "(t.id = :cql_0)"
    assert compile_("id = '32.12.01'", AREAS).sql == "(t.code = CAST(:cql_0 AS text))"


def test_spatial_functions_with_literals():
    f = compile_("S_INTERSECTS(geometry, BBOX(108.2, -6.5, 108.4, -6.3))")
    assert f.sql == "ST_Intersects(t.geom, ST_MakeEnvelope(:cql_0, :cql_1, :cql_2, :cql_3, 4326))"
    assert f.params == {"cql_0": 108.2, "cql_1": -6.5, "cql_2": 108.4, "cql_3": -6.3}
    assert compile_("S_INTERSECTS(geom, ENVELOPE(108.2, -6.5, 108.4, -6.3))").params["cql_1"] == -6.5
    f = compile_("S_WITHIN(geometry, POLYGON((108 -6.5, 108.4 -6.5, 108.4 -6.3, 108 -6.5)))")
    assert f.sql == "ST_Within(t.geom, ST_GeomFromText(:cql_0, 4326))"
    assert f.params["cql_0"] == "POLYGON((108.0 -6.5, 108.4 -6.5, 108.4 -6.3, 108.0 -6.5))"
    f = compile_("s_intersects(POINT(108.3 -6.4), geometry)")
    assert f.sql == "ST_Intersects(ST_GeomFromText(:cql_0, 4326), t.geom)"
    assert compile_("S_DISJOINT(geometry, MULTIPOINT((108 -6), (108.1 -6.1)))").params["cql_0"] == (
        "MULTIPOINT((108.0 -6.0), (108.1 -6.1))")
    gc = compile_("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(108 -6), LINESTRING(108 -6, 109 -7)))")
    assert gc.params["cql_0"] == "GEOMETRYCOLLECTION(POINT(108.0 -6.0), LINESTRING(108.0 -6.0, 109.0 -7.0))"
    joined = compile_cql2("S_INTERSECTS(geometry, POINT(108.3 -6.4))", LAYERS["agriculture"])
    assert joined.sql.startswith("ST_Intersects(a.geom,")


@pytest.mark.parametrize("fn", ["S_INTERSECTS", "S_DISJOINT", "S_WITHIN", "S_CONTAINS", "S_TOUCHES", "S_CROSSES",
                                "S_OVERLAPS", "S_EQUALS"])
def test_every_spatial_function(fn):
    assert compile_(f"{fn}(geometry, POINT(108 -6))").sql.startswith("ST_" + fn[2:].title())


def test_array_functions():
    f = compile_("A_CONTAINS(tags, ('krupuk', 'ikan'))")
    assert f.sql == "(t.tags @> CAST(:cql_0 AS text[]))" and f.params == {"cql_0": ["krupuk", "ikan"]}
    assert compile_("A_OVERLAPS(tags, ('a'))").sql == "(t.tags && CAST(:cql_0 AS text[]))"
    assert compile_("A_CONTAINEDBY(tags, ('a', 'b'))").sql == "(t.tags <@ CAST(:cql_0 AS text[]))"
    assert compile_("A_EQUALS(tags, ())").params == {"cql_0": []}
    assert compile_("A_CONTAINS(tags, 'krupuk')").params == {"cql_0": ["krupuk"]}


def test_user_text_never_reaches_the_sql():
    hostile = ["x'); DROP TABLE producers; --", "\" OR 1=1 --", "%' OR '1'='1"]
    for value in hostile:
        quoted = value.replace("'", "''")
        f = compile_(f"name = '{quoted}' OR CASEI(products) LIKE '{quoted}'")
        assert value not in f.sql and "DROP" not in f.sql
        assert set(f.params.values()) == {value}
        assert re.fullmatch(r"[\w\s().,:=<>']+", f.sql), f.sql


@pytest.mark.parametrize("text, message", [
    ("nama = 'x'", "unknown property 'nama' at position 1;"),
    ("sector = ", "expected a property name or a value at position 10, found the end of the filter"),
    ("sector = 'C' sector", "expected AND, OR or the end of the filter at position 14, found 'sector'"),
    ("sector = 'C", "unexpected character \"'\" at position 10"),
    ("sector ~ 'C'", "unexpected character '~' at position 8"),
    ("(sector = 'C'", "expected ')' at position 14, found the end of the filter"),
    ("employees = 'many'", "'many' is not a number"),
    ("employees = NULL", "use IS NULL or IS NOT NULL to test for missing values at position 13"),
    ("sector NOT = 'C'", "expected LIKE, BETWEEN or IN after NOT at position 12, found '='"),
    ("tags = 'krupuk'", "A_CONTAINS(tags"),
    ("name = employees", "cannot compare name (string) with employees"),
    ("geometry = 'x'", "spatial functions"),
    ("S_INTERSECTS(geometry, BBOX(108, -6, 109))", "4 numbers"),
    ("S_INTERSECTS(geometry, BBOX(108, -6, 109, -7))", "south is above north"),
    ("S_INTERSECTS(geometry, POLYGON((108 -6, 109 -6, 109 -7)))", "the geometry at position 24 is not valid"),
    ("S_INTERSECTS(geometry, POINT(108))", "2 or 3 numbers separated by spaces (lon lat) at position 33"),
    ("S_INTERSECTS(name, POINT(108 -6))", "expected the geometry property (geometry) or a geometry literal"),
    ("S_INTERSECTS(geometry POINT(108 -6))", "expected ',' at position 23, found 'POINT'"),
    ("UPPER(name) = 'X'", "unknown function 'UPPER' at position 1;"),
    ("A_CONTAINS(name, ('x'))", "name is not a list"),
    ("CASEI(employees) = 'x'", "CASEI needs a text property"),
    ("NOT (sector = 'C'", "expected ')' at position 18"),
    ("sector = 'C' AND", "expected a property name or a value at position 17, found the end of the filter"),
    ("", "filter is empty"),
])
def test_errors_say_what_to_fix(text, message):
    with pytest.raises(CqlError) as err:
        compile_(text)
    assert message in str(err.value)
    assert isinstance(err.value, InvalidRequest)  # answered as a 400 problem (webmap/problems.py)


def test_unknown_property_lists_the_queryables():
    with pytest.raises(CqlError) as err:
        compile_("colour = 'red'")
    for name in queryable_names(PRODUCERS):
        assert name in str(err.value)
    assert queryable_names(PRODUCERS)[-2:] == ["id", "geometry"]


def test_limits_on_size_and_nesting():
    with pytest.raises(CqlError, match="too long"):
        compile_("name = '" + "x" * 20_000 + "'")
    with pytest.raises(CqlError, match="nested"):
        compile_("(" * (MAX_DEPTH + 1) + "TRUE" + ")" * (MAX_DEPTH + 1))
    assert compile_("(" * MAX_DEPTH + "TRUE" + ")" * MAX_DEPTH).sql == "(" * MAX_DEPTH + "TRUE" + ")" * MAX_DEPTH
    deep = "(" * 10 + "employees > 1" + ")" * 10
    assert compile_(deep).params == {"cql_0": 1}


def test_every_layer_compiles_a_filter_on_each_of_its_properties():
    for layer in LAYERS.values():
        for prop in layer.properties:
            if prop.type == "array":
                text, sql = f"A_CONTAINS({prop.name}, ('x'))", f"({prop.sql} @> CAST(:cql_0 AS text[]))"
            elif prop.type == "boolean":
                text, sql = f"{prop.name} = TRUE", f"({prop.sql} = TRUE)"
            else:
                text, sql = f"{prop.name} IS NOT NULL", f"({prop.sql} IS NOT NULL)"
            assert compile_cql2(text, layer).sql == sql, (layer.id, prop.name)


def test_long_chains_of_not_do_not_recurse():
    assert compile_("NOT " * 2000 + "employees > 1").sql == "(t.employees > :cql_0)"
    assert compile_("NOT " * 2001 + "employees > 1").sql == "(NOT (t.employees > :cql_0))"


def test_not_applies_to_a_parenthesised_condition():
    assert compile_("NOT (sector = 'C' AND employees > 1)").sql == (
        "(NOT (((t.sector = CAST(:cql_0 AS text)) AND (t.employees > :cql_1))))")
    assert compile_("NOT NOT sector = 'C'").sql == "(t.sector = CAST(:cql_0 AS text))"


def test_quotes_are_escaped_by_doubling_and_any_whitespace_separates_tokens():
    assert compile_("name = 'O''Neil'").params == {"cql_0": "O'Neil"}
    assert compile_("\"name\" = ''").params == {"cql_0": ""}
    f = compile_("sector = 'C'\n\tAND\r\nemployees > 1")
    assert f.sql == "((t.sector = CAST(:cql_0 AS text)) AND (t.employees > :cql_1))"


def test_bbox_with_six_numbers_keeps_the_horizontal_corners():
    f = compile_("S_INTERSECTS(geometry, BBOX(108.2, -6.5, 0, 108.4, -6.3, 100))")
    assert f.params == {"cql_0": 108.2, "cql_1": -6.5, "cql_2": 108.4, "cql_3": -6.3}
