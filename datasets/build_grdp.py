"""Build the ILLUSTRATIVE GRDP tables (PDRB menurut lapangan usaha) in the layout BPS publishes them.

No real GRDP table by industry was reachable when this platform was built, so these figures are GENERATED
(seeded numpy RNG): plausible structure and magnitudes for Kabupaten Indramayu, Provinsi Jawa Barat and
Indonesia, 2019-2023, at constant 2010 prices (ADHK) and at current prices (ADHB), in million Rupiah.
**Do not cite them.** Replace them with BPS's tables (see datasets/README.md, "GRDP").

Each file mimics a BPS table: two title lines (Indonesian, English) naming the region and the price basis,
a bilingual header ("Lapangan Usaha / Industry"), a row numbering the columns, the 17 categories with
detail rows under A, B and C ("1. ...", "a. ..."), years marked ``*`` (preliminary) and ``**`` (very
preliminary), Indonesian number format, the total row and footnotes. Detail rows sum exactly to their
parent, the categories exactly to the total (to the cent). Deterministic: running it twice gives the same
bytes.

    python datasets/build_grdp.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent / "grdp"
SEED = 3212
YEARS = (2019, 2020, 2021, 2022, 2023)
MARKS = {2022: "*", 2023: "**"}
# (label, Indonesian name, English name, detail rows: (label, name, sub-detail names))
CATEGORIES = (
    ("A", "Pertanian, Kehutanan, dan Perikanan", "Agriculture, Forestry and Fishing"),
    ("B", "Pertambangan dan Penggalian", "Mining and Quarrying"),
    ("C", "Industri Pengolahan", "Manufacturing"),
    ("D", "Pengadaan Listrik dan Gas", "Electricity and Gas"),
    ("E", "Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang", "Water Supply"),
    ("F", "Konstruksi", "Construction"),
    ("G", "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor", "Wholesale and Retail Trade"),
    ("H", "Transportasi dan Pergudangan", "Transportation and Storage"),
    ("I", "Penyediaan Akomodasi dan Makan Minum", "Accommodation and Food Service Activities"),
    ("J", "Informasi dan Komunikasi", "Information and Communication"),
    ("K", "Jasa Keuangan dan Asuransi", "Financial and Insurance Activities"),
    ("L", "Real Estat", "Real Estate Activities"),
    ("M,N", "Jasa Perusahaan", "Business Activities"),
    ("O", "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib", "Public Administration"),
    ("P", "Jasa Pendidikan", "Education"),
    ("Q", "Jasa Kesehatan dan Kegiatan Sosial", "Human Health and Social Work Activities"),
    ("R,S,T,U", "Jasa lainnya", "Other Services Activities"),
)
DETAIL_SHARES = {"A": (0.6, 0.03, 0.37), "A.1": (0.55, 0.15, 0.08, 0.17, 0.05), "B": (0.85, 0.15),
                 "C": (0.55, 0.45)}  # ILLUSTRATIVE shares of a parent's detail rows
DETAIL = {  # category -> (numbered detail, its lettered detail)
    "A": (("Pertanian, Peternakan, Perburuan dan Jasa Pertanian",
           ("Tanaman Pangan", "Tanaman Hortikultura", "Tanaman Perkebunan", "Peternakan",
            "Jasa Pertanian dan Perburuan")),
          ("Kehutanan dan Penebangan Kayu", ()), ("Perikanan", ())),
    "B": (("Pertambangan Minyak, Gas dan Panas Bumi", ()), ("Pertambangan dan Penggalian Lainnya", ())),
    "C": (("Industri Batubara dan Pengilangan Migas", ()), ("Industri Pengolahan Nonmigas", ())),
}
# Region: (file stem, Indonesian name, English name, total 2019 ADHK in million Rp, shares of the 17
# categories in 2019): ILLUSTRATIVE magnitudes; Indramayu leans on farming, fishing, oil and gas and the
# refinery, Jawa Barat on manufacturing, the nation on manufacturing, trade and farming.
REGIONS = (
    ("indramayu", "Kabupaten Indramayu", "Indramayu Regency", 56_000_000,
     (26, 12, 24, 0.1, 0.1, 6, 12, 2.5, 2, 1.5, 1.2, 1.6, 0.3, 2.7, 4, 0.8, 1.2)),
    ("jawa_barat", "Provinsi Jawa Barat", "Jawa Barat Province", 1_490_000_000,
     (8.5, 1.6, 41.5, 0.4, 0.1, 8.5, 15.5, 4.7, 2.5, 3.5, 2.6, 1.2, 0.3, 2.0, 3.5, 0.8, 2.8)),
    ("indonesia", "Indonesia", "Indonesia", 10_950_000_000,
     (12.7, 7.3, 19.7, 1.1, 0.1, 10.7, 13.0, 5.6, 2.8, 5.0, 4.2, 2.9, 1.9, 3.6, 3.2, 1.2, 1.9)),
)


def _code(letters: str) -> str:
    """The category code of a label's letters ("M,N" -> "M-N")."""
    return {"M,N": "M-N", "R,S,T,U": "R-U"}.get(letters, letters)


def _cents(value: float) -> int:
    return int(round(value * 100))


def _split(total: int, weights: np.ndarray) -> list[int]:
    """``total`` cents split by ``weights``, summing to it exactly."""
    parts = [int(total * w / weights.sum()) for w in weights]
    parts[0] += total - sum(parts)
    return parts


def _series(rng: np.random.Generator, total: float, shares: tuple[float, ...]) -> dict[str, list[int]]:
    """Cents per category and year at constant prices: each category grows at its own noisy rate
    (2020 dips: the pandemic)."""
    base = np.asarray(shares, dtype=float) / sum(shares) * total
    growth = rng.normal(0.045, 0.02, len(base))
    out: dict[str, list[int]] = {}
    for (code, _, _), start, rate in zip(CATEGORIES, base, growth, strict=True):
        values, value = [], start
        for year in YEARS:
            values.append(_cents(value))
            shock = -0.03 + rng.normal(0, 0.02) if year == 2019 else rng.normal(0, 0.01)
            value *= 1 + rate + shock
        out[_code(code)] = values
    return out


def _current(rng: np.random.Generator, adhk: dict[str, list[int]]) -> dict[str, list[int]]:
    """Current prices: constant prices times a deflator rising from about 1.45 in 2019 (base 2010)."""
    out = {}
    for code, values in adhk.items():
        deflator, rate = rng.normal(1.45, 0.08), rng.normal(0.035, 0.015)
        out[code] = [int(v * (deflator * (1 + rate) ** i)) for i, v in enumerate(values)]
    return out


def _number(cents: int) -> str:
    """Indonesian format: 1.234.567,89."""
    whole, frac = divmod(abs(cents), 100)
    text = f"{whole:,}".replace(",", ".") + f",{frac:02d}"
    return "-" + text if cents < 0 else text


def _weights(rng: np.random.Generator, shares: tuple[float, ...]) -> np.ndarray:
    """Shares of a parent's detail rows per year: the given ones, drifting a few percent a year."""
    base = np.asarray(shares, dtype=float)[:, None]
    return base * rng.normal(1.0, 0.03, (len(shares), len(YEARS)))


def _rows(rng: np.random.Generator, figures: dict[str, list[int]]) -> list[list[str]]:
    """The category rows with their detail, each detail split of its parent exact."""
    rows = []
    for letters, name, _ in CATEGORIES:
        code = _code(letters)
        values = figures[code]
        rows.append([f"{letters} {name}", *map(_number, values)])
        details = DETAIL.get(code, ())
        if not details:
            continue
        weights = _weights(rng, DETAIL_SHARES[code])
        split = [_split(v, weights[:, i]) for i, v in enumerate(values)]
        for d, (detail_name, letters_below) in enumerate(details):
            detail_values = [split[i][d] for i in range(len(YEARS))]
            rows.append([f"{d + 1}. {detail_name}", *map(_number, detail_values)])
            if letters_below:
                below = _weights(rng, DETAIL_SHARES[f"{code}.{d + 1}"])
                parts = [_split(v, below[:, i]) for i, v in enumerate(detail_values)]
                for k, sub in enumerate(letters_below):
                    rows.append([f"{'abcdefgh'[k]}. {sub}", *(_number(parts[i][k]) for i in range(len(YEARS)))])
    return rows


def _write(path: Path, titles: tuple[str, str], body: list[list[str]], total: list[int], nation: bool) -> None:
    years = [f"{y}{MARKS.get(y, '')}" for y in YEARS]
    width = 1 + len(YEARS)
    pad = [""] * (width - 1)
    total_label = "PRODUK DOMESTIK BRUTO" if nation else "PRODUK DOMESTIK REGIONAL BRUTO"
    lines = [[titles[0], *pad], [titles[1], *pad], ["ILUSTRATIF / ILLUSTRATIVE: angka buatan, bukan angka BPS "
                                                     "(generated figures, not BPS figures)", *pad], ["", *pad],
             ["Lapangan Usaha / Industry", *years], [f"({i + 1})" for i in range(width)], *body,
             [total_label, *map(_number, total)],
             ["Catatan/Note: * Angka sementara/Preliminary figures; ** Angka sangat sementara/Very preliminary "
              "figures", *pad],
             ["Sumber/Source: ILUSTRATIF, dibuat oleh datasets/build_grdp.py (generated, not BPS)", *pad]]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(lines)


def main() -> None:
    """Write the six tables (three regions, two price bases) into datasets/grdp/."""
    HERE.mkdir(exist_ok=True)
    for i, (stem, name_id, name_en, total, shares) in enumerate(REGIONS):
        rng = np.random.default_rng([SEED, i])
        adhk = _series(rng, total, shares)
        adhb = _current(rng, adhk)
        word = "Domestik Bruto" if stem == "indonesia" else "Domestik Regional Bruto"
        for basis, figures, id_basis, en_basis in (
                ("adhk", adhk, "Atas Dasar Harga Konstan 2010", "at 2010 Constant Market Prices"),
                ("adhb", adhb, "Atas Dasar Harga Berlaku", "at Current Market Prices")):
            totals = [sum(v[y] for v in figures.values()) for y in range(len(YEARS))]
            titles = (f"Produk {word} {name_id} {id_basis} Menurut Lapangan Usaha (juta rupiah), 2019-2023",
                      f"Gross {'Domestic' if stem == 'indonesia' else 'Regional Domestic'} Product of {name_en} "
                      f"{en_basis} by Industry (million rupiahs), 2019-2023")
            _write(HERE / f"pdrb_{stem}_{basis}.csv", titles, _rows(rng, figures), totals, stem == "indonesia")


if __name__ == "__main__":
    main()
