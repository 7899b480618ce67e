"""GRDP by industry (PDRB menurut lapangan usaha) as BPS publishes it: the table read, checked and made long.

A BPS GRDP table has a title naming the region and the price basis ("... Kabupaten Indramayu Atas Dasar Harga
Konstan 2010 ..."), a bilingual header ("Lapangan Usaha / Industry" then one column per year, "2022*" and
"2023**" marking preliminary and very preliminary figures), the 17 categories A..L, M-N, O, P, Q, R-U with
nested detail rows ("1. Pertanian, ..." and "a. Tanaman Pangan" under A), the total row "PRODUK DOMESTIK
REGIONAL BRUTO" and footnotes. :func:`reshape` turns it into one row per (category or detail, year), checking
the total of every year against the sum of the 17 categories; :func:`grdp_rows` (the job's transform) settles
the region and price basis from the title and the ``--area`` / ``--price-basis`` options.

Figures are in million Rupiah (juta rupiah), as BPS publishes them. Regions: the platform's regency (its
Kemendagri code, ``32.12``), its province (``32``) and the nation (``00``, as ``comparison_totals`` names it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.context import ChunkContext
from etl.errors import ReadError
from etl.numbers import decide_decimals, parse_numbers
from etl.readers import TableInfo

NATION_CODE = "00"
CATEGORIES = ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M-N", "O", "P", "Q", "R-U")
TOTAL_CODE = "PDRB"  # the published total row, kept (level 0) but never summed with the categories
TAX_CODE = "TAX"  # national tables: taxes less subsidies on products, part of the total but not a category
PRICE_BASES = {"adhk": "constant 2010 prices (atas dasar harga konstan 2010)",
               "adhb": "current prices (atas dasar harga berlaku)"}
TOTAL_TOLERANCE = 1e-5  # share of the total that rounding of the published figures may explain (at least 1)
PROVINCES = {  # Kemendagri province codes and the names a BPS title uses
    "11": ("aceh",), "12": ("sumatera utara",), "13": ("sumatera barat",), "14": ("riau",), "15": ("jambi",),
    "16": ("sumatera selatan",), "17": ("bengkulu",), "18": ("lampung",), "19": ("kepulauan bangka belitung",),
    "21": ("kepulauan riau",), "31": ("dki jakarta",), "32": ("jawa barat", "west java"),
    "33": ("jawa tengah", "central java"), "34": ("di yogyakarta", "daerah istimewa yogyakarta"),
    "35": ("jawa timur", "east java"), "36": ("banten",), "51": ("bali",), "52": ("nusa tenggara barat",),
    "53": ("nusa tenggara timur",), "61": ("kalimantan barat",), "62": ("kalimantan tengah",),
    "63": ("kalimantan selatan",), "64": ("kalimantan timur",), "65": ("kalimantan utara",),
    "71": ("sulawesi utara",), "72": ("sulawesi tengah",), "73": ("sulawesi selatan",),
    "74": ("sulawesi tenggara",), "75": ("gorontalo",), "76": ("sulawesi barat",), "81": ("maluku",),
    "82": ("maluku utara",), "91": ("papua",), "92": ("papua barat",), "93": ("papua selatan",),
    "94": ("papua tengah",), "95": ("papua pegunungan",), "96": ("papua barat daya",),
}

_YEAR_HEADER = re.compile(r"^((?:19|20)\d{2})\s*(\*{0,2})\s*\)?$")
_CATEGORY = re.compile(r"^([A-U](?:\s*[,\-–&]\s*[A-U])*)\s*[.):]?\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.)]\s*(\S.*)$")
_LETTERED = re.compile(r"^([a-z])\s*[.)]\s*(\S.*)$")
_TOTAL = re.compile(r"^(produk domestik (regional )?bruto|pdrb|pdb|gross (regional )?domestic product)\b",
                    re.IGNORECASE)
_ADHK = re.compile(r"harga konstan|\badhk\b|constant(\s+\d{4})?\s+(market\s+)?prices?", re.IGNORECASE)
_ADHB = re.compile(r"harga berlaku|\badhb\b|current\s+(market\s+)?prices?", re.IGNORECASE)
_REGENCY = re.compile(r"\b(?:kabupaten|kab\.|kota)\s+([a-z][a-z'.-]*(?:\s+(?!atas\b|menurut\b|tahun\b|provinsi\b)"
                      r"[a-z][a-z'.-]*){0,2})")
_COLUMN_NUMBER = re.compile(r"^\(\d{1,2}\)$")
_TAX = re.compile(r"^pajak (dikurangi|kurang) subsidi|^taxes less subsidies", re.IGNORECASE)
_SUBTOTAL = re.compile(r"^(nilai tambah bruto|gross value added)", re.IGNORECASE)


@dataclass
class _Item:
    """One row of the table: a category, a detail row under one, or the total."""

    code: str
    parent: str | None
    level: int  # 0 total, 1 category, 2 "1." detail, 3 "a." detail
    label: str
    row: int
    position: int  # index of the row in the table's frame


def category_code(letters: str) -> str | None:
    """The category of a BPS label's letters: "A" -> "A", "M,N" or "M-N" -> "M-N", "R,S,T,U" -> "R-U"."""
    found = re.findall(r"[A-U]", letters)
    if not found:
        return None
    if set(found) <= {"M", "N"}:
        return "M-N"
    if set(found) <= {"R", "S", "T", "U"}:
        return "R-U"
    return found[0] if len(found) == 1 and found[0] in CATEGORIES else None


def reshape(info: TableInfo, chunks: Iterable[tuple[pd.DataFrame, np.ndarray]]) -> tuple[pd.DataFrame, np.ndarray]:
    """The long rows of a BPS GRDP table (one per item and year) and their row numbers; ReadError when the table
    is not one (no year column, an unknown row, a category missing or twice, a total that does not add up)."""
    path = info.path
    parts = list(chunks)
    frame = pd.concat([f for f, _ in parts], ignore_index=True)
    rows = np.concatenate([r for _, r in parts])
    years = _year_columns(info)
    if not years:
        raise ReadError("no year column: a GRDP table has one column per year (2019, 2022*, 2023**)", path)
    labels = _labels(frame, [k for k in frame.columns if k not in years])
    values = _figures(frame, rows, years, info, path)
    figureless = set(np.flatnonzero(np.isnan(np.column_stack(list(values.values()))).all(axis=1)).tolist())
    items = _items(labels, rows, figureless, path)
    _check_totals(items, values, years, info, path)
    title = info.title or ""
    named = {"title_area": title_region(title), "title_basis": title_basis(title, path)}
    out, out_rows = [], []
    for item in items:
        for key, (year, flag) in years.items():
            value = values[key][item.position]
            if np.isnan(value):
                continue  # "..." (not available): no row, never a zero
            out.append({"category": item.code, "parent_category": item.parent, "level": item.level,
                        "label": item.label, "year": year, "preliminary": flag or None, "value": value,
                        **named})
            out_rows.append(item.row)
    return pd.DataFrame(out), np.asarray(out_rows, dtype=np.int64)


def _year_columns(info: TableInfo) -> dict[str, tuple[int, str]]:
    """Column key -> (year, "" / "*" / "**") for the columns headed by a year."""
    years: dict[str, tuple[int, str]] = {}
    for key, original in info.headers.items():
        match = _YEAR_HEADER.match(str(original).strip())
        if match:
            years[key] = (int(match.group(1)), match.group(2))
    return years


def _labels(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The label of each row: its text cells outside the year columns, joined ("A" + "Pertanian ...")."""
    texts = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [" ".join(" ".join(str(v).split()) for v in row if v is not None and str(v).strip())
            for row in texts.itertuples(index=False)]


def _items(labels: list[str], rows: np.ndarray, figureless: set[int], path: str) -> list[_Item]:
    """The categories, their detail rows and the total, in table order; rows after the total are left out
    (BPS adds "PDRB tanpa migas" and the like there), and so are rows without figures that are neither
    (a header's translation, "Industry", on a row of its own)."""
    items: list[_Item] = []
    category: str | None = None
    numbered: str | None = None
    for i, label in enumerate(labels):
        row = int(rows[i])
        if _TOTAL.match(label):
            items.append(_Item(TOTAL_CODE, None, 0, label, row, i))
            break
        if _SUBTOTAL.match(label):
            continue  # gross value added: the sum of the categories again
        if _TAX.match(label):
            items.append(_Item(TAX_CODE, None, 0, label, row, i))
            continue
        if (i in figureless and not _is_item(label)) or _COLUMN_NUMBER.match(label):
            continue  # the column numbers "(1) (2) (3)" below a header the reader took for data
        item = _item(label, category, numbered, row, i, path)
        if item.level == 1:
            if any(x.code == item.code for x in items):
                raise ReadError(f"category {item.code} appears twice", path, row=row)
            category, numbered = item.code, None
        elif item.level == 2:
            numbered = item.code
        items.append(item)
    else:
        raise ReadError("no total row: a GRDP table ends with 'PRODUK DOMESTIK REGIONAL BRUTO' (or 'PDRB'), "
                        "which is checked against the sum of the categories", path)
    missing = [c for c in CATEGORIES if c not in {x.code for x in items}]
    if missing:
        raise ReadError("categories missing: " + ", ".join(missing) + " (a GRDP table by industry has the 17 "
                        "categories " + ", ".join(CATEGORIES) + ")", path)
    return items


def _is_item(label: str) -> bool:
    """True for a label shaped like a category or a detail row."""
    return any(p.match(label) for p in (_CATEGORY, _NUMBERED, _LETTERED))


def _item(label: str, category: str | None, numbered: str | None, row: int, position: int, path: str) -> _Item:
    """One row before the total: a category ("A Pertanian ..."), or detail under the current one."""
    if match := _CATEGORY.match(label):
        code = category_code(match.group(1))
        if code is None:
            raise ReadError(f"'{match.group(1)}' is not one of the 17 categories " + ", ".join(CATEGORIES),
                            path, row=row)
        return _Item(code, None, 1, match.group(2), row, position)
    detail = _NUMBERED.match(label) or _LETTERED.match(label)
    if detail is None:
        raise ReadError(f"row label '{label[:60]}' not understood: a category starts with its letter "
                        "('A. Pertanian ...'), a detail row with '1.' or 'a.'", path, row=row)
    if category is None:
        raise ReadError("a detail row comes before any category", path, row=row)
    if detail.re is _NUMBERED:
        return _Item(f"{category}.{detail.group(1)}", category, 2, detail.group(2), row, position)
    parent = numbered or category
    return _Item(f"{parent}.{detail.group(1)}", parent, 3 if numbered else 2, detail.group(2), row, position)


def _figures(frame: pd.DataFrame, rows: np.ndarray, years: dict[str, tuple[int, str]], info: TableInfo,
             path: str) -> dict[str, np.ndarray]:
    """The figures of every year column (Indonesian or English number format, decided once for the table)."""
    decimals = decide_decimals({k: frame[k] for k in years}, prefer=",")
    values = {}
    for key in years:
        numbers, bad = parse_numbers(frame[key], decimal=decimals[key])
        if bad.any():
            at = int(np.flatnonzero(bad.to_numpy())[0])
            raise ReadError(f"'{frame[key].iloc[at]}' is not a number (million Rupiah)", path, row=int(rows[at]),
                            column=info.headers.get(key, key))
        values[key] = numbers.to_numpy(dtype=float)
    return values


def _check_totals(items: list[_Item], values: dict[str, np.ndarray], years: dict[str, tuple[int, str]],
                  info: TableInfo, path: str) -> None:
    """The total row of every year equals the sum of the 17 categories, within rounding."""
    total = items[-1]
    categories = [x.position for x in items if x.level == 1 or x.code == TAX_CODE]
    for key in years:
        published = values[key][total.position]
        parts = values[key][categories]
        if np.isnan(published) or np.isnan(parts).any():
            continue  # a figure not available: nothing to check against
        summed = float(parts.sum())
        if abs(summed - published) > max(1.0, TOTAL_TOLERANCE * abs(published)):
            raise ReadError(f"the total {published:,.2f} does not equal the sum of the categories "
                            f"{summed:,.2f} (difference {summed - published:,.2f} million Rupiah): correct "
                            "the figures (a detail row counted as a category?)", path, row=total.row,
                            column=info.headers.get(key, key))


def title_basis(title: str, path: str = "") -> str | None:
    """The price basis a title names (``adhk`` or ``adhb``), None when it names none."""
    constant, current = bool(_ADHK.search(title)), bool(_ADHB.search(title))
    if constant and current:
        raise ReadError("the title names both price bases (constant and current prices): one table per basis",
                        path)
    return "adhk" if constant else "adhb" if current else None


def title_region(title: str) -> str | None:
    """What region a title names, as ``kabupaten:<name>``, ``provinsi:<code>`` or ``nasional``."""
    folded = " ".join(title.casefold().split())
    if match := _REGENCY.search(folded):
        return "kabupaten:" + match.group(1).strip()
    longest_first = sorted(((n, c) for c, names in PROVINCES.items() for n in names), key=lambda p: -len(p[0]))
    for name, code in longest_first:  # "kepulauan riau" before "riau", "papua barat" before "papua"
        if re.search(rf"\b{re.escape(name)}\b", folded):
            return "provinsi:" + code
    if "indonesia" in folded or re.search(r"produk domestik bruto|\bpdb\b", folded):
        return "nasional"
    return None


def _region_code(named: str | None, ctx: ChunkContext) -> tuple[str | None, str | None]:
    """The code of the region a title names, or why it cannot be loaded."""
    region = ctx.areas.region_code
    if named is None:
        return None, None
    if named == "nasional":
        return NATION_CODE, None
    if named.startswith("provinsi:"):
        code = named.split(":", 1)[1]
        if code != region[:2]:
            return None, f"the title names province {code} ({PROVINCES[code][0].title()}): only this " \
                         f"platform's province ({region[:2]}) and the nation ({NATION_CODE}) are reference regions"
        return code, None
    name = named.split(":", 1)[1]
    own = ctx.areas.name_of(region).casefold()
    if name == own or name.startswith(own + " "):
        return region, None
    return None, f"the title names another regency ('{name[:40]}'): this platform's regency is " \
                 f"{ctx.areas.name_of(region)} ({region})"


def _check_detail(frame: pd.DataFrame, ctx: ChunkContext) -> None:
    """Warn where a row's detail does not add up to it (a table may list only part of the detail)."""
    detail = frame[frame["parent_category"].notna()]
    sums = detail.groupby(["parent_category", "year"])["value"].sum()
    parents = frame.set_index(["category", "year"])["value"]
    for (parent, year), summed in sums.items():
        published = parents.get((parent, year))
        if published is None or abs(summed - published) <= max(1.0, TOTAL_TOLERANCE * abs(published)):
            continue
        mask = ((frame["category"] == parent) & (frame["year"] == year)).to_numpy()
        ctx.warn(mask, "category", None, f"the detail rows under {parent} add up to {summed:,.2f}, not to its "
                 f"{published:,.2f} ({year}): loaded as published", "detail-sum")


def _title_value(frame: pd.DataFrame, column: str) -> str | None:
    """What the title said (the same on every row), None when it said nothing."""
    if column not in frame or not len(frame) or pd.isna(frame[column].iloc[0]):
        return None
    return str(frame[column].iloc[0])


def grdp_rows(frame: pd.DataFrame, ctx: ChunkContext) -> pd.DataFrame:
    """The job's transform: the region and the price basis of every row, from the title or the options."""
    region = ctx.areas.region_code
    allowed = (region, region[:2], NATION_CODE)
    named, why = _region_code(_title_value(frame, "title_area"), ctx)
    everything = np.ones(len(frame), dtype=bool)
    if why:
        ctx.reject(everything, "area_code", None, why, "invalid-value")
    given = ctx.options.area
    if given is not None and given not in allowed:
        ctx.reject(everything, "area_code", None, f"--area {given}: use {', '.join(allowed)} (the regency, "
                   "its province, the nation)", "invalid-value")
    elif given is not None and named is not None and given != named:
        ctx.reject(everything, "area_code", None, f"--area {given} contradicts the table title, which names "
                   f"{named}", "contradiction")
    basis_named = _title_value(frame, "title_basis")
    basis = ctx.options.price_basis
    if basis is not None and basis_named is not None and basis != basis_named:
        ctx.reject(everything, "price_basis", None, f"--price-basis {basis} contradicts the table title, "
                   f"which names {basis_named} ({PRICE_BASES[basis_named]})", "contradiction")
    area, basis = given or named, basis or basis_named
    if area is None:
        ctx.reject(everything, "area_code", None, "the title names no region: give --area "
                   f"({', '.join(allowed)})", "missing-value")
    if basis is None:
        ctx.reject(everything, "price_basis", None, "the title names no price basis: give --price-basis "
                   "adhk (constant 2010 prices) or adhb (current prices)", "missing-value")
    _check_detail(frame, ctx)
    out = frame.reindex(columns=["category", "parent_category", "level", "label", "year", "preliminary",
                                 "value"])
    out["area_code"] = area
    out["price_basis"] = basis
    return out.rename(columns={"value": "value_million_idr"})
