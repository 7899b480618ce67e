"""Tests of etl.names: place-name keys and the name matcher."""

from __future__ import annotations

import dataclasses
import json

import pytest

from etl.names import NameMatch, NameMatcher, edit_distance, normalize_name
from tests.conftest import REAL_DATA

REAL_DESA = REAL_DATA / "indramayu_desa.geojson"

KECAMATAN = {
    "32.12.08": "Kertasemaya",
    "32.12.10": "Karangampel",
    "32.12.13": "Jatibarang",
    "32.12.15": "Indramayu",
    "32.12.16": "Sindang",
    "32.12.27": "Sukagumiwang",
    "32.12.28": "Kedokan Bunder",
}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Kedokan Bunder", "kedokanbunder"),
        ("Kedokanbunder", "kedokanbunder"),
        ("Karang Ampel", "karangampel"),
        ("KEC. KARANGAMPEL", "karangampel"),
        ("Kec.Karangampel", "karangampel"),
        ("Eretan Kulon", "eretankulon"),
        ("Desa Eretankulon", "eretankulon"),
        ("Ds. Eretan Kulon", "eretankulon"),
        ("Kelurahan Margadadi", "margadadi"),
        ("Kel. Margadadi", "margadadi"),
        ("Kecamatan Indramayu", "indramayu"),
        ("Kabupaten Indramayu", "indramayu"),
        ("Kab. Indramayu", "indramayu"),
        ("Kota Cirebon", "cirebon"),
        ("Café Désa", "cafedesa"),
        ("  Tegal-Sembadra  ", "tegalsembadra"),
        ("Desa", "desa"),  # a prefix alone stays
    ],
)
def test_normalize_name(name: str, key: str) -> None:
    assert normalize_name(name) == key


@pytest.mark.parametrize(
    ("old", "key"),
    [
        ("Djatibarang", "jatibarang"),
        ("Tjikedoeng", "cikedung"),
        ("Soekadjaja", "sukajaya"),  # dj -> j, then the old j -> y
        ("Tjidjulang", "cijulang"),  # dj -> j must not become y
        ("Pandjang", "panjang"),
        ("Soerabaja", "surabaya"),
        ("Njamploeng", "nyamplung"),
    ],
)
def test_old_spelling_is_modernised(old: str, key: str) -> None:
    assert normalize_name(old) == key


def test_modern_j_is_kept() -> None:
    assert normalize_name("Jatibarang") == "jatibarang"
    assert normalize_name("Panjang") == "panjang"
    assert normalize_name("Juntinyuat") == "juntinyuat"


def test_number_suffixes_are_kept_and_roman_equals_arabic() -> None:
    assert normalize_name("Sukamulya I") == normalize_name("Sukamulya 1") == "sukamulya1"
    assert normalize_name("Sukamulya II") == "sukamulya2"
    assert normalize_name("Sukamulya I") != normalize_name("Sukamulya II")


def test_edit_distance() -> None:
    assert edit_distance("kertasmaya", "kertasemaya") == 1
    assert edit_distance("sukagumiwang", "sukagumiwangi") == 1
    assert edit_distance("ab", "ba") == 1  # a transposition counts once
    assert edit_distance("lelea", "lelea") == 0
    assert edit_distance("abcdef", "uvwxyz", 2) == 3  # capped at limit + 1


def test_exact_and_normalized_matches() -> None:
    matcher = NameMatcher(KECAMATAN)
    assert matcher.match("Kedokan Bunder") == NameMatch(
        "Kedokan Bunder", "32.12.28", "exact", ("32.12.28",)
    )
    assert matcher.match(" Kedokan Bunder ").status == "exact"
    found = matcher.match("Kec. Kedokanbunder")
    assert (found.code, found.status) == ("32.12.28", "normalized")
    assert matcher.match("KARANG AMPEL").code == "32.12.10"
    assert matcher.match("Djatibarang").status == "normalized"


def test_fuzzy_matches() -> None:
    matcher = NameMatcher(KECAMATAN)
    kertasemaya = matcher.match("Kertasmaya")
    assert (kertasemaya.code, kertasemaya.status) == ("32.12.08", "fuzzy")
    sukagumiwang = NameMatcher({"1": "Sukagumiwangi"}).match("Sukagumiwang")
    assert (sukagumiwang.code, sukagumiwang.status) == ("1", "fuzzy")


def test_fuzzy_limit_depends_on_length() -> None:
    matcher = NameMatcher({"a": "Sindang", "b": "Kertasemaya"})
    assert matcher.match("Sindag").status == "fuzzy"  # 1 edit, 7 letters
    assert matcher.match("Sinag").status == "none"  # 2 edits on a short key
    assert matcher.match("Kertasmya").status == "fuzzy"  # 2 edits on a long key
    assert matcher.match("Krtasmya").status == "none"  # 3 edits


def test_ambiguous_is_never_guessed() -> None:
    matcher = NameMatcher({"1": "Sendang", "2": "Sindang", "3": "Tugu", "4": "Tugu"})
    fuzzy_tie = matcher.match("Sandang")
    assert (fuzzy_tie.code, fuzzy_tie.status, fuzzy_tie.candidates) == (
        None,
        "ambiguous",
        ("1", "2"),
    )
    same_name = matcher.match("Tugu")
    assert (same_name.code, same_name.status, same_name.candidates) == (None, "ambiguous", ("3", "4"))
    assert matcher.match("Desa Tugu").status == "ambiguous"


def test_best_distance_wins_over_further_candidates() -> None:
    matcher = NameMatcher({"1": "Mekarjati", "2": "Mekarjaya"})
    found = matcher.match("Mekarjatu")  # 1 edit from Mekarjati, 2 from Mekarjaya
    assert (found.code, found.status, found.candidates) == ("1", "fuzzy", ("1",))


def test_different_numbers_never_match_fuzzily() -> None:
    matcher = NameMatcher({"1": "Sukamulya I", "2": "Sukamulya II"})
    assert matcher.match("Sukamulya 2").code == "2"
    assert matcher.match("Sukamulya III").status == "none"


def test_no_match() -> None:
    matcher = NameMatcher(KECAMATAN)
    assert matcher.match("Cirebon") == NameMatch("Cirebon", None, "none", ())
    assert matcher.match("").status == "none"
    assert matcher.match("Desa").status == "none"
    assert matcher.match(float("nan")).status == "none"  # type: ignore[arg-type]


def test_missing_names_have_an_empty_key() -> None:
    assert normalize_name(None) == ""  # type: ignore[arg-type]
    assert normalize_name(float("nan")) == ""  # type: ignore[arg-type]
    assert normalize_name(1) == "1"  # type: ignore[arg-type]


def test_results_are_cached_and_frozen() -> None:
    matcher = NameMatcher(KECAMATAN)
    first = matcher.match("Kertasmaya")
    assert matcher.match("Kertasmaya") is first
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.code = "x"  # type: ignore[misc]


def test_real_desa_names_match_themselves() -> None:
    features = json.loads(REAL_DESA.read_text(encoding="utf-8"))["features"]
    names = {f["properties"]["kode"]: f["properties"]["nama"] for f in features}
    assert len(names) == 317
    matcher = NameMatcher(names)
    statuses = {code: matcher.match(name) for code, name in names.items()}
    exact = [code for code, m in statuses.items() if m.status == "exact"]
    ambiguous = {m.query for m in statuses.values() if m.status == "ambiguous"}
    assert all(statuses[code].code == code for code in exact)
    # names shared by two desa in different kecamatan can only be told apart by kecamatan
    assert ambiguous == {"Bulak", "Karanganyar", "Kedungwungu", "Mekarsari", "Tugu"}
    assert len(exact) == 317 - 11  # Karanganyar x3, the others x2
    assert len(statuses["32.12.21.2012"].candidates) == 1
    eretan = matcher.match("Desa Eretankulon")
    assert (eretan.code, eretan.status) == ("32.12.21.2012", "normalized")
