"""Comparison keys computed column-wise (pyarrow kernels, no Python loop per row)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gis.text import folded


def business_key(names: pd.Series) -> pd.Series:
    """Key that finds the same business written twice: casefolded, no accents, letters and digits only."""
    text = pa.array(names.astype("str"), type=pa.large_string(), from_pandas=True)
    text = pc.replace_substring_regex(folded(text), r"[^0-9a-z]+", "")
    key = pd.Series(text.to_pandas(types_mapper=pd.ArrowDtype), index=names.index).astype("str")
    return key.mask(key == "")
