"""How each result was computed, in words and symbols (Bahasa Indonesia and English)."""

from __future__ import annotations

from typing import Any

from gis.analysis.model import Inputs


def _reference_text(inputs: Inputs, lang: str) -> str:
    scope, n, level = inputs.plan.query.reference, len(inputs.areas), inputs.plan.query.level
    if scope == "kabupaten":
        return (f"E_i = Σ_j e_ij, jumlah produksi komoditas i di {n} {level} kabupaten ini; E = Σ_i E_i."
                if lang == "id" else
                f"E_i = Σ_j e_ij, the production of commodity i summed over the regency's {n} {level} areas; "
                f"E = Σ_i E_i.")
    place = {"provinsi": ("provinsi", "province"), "nasional": ("nasional", "nation")}[scope]
    return (f"E_i = produksi komoditas i tingkat {place[0]} (kode {inputs.reference_code}, tabel comparison_totals); "
            f"E = Σ_i E_i atas komoditas yang dipertimbangkan. Pangsa komoditas i dalam produksi wilayah "
            f"dibandingkan dengan pangsa komoditas i dalam produksi {place[0]} atas komoditas yang sama."
            if lang == "id" else
            f"E_i = the {place[1]}'s production of commodity i (code {inputs.reference_code}, comparison_totals); "
            f"E = Σ_i E_i over the commodities considered. The area's share of commodity i in its own production "
            f"is compared with the {place[1]}'s share of i in its production of the same commodities.")


def _considered_text(inputs: Inputs, lang: str) -> str:
    names = ", ".join(inputs.plan.commodities)
    return (f"Komoditas yang dipertimbangkan: {names} (yang berdata di tingkat ini pada semua tahun analisis"
            f"{'' if inputs.plan.query.reference == 'kabupaten' else ' dan memiliki total referensi'}); "
            f"wilayah tanpa baris untuk suatu komoditas dianggap tidak berproduksi (0)."
            if lang == "id" else
            f"Commodities considered: {names} (those with data at this level in every year of the analysis"
            f"{'' if inputs.plan.query.reference == 'kabupaten' else ' and with reference totals'}); "
            f"an area without a row for a commodity is taken to produce none of it (0).")


def lq_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the LQ was computed, in words and symbols."""
    text = (("LQ_ij = (e_ij / e_j) / (E_i / E): e_ij = produksi (ton) komoditas i di wilayah j pada tahun analisis, "
             "e_j = produksi wilayah j atas semua komoditas yang dipertimbangkan. ")
            if lang == "id" else
            ("LQ_ij = (e_ij / e_j) / (E_i / E): e_ij = production (ton) of commodity i in area j in the year, "
             "e_j = area j's production of all commodities considered. "))
    rule = ("LQ > 1: basis (pangsa komoditas di wilayah lebih besar dari di referensi, surplus dapat "
            "dipasarkan ke luar); LQ ≤ 1: non-basis." if lang == "id" else
            "LQ > 1: basic (the commodity's share in the area exceeds its share in the reference; a surplus "
            "to sell outside); LQ ≤ 1: non-basic.")
    return {"name": "location_quotient", "formula": "LQ_ij = (e_ij / e_j) / (E_i / E)",
            "text": " ".join([text + _reference_text(inputs, lang), _considered_text(inputs, lang), rule])}


def dlq_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the dynamic LQ was computed."""
    text = ("DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)], dengan laju pertumbuhan selama periode "
            "(g = x(akhir) / x(awal) − 1): g_ij komoditas i di wilayah j, g_j total wilayah j, G_i komoditas i di "
            "referensi, G total referensi. Nilainya sama dengan LQ(akhir) / LQ(awal); dengan laju rata-rata "
            "tahunan r selama t tahun: {[(1 + r_ij)/(1 + r_j)] / [(1 + R_i)/(1 + R)]}^t. DLQ > 1: spesialisasi "
            "menguat. Kelas menggabungkan LQ tahun akhir (> 1 basis) dan DLQ (> 1 menguat)."
            if lang == "id" else
            "DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)], with growth over the whole period "
            "(g = x(end) / x(start) − 1): g_ij of commodity i in area j, g_j of area j's total, G_i of commodity i "
            "in the reference, G of the reference's total. It equals LQ(end) / LQ(start); with average annual "
            "rates r over t years: {[(1 + r_ij)/(1 + r_j)] / [(1 + R_i)/(1 + R)]}^t. DLQ > 1: specialisation "
            "rising. Classes combine the end-year LQ (> 1 basic) with DLQ (> 1 rising).")
    return {"name": "dynamic_location_quotient", "formula": "DLQ_ij = [(1 + g_ij) / (1 + g_j)] / [(1 + G_i) / (1 + G)]",
            "text": " ".join([text, _reference_text(inputs, lang), _considered_text(inputs, lang)])}


def shift_share_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the shift-share components were computed."""
    text = ("D_ij = e_ij(akhir) − e_ij(awal) = N_ij + M_ij + C_ij. N_ij = e_ij(awal)·G: komponen pertumbuhan "
            "referensi (national/regional share), perubahan bila wilayah tumbuh seperti total referensi. "
            "M_ij = e_ij(awal)·(G_i − G): pergeseran proporsional (bauran komoditas), positif bila komoditas i "
            "tumbuh lebih cepat dari total referensi. C_ij = e_ij(awal)·(g_ij − G_i): pergeseran diferensial "
            "(daya saing), positif bila wilayah tumbuh lebih cepat dari referensi untuk komoditas i. "
            "C dihitung sebagai D − N − M sehingga jumlahnya tepat sama dengan D. Pergeseran bersih = M + C."
            if lang == "id" else
            "D_ij = e_ij(end) − e_ij(start) = N_ij + M_ij + C_ij. N_ij = e_ij(start)·G: national (regional) "
            "share, the change had the area grown like the reference's total. M_ij = e_ij(start)·(G_i − G): "
            "proportional (industry-mix) shift, positive when commodity i grew faster than the reference's total. "
            "C_ij = e_ij(start)·(g_ij − G_i): differential (competitive) shift, positive when the area outgrew "
            "the reference in commodity i. C is computed as D − N − M, so the three add up to D exactly. "
            "Net shift = M + C.")
    return {"name": "shift_share", "formula": "D_ij = e_ij(t0)·G + e_ij(t0)·(G_i − G) + e_ij(t0)·(g_ij − G_i)",
            "text": " ".join([text, _reference_text(inputs, lang), _considered_text(inputs, lang)])}


def klassen_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the Klassen quadrants were drawn, with the two thresholds."""
    contribution = inputs.plan.query.share == "contribution"
    growth = ("Sumbu pertumbuhan: g_ij = e_ij(akhir)/e_ij(awal) − 1, ambang = G_i, pertumbuhan komoditas i di "
              "referensi pada periode yang sama (tumbuh cepat bila g_ij > G_i)." if lang == "id" else
              "Growth axis: g_ij = e_ij(end)/e_ij(start) − 1, threshold G_i, the reference's growth of commodity i "
              "over the same period (fast when g_ij > G_i).")
    if contribution:
        share = ("Sumbu pangsa (kontribusi): e_ij(akhir) / Σ_j e_ij(akhir), pangsa wilayah dalam produksi "
                 "kabupaten; ambang = 1/n, n = jumlah wilayah yang berproduksi pada tahun akhir (maju bila "
                 "produksinya di atas rata-rata wilayah penghasil)." if lang == "id" else
                 "Share axis (contribution): e_ij(end) / Σ_j e_ij(end), the area's share of the regency's "
                 "production; threshold 1/n, n = number of areas producing in the end year (developed when the "
                 "area produces more than the average producing area).")
    else:
        share = ("Sumbu pangsa (spesialisasi): e_ij/e_j pada tahun akhir, ambang = E_i/E referensi (maju bila "
                 "LQ > 1)." if lang == "id" else
                 "Share axis (specialisation): e_ij/e_j in the end year, threshold E_i/E of the reference "
                 "(developed when LQ > 1).")
    quadrants = ("Kuadran I maju dan tumbuh cepat, II maju tapi tertekan, III berkembang cepat, IV relatif "
                 "tertinggal. Wilayah tanpa produksi di tahun awal tidak diklasifikasikan." if lang == "id" else
                 "Quadrant I prime, II developed but depressed, III potential (fast-developing), IV relatively "
                 "lagging. Areas without production in the start year are not classified.")
    parts = [growth, share, quadrants, _reference_text(inputs, lang)]
    if not contribution:
        parts.append(_considered_text(inputs, lang))
    return {"name": "klassen_typology", "formula": "quadrant = f(g_ij > G_i, share_ij > threshold)",
            "text": " ".join(parts)}


def leading_method(inputs: Inputs, lang: str = "id") -> dict[str, Any]:
    """How the leading commodities were chosen."""
    text = ("Komoditas unggulan wilayah: LQ > 1 pada tahun analisis (basis) dan tumbuh lebih cepat dari "
            "referensi sejak tahun awal (g_ij > G_i, yaitu pergeseran diferensial shift-share > 0). Peringkat "
            "produksi: 1 = wilayah dengan produksi terbesar untuk komoditas itu. Bila komoditas tidak berdata di "
            "tahun awal, hanya kelas basis/non-basis yang diberikan." if lang == "id" else
            "Leading commodities of an area: LQ > 1 in the year (basic) and growing faster than the reference "
            "since the start year (g_ij > G_i, i.e. a positive shift-share differential shift). Production rank: "
            "1 = the area producing the most of that commodity. When a commodity has no data in the start year, "
            "only basic / non-basic is given.")
    return {"name": "leading_commodities", "formula": "leading = LQ_ij > 1 and g_ij > G_i",
            "text": " ".join([text, lq_method(inputs, lang)["text"]])}

