"""Property tests (Hypothesis) of the pure parsers: bad input is always the documented error, never a crash."""

from __future__ import annotations

import base64
import math
import re
import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from etl.names import NameMatcher, normalize_name
from gis.cql2 import CqlError, compile_cql2
from gis.layers import LAYERS
from gis.search import MAX_TERMS, InvalidSearch, decode_cursor, encode_cursor
from webmap.params import BadParameter, parse_bbox, parse_int, parse_point, parse_year_interval

PROPERTY_SETTINGS = settings(deadline=None, max_examples=150, derandomize=True)
PRODUCERS = LAYERS["producers"]

longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)
# Text that looks like parameter values: digits, signs, separators, words, and any other character.
param_text = st.one_of(
    st.text(),
    st.text(alphabet="0123456789+-.,/eE: Tinfa", max_size=40),
    st.lists(st.one_of(st.floats(), st.integers(), st.just(""), st.just("..")), max_size=7).map(
        lambda xs: ",".join(map(str, xs))),
)


# --------------------------------------------------------------------------------------- bbox


@PROPERTY_SETTINGS
@given(longitudes, latitudes, longitudes, latitudes)
def test_valid_bbox_round_trips(west: float, lat_a: float, east: float, lat_b: float) -> None:
    south, north = sorted((lat_a, lat_b))
    assert parse_bbox(f"{west!r},{south!r},{east!r},{north!r}") == (west, south, east, north)


@PROPERTY_SETTINGS
@given(longitudes, latitudes, longitudes, latitudes, st.floats(allow_nan=False), st.floats(allow_nan=False))
def test_bbox_with_heights_ignores_them(west: float, lat_a: float, east: float, lat_b: float,
                                        low: float, high: float) -> None:
    south, north = sorted((lat_a, lat_b))
    assert parse_bbox(f"{west!r},{south!r},{low!r},{east!r},{north!r},{high!r}") == (west, south, east, north)


@PROPERTY_SETTINGS
@given(param_text)
def test_bbox_accepts_valid_boxes_and_rejects_the_rest(text: str) -> None:
    try:
        box = parse_bbox(text)
    except BadParameter:
        return
    if text == "":
        assert box is None
        return
    assert box is not None
    west, south, east, north = box
    assert all(math.isfinite(v) for v in box)
    assert -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90
    assert len(text.split(",")) in (4, 6)


# -------------------------------------------------------------------------------------- point


@PROPERTY_SETTINGS
@given(longitudes, latitudes)
def test_valid_point_round_trips(lon: float, lat: float) -> None:
    assert parse_point(f"{lon!r},{lat!r}") == (lon, lat)


@PROPERTY_SETTINGS
@given(param_text)
def test_point_is_in_range_or_rejected(text: str) -> None:
    try:
        point = parse_point(text, "near")
    except BadParameter as exc:
        assert "near" in exc.detail
        return
    if text == "":
        assert point is None
        return
    assert point is not None
    lon, lat = point
    assert math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


# ---------------------------------------------------------------------------------------- int


@PROPERTY_SETTINGS
@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(-10**7, 10**7))
def test_int_in_range_round_trips_and_out_of_range_is_rejected(a: int, b: int, value: int) -> None:
    low, high = sorted((a, b))
    try:
        parsed = parse_int(str(value), "limit", default=low, minimum=low, maximum=high)
    except BadParameter as exc:
        assert not low <= value <= high
        assert "limit" in exc.detail
        return
    assert parsed == value and low <= value <= high


@PROPERTY_SETTINGS
@given(param_text)
def test_int_is_a_whole_number_in_range_or_rejected(text: str) -> None:
    try:
        value = parse_int(text, "limit", default=10, minimum=1, maximum=1000)
    except BadParameter:
        return
    assert isinstance(value, int) and 1 <= value <= 1000
    assert text == "" or re.fullmatch(r"[+-]?\d+", text.strip())


# ------------------------------------------------------------------------------- year interval

years = st.integers(1000, 9999)
dates = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", years, st.integers(1, 12), st.integers(1, 28))


@PROPERTY_SETTINGS
@given(years, years, st.booleans())
def test_year_interval_round_trips(a: int, b: int, as_dates: bool) -> None:
    start, end = sorted((a, b))
    text = f"{start}-01-01/{end}-12-31" if as_dates else f"{start}/{end}"
    assert parse_year_interval(text) == (start, end)
    assert parse_year_interval(str(start)) == (start, start)
    assert parse_year_interval(f"{start}/..") == (start, None)
    assert parse_year_interval(f"../{end}") == (None, end)


@PROPERTY_SETTINGS
@given(st.one_of(param_text, st.lists(st.one_of(dates, years.map(str), st.just(".."), st.text(max_size=8)),
                                      max_size=3).map("/".join)))
def test_year_interval_is_ordered_or_rejected(text: str) -> None:
    try:
        result = parse_year_interval(text)
    except BadParameter:
        return
    if text == "":
        assert result is None
        return
    assert result is not None  # "/" and "../.." are open at both ends: (None, None)
    start, end = result
    assert start is None or end is None or start <= end


# ---------------------------------------------------------------------------------------- CQL2

_CQL_WORDS = ["AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", "CASEI", "ACCENTI",
              "S_INTERSECTS", "BBOX", "ENVELOPE", "POINT", "POLYGON", "A_CONTAINS", "A_OVERLAPS", "geometry",
              "name", "kbli", "sector", "employees", "established_year", "tags", "id", "area_code", "unknown",
              "(", ")", ",", "=", "<>", "!=", "<", "<=", ">", ">=", "'x'", "'a''b'", "'%'", "''", '"name"',
              "1", "-2.5", "1e308", "1e999", "106.5", "-6.3", "'", '"', "..", "%", "*", "\\", "\x00", "\u00e9"]
cql_soup = st.lists(st.sampled_from(_CQL_WORDS), max_size=25).map(" ".join)


@PROPERTY_SETTINGS
@given(st.one_of(st.text(max_size=200), cql_soup))
def test_cql2_raises_only_cql_error(text: str) -> None:
    try:
        result = compile_cql2(text, PRODUCERS)
    except CqlError:
        return
    assert result.sql
    assert "'" not in result.sql  # user text reaches SQL only as bound parameters


def test_cql2_too_deep_is_a_cql_error() -> None:
    for text in ("(" * 5000 + "id = 1" + ")" * 5000, "NOT " * 3000 + "id = 1"):
        try:
            compile_cql2(text, PRODUCERS)
        except CqlError:
            continue
        raise AssertionError("a deeply nested filter must be rejected")


_STRING_PROPS = [p.name for p in PRODUCERS.properties if p.type == "string"]
_INTEGER_PROPS = [p.name for p in PRODUCERS.properties if p.type == "integer"]
_OPS = ["=", "<>", "!=", "<", "<=", ">", ">="]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


comparisons = st.one_of(
    st.tuples(st.sampled_from(_STRING_PROPS), st.sampled_from(_OPS), st.text(max_size=30)).map(
        lambda t: (f"{t[0]} {t[1]} {_quote(t[2])}", t[2])),
    st.tuples(st.sampled_from(_INTEGER_PROPS), st.sampled_from(_OPS), st.integers(-10**9, 10**9)).map(
        lambda t: (f"{t[0]} {t[1]} {t[2]}", t[2])),
)


@PROPERTY_SETTINGS
@given(st.lists(comparisons, min_size=1, max_size=4), st.sampled_from([" AND ", " OR "]), st.booleans())
def test_generated_comparisons_compile_with_bound_values(parts: list[tuple[str, object]], joiner: str,
                                                         negate: bool) -> None:
    text = joiner.join(f"({p})" for p, _ in parts)
    if negate:
        text = f"NOT ({text})"
    result = compile_cql2(text, PRODUCERS)
    assert "'" not in result.sql
    assert sorted(map(repr, result.params.values())) == sorted(repr(v) for _, v in parts)
    for key in result.params:
        assert f":{key}" in result.sql


# ---------------------------------------------------------------------------------------- names

_NAME_CHARS = string.ascii_letters + string.digits + " .'-"
place_names = st.text(alphabet=_NAME_CHARS, min_size=1, max_size=24).filter(lambda s: s.strip())
official_lists = st.lists(place_names, min_size=1, max_size=12).map(
    lambda names: {f"32.12.{i:02d}": name for i, name in enumerate(names)})


@st.composite
def case_and_space_variant(draw: st.DrawFn, name: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    text = "".join(c.swapcase() if flip else c for c, flip in zip(name, flips, strict=True))
    if draw(st.booleans()):
        text = text.replace(" ", "  ")
    return draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " ", "  "]))


@PROPERTY_SETTINGS
@given(official_lists, st.data())
def test_a_name_matches_itself_exactly(names: dict[str, str], data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(sorted(names)))
    result = NameMatcher(names).match(names[code])
    twins = sorted(c for c, n in names.items() if n.strip() == names[code].strip())
    if len(twins) == 1:
        assert (result.status, result.code) == ("exact", code)
    else:
        assert result.status == "ambiguous" and result.code is None and sorted(result.candidates) == twins


@PROPERTY_SETTINGS
@given(official_lists, st.data())
def test_case_and_space_variants_never_match_another_place_silently(names: dict[str, str],
                                                                     data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(sorted(names)))
    assume(normalize_name(names[code]))
    variant = data.draw(case_and_space_variant(names[code]))
    result = NameMatcher(names).match(variant)
    if result.status == "ambiguous":
        assert result.code is None and len(result.candidates) > 1
        return
    assert result.status in ("exact", "normalized"), result
    if result.code != code:  # only when the variant is, letter for letter, another official name
        assert result.status == "exact" and names[result.code].strip() == variant.strip()


@PROPERTY_SETTINGS
@given(official_lists, st.data())
def test_variants_of_distinct_names_find_their_own_code(names: dict[str, str], data: st.DataObject) -> None:
    keys = [normalize_name(n) for n in names.values()]
    assume(all(keys) and len(set(keys)) == len(keys))
    code = data.draw(st.sampled_from(sorted(names)))
    result = NameMatcher(names).match(data.draw(case_and_space_variant(names[code])))
    assert result.code == code and result.status in ("exact", "normalized")


# --------------------------------------------------------------------------------------- cursor

FINGERPRINT = "0123456789ab"


@PROPERTY_SETTINGS
@given(st.one_of(st.text(max_size=250), st.text(alphabet=string.ascii_letters + string.digits + "-_=", max_size=80),
                 st.binary(max_size=120).map(lambda b: base64.urlsafe_b64encode(b).decode())),
       st.sampled_from(["near", "text", "plain"]))
def test_random_cursors_raise_invalid_search_only(cursor: str, mode: str) -> None:
    try:
        key = decode_cursor(cursor, mode, FINGERPRINT)
    except InvalidSearch:
        return
    assert isinstance(key, list)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                        max_size=3),
                           max_leaves=8)


@PROPERTY_SETTINGS
@given(st.lists(json_values, max_size=3), st.sampled_from(["near", "text", "plain"]))
def test_cursor_with_any_json_key_is_decoded_or_rejected(key: list[object], mode: str) -> None:
    try:
        decoded = decode_cursor(encode_cursor(key, FINGERPRINT), mode, FINGERPRINT)
    except InvalidSearch:
        return
    assert decoded == key


@PROPERTY_SETTINGS
@given(st.integers(0, 2**63 - 1), st.integers(0, MAX_TERMS), st.floats(0, 1e7, allow_nan=False))
def test_valid_cursors_round_trip(row_id: int, rank: int, distance: float) -> None:
    for mode, key in (("plain", [row_id]), ("text", [rank, row_id]), ("near", [distance, row_id])):
        assert decode_cursor(encode_cursor(key, FINGERPRINT), mode, FINGERPRINT) == key
    try:
        decode_cursor(encode_cursor([row_id], FINGERPRINT), "plain", "another-query")
    except InvalidSearch:
        return
    raise AssertionError("a cursor of another search must be rejected")
