"""Tolerant matching of Indonesian place names (desa, kelurahan, kecamatan, kabupaten).

Agency files spell the same place in many ways: "Kedokan Bunder" / "Kedokanbunder",
"Desa Eretan Kulon" / "ERETAN KULON", "Kec. Karang Ampel" / "Karangampel", old
spellings such as "Djatibarang" or "Tjikedoeng", typos such as "Kertasmaya", and BPS
table labels that carry the area's BPS number ("010 Tempuran", "010. Tempuran").
:func:`normalize_name` builds a comparison key; :class:`NameMatcher` matches a name
against an official list and never guesses: when two places fit equally well, the
result is "ambiguous" with the tied codes, for the report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

MatchStatus = Literal["exact", "normalized", "fuzzy", "ambiguous", "none"]

# Administrative prefixes: whole words followed by a space, or abbreviations with a dot.
_PREFIX = re.compile(
    r"^(?:(?:desa|kelurahan|kecamatan|kabupaten|kota|kel|ds|kec|kab)\.?\s+"
    r"|(?:kel|ds|kec|kab)\.\s*)"
)
# A BPS area number before the name: "010 Tempuran", "010. Tempuran", "3212010 Tempuran".
_BPS_NUMBER = re.compile(r"^[0-9]{1,7}(?:\s*[.)]\s*|\s+)(?=[a-z])")
# Markers of the pre-1972 (Van Ophuijsen / Soewandi) spelling.
_OLD_SPELLING_MARKERS = ("oe", "dj", "tj")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5",
          "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10"}  # fmt: skip
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGIT_SUFFIX = re.compile(r"[0-9]*$")


def normalize_name(name: str) -> str:
    """Return the comparison key of a place name ("Desa Kedokan Bunder" -> "kedokanbunder").

    Steps: casefold and strip accents; drop a leading BPS number ("010 Tempuran"); drop one
    administrative prefix (desa, kelurahan, kel., ds., kecamatan, kec., kabupaten, kab.,
    kota); modernise the old spelling
    (oe -> u, dj -> j, tj -> c, and - only in a name that shows one of those old
    markers - nj -> ny, sj -> sy, j -> y, so "Soekadjaja" -> "sukajaya" but "Jatibarang"
    keeps its j); turn a final roman numeral word into digits ("Sukamulya II" ->
    "sukamulya2"); finally drop everything but letters and digits. A missing name (None
    or NaN, as pandas gives for an empty cell) has the empty key.
    """
    if not isinstance(name, str):
        return "" if name is None or name != name else normalize_name(str(name))
    text = _BPS_NUMBER.sub("", _plain_lowercase(name), count=1)
    text = _strip_prefix(text)
    text = _modern_spelling(text)
    text = _roman_suffix_to_digits(text)
    return _NON_ALNUM.sub("", text)


def _plain_lowercase(name: str) -> str:
    """Casefold, strip accents and collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(no_accents.split())


def _strip_prefix(text: str) -> str:
    """Drop one leading administrative prefix, unless nothing would be left."""
    stripped = _PREFIX.sub("", text, count=1)
    return stripped if _NON_ALNUM.sub("", stripped) else text


def _modern_spelling(text: str) -> str:
    """Rewrite the pre-1972 spelling in today's spelling (EYD)."""
    is_old = any(marker in text for marker in _OLD_SPELLING_MARKERS)
    text = text.replace("oe", "u").replace("dj", "\0").replace("tj", "c")
    if is_old:
        text = text.replace("nj", "ny").replace("sj", "sy").replace("j", "y")
    return text.replace("\0", "j")


def _roman_suffix_to_digits(text: str) -> str:
    """Turn a final roman numeral word into digits: "tegal i" -> "tegal 1"."""
    words = _NON_ALNUM.sub(" ", text).split()
    if len(words) > 1 and words[-1] in _ROMAN:
        words[-1] = _ROMAN[words[-1]]
    return " ".join(words)


@dataclass(frozen=True)
class NameMatch:
    """Result of matching one name: the code found (if any), how, and the tied candidates."""

    query: str
    code: str | None
    status: MatchStatus
    candidates: tuple[str, ...]


class NameMatcher:
    """Match place names against an official list ``{code: official name}`` (or (code, name) pairs:
    a code may have several names, e.g. the loaded one and the gazetteer's).

    Order: exact name (surrounding spaces ignored); equal :func:`normalize_name` keys;
    fuzzy match on the keys (Damerau-Levenshtein distance <= 1 when the shorter key has
    up to 8 characters, <= 2 when longer; keys ending in different numbers never match
    fuzzily, so "Sukamulya 1" is not "Sukamulya 2"). More than one code at the best
    level is "ambiguous"; the matcher never picks one. Results are cached per query.
    """

    def __init__(self, names: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, list[str]] = {}
        self._by_key: dict[str, list[str]] = {}
        for code, name in names.items() if isinstance(names, Mapping) else names:
            self._exact.setdefault(str(name).strip(), []).append(code)
            self._by_key.setdefault(normalize_name(name), []).append(code)
        self._by_key.pop("", None)
        self._cache: dict[str, NameMatch] = {}

    def match(self, name: str) -> NameMatch:
        """Return the match of ``name``: exact, normalized, fuzzy, ambiguous or none."""
        cached = self._cache.get(name)
        if cached is None:
            cached = self._match(name)
            self._cache[name] = cached
        return cached

    def closest(self, name: str, count: int = 2) -> list[str]:
        """Codes of the ``count`` names nearest to ``name`` by edit distance, for "did you mean"."""
        key = normalize_name(name)
        ranked = sorted((edit_distance(key, other), other) for other in self._by_key)
        return list(dict.fromkeys(c for _, other in ranked for c in self._by_key[other]))[:count]

    def _match(self, name: str) -> NameMatch:
        exact = self._exact.get(name.strip()) if isinstance(name, str) else None
        if exact:
            return _result(name, exact, "exact")
        key = normalize_name(name)
        if not key:
            return NameMatch(name, None, "none", ())
        if key in self._by_key:
            return _result(name, self._by_key[key], "normalized")
        fuzzy = self._closest_codes(key)
        if fuzzy:
            return _result(name, fuzzy, "fuzzy")
        return NameMatch(name, None, "none", ())

    def _closest_codes(self, key: str) -> list[str]:
        """Return the codes of all keys at the smallest allowed edit distance from ``key``."""
        best_distance: int | None = None
        best: list[str] = []
        suffix = _DIGIT_SUFFIX.search(key).group()
        for other, codes in self._by_key.items():
            limit = fuzzy_limit(min(len(key), len(other)))
            if abs(len(key) - len(other)) > limit:
                continue
            if _DIGIT_SUFFIX.search(other).group() != suffix:
                continue
            distance = edit_distance(key, other, limit)
            if distance > limit or (best_distance is not None and distance > best_distance):
                continue
            if best_distance is None or distance < best_distance:
                best_distance, best = distance, []
            best.extend(codes)
        return best


def _result(query: str, codes: list[str], status: MatchStatus) -> NameMatch:
    unique = tuple(dict.fromkeys(codes))
    if len(unique) == 1:
        return NameMatch(query, unique[0], status, unique)
    return NameMatch(query, None, "ambiguous", unique)


def fuzzy_limit(length: int) -> int:
    """Return the largest edit distance accepted for a key of ``length`` characters."""
    return 1 if length <= 8 else 2


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Return the Damerau-Levenshtein (optimal string alignment) distance of a and b.

    With ``limit``, stops early and returns ``limit + 1`` once the distance must exceed it.
    """
    if a == b:
        return 0
    cap = limit + 1 if limit is not None else max(len(a), len(b))
    if abs(len(a) - len(b)) >= cap:
        return cap if limit is not None else abs(len(a) - len(b))
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return cap
        before_previous, previous = previous, current
    return previous[-1]
