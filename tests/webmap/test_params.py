"""Parameter specs (no database): parsing, messages that name the parameter, and that the OpenAPI of every
spec the API uses describes exactly what its parser accepts."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from werkzeug.datastructures import MultiDict

from gis import analysis
from gis.layers import LAYERS, Prop
from webmap import analysis_api, api_v1, ogc_params, openapi_uploads
from webmap.ogc_analysis import template
from webmap.ogc_providers import describe_layer
from webmap.params import (
    LANG,
    BadParameter,
    Param,
    Spec,
    bbox,
    boolean,
    choice,
    integer,
    number,
    point,
    property_filter,
    string,
    years,
)
from webmap.problems import NotFound

PROPERTY = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

SPEC = Spec(
    Param("code", string(5, "[0-9]{2}\\.[0-9]{2}", "a code such as 32.12"), "Area.", where="path"),
    Param("limit", integer(1, 100), "Page size.", default=10),
    Param("sector", choice("A", "C"), "Section."),
    Param("near", point(), "lon,lat."),
    Param("radius", number(1, 500), "Metres."),
    Param("geometry", boolean(), "With geometry.", default=False),
    Param("commodity", string(8), "Commodity.", required=True),
    Param("year", integer(1900, 2100), "Year.", where="form"),
    LANG,
)


def _bad(spec: Spec, args, path=None) -> str:
    with pytest.raises(BadParameter) as caught:
        spec.parse(MultiDict(args), path or {"code": "32.12"})
    assert caught.value.status == 400
    return caught.value.detail


# --------------------------------------------------------------------------- parsing


def test_parse_gives_typed_values_and_defaults():
    fields = SPEC.parse(MultiDict([("commodity", "padi"), ("near", "108.3,-6.4"), ("radius", "2.5e2"),
                                   ("geometry", "true"), ("sector", ""), ("_", "1700000000")]), {"code": "32.12"})
    assert fields == {"code": "32.12", "limit": 10, "sector": None, "near": (108.3, -6.4), "radius": 250.0,
                      "geometry": True, "commodity": "padi", "year": None, "lang": None}


def test_form_fields_are_read_from_the_same_values():
    assert SPEC.parse(MultiDict([("commodity", "padi"), ("year", "2024")]), {"code": "32.12"})["year"] == 2024


@pytest.mark.parametrize("args,words", [
    ([("commodity", "padi"), ("limit", "0")], ["limit", "between 1 and 100", "0"]),
    ([("commodity", "padi"), ("limit", "ten")], ["limit", "whole number", "'ten'"]),
    ([("commodity", "padi"), ("limit", "1.0")], ["limit", "whole number"]),
    ([("commodity", "padi"), ("limit", "\u0661")], ["limit", "whole number"]),  # an Arabic-Indic digit
    ([("commodity", "padi"), ("sector", "Z")], ["sector", "A, C", "'Z'"]),
    ([("commodity", "padi"), ("near", "200,0")], ["near", "out of range"]),
    ([("commodity", "padi"), ("near", "1,2,3")], ["near", "lon,lat"]),
    ([("commodity", "padi"), ("radius", "nan")], ["radius", "number"]),
    ([("commodity", "padi"), ("radius", "1_000")], ["radius", "number"]),
    ([("commodity", "padi"), ("radius", "0.5")], ["radius", "between 1 and 500"]),
    ([("commodity", "padi"), ("geometry", "maybe")], ["geometry", "true or false"]),
    ([("commodity", "padi"), ("lang", "EN")], ["lang", "id, en"]),
    ([("commodity", "a" * 9)], ["commodity", "at most 8 characters"]),
    ([], ["commodity", "required"]),
    ([("commodity", "")], ["commodity", "required"]),
    ([("commodity", "padi"), ("sektor", "C"), ("page", "2")], ["unknown parameter(s) page, sektor", "sector"]),
    ([("commodity", "padi"), ("limit", "5"), ("limit", "6")], ["give limit once"]),
    ([("commodity", "pa\x00di")], ["NUL"]),
    ([("commodity", "padi"), ("code", "32.12")], ["unknown parameter(s) code"]),  # a path parameter is no query one
])
def test_bad_values_are_400_naming_the_parameter_and_the_reason(args, words):
    detail = _bad(SPEC, args)
    for word in words:
        assert word in detail, detail


@pytest.mark.parametrize("code", ["", "abc", "32.1", "32.12.16"])
def test_a_wrong_path_parameter_is_404(code):
    with pytest.raises(NotFound) as caught:
        SPEC.parse(MultiDict([("commodity", "padi"), ("limit", "nope")]), {"code": code})
    assert caught.value.status == 404 and "code" in caught.value.detail  # before any query parameter


def test_a_form_part_without_a_name_is_an_unknown_parameter():
    assert "unknown parameter(s) ''" in _bad(SPEC, [("commodity", "padi"), (None, "x")])


def test_a_spec_without_parameters_rejects_every_one():
    assert Spec().parse(MultiDict([("_", "1")])) == {}
    assert "this endpoint takes no parameters" in _bad(Spec(), [("f", "json")])


def test_bbox_and_years():
    spec = Spec(Param("bbox", bbox(), "Box."), Param("datetime", years(), "Years."))
    fields = spec.parse(MultiDict([("bbox", "108,-6.7,108.6,-6.2"), ("datetime", "2020-01-01/..")]))
    assert fields == {"bbox": (108.0, -6.7, 108.6, -6.2), "datetime": (2020, None)}
    assert "bbox" in _bad(spec, [("bbox", "108,-6.2,108.6,-6.7")])  # minLat > maxLat: inside the schema, refused
    assert "bbox" in _bad(spec, [("bbox", "1,2,3,4,5,6")])  # heights are for OGC API; this schema says 4 numbers
    assert "datetime" in _bad(spec, [("datetime", "2024/2020")])
    assert "datetime" in _bad(spec, [("datetime", " 2024")])


def test_a_parameter_is_declared_once():
    with pytest.raises(ValueError, match="twice"):
        Spec(LANG, LANG)


def test_an_endpoint_may_say_why_a_parameter_is_unknown():
    spec = Spec(LANG, unknown=lambda names: f"no {', '.join(names)} here")
    assert _bad(spec, [("sektor", "C"), ("lang", "en")]) == "no sektor here"
    assert "NUL" in _bad(spec, [("sektor", "\x00")])  # NUL characters are refused first, as always
    assert "give lang once" in _bad(spec, [("lang", "en"), ("lang", "id")])


@pytest.mark.parametrize("prop,good,bad,words", [
    (Prop("sector", "s", "string", filterable=True), "C,G", "C,,G", ["sector", "none empty"]),
    (Prop("employees", "e", "integer", filterable=True), "5,10", "5,x", ["employees", "whole numbers"]),
    (Prop("area", "a", "number", filterable=True), "1.5,-2e3", "1.5,inf", ["area", "numbers"]),
    (Prop("tags", "t", "array", filterable=True), "krupuk,halal", "krupuk,", ["tags", "none empty"]),
    (Prop("open", "o", "boolean", filterable=True), "true", "TRUE", ["open", "true, false"]),
    (Prop("area_code", "c", "string", filterable=True, area=True), "32.12,32.12.16", "32-12",
     ["area_code", "Kemendagri codes"]),
])
def test_a_property_filter_reads_what_gis_filters_reads(prop, good, bad, words):
    param = property_filter(prop)
    assert param.kind.read(good, param.name) == good  # gis.filters splits and types the values
    with pytest.raises(BadParameter) as caught:
        param.kind.read(bad, param.name)
    for word in words:
        assert word in caught.value.detail


# --------------------------------------------------------------------------- the OpenAPI of a spec


def test_openapi_parameter_objects():
    params = {p["name"]: p for p in SPEC.openapi()}
    assert "year" not in params  # a form field: in the request body
    assert params["code"] == {"name": "code", "in": "path", "required": True, "description": "Area.",
                              "schema": {"type": "string", "maxLength": 5, "pattern": "^[0-9]{2}\\.[0-9]{2}$"}}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}
    assert params["limit"]["allowEmptyValue"] is True  # empty means "not given"
    assert params["commodity"]["required"] is True and "allowEmptyValue" not in params["commodity"]
    assert params["near"]["style"] == "form" and params["near"]["explode"] is False
    form = SPEC.form_schema(file={"type": "string", "format": "binary"})
    assert form["required"] == ["file"] and form["properties"]["year"]["description"] == "Year."


# --------------------------------------------------------------------------- every spec of the API


def _specs() -> list[Spec]:
    """The spec of every documented operation: REST v1, uploads, analysis, and OGC API (its pages, and the items
    and item of every layer and of every analysis)."""
    rest = [op.spec for op in [*api_v1.operations(), *openapi_uploads.operations(), *analysis_api.operations()]]
    collections = [*(describe_layer(layer, "en") for layer in LAYERS.values()), *map(template, analysis.ANALYSES)]
    ogc = [make(found) for found in collections for make in (ogc_params.items_spec, ogc_params.item_spec)]
    return [*rest, ogc_params.PAGE_SPEC, *ogc]


def _api_params() -> list[Param]:
    """A parameter of each distinct schema of the documented operations."""
    found: dict[str, Param] = {}
    for spec in _specs():
        for param in spec.params:
            found.setdefault(json.dumps([param.where, param.schema()], sort_keys=True), param)
    return list(found.values())


API_PARAMS = _api_params()
IDS = [f"{p.name}:{p.kind.name}:{i}" for i, p in enumerate(API_PARAMS)]


TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")
# OGC API - Features /req/core/fc-limit-response-1: a limit above the documented maximum is served as the maximum.
SERVED_AS_MAXIMUM = ogc_params.page_size().name


def _wire(schema: dict, value: str):
    """What a text sent for a parameter of ``schema`` means as JSON (as OpenAPI tools read it)."""
    kind = schema["type"]
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return True if value.lower() in TRUE else False if value.lower() in FALSE else value
    if kind == "array":
        numbers = schema["items"]["type"] == "number"
        return [float(v) if numbers else v for v in value.split(",")]
    return value


def _values(schema: dict) -> st.SearchStrategy[str]:
    """Texts of values inside ``schema``."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema["type"]
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum")).map(str)
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False).map(repr)
    if kind == "boolean":
        return st.sampled_from(TRUE + FALSE)
    if kind == "array":
        items = schema["items"]
        values = (st.sampled_from(items["enum"]) if "enum" in items else
                  st.floats(items.get("minimum"), items.get("maximum"), allow_nan=False, allow_infinity=False)
                  .map(repr))
        return st.lists(values, min_size=schema.get("minItems", 1), max_size=schema.get("maxItems", 5)).map(",".join)
    longest = schema.get("maxLength", 100)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"][1:-1], fullmatch=True).filter(lambda s: 0 < len(s) <= longest)
    return st.text(min_size=1, max_size=longest)


def _bounds(schema: dict) -> tuple[list[str], list[str]]:
    """Values at the declared bounds of ``schema``, and values just outside them."""
    kind, enum = schema["type"], schema.get("enum", [])
    if kind == "integer":
        ends = [schema[end] for end in ("minimum", "maximum") if end in schema]
        beyond = [str(schema["minimum"] - 1)] if "minimum" in schema else []
        beyond += [str(schema["maximum"] + 1)] if "maximum" in schema else []
        return [str(end) for end in ends], [*beyond, "1.5", "x"]
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        sides = ((low, -math.inf), (high, math.inf))
        ends = [(end, math.nextafter(end, side)) for end, side in sides if end is not None]
        return [repr(end) for end, _ in ends], [repr(beyond) for _, beyond in ends] + ["x", "inf", "nan"]
    if enum:
        return enum, [v + "x" for v in enum] + [v.upper() for v in enum if v.upper() != v]
    if kind == "boolean":
        return ["true", "false"], ["maybe", "2"]
    if kind == "array":
        if "enum" in schema["items"]:
            return [], ["", ",".join([schema["items"]["enum"][0], "x"]) + "x"]
        return [], ["1", ",".join(["1"] * (schema["maxItems"] + 1)), ",".join(["x"] * schema["maxItems"])]
    if "maxLength" not in schema:
        return [], []
    longest = "a" * schema["maxLength"]
    return ([longest] if "pattern" not in schema else []), [longest + "a"]


_NOISE = st.one_of(st.text(max_size=30), st.text(alphabet="0123456789+-.,/eE: Tinfa_", max_size=30))


@pytest.mark.parametrize("param", API_PARAMS, ids=IDS)
@PROPERTY
@given(data=st.data())
def test_what_the_parser_accepts_is_inside_the_schema(param, data):
    """No request outside the document is served: a negative test by any OpenAPI tool gets its 400."""
    schema = param.kind.schema
    valid, noise = data.draw(_values(schema)), data.draw(_NOISE)
    value = data.draw(st.sampled_from([noise, valid + noise, noise + valid]))
    assume(value != "")  # empty means "not given" (allowEmptyValue): Param.parse, not the kind, reads it
    try:
        read = param.kind.read(value, param.name)
    except BadParameter as exc:
        assert param.name in exc.detail
        return
    if param.kind.name == SERVED_AS_MAXIMUM:
        assert read <= schema["maximum"]  # what is served is inside the schema
        return
    assert Draft7Validator(schema).is_valid(_wire(schema, value)), (param.name, value)


@pytest.mark.parametrize("param", API_PARAMS, ids=IDS)
@PROPERTY
@given(data=st.data())
def test_what_the_schema_allows_the_parser_accepts(param, data):
    """Values inside the schema are served; kinds whose schema cannot say everything may refuse some, saying why."""
    value = data.draw(_values(param.kind.schema))
    try:
        param.kind.read(value, param.name)
    except BadParameter as exc:
        assert not param.kind.exact, (param.name, value, exc.detail)
        assert param.name in exc.detail


@pytest.mark.parametrize("param", API_PARAMS, ids=IDS)
def test_the_declared_bounds_are_the_parsers(param):
    inside, outside = _bounds(param.kind.schema)
    for value in inside:
        param.kind.read(value, param.name)
    if param.kind.name == SERVED_AS_MAXIMUM:
        maximum = param.kind.schema["maximum"]
        assert param.kind.read(str(maximum + 1), param.name) == maximum  # served as the maximum
        outside = [v for v in outside if v != str(maximum + 1)] + [str(ogc_params.MAX_OFFSET + 1)]
    for value in outside:
        with pytest.raises(BadParameter, match=param.name):
            param.kind.read(value, param.name)


@pytest.mark.parametrize("param", API_PARAMS, ids=IDS)
def test_defaults_and_examples_are_valid_values(param):
    validator = Draft7Validator(param.kind.schema)
    if param.default is not None:
        assert validator.is_valid(param.default), param.name
    if not param.required and param.where != "path":
        assert param.parse("") == param.parse(None) == param.default  # empty means "not given"
    example = param.kind.example if param.example is None else param.example
    if example is not None:
        assert validator.is_valid(example), param.name
        param.kind.read(",".join(map(str, example)) if isinstance(example, list) else str(example), param.name)
