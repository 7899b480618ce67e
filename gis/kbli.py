"""KBLI 2020 (Indonesian standard industrial classification): sections and their divisions."""

from __future__ import annotations

# section letter -> (first division, last division, label id, label en)
SECTIONS: dict[str, tuple[int, int, str, str]] = {
    "A": (1, 3, "Pertanian, Kehutanan dan Perikanan", "Agriculture, forestry and fishing"),
    "B": (5, 9, "Pertambangan dan Penggalian", "Mining and quarrying"),
    "C": (10, 33, "Industri Pengolahan", "Manufacturing"),
    "D": (35, 35, "Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin", "Electricity and gas supply"),
    "E": (36, 39, "Pengelolaan Air, Limbah dan Daur Ulang Sampah", "Water supply, waste and remediation"),
    "F": (41, 43, "Konstruksi", "Construction"),
    "G": (45, 47, "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor",
          "Wholesale and retail trade; repair of motor vehicles"),
    "H": (49, 53, "Transportasi dan Pergudangan", "Transportation and storage"),
    "I": (55, 56, "Penyediaan Akomodasi dan Makan Minum", "Accommodation and food service"),
    "J": (58, 63, "Informasi dan Komunikasi", "Information and communication"),
    "K": (64, 66, "Aktivitas Keuangan dan Asuransi", "Financial and insurance activities"),
    "L": (68, 68, "Real Estat", "Real estate"),
    "M": (69, 75, "Aktivitas Profesional, Ilmiah dan Teknis", "Professional, scientific and technical"),
    "N": (77, 82, "Aktivitas Penyewaan dan Sewa Guna Usaha, Ketenagakerjaan, Agen Perjalanan",
          "Administrative and support services"),
    "O": (84, 84, "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib",
          "Public administration and defence"),
    "P": (85, 85, "Pendidikan", "Education"),
    "Q": (86, 88, "Aktivitas Kesehatan Manusia dan Aktivitas Sosial", "Human health and social work"),
    "R": (90, 93, "Kesenian, Hiburan dan Rekreasi", "Arts, entertainment and recreation"),
    "S": (94, 96, "Aktivitas Jasa Lainnya", "Other service activities"),
    "T": (97, 98, "Aktivitas Rumah Tangga sebagai Pemberi Kerja", "Activities of households as employers"),
    "U": (99, 99, "Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya",
          "Extraterritorial organisations"),
}
_DIVISION_TO_SECTION = {d: s for s, (lo, hi, _, _) in SECTIONS.items() for d in range(lo, hi + 1)}


def section_of(kbli: str) -> str | None:
    """Section letter of a KBLI 2020 code (``10792`` -> ``C``), or None if its division is unknown."""
    if len(kbli) < 2 or not kbli[:2].isdigit():
        return None
    return _DIVISION_TO_SECTION.get(int(kbli[:2]))


def section_label(section: str, lang: str = "id") -> str:
    """Label of a KBLI section in Indonesian or English."""
    _, _, label_id, label_en = SECTIONS[section]
    return label_en if lang == "en" else label_id
