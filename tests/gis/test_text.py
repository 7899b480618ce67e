"""Plain text, words and keys: the numpy path for ASCII cells follows the same rules as the regex path."""

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.text import key_text, only_digits, plain_texts, producer_words

ASCII_CELLS = st.text(alphabet=" \t\n\f\r\v.-;,/'+1290aAbzZ", max_size=12)
ANY_CELLS = st.text(alphabet=" \t\n.-;1aAZéÉñ\u00a0漢", max_size=12)


def words_of(series: pd.Series) -> pd.Series:
    """The search words of cells given as names alone."""
    nothing = pd.Series(None, index=series.index, dtype="str")
    return producer_words(series, nothing, nothing)


def regex_plain(cell: str) -> str:
    return re.sub(r"[ \t\n\f\r]+", " ", cell.lower()).strip(" ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.none() | ASCII_CELLS, min_size=1, max_size=30))
def test_ascii_cells_follow_the_regex_rules(cells):
    series = pd.Series(cells, dtype="str")
    plain = plain_texts(series)
    words = words_of(series)
    keys = key_text(series)
    phones = only_digits(series, also="+")
    for i, cell in enumerate(cells):
        if cell is None:
            assert pd.isna(plain[i]) and pd.isna(words[i]) and pd.isna(keys[i]) and pd.isna(phones[i])
            continue
        assert (phones[i] if pd.notna(phones[i]) else "") == re.sub(r"[^0-9+]", "", cell)
        assert plain[i] == regex_plain(cell)
        assert (words[i] if pd.notna(words[i]) else "") == " ".join(re.findall("[a-z]+", regex_plain(cell)))
        assert (keys[i] if pd.notna(keys[i]) else "") == re.sub("[^0-9a-z]+", "", cell.lower())


@settings(max_examples=200, deadline=None)
@given(st.lists(ANY_CELLS, min_size=1, max_size=30))
def test_unicode_cells_are_folded_and_cut_into_letter_words(cells):
    series = pd.Series(cells, dtype="str")
    plain = plain_texts(series)
    words = words_of(series)
    for i, cell in enumerate(cells):
        assert plain[i] == plain_texts(pd.Series([cell], dtype="str"))[0]  # a cell's neighbours do not matter
        got = words[i].split(" ") if pd.notna(words[i]) else []
        assert got == re.findall(r"[^\W\d_]+", plain[i])
        assert "é" not in plain[i] and plain[i] == plain[i].lower()


def test_producer_words_join_name_products_and_tags():
    words = producer_words(pd.Series(["UD. Kérupuk  Jaya 2", "123", "Toko", None], dtype="str"),
                           pd.Series(["krupuk udang", None, None, "garam"], dtype="str"),
                           pd.Series(["olahan-ikan;umkm", None, "umkm", None], dtype="str"))
    # a row with no word at all keeps its place: the rows after it keep their own words
    assert words[0] == "ud kerupuk jaya krupuk udang olahan ikan umkm" and pd.isna(words[1])
    assert words.tolist()[2:] == ["toko umkm", "garam"]
