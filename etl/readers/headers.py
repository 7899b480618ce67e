"""Column keys from header text: "Produksi (Ton)" -> "produksi_ton", made unique within a table."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_header(text: str) -> str:
    """Return a column key: "Produksi (Ton)" -> "produksi_ton", "No." -> "no".

    Casefolds, strips accents, moves units in parentheses or brackets to the end
    ("Produksi (Ton) 2023" -> "produksi_2023_ton"), spells '%' as "persen", turns every
    run of other characters into '_' and strips '_' at both ends.
    """
    folded = _fold(text).replace("%", " persen ")
    units = _BRACKETED.findall(folded)
    main = _BRACKETED.sub(" ", folded)
    return _NON_ALNUM.sub("_", " ".join([main, *units])).strip("_")


def _fold(text: object) -> str:
    """Casefold and strip accents (NFKD, so "km²" becomes "km2")."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unique_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Make names unique with a numeric suffix: a, a -> a, a_2."""
    taken = set(reserved)
    unique: list[str] = []
    for name in names:
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}_{n}"
        taken.add(candidate)
        unique.append(candidate)
    return unique
