"""The analysis API on the bundled data: values checked against sums computed here from datasets/ CSVs."""

import csv
import io
from collections import defaultdict
from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import text

from app import create_app
from tests.conftest import BUNDLED
from tests.webmap.openapi_schemas import assert_declared, json_schema
from webmap.analysis_api import openapi_paths, spec
from webmap.api_v1 import openapi_document

PROBLEM = "application/problem+json"
BASE = "/api/v1/analysis"
# The analysis paths as the REST v1 document has them, with the components they refer to (Problem).
DOCUMENT = {"openapi": "3.0.3", "info": {"title": "analysis", "version": "1"}, "paths": openapi_paths(),
            "components": {"schemas": {"Problem": openapi_document("")["components"]["schemas"]["Problem"]}}}


def read_csv(path, subject):
    """{(area_code, subject, year): production_ton} from a bundled CSV."""
    with open(BUNDLED / path, encoding="utf-8") as handle:
        return {(r["area_code"], r[subject], int(r["year"])): float(r["production_ton"])
                for r in csv.DictReader(handle) if r["production_ton"]}


PADI = {(a, y): v for (a, _, y), v in read_csv("agriculture/padi_kecamatan.csv", "commodity").items()}
FISH = read_csv("fisheries/kecamatan.csv", "kind")


def assert_documented(response, name):
    content = DOCUMENT["paths"][f"{BASE}/{name}"]["get"]["responses"]["200"]["content"][response.mimetype]
    errors = sorted(Draft202012Validator(json_schema(content["schema"])).iter_errors(response.get_json()), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def get_ok(client, name, **params):
    response = client.get(f"{BASE}/{name}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    if response.mimetype in ("application/json", "application/geo+json"):
        assert_documented(response, name)
    return response


def assert_problem(response, status, *words):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


def test_openapi_paths_are_valid_openapi():
    """The five endpoints; the OGC collections of the results are documented by /ogc/api (test_analysis_ogc.py)."""
    validate(DOCUMENT)
    assert set(DOCUMENT["paths"]) == {f"{BASE}/{n}" for n in ("lq", "dlq", "shift-share", "klassen", "leading")}


def test_index_links_every_endpoint(client):
    body = client.get(BASE).get_json()
    assert [link["href"].rsplit("/", 1)[1] for link in body["links"]] == ["lq", "dlq", "shift-share", "klassen",
                                                                          "leading"]


# ---------------------------------------------------------------- location quotient


def test_lq_padi_2024_by_kecamatan_is_one_everywhere_and_says_why(client):
    body = get_ok(client, "lq", commodity="padi", year=2024, lang="en").get_json()
    assert body["commodities_considered"] == ["padi"] and body["year"] == 2024
    assert len(body["rows"]) == 31
    assert all(r["lq"] == pytest.approx(1.0) and r["class"] == "non_basis" for r in body["rows"])
    assert "by construction" in body["warnings"][0]
    assert body["method"]["formula"] == "LQ_ij = (e_ij / e_j) / (E_i / E)"
    assert body["reference"] == {"scope": "kabupaten", "code": "32.12", "name": "Indramayu"}
    total = sum(v for (_, y), v in PADI.items() if y == 2024)
    assert body["summary"]["reference_production"] == pytest.approx(total)  # 1,399,352.12 t, the BPS total
    indramayu = next(r for r in body["rows"] if r["code"] == "32.12.15")
    assert indramayu["production"] == pytest.approx(PADI[("32.12.15", 2024)])
    assert indramayu["share_of_reference"] == pytest.approx(PADI[("32.12.15", 2024)] / total)


def test_lq_of_fisheries_kinds_matches_a_hand_computation(client):
    body = get_ok(client, "lq", sector="fisheries", kind="tambak", year=2021).get_json()
    assert body["commodities_considered"] == ["kolam", "laut", "tambak"] and body["warnings"] == []
    year = {k: v for k, v in FISH.items() if k[2] == 2021}
    area_total, kind_total = defaultdict(float), defaultdict(float)
    for (area, kind, _), value in year.items():
        area_total[area] += value
        kind_total[kind] += value
    share_ref = kind_total["tambak"] / sum(kind_total.values())
    rows = {r["code"]: r for r in body["rows"]}
    for area, total in area_total.items():
        expected = year.get((area, "tambak", 2021), 0.0) / total / share_ref
        assert rows[area]["lq"] == pytest.approx(expected, rel=1e-9)
        assert rows[area]["class"] == ("basis" if expected > 1 else "non_basis")
    # Weighted by the areas' totals, the LQs of a kind average 1.
    weights = {a: t / sum(area_total.values()) for a, t in area_total.items()}
    assert sum(weights[a] * rows[a]["lq"] for a in area_total) == pytest.approx(1.0)
    assert body["summary"]["basis"] + body["summary"]["non_basis"] + body["summary"]["unclassified"] == 31


def test_lq_against_the_province_uses_the_loaded_totals(client):
    body = get_ok(client, "lq", commodity="padi", year=2024, reference="provinsi").get_json()
    assert body["reference"]["code"] == "32" and body["commodities_considered"] == ["padi"]
    assert body["summary"]["reference_production"] == pytest.approx(8_858_533.0)  # totals.csv, illustrative
    assert "comparison_totals" in body["method"]["text"]


def test_lq_geojson_for_choropleths(client):
    response = get_ok(client, "lq", commodity="padi", geometry="true")
    body = response.get_json()
    assert response.mimetype == "application/geo+json" and body["type"] == "FeatureCollection"
    assert len(body["features"]) == 31 and body["method"]["name"] == "location_quotient"
    assert {f["geometry"]["type"] for f in body["features"]} == {"MultiPolygon"}
    assert all(f["id"] == f["properties"]["code"] for f in body["features"])
    assert client.get(f"{BASE}/lq", query_string={"commodity": "padi", "f": "geojson"}).get_json()["features"]


# ---------------------------------------------------------------- shift-share, DLQ, Klassen, leading


def test_shift_share_padi_2020_2024_adds_up_and_matches_the_data(client):
    body = get_ok(client, "shift-share", commodity="padi", **{"from": 2020, "to": 2024}).get_json()
    start = sum(v for (_, y), v in PADI.items() if y == 2020)
    end = sum(v for (_, y), v in PADI.items() if y == 2024)
    big_g = end / start - 1  # 1,363,311.87 t -> 1,399,352.12 t: +2.64 %
    assert body["summary"]["reference_growth"] == pytest.approx(big_g)
    for row in body["rows"]:
        e0, e1 = PADI[(row["code"], 2020)], PADI[(row["code"], 2024)]
        assert (row["start"], row["end"]) == (pytest.approx(e0), pytest.approx(e1))
        assert row["change"] == pytest.approx(e1 - e0)
        assert row["national_share"] == pytest.approx(e0 * big_g)
        assert row["proportional_shift"] == pytest.approx(0.0, abs=1e-9)  # one commodity: G_i = G
        assert row["differential_shift"] == pytest.approx(e0 * (e1 / e0 - 1 - big_g))
        total = row["national_share"] + row["proportional_shift"] + row["differential_shift"]
        assert total == pytest.approx(row["change"], rel=1e-12, abs=1e-9)
        assert row["class"] == ("competitive" if row["differential_shift"] > 0 else "not_competitive")
    totals = body["summary"]["totals"]
    assert totals["change"] == pytest.approx(end - start) and totals["differential_shift"] == pytest.approx(0, abs=1e-6)
    assert sorted(r["rank"] for r in body["rows"]) == list(range(1, 32))


def test_klassen_padi_2020_2024_partitions_the_kecamatan(client):
    body = get_ok(client, "klassen", commodity="padi", lang="en").get_json()
    assert (body["from"], body["to"], body["share_axis"]) == (2020, 2024, "contribution")
    start = sum(v for (_, y), v in PADI.items() if y == 2020)
    end = sum(v for (_, y), v in PADI.items() if y == 2024)
    assert body["thresholds"]["growth"] == pytest.approx(end / start - 1)
    assert body["thresholds"]["share"] == pytest.approx(1 / 31)
    quadrants = [r["quadrant"] for r in body["rows"]]
    assert len(quadrants) == 31 and None not in quadrants
    assert sum(body["summary"][q] for q in ("prime", "developed_depressed", "potential", "lagging")) == 31
    for row in body["rows"]:
        fast = row["growth"] > body["thresholds"]["growth"]
        developed = row["share"] > body["thresholds"]["share"]
        expected = {(True, True): "prime", (False, True): "developed_depressed", (True, False): "potential",
                    (False, False): "lagging"}[(fast, developed)]
        assert row["quadrant"] == expected and row["class_label"].startswith("Quadrant")


def test_klassen_specialisation_axis_warns_with_one_commodity(client):
    body = get_ok(client, "klassen", commodity="padi", share="specialisation").get_json()
    assert body["thresholds"]["share"] == pytest.approx(1.0) and body["warnings"]


def test_dlq_of_marine_capture_2020_2021(client):
    body = get_ok(client, "dlq", sector="fisheries", kind="laut", **{"from": 2020, "to": 2021}).get_json()
    assert body["commodities_considered"] == ["laut", "tambak"]  # kolam has no 2020 figures
    coastal = [r for r in body["rows"] if r["start"] > 0]
    assert len(coastal) == 12
    for row in coastal:
        assert row["dlq"] == pytest.approx(row["lq_end"] / row["lq_start"], rel=1e-9)
        e0, e1 = FISH[(row["code"], "laut", 2020)], FISH[(row["code"], "laut", 2021)]
        assert row["growth"] == pytest.approx(e1 / e0 - 1)
    assert all(r["class"] is None for r in body["rows"] if r["start"] == 0)


def test_leading_commodities_per_area(client):
    body = get_ok(client, "leading", year=2023).get_json()
    assert body["year"] == 2023 and body["from"] == 2020
    assert body["commodities_considered"] == ["mangga", "padi"] and body["growth_commodities"] == ["padi"]
    for row in body["rows"]:
        assert set(row["leading"]) <= {item["commodity"] for item in row["commodities"]}
        for item in row["commodities"]:
            if item["commodity"] == "mangga":
                assert item["growth"] is None and item["class"] in ("basis", "non_basis")
            else:
                assert item["class"] in ("leading", "basis_slower", "emerging", "other")
                assert (item["class"] == "leading") == (item["commodity"] in row["leading"])


# ---------------------------------------------------------------- missing data and bad parameters


@pytest.mark.parametrize("params,words", [
    ({"commodity": "jagung"}, ["'jagung'", "padi (2020–2024)", "mangga (2023)"]),
    ({"commodity": "padi", "year": 2019}, ["2019", "years with data: 2020–2024"]),
    ({"commodity": "mangga", "level": "desa"}, ["desa", "kecamatan (2023)", "padi (2024)"]),
    ({"sector": "fisheries", "kind": "laut", "reference": "provinsi"}, ["provinsi", "reference=kabupaten"]),
    ({"commodity": "mangga", "year": 2023, "reference": "nasional", "level": "desa"}, ["desa"]),
])
def test_lq_missing_data_is_404_saying_what_exists(client, params, words):
    assert_problem(client.get(f"{BASE}/lq", query_string=params), 404, *words)


@pytest.mark.parametrize("name,params,status,words", [
    ("klassen", {"commodity": "padi", "level": "desa"}, 404, ["two years", "2024"]),
    ("shift-share", {"commodity": "padi", "from": 2019}, 404, ["2019", "2020–2024"]),
    ("shift-share", {"commodity": "padi", "from": 2024, "to": 2020}, 400, ["before"]),
    ("dlq", {"sector": "fisheries", "kind": "kolam"}, 404, ["two years", "2021"]),
    ("leading", {"year": 2030}, 404, ["2030", "2020–2024"]),
    ("lq", {}, 400, ["commodity is required", "padi (2020–2024)"]),
    ("lq", {"sector": "fisheries"}, 400, ["kind is required", "laut (2020–2021, 2024)"]),
    ("lq", {"commodity": "padi", "kind": "laut"}, 400, ["not both"]),
    ("lq", {"commodity": "padi", "from": 2020}, 400, ["unknown parameter(s) from"]),
    ("lq", {"commodity": "padi", "level": "provinsi"}, 400, ["level must be one of kecamatan, desa"]),
    ("lq", {"commodity": "padi", "reference": "dunia"}, 400, ["reference"]),
    ("lq", {"commodity": "padi", "year": "dua"}, 400, ["whole number"]),
    ("lq", {"commodity": "'; DROP TABLE areas; --"}, 400, ["commodity must be a name"]),
    ("lq", {"commodity": "padi", "f": "csv", "geometry": "true"}, 400, ["geometry"]),
    ("lq", {"commodity": "padi", "lang": "AAA"}, 400, ["lang must be one of id, en", "'AAA'"]),
    ("lq", {"commodity": "padi", "geometry": "maybe"}, 400, ["geometry must be true or false"]),
    ("lq", {"commodity": "padi", "f": "pdf"}, 400, ["f must be one of json, geojson, csv, xlsx"]),
    ("lq", {"commodity": "p" * 65}, 400, ["commodity must be at most 64 characters"]),
    ("lq", {"commodity": "padi", "sector": "mining"}, 400, ["sector must be one of agriculture, fisheries"]),
    ("lq", {"commodity": "padi", "year": "2024", "lang": ["en", "id"]}, 400, ["give lang once"]),
    ("leading", {"commodity": "padi"}, 400, ["unknown parameter(s) commodity", "this endpoint takes"]),
    ("klassen", {"commodity": "padi", "share": "both"}, 400, ["share must be one of contribution, specialisation"]),
])
def test_errors_are_problems(client, name, params, status, words):
    assert_problem(client.get(f"{BASE}/{name}", query_string=params), status, *words)


def test_an_empty_parameter_means_not_given(client):
    """As REST v1: lang= and the others empty are not given (lang then follows Accept-Language)."""
    plain = get_ok(client, "lq", commodity="padi", lang="", level="", reference="", f="", year="").get_json()
    assert plain["level"] == "kecamatan" and plain["reference"]["scope"] == "kabupaten"
    english = client.get(f"{BASE}/lq?commodity=padi&lang=", headers={"Accept-Language": "en-GB"}).get_json()
    assert english["method"]["text"] != plain["method"]["text"]  # Accept-Language decided
    assert client.get(f"{BASE}?lang=en").status_code == 200 and client.get(f"{BASE}?lang=fr").status_code == 400


def test_the_document_gives_the_parameters_each_endpoint_parses():
    for name in ("lq", "dlq", "shift-share", "klassen", "leading"):
        assert DOCUMENT["paths"][f"{BASE}/{name}"]["get"]["parameters"] == spec(name).openapi()


@pytest.mark.parametrize("query", ["commodity=padi", "commodity=padi&f=csv", "commodity=padi&f=xlsx",
                                   "commodity=padi&geometry=true"])
def test_without_the_database_an_analysis_answers_a_declared_503(loaded_template, query):
    away = replace(loaded_template, database_url="postgresql+psycopg://peta@127.0.0.1:1/peta")  # nothing on port 1
    response = create_app({"TESTING": True, "SETTINGS": away}).test_client().get(f"{BASE}/lq?{query}")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert_declared(DOCUMENT, response, f"{BASE}/lq")


# ---------------------------------------------------------------- exports


@pytest.fixture
def risky_names(engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE areas SET name = :name WHERE code = '32.12.01'"), {"name": '=HYPERLINK("x")'})
        conn.execute(text("UPDATE areas SET name = :name WHERE code = '32.12.02'"), {"name": "@SUM(A1)"})
        conn.execute(text("UPDATE areas SET name = :name WHERE code = '32.12.03'"), {"name": "-2+3"})


def test_csv_export_neutralises_formulas_and_keeps_numbers(client, risky_names):
    response = get_ok(client, "shift-share", commodity="padi", f="csv")
    assert response.mimetype == "text/csv"
    assert "shift-share_padi_2020-2024_kecamatan_kabupaten.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 31
    names = {r["code"]: r["name"] for r in rows}
    assert names["32.12.01"] == "'=HYPERLINK(\"x\")" and names["32.12.02"] == "'@SUM(A1)"
    assert names["32.12.03"] == "'-2+3"
    negative = [r["differential_shift"] for r in rows if r["differential_shift"].startswith("-")]
    assert negative and all(float(v) < 0 for v in negative)  # numbers stay numbers, no apostrophe
    assert rows[0]["analysis"] == "shift-share" and rows[0]["from"] == "2020" and rows[0]["commodity"] == "padi"


def test_xlsx_export_has_numbers_and_the_method(client, risky_names):
    from openpyxl import load_workbook

    response = get_ok(client, "klassen", commodity="padi", f="xlsx", lang="en")
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    sheet = list(book["klassen"].iter_rows(values_only=True))
    header, first = sheet[0], dict(zip(sheet[0], sheet[1], strict=True))
    assert "quadrant" in header and len(sheet) == 32
    assert first["name"] == "'=HYPERLINK(\"x\")"
    assert isinstance(first["growth"], float) and isinstance(first["start"], float)
    about = [cell for row in book["about"].iter_rows(values_only=True) for cell in row if cell]
    assert any("Growth axis" in str(cell) for cell in about)


def test_leading_csv_has_one_row_per_area_and_commodity(client):
    response = get_ok(client, "leading", year=2023, f="csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["commodity"] for r in rows} == {"padi", "mangga"}
    assert len([r for r in rows if r["commodity"] == "padi"]) == 31


# ---------------------------------------------------------------- every documented request: no 5xx

schema = schemathesis.openapi.from_dict(DOCUMENT)


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much])
def test_documented_requests_never_fail_on_the_server(case, app):
    response = case.call(app=app, headers={"Accept-Encoding": "identity"})
    assert response.status_code < 500, (case.path, case.query, response.text[:500])
    # positive_data_acceptance left out: whether a commodity or year has data is data (a 400 or 404 lists them).
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


# ---------------------------------------------------------------- the walk-through shows what the API gives


def test_walkthrough_numbers_are_what_the_api_gives(client):
    doc = (BUNDLED.parent / "docs" / "analysis.md").read_text(encoding="utf-8")
    shift = get_ok(client, "shift-share", commodity="padi", **{"from": 2020, "to": 2024}).get_json()
    for row in shift["rows"]:
        line = (f"| {row['rank']} | {row['code']} | {row['name']} | {row['start']:,.2f} | {row['end']:,.2f} | "
                f"{row['change']:,.2f} | {row['growth'] * 100:+.2f} % | {row['national_share']:,.2f} | "
                f"{abs(row['proportional_shift']):,.2f} | {row['differential_shift']:,.2f} |")
        assert line in doc, line
    assert f"**{shift['summary']['totals']['change']:,.2f} t**" in doc
    klassen = get_ok(client, "klassen", commodity="padi").get_json()
    for quadrant, label in (("prime", "I maju"), ("developed_depressed", "II maju"), ("potential", "III "),
                            ("lagging", "IV ")):
        line = next(li for li in doc.splitlines() if li.startswith(f"| {label}"))
        names = [r["name"] for r in klassen["rows"] if r["quadrant"] == quadrant]
        assert f"| {len(names)} |" in line and all(f"{n} (" in line for n in names), (quadrant, line)
    lq = get_ok(client, "lq", sector="fisheries", kind="tambak", year=2021).get_json()
    for row in lq["rows"]:
        if row["class"] == "basis":
            assert f"| {row['code']} | {row['name']} | {row['production']:,.2f} | {row['area_total']:,.2f} | " \
                   f"{row['share_in_area']:.4f} | {row['lq']:.3f} | Basis (LQ > 1) |" in doc
    provinsi = get_ok(client, "shift-share", commodity="padi", reference="provinsi").get_json()
    assert f"C = {provinsi['summary']['totals']['differential_shift']:,.2f} t" in doc.replace("−", "-")
