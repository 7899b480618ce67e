"""KBLI 2020 (Indonesian standard industrial classification): sections and their divisions."""

from __future__ import annotations

from gis.i18n import t

# section letter -> (first division, last division); the section's label is the catalogue's ``kbli.<letter>``
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43), "G": (45, 47),
    "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68), "M": (69, 75), "N": (77, 82),
    "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93), "S": (94, 96), "T": (97, 98), "U": (99, 99),
}
_DIVISION_TO_SECTION = {d: s for s, (lo, hi) in SECTIONS.items() for d in range(lo, hi + 1)}


def section_of(kbli: str) -> str | None:
    """Section letter of a KBLI 2020 code (``10792`` -> ``C``), or None if its division is unknown."""
    if len(kbli) < 2 or not kbli[:2].isdigit():
        return None
    return _DIVISION_TO_SECTION.get(int(kbli[:2]))


def section_label(section: str, lang: str = "id") -> str:
    """Label of a KBLI section in Indonesian or English (KeyError for an unknown section)."""
    if section not in SECTIONS:
        raise KeyError(section)
    return t(f"kbli.{section}", lang)
