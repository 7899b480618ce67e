"""docs/analysis.md against the API on the bundled data: every figure the walk-through quotes is recomputed here.

Each test rebuilds the doc's text (table rows, sentences) from an API answer with the doc's number format and
looks for it in the doc; a doc that goes stale (data, method or format changed) fails here.
"""

import re

import pytest

from tests.conftest import BUNDLED

DOC = (BUNDLED.parent / "docs" / "analysis.md").read_text(encoding="utf-8")
BASE = "/api/v1/analysis"


def plain(text: str) -> str:
    """The doc writes minus signs as U+2212; the API's numbers format with '-'."""
    return text.replace("−", "-")


def step(number: int) -> str:
    """The text of '## Langkah N' up to the next section, with plain minus signs."""
    match = re.search(rf"^## Langkah {number} .*?(?=^## )", DOC, flags=re.S | re.M)
    assert match, f"no step {number} in docs/analysis.md"
    return plain(match.group(0))


def indonesian(english: str) -> str:
    """'1,399,352.12' -> '1.399.352,12' (the doc writes its Indonesian sentences that way)."""
    return english.replace(",", "_").replace(".", ",").replace("_", ".")


def pct(value: float, digits: int = 2, sign: str = "+") -> str:
    return f"{value * 100:{sign}.{digits}f} %"


def table_codes(text: str) -> list[str]:
    return re.findall(r"^\| (32\.12\.\d\d) \|", text, flags=re.M)


def get(client, name, **params):
    response = client.get(f"{BASE}/{name}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def test_the_error_example_is_the_api_message(client):
    detail = client.get(f"{BASE}/lq", query_string={"commodity": "padi", "year": 2019}).get_json()["detail"]
    assert f"`{detail}`" in DOC


def test_step_1_lq_of_padi(client):
    text = step(1)
    body = get(client, "lq", commodity="padi", year=2024, level="kecamatan", reference="kabupaten")
    rows = sorted(body["rows"], key=lambda r: -r["production"])
    # the table shows the five largest and three smallest producers, exactly as the API has them
    shown = table_codes(text.split("A meaningful LQ")[0])
    assert shown == [r["code"] for r in rows[:5] + rows[-3:]]
    for row in rows[:5] + rows[-3:]:
        line = (f"| {row['code']} | {row['name']} | {row['production']:,.2f} | {row['share_in_area']:.4f} | "
                f"{pct(row['share_of_reference'], sign='')} | {row['lq']:.4f} | {row['class_label']} |")
        assert line in text, line
    total = f"{body['summary']['reference_production']:,.2f}"
    assert f"{indonesian(total)} ton" in text and f"{total} t" in text
    quoted = " ".join(line[2:] for line in text.splitlines() if line.startswith("> "))
    assert quoted == body["warnings"][0]
    assert f"Semua {len(body['rows'])} kecamatan mendapat LQ = 1,0000" in text


def test_step_1_lq_of_tambak(client):
    text = step(1).split("A meaningful LQ")[1]
    body = get(client, "lq", sector="fisheries", kind="tambak", year=2021)
    producing = sorted((r for r in body["rows"] if r["production"] > 0), key=lambda r: -r["lq"])
    assert table_codes(text) == [r["code"] for r in producing]
    for row in producing:
        line = (f"| {row['code']} | {row['name']} | {row['production']:,.2f} | {row['area_total']:,.2f} | "
                f"{row['share_in_area']:.4f} | {row['lq']:.3f} | {row['class_label']} |")
        assert line in text, line
    summary = body["summary"]
    tambak, total = f"{summary['reference_production']:,.0f}", f"{summary['reference_total']:,.0f}"
    share = pct(summary["reference_share"], sign="")
    flat = " ".join(text.split())
    assert f"tambak = {indonesian(tambak)} t dari {indonesian(total)} t ({indonesian(share)})" in flat
    assert f"tambak is {tambak} t of {total} t ({share})" in flat
    zero = [r for r in body["rows"] if r["lq"] == 0]
    assert f"Ke-{len(zero)} kecamatan pedalaman mendapat LQ 0" in flat and f"the {len(zero)} inland" in flat


def test_step_2_shift_share_figures(client):
    text = step(2)
    body = get(client, "shift-share", commodity="padi", **{"from": 2020, "to": 2024})
    summary, totals = body["summary"], body["summary"]["totals"]
    big_g = summary["reference_growth"]
    start, end = f"{totals['start']:,.2f}", f"{totals['end']:,.2f}"
    assert f"{indonesian(start)} t (2020) → {indonesian(end)} t (2024), **G = {indonesian(pct(big_g))}**" in text
    assert f"seluruhnya komponen N ({totals['national_share']:,.2f} t)" in text
    assert totals["proportional_shift"] == pytest.approx(0, abs=1e-6)
    assert totals["differential_shift"] == pytest.approx(0, abs=1e-6)
    yes, no = summary["competitive"], summary["not_competitive"]
    assert f"{yes} kecamatan berdaya saing, {no} tidak" in text and f"{yes} kecamatan are competitive, {no} not" in text
    row = next(r for r in body["rows"] if r["name"] == "Kandanghaur")
    example = (f"Kandanghaur: N = {row['start']:,.2f} × {pct(big_g, 4, '')} = {row['national_share']:,.2f}; "
               f"C = {row['start']:,.2f} × ({pct(row['growth'], sign='')} - {pct(big_g, sign='')}) = "
               f"{row['differential_shift']:,.2f}; N + M + C = {row['change']:,.2f} = D.")
    assert example in " ".join(text.split()), example


@pytest.mark.parametrize("reference,words", [
    ("provinsi", "Dengan `reference=provinsi` (total Jawa Barat, ilustratif) G = {g}: N seluruh kabupaten = {n} t, "
                 "C = {c} t (padi Indramayu tumbuh lebih lambat dari Jawa Barat), {k} kecamatan berdaya saing"),
    ("nasional", "dengan `reference=nasional` G = {g}, N = {n} t, C = {c} t, {k} berdaya saing"),
])
def test_step_2_other_references(client, reference, words):
    body = get(client, "shift-share", commodity="padi", reference=reference, **{"from": 2020, "to": 2024})
    totals = body["summary"]["totals"]
    sentence = words.format(g=indonesian(pct(body["summary"]["reference_growth"])),
                            n=f"{totals['national_share']:,.2f}", c=f"{totals['differential_shift']:,.2f}",
                            k=body["summary"]["competitive"])
    assert sentence in " ".join(step(2).split()), sentence
    english = f"G = {pct(body['summary']['reference_growth'])}"
    assert english in step(2)


def test_step_3_klassen_thresholds_and_quadrants(client):
    text = step(3)
    body = get(client, "klassen", commodity="padi", share="contribution", **{"from": 2020, "to": 2024})
    growth, share = body["thresholds"]["growth"], body["thresholds"]["share"]
    n = round(1 / share)
    assert f"(kabupaten: {indonesian(pct(growth, 4))})" in text and f"(regency: {pct(growth, 4)})" in text
    assert f"({n} → {indonesian(pct(share, 4, ''))})" in text and f"({n} → {pct(share, 4, '')})" in text
    for quadrant, label in (("prime", "I maju"), ("developed_depressed", "II maju"), ("potential", "III "),
                            ("lagging", "IV ")):
        line = next(li for li in text.splitlines() if li.startswith(f"| {label}"))
        rows = sorted((r for r in body["rows"] if r["quadrant"] == quadrant), key=lambda r: -r["share"])
        cell = "; ".join(f"{r['name']} ({pct(r['growth'])}, {pct(r['share'], sign='')})" for r in rows)
        assert line.endswith(f"| {len(rows)} | {cell} |"), (quadrant, line, cell)
    province = get(client, "klassen", commodity="padi", reference="provinsi", **{"from": 2020, "to": 2024})
    split = " / ".join(str(province["summary"][q]) for q in ("prime", "developed_depressed", "potential", "lagging"))
    g = province["thresholds"]["growth"]
    sentence = f"ambang pertumbuhan menjadi {indonesian(pct(g))} dan pembagian menjadi {split}"
    assert sentence in " ".join(text.split()), sentence
    assert f"the split becomes {split}" in " ".join(text.split())


def test_other_analyses_dlq_example(client):
    body = get(client, "dlq", sector="fisheries", kind="laut", **{"from": 2020, "to": 2021})
    coastal = [r for r in body["rows"] if r["start"] > 0]
    assert body["commodities_considered"] == ["laut", "tambak"]
    assert f"(laut dan tambak di {len(coastal)} kecamatan pesisir)" in DOC
    padi = get(client, "dlq", commodity="padi")
    assert all(r["dlq"] == pytest.approx(1.0) for r in padi["rows"] if r["dlq"] is not None)
    assert "Padi per kecamatan memberi DLQ = 1 (satu komoditas)" in " ".join(DOC.split())
