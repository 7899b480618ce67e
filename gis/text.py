"""Plain text for tolerant matching: lower case, no accents, single spaces; its words and keys.

One implementation serves both sides: the ETL stores ``producers.search_words`` with it
and the search normalises the words of a query with it, so "Kérupuk" finds "kerupuk".

Cells of plain ASCII (nearly all) are rewritten byte by byte with numpy over the whole
column at once; the others follow the same rules through pyarrow's RE2 regular expressions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Rewrite = Callable[[pa.Array], pa.Array]


def _byte_set(chars: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars.encode())] = True
    return table


_LETTERS = _byte_set("abcdefghijklmnopqrstuvwxyz")
_LETTERS_AND_DIGITS = _byte_set("abcdefghijklmnopqrstuvwxyz0123456789")
_NOT_WHITESPACE = ~_byte_set(" \t\n\f\r")  # RE2's \s


def folded(arr: pa.Array) -> pa.Array:
    """Lower case without accents ("Kérupuk" -> "kerupuk"); Unicode work only for the cells that need it."""
    ascii_only = pc.fill_null(pc.string_is_ascii(arr), True)
    lower = pc.ascii_lower(arr)
    if pc.all(ascii_only).as_py():
        return lower
    others = pc.filter(arr, pc.invert(ascii_only))
    others = pc.replace_substring_regex(pc.utf8_normalize(pc.utf8_lower(others), "NFKD"), r"\p{M}+", "")
    return pc.replace_with_mask(lower, pc.invert(ascii_only), others)


def plain_texts(values: pd.Series) -> pd.Series:
    """Lower-case, accent-free, whitespace-collapsed text of every cell."""
    return text_series(_plain(arrow_text(values)), values.index)


def plain_text(value: str) -> str:
    """Plain text of one string (the same rules as :func:`plain_texts`)."""
    return str(plain_texts(pd.Series([value], dtype="str")).iat[0])


def key_text(values: pd.Series) -> pd.Series:
    """Casefolded ASCII letters and digits only ("UD. Maju-Jaya" -> "udmajujaya"); missing when empty."""
    arr = _rewrite(folded(arrow_text(values)), _LETTERS_AND_DIGITS, None, r"[^0-9a-z]+")
    return text_series(_missing_if_empty(arr), values.index)


def only_digits(values: pd.Series, also: str = "") -> pd.Series:
    """The digits of every cell (and the characters ``also``): "0812-3456 789" -> "08123456789"; missing
    when none."""
    keep = _byte_set("0123456789" + also)
    regex = "[^0-9" + "".join("\\" + c for c in also) + "]+"
    return text_series(_missing_if_empty(_rewrite(arrow_text(values), keep, None, regex)), values.index)


def producer_words(name: pd.Series, products: pd.Series, tags: pd.Series) -> pd.Series:
    """What producer search matches: the words of name, products and tags, joined by spaces (runs of
    letters, lower case, no accents: "UD. Maju-Jaya 2000" -> "ud maju jaya"); missing where there is none.

    Products and tags repeat from row to row: their words are made once per distinct value.
    """
    def words_of(arr: pa.Array) -> pa.Array:
        return _words(folded(arr))

    parts = [words_of(arrow_text(name)), _per_distinct(arrow_text(products), words_of),
             _per_distinct(arrow_text(tags), words_of)]
    return text_series(_joined(parts, " "), name.index)


def distinct_words(joined: pd.Series) -> set[str]:
    """Every word of :func:`producer_words` values (an empty value has none)."""
    arr = pa.array(joined.dropna().astype("str"), type=pa.large_string(), from_pandas=True)
    return set(pc.unique(pc.list_flatten(pc.split_pattern(arr, " "))).to_pylist()) - {""}


def is_word(term: str) -> bool:
    """True when ``term`` is one word of letters as :func:`producer_words` cuts them."""
    return term.isalpha()


def _plain(arr: pa.Array) -> pa.Array:
    return _rewrite(folded(arr), _NOT_WHITESPACE, " ", r"\s+")


def _words(plain: pa.Array) -> pa.Array:
    return _rewrite(plain, _LETTERS, " ", r"[^\p{L}]+")


def arrow_text(values: pd.Series) -> pa.LargeStringArray:
    """Cells as one arrow array of text: Python strings without pandas' loop over them, numbers and
    other values as pandas writes them (a column mixing both too); missing cells stay missing."""
    arr = None
    if values.dtype == object:
        try:
            arr = pa.array(values, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not only strings
            pass
    if arr is None:
        arr = pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def text_series(arr: pa.Array, index: pd.Index | None = None) -> pd.Series:
    """An arrow array of strings as a pandas text column (no Python string per cell)."""
    return pd.Series(arr.to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow", na_value=np.nan)).array,
                     index=index)


def string_bytes(arr: pa.LargeStringArray) -> tuple[np.ndarray, np.ndarray]:
    """The bytes of every cell, one after the other, and the cells' bounds in them (a view, no copy)."""
    _, offsets_buffer, data_buffer = arr.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.empty(0, np.uint8)
    return data[offsets[0]:offsets[-1]], offsets - offsets[0]


def _missing_if_empty(arr: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)


def _per_distinct(arr: pa.Array, fn: Rewrite) -> pa.Array:
    """``fn`` of each distinct value once, spread back to every cell (missing cells stay missing)."""
    encoded = pc.dictionary_encode(arr)
    return pc.take(fn(encoded.dictionary), encoded.indices)


def _joined(parts: list[pa.Array], separator: str) -> pa.Array:
    """Element-wise join of the non-empty parts (missing where all are empty).

    Pairwise, not with ``null_handling="skip"``: pyarrow 26 then leaves out the rows whose parts
    are all missing, and every later row would take another row's words.
    """
    sep = pa.scalar(separator, pa.large_string())
    out = _missing_if_empty(parts[0])
    for part in map(_missing_if_empty, parts[1:]):
        out = pc.coalesce(pc.binary_join_element_wise(out, part, sep), out, part)
    return out


def _rewrite(arr: pa.Array, keep: np.ndarray, separator: str | None, regex: str) -> pa.Array:
    """Every run of characters that ``keep`` refuses becomes ``separator`` (none at the ends) or vanishes.

    ASCII cells are rewritten by numpy; the others by ``regex``, the same rule for Unicode text.
    """
    ascii_only = pc.fill_null(pc.string_is_ascii(arr), True)
    fast = _rewrite_bytes(arr, keep, separator)
    if pc.all(ascii_only).as_py():
        return fast
    others = pc.replace_substring_regex(pc.filter(arr, pc.invert(ascii_only)), regex, separator or "")
    if separator:
        others = pc.utf8_trim(others, separator)
    return pc.replace_with_mask(fast, pc.invert(ascii_only), others)


def _kept_before(mask: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """How many bytes ``mask`` keeps before each cell bound (the cells' new bounds)."""
    padded = np.append(mask, False)  # so that every cell, empty ones at the end too, starts inside it
    counts = np.add.reduceat(padded, bounds[:-1], dtype=np.int64) if len(bounds) > 1 else np.empty(0, np.int64)
    counts[bounds[1:] == bounds[:-1]] = 0  # reduceat gives an empty cell the byte at its start
    return np.concatenate([[0], np.cumsum(counts)])


def _rewrite_bytes(arr: pa.Array, keep: np.ndarray, separator: str | None) -> pa.Array:
    """:func:`_rewrite` of ASCII cells over the column's data buffer at once (other cells come out garbled)."""
    if arr.offset:
        arr = pa.concat_arrays([arr])  # the validity bitmap is reused as it is
    data, bounds = string_bytes(arr)
    kept = np.take(keep, data)
    if separator is None:
        out, mask = data[kept], kept
    else:
        sep = np.uint8(ord(separator))
        refused = ~kept
        after_refused = np.empty_like(refused)  # the byte before was refused, or the byte starts its cell
        after_refused[1:] = refused[:-1]
        after_refused[bounds[:-1][bounds[:-1] < len(data)]] = True
        mask = kept | ~after_refused  # kept bytes, and the first of each run of refused ones inside a cell
        out = (data * kept.view(np.uint8) + sep * refused.view(np.uint8))[mask]  # refused bytes: separators
    bounds = _kept_before(mask, bounds)
    if separator is not None and len(out):  # a run at the end of a cell left one separator there
        last = bounds[1:][bounds[1:] > bounds[:-1]] - 1
        stays = np.ones(len(out), dtype=bool)
        stays[last[out[last] == sep]] = False
        out = out[stays]
        bounds = _kept_before(stays, bounds)
    return pa.LargeStringArray.from_buffers(len(arr), pa.py_buffer(bounds.astype(np.int64)),
                                            pa.py_buffer(out.tobytes()), arr.buffers()[0], arr.null_count)
