"""Plain text for tolerant matching: lower case, no accents, single spaces.

One implementation serves both sides: the ETL stores ``producers.search_text`` with it
and the search normalises the words of a query with it, so "Kérupuk" finds "kerupuk".
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


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
    """Lower-case, accent-free, whitespace-collapsed text of every cell (pyarrow kernels)."""
    arr = folded(pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True))
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"\s+", " "))
    return pd.Series(arr.to_pandas(types_mapper=pd.ArrowDtype), index=values.index).astype("str")


def plain_text(value: str) -> str:
    """Plain text of one string (the same rules as :func:`plain_texts`)."""
    return str(plain_texts(pd.Series([value], dtype="str")).iat[0])


def producer_search_text(name: pd.Series, products: pd.Series, tags: pd.Series) -> pd.Series:
    """What producer search matches: name, products and tags as one plain text."""
    joined = (name.astype("str").fillna("") + " " + products.astype("str").fillna("") + " "
              + tags.astype("str").fillna("").str.replace(";", " ", regex=False))
    return plain_texts(joined)
