"""gis.analysis without a database: worked examples computed by hand, then properties over random tables."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.analysis import (
    QUADRANTS,
    AnalysisQuery,
    Area,
    Coverage,
    Inputs,
    InvalidAnalysis,
    MissingData,
    annual_growth_rate,
    considered,
    dlq_class,
    dynamic_location_quotients,
    growth_rate,
    is_above,
    klassen_quadrant,
    leading_class,
    location_quotients,
    lq_class,
    plan,
    report,
    result_collections,
    row_fields,
    shift_share,
    years_text,
)

# ---------------------------------------------------------------- a 3-area x 2-commodity worked example
#
#            padi  mangga | e_j            t1:  padi  mangga | e_j
#   A          80      20 | 100                   88      30 | 118
#   B          30      30 |  60                   36      27 |  63
#   C          90      10 | 100                   90      14 | 104
#   E_i       200      60 | E = 260              214      71 | E = 285
#
# Reference shares E_i / E in t0: padi 200/260 = 10/13, mangga 60/260 = 3/13.

START = pd.DataFrame({"padi": [80.0, 30.0, 90.0], "mangga": [20.0, 30.0, 10.0]}, index=["A", "B", "C"])
END = pd.DataFrame({"padi": [88.0, 36.0, 90.0], "mangga": [30.0, 27.0, 14.0]}, index=["A", "B", "C"])
# An illustrative province: t0 padi 900, mangga 100 (E = 1000); t1 padi 918, mangga 110 (E = 1028).
PROV0 = pd.Series({"padi": 900.0, "mangga": 100.0})
PROV1 = pd.Series({"padi": 918.0, "mangga": 110.0})


def test_lq_worked_example_kabupaten_reference():
    lq = location_quotients(START)
    # LQ_A,padi   = (80/100) / (200/260) = 0.8 * 1.3           = 1.04
    # LQ_A,mangga = (20/100) / (60/260)  = 0.2 * 13/3          = 13/15 ≈ 0.8667
    # LQ_B,padi   = (30/60)  / (200/260) = 0.5 * 1.3           = 0.65
    # LQ_B,mangga = (30/60)  / (60/260)  = 0.5 * 13/3          = 13/6  ≈ 2.1667
    # LQ_C,padi   = (90/100) / (200/260) = 0.9 * 1.3           = 1.17
    # LQ_C,mangga = (10/100) / (60/260)  = 0.1 * 13/3          = 13/30 ≈ 0.4333
    expected = {("A", "padi"): 1.04, ("A", "mangga"): 13 / 15, ("B", "padi"): 0.65,
                ("B", "mangga"): 13 / 6, ("C", "padi"): 1.17, ("C", "mangga"): 13 / 30}
    for (area, commodity), value in expected.items():
        assert lq.at[area, commodity] == pytest.approx(value, rel=1e-12)
    classes = {key: lq_class(lq.at[key]) for key in expected}
    assert [k for k, c in classes.items() if c == "basis"] == [("A", "padi"), ("B", "mangga"), ("C", "padi")]


def test_lq_worked_example_provincial_reference():
    lq = location_quotients(START, PROV0)
    # Province shares: padi 900/1000 = 0.9, mangga 100/1000 = 0.1.
    # LQ_A,padi = 0.8 / 0.9 = 0.8889; LQ_A,mangga = 0.2 / 0.1 = 2; LQ_B,mangga = 0.5 / 0.1 = 5;
    # LQ_C,padi = 0.9 / 0.9 = 1 exactly: not basic (LQ > 1 is required).
    assert lq.at["A", "padi"] == pytest.approx(8 / 9)
    assert lq.at["A", "mangga"] == pytest.approx(2.0)
    assert lq.at["B", "mangga"] == pytest.approx(5.0)
    assert lq.at["C", "padi"] == pytest.approx(1.0)
    assert lq_class(lq.at["C", "padi"]) == "non_basis"


def test_lq_of_an_area_without_production_is_undefined():
    table = pd.DataFrame({"padi": [10.0, 0.0], "mangga": [5.0, 0.0]}, index=["A", "Z"])
    lq = location_quotients(table)
    assert math.isnan(lq.at["Z", "padi"]) and lq_class(lq.at["Z", "padi"]) is None
    assert lq.at["A", "padi"] == pytest.approx(1.0)


def test_shift_share_worked_example_kabupaten_reference():
    parts = shift_share(START, END)
    # G = 285/260 - 1 = 5/52 ≈ 0.096154; G_padi = 214/200 - 1 = 0.07; G_mangga = 71/60 - 1 = 11/60 ≈ 0.183333.
    assert parts.reference_growth == pytest.approx(5 / 52)
    assert parts.commodity_growth["padi"] == pytest.approx(0.07)
    assert parts.commodity_growth["mangga"] == pytest.approx(11 / 60)
    # A, padi: e0 = 80, D = 8, g = 88/80 - 1 = 0.1
    #   N = 80 * 5/52             = 100/13  ≈  7.692308
    #   M = 80 * (0.07 - 5/52)    = -136/65 ≈ -2.092308
    #   C = 80 * (0.1 - 0.07)     = 2.4
    #   N + M + C = 100/13 - 136/65 + 2.4 = 500/65 - 136/65 + 156/65 = 520/65 = 8 = D
    assert parts.national_share.at["A", "padi"] == pytest.approx(100 / 13)
    assert parts.proportional_shift.at["A", "padi"] == pytest.approx(-136 / 65)
    assert parts.differential_shift.at["A", "padi"] == pytest.approx(2.4)
    # B, mangga: e0 = 30, D = -3, g = 27/30 - 1 = -0.1
    #   N = 30 * 5/52             = 75/26   ≈  2.884615
    #   M = 30 * (11/60 - 5/52)   = 34/13   ≈  2.615385
    #   C = 30 * (-0.1 - 11/60)   = -8.5
    #   N + M + C = 75/26 + 68/26 - 221/26 = -78/26 = -3 = D
    assert parts.national_share.at["B", "mangga"] == pytest.approx(75 / 26)
    assert parts.proportional_shift.at["B", "mangga"] == pytest.approx(34 / 13)
    assert parts.differential_shift.at["B", "mangga"] == pytest.approx(-8.5)
    assert_components_add_up(parts)


def test_shift_share_worked_example_provincial_reference():
    parts = shift_share(START, END, PROV0, PROV1)
    # G = 1028/1000 - 1 = 0.028; G_padi = 918/900 - 1 = 0.02; G_mangga = 110/100 - 1 = 0.1.
    # A, padi: N = 80 * 0.028 = 2.24; M = 80 * (0.02 - 0.028) = -0.64; C = 80 * (0.1 - 0.02) = 6.4; sum 8.
    assert parts.reference_growth == pytest.approx(0.028)
    assert parts.national_share.at["A", "padi"] == pytest.approx(2.24)
    assert parts.proportional_shift.at["A", "padi"] == pytest.approx(-0.64)
    assert parts.differential_shift.at["A", "padi"] == pytest.approx(6.4)
    assert_components_add_up(parts)


def test_shift_share_of_an_area_starting_from_zero_is_all_differential():
    start = pd.DataFrame({"padi": [0.0, 10.0]}, index=["new", "old"])
    end = pd.DataFrame({"padi": [5.0, 10.0]}, index=["new", "old"])
    parts = shift_share(start, end)
    assert parts.national_share.at["new", "padi"] == 0 and parts.proportional_shift.at["new", "padi"] == 0
    assert parts.differential_shift.at["new", "padi"] == 5.0


def test_dlq_worked_example():
    dlq = dynamic_location_quotients(START, END)
    # A, padi: g_ij = 0.1, g_j = 118/100 - 1 = 0.18, G_i = 0.07, G = 5/52:
    #   DLQ = (1.1 / 1.18) / (1.07 / (285/260)) = 0.932203 / 0.976140 ≈ 0.954989
    #   = LQ(t1) / LQ(t0) = [(88/118) / (214/285)] / 1.04 = 0.993189 / 1.04
    expected = (1.1 / 1.18) / (1.07 / (285 / 260))
    assert dlq.at["A", "padi"] == pytest.approx(expected)
    assert dlq.at["A", "padi"] == pytest.approx(0.954989, abs=1e-6)
    lq1 = location_quotients(END)
    assert dlq.at["A", "padi"] == pytest.approx(lq1.at["A", "padi"] / 1.04)
    # LQ(t1) of A/padi < 1 and DLQ < 1: lagging; B/mangga: LQ(t1) = (27/63)/(71/285) ≈ 1.72 > 1.
    assert dlq_class(lq1.at["A", "padi"], dlq.at["A", "padi"]) == "lagging"
    assert dlq_class(2.0, 1.5) == "leading" and dlq_class(2.0, 0.5) == "weakening"
    assert dlq_class(0.5, 1.5) == "emerging" and dlq_class(math.nan, 1.0) is None


def test_klassen_worked_example_one_area_per_quadrant():
    #        t0   t1   growth   share of t1 total (300)
    #   A   100  130    +30 %    0.433   fast, above 1/4  -> prime
    #   B   100   90    -10 %    0.300   slow, above      -> developed but depressed
    #   C    50   60    +20 %    0.200   fast, below      -> potential
    #   D    50   20    -60 %    0.067   slow, below      -> lagging
    # Thresholds: reference growth G = 300/300 - 1 = 0; share 1/n = 1/4 (four producing areas).
    start = pd.Series({"A": 100.0, "B": 100.0, "C": 50.0, "D": 50.0})
    end = pd.Series({"A": 130.0, "B": 90.0, "C": 60.0, "D": 20.0})
    growth, share = growth_rate(start, end), end / end.sum()
    big_g = growth_rate(start.sum(), end.sum())
    quadrants = {a: klassen_quadrant(growth[a], share[a], big_g, 1 / 4) for a in start.index}
    assert quadrants == {"A": "prime", "B": "developed_depressed", "C": "potential", "D": "lagging"}
    assert klassen_quadrant(math.nan, 0.5, 0.0, 0.25) is None


def test_growth_rates_and_thresholds():
    assert growth_rate(200.0, 214.0) == pytest.approx(0.07)
    assert math.isnan(growth_rate(0.0, 5.0))
    # (146.41 / 100) ** (1/4) - 1 = 10 % a year
    assert annual_growth_rate(100.0, 146.41, 4) == pytest.approx(0.10)
    assert math.isnan(annual_growth_rate(0.0, 1.0, 4))
    assert not is_above(1.0 + 1e-13, 1.0) and is_above(1.0 + 1e-6, 1.0)


def test_leading_classes():
    assert leading_class(1.5, 0.2, 0.1) == "leading"
    assert leading_class(1.5, 0.05, 0.1) == "basis_slower"
    assert leading_class(0.5, 0.2, 0.1) == "emerging"
    assert leading_class(0.5, 0.0, 0.1) == "other"
    assert leading_class(1.5, math.nan, math.nan) == "basis"
    assert leading_class(math.nan, 0.2, 0.1) is None


def assert_components_add_up(parts):
    total = parts.national_share + parts.proportional_shift + parts.differential_shift
    scale = max(1.0, float(parts.change.abs().max().max()))
    assert ((total - parts.change).abs() <= 1e-9 * scale).all().all()


# ---------------------------------------------------------------- planning against the data that exist

COVERAGE = Coverage(
    production={"kecamatan": {"padi": (2020, 2021, 2022, 2023, 2024), "mangga": (2023,)},
                "desa": {"padi": (2024,)}, "kabupaten": {"jagung": (2024,)}},
    references={"provinsi": {"padi": (2020, 2021, 2022, 2023, 2024), "mangga": (2020, 2021, 2022, 2023)}},
)


def test_plan_defaults_to_the_latest_year_and_whole_period():
    assert plan(AnalysisQuery("lq", commodity="padi"), COVERAGE).years == (2024,)
    assert plan(AnalysisQuery("lq", commodity="padi", year=2023), COVERAGE).commodities == ("mangga", "padi")
    assert plan(AnalysisQuery("shift-share", commodity="padi"), COVERAGE).years == (2020, 2024)
    assert plan(AnalysisQuery("klassen", commodity="padi", start=2021, end=2023), COVERAGE).years == (2021, 2023)


def test_plan_leading_uses_the_earliest_year_for_growth():
    leading = plan(AnalysisQuery("leading", year=2023), COVERAGE)
    assert leading.years == (2020, 2023)
    assert leading.commodities == ("mangga", "padi") and leading.growth_commodities == ("padi",)


@pytest.mark.parametrize("query,words", [
    (AnalysisQuery("lq", commodity="jagung"), ["'jagung'", "kabupaten (2024)", "mangga (2023)", "padi (2020–2024)"]),
    (AnalysisQuery("lq", commodity="padi", year=2019), ["2019", "2020–2024"]),
    (AnalysisQuery("klassen", commodity="padi", level="desa"), ["two years", "2024"]),
    (AnalysisQuery("lq", commodity="mangga", year=2023, reference="nasional"), ["nasional", "totals"]),
    (AnalysisQuery("lq", commodity="padi", year=2024, reference="provinsi", level="desa"), []),
    (AnalysisQuery("shift-share", commodity="mangga", reference="provinsi"), ["two years"]),
])
def test_plan_says_what_exists_when_data_are_missing(query, words):
    if query.level == "desa" and query.analysis == "lq":
        assert plan(query, COVERAGE).years == (2024,)  # provincial padi 2024 exists: no error
        return
    with pytest.raises(MissingData) as err:
        plan(query, COVERAGE)
    for word in words:
        assert word in str(err.value)


def test_plan_reports_missing_reference_years():
    cov = Coverage(COVERAGE.production, {"provinsi": {"padi": (2020, 2021)}})
    with pytest.raises(MissingData, match=r"no provinsi total for padi in 2024; .*padi \(2020–2021\)"):
        plan(AnalysisQuery("shift-share", commodity="padi", reference="provinsi"), cov)


@pytest.mark.parametrize("query,words", [
    (AnalysisQuery("lq"), ["commodity is required", "padi (2020–2024)"]),
    (AnalysisQuery("lq", sector="fisheries"), ["kind is required"]),
    (AnalysisQuery("shift-share", commodity="padi", start=2024, end=2020), ["before"]),
    (AnalysisQuery("lq", commodity="padi", level="provinsi"), ["level must be one of kecamatan, desa"]),
    (AnalysisQuery("lq", commodity="padi", reference="dunia"), ["reference must be"]),
])
def test_plan_rejects_bad_queries(query, words):
    with pytest.raises(InvalidAnalysis) as err:
        plan(query, COVERAGE)
    for word in words:
        assert word in str(err.value)


def test_considered_needs_every_year_and_reference():
    assert considered(COVERAGE, "kecamatan", "kabupaten", (2023,)) == ("mangga", "padi")
    assert considered(COVERAGE, "kecamatan", "kabupaten", (2020, 2023)) == ("padi",)
    assert considered(COVERAGE, "kecamatan", "provinsi", (2023,)) == ("mangga", "padi")
    assert considered(COVERAGE, "kecamatan", "nasional", (2023,)) == ()


def test_result_collections_are_the_analyses_the_data_allow():
    fisheries = Coverage({"kecamatan": {"laut": (2020, 2021)}, "desa": {"garam": (2024,)}})
    found = {c.id: c for c in result_collections({"agriculture": COVERAGE, "fisheries": fisheries})}
    # padi: five years at kecamatan (periods too); mangga: one year (LQ only); jagung: kabupaten level, not an
    # area level of the analyses; desa padi 2024 adds nothing new
    assert list(found) == [
        "lq-agriculture-mangga", "lq-agriculture-padi", "dlq-agriculture-padi", "shift-share-agriculture-padi",
        "klassen-agriculture-padi", "leading-agriculture",
        "lq-fisheries-garam", "lq-fisheries-laut", "dlq-fisheries-laut", "shift-share-fisheries-laut",
        "klassen-fisheries-laut", "leading-fisheries"]
    assert found["klassen-agriculture-padi"].years == (2020, 2021, 2022, 2023, 2024)
    assert found["leading-fisheries"].years == (2020, 2021, 2024)
    assert found["klassen-agriculture-padi"].title("en") == "Klassen typology: Rice (paddy)"
    assert found["leading-fisheries"].title("id") == "Komoditas unggulan: perikanan"
    assert result_collections({}) == []


def test_years_text_compresses_runs():
    assert years_text([2024, 2020, 2021, 2022, 2026]) == "2020–2022, 2024, 2026"
    assert years_text([2023]) == "2023"


# ---------------------------------------------------------------- whole reports on plain inputs


def inputs_for(query, coverage=None, reference=None):
    long = [(area, commodity, year, float(table.at[area, commodity]))
            for year, table in ((2020, START), (2024, END)) for area in table.index for commodity in table.columns]
    coverage = coverage or Coverage({"kecamatan": {"padi": (2020, 2024), "mangga": (2020, 2024)}},
                                    {"provinsi": {"padi": (2020, 2024), "mangga": (2020, 2024)}})
    totals = [(s, y, float(v)) for y, ref in ((2020, PROV0), (2024, PROV1)) for s, v in ref.items()]
    return Inputs(
        plan=plan(query, coverage), coverage=coverage,
        areas=[Area("A", "Area A", "K"), Area("B", "=Area B", "K"), Area("C", "Area C", "K")],
        production=pd.DataFrame(long, columns=["area_code", "commodity", "year", "value"]),
        reference_totals=pd.DataFrame(totals, columns=["subject", "year", "value"]),
        region={"code": "K", "name": "Kabupaten K"}, reference_code="K" if reference is None else reference,
    )


@pytest.mark.parametrize("query", [
    AnalysisQuery("lq", commodity="padi"), AnalysisQuery("dlq", commodity="padi"),
    AnalysisQuery("shift-share", commodity="padi"), AnalysisQuery("klassen", commodity="padi"),
    AnalysisQuery("leading"),
])
def test_the_published_fields_are_the_keys_of_the_rows_in_their_order(query):
    """The OGC collections describe a row by row_fields (properties, sortby, HTML): what report gives."""
    from gis.analysis import FIELD_TITLES

    rows = report(inputs_for(query), "en")["rows"]
    names = [name for name, _ in row_fields(query.analysis)]
    assert all(list(row) == names for row in rows)
    assert all(name in FIELD_TITLES for name in names)


def test_lq_report_rows_method_and_labels():
    result = report(inputs_for(AnalysisQuery("lq", commodity="padi", year=2020)), "en")
    rows = {r["code"]: r for r in result["rows"]}
    assert rows["A"]["lq"] == pytest.approx(1.04) and rows["A"]["class"] == "basis"
    assert rows["B"]["lq"] == pytest.approx(0.65) and rows["B"]["class_label"] == "Non-basic (LQ ≤ 1)"
    assert [rows[c]["rank"] for c in "CAB"] == [1, 2, 3]
    assert rows["A"]["share_in_area"] == pytest.approx(0.8) and rows["A"]["share_of_reference"] == pytest.approx(0.4)
    assert result["method"]["formula"] == "LQ_ij = (e_ij / e_j) / (E_i / E)"
    assert "summed over the regency's 3 kecamatan areas" in result["method"]["text"]
    assert result["summary"]["basis"] == 2 and result["summary"]["non_basis"] == 1
    assert result["warnings"] == []
    indonesian = report(inputs_for(AnalysisQuery("lq", commodity="padi", year=2020)), "id")
    assert indonesian["rows"][0]["class_label"] == "Basis (LQ > 1)"
    assert "jumlah produksi komoditas i" in indonesian["method"]["text"]


def test_lq_report_warns_when_one_commodity_makes_lq_trivial():
    coverage = Coverage({"kecamatan": {"padi": (2020, 2024)}})
    result = report(inputs_for(AnalysisQuery("lq", commodity="padi", year=2024), coverage), "en")
    assert all(r["lq"] == pytest.approx(1.0) for r in result["rows"])
    assert "by construction" in result["warnings"][0]


def test_shift_share_report_totals_and_provincial_method():
    result = report(inputs_for(AnalysisQuery("shift-share", commodity="padi", reference="provinsi"), reference="32"),
                    "en")
    rows = {r["code"]: r for r in result["rows"]}
    assert rows["A"]["national_share"] == pytest.approx(2.24) and rows["A"]["differential_shift"] == pytest.approx(6.4)
    assert rows["A"]["class"] == "competitive"
    for row in result["rows"]:
        assert row["national_share"] + row["proportional_shift"] + row["differential_shift"] == pytest.approx(
            row["change"], abs=1e-9)
        assert row["net_shift"] == pytest.approx(row["proportional_shift"] + row["differential_shift"])
    assert result["summary"]["totals"]["change"] == pytest.approx(14.0)
    assert "province's production of commodity i (code 32" in result["method"]["text"]
    assert result["reference"] == {"scope": "provinsi", "code": "32", "name": "Provinsi 32"}


def test_klassen_report_thresholds_and_partition():
    result = report(inputs_for(AnalysisQuery("klassen", commodity="padi")), "id")
    # padi: G = 214/200 - 1 = 0.07; shares of 214 in 2024: A 88, B 36, C 90; threshold 1/3.
    assert result["thresholds"]["growth"] == pytest.approx(0.07)
    assert result["thresholds"]["share"] == pytest.approx(1 / 3)
    quadrants = {r["code"]: r["quadrant"] for r in result["rows"]}
    # A: +10 % > 7 %, 88/214 = 0.41 > 1/3 -> prime; B: +20 %, 0.17 -> potential; C: 0 %, 0.42 -> developed, depressed
    assert quadrants == {"A": "prime", "B": "potential", "C": "developed_depressed"}
    assert result["rows"][0]["class_label"] == "Kuadran I: maju dan tumbuh cepat"
    assert sum(result["summary"][q] for q in QUADRANTS) == len(result["rows"])


def test_leading_report_lists_the_leading_commodities():
    result = report(inputs_for(AnalysisQuery("leading", year=2024)), "en")
    rows = {r["code"]: r for r in result["rows"]}
    # A in 2024: LQ_padi = (88/118)/(214/285) = 0.993 < 1; LQ_mangga = (30/118)/(71/285) = 1.02 > 1 and
    # mangga grew 50 % in A against 18.3 % in the regency: leading.
    assert rows["A"]["leading"] == ["mangga"] and rows["A"]["top_commodity"] == "mangga"
    padi = next(i for i in rows["A"]["commodities"] if i["commodity"] == "padi")
    assert padi["class"] == "emerging" and padi["growth"] == pytest.approx(0.1)


# ---------------------------------------------------------------- properties over random tables

cells = st.integers(min_value=0, max_value=10**7).map(float)


@st.composite
def tables(draw, min_areas=1):
    n_areas = draw(st.integers(min_areas, 7))
    n_commodities = draw(st.integers(1, 4))
    values = draw(st.lists(st.lists(cells, min_size=n_commodities, max_size=n_commodities),
                           min_size=n_areas, max_size=n_areas))
    table = pd.DataFrame(values, index=[f"a{i}" for i in range(n_areas)],
                         columns=[f"c{j}" for j in range(n_commodities)])
    return table


@settings(max_examples=150, deadline=None)
@given(tables())
def test_lq_weighted_by_area_totals_averages_one(table):
    # Σ_j (e_j / E) · LQ_ij = Σ_j e_ij / E_i = 1 for every commodity the regency produces.
    lq = location_quotients(table)
    weights = table.sum(axis=1) / table.values.sum() if table.values.sum() > 0 else None
    for commodity in table.columns:
        if table[commodity].sum() > 0:
            assert float((weights * lq[commodity].fillna(0)).sum()) == pytest.approx(1.0, rel=1e-9)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_lq_of_the_reference_against_itself_is_one(table):
    totals = table.sum(axis=0)
    itself = location_quotients(totals.to_frame("reference").T, totals)
    for commodity in table.columns:
        if totals[commodity] > 0:
            assert itself.at["reference", commodity] == pytest.approx(1.0, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(tables(), st.integers(1, 1000))
def test_lq_does_not_depend_on_the_unit(table, factor):
    a, b = location_quotients(table), location_quotients(table * factor)
    assert ((a - b).abs().fillna(0) <= 1e-9 * (1 + a.abs().fillna(0))).all().all()


@settings(max_examples=200, deadline=None)
@given(tables(), st.data())
def test_shift_share_components_add_up_to_the_change(start, data):
    end = pd.DataFrame(data.draw(st.lists(st.lists(cells, min_size=start.shape[1], max_size=start.shape[1]),
                                          min_size=start.shape[0], max_size=start.shape[0])),
                       index=start.index, columns=start.columns)
    assert_components_add_up(shift_share(start, end))
    reference = pd.Series([data.draw(st.integers(1, 10**9)) for _ in start.columns], index=start.columns, dtype=float)
    assert_components_add_up(shift_share(start, end, reference, reference * 1.1))
    # With the regency as reference, the differential shifts of a commodity cancel out across its areas.
    parts = shift_share(start, end)
    for commodity in start.columns:
        if start[commodity].sum() > 0:
            scale = max(1.0, float(start[commodity].sum() + end[commodity].sum()))
            assert abs(float(parts.differential_shift[commodity].sum())) <= 1e-9 * scale


@settings(max_examples=150, deadline=None)
@given(tables(), st.data())
def test_dlq_is_the_ratio_of_the_two_lqs(start, data):
    end = start * pd.DataFrame(data.draw(st.lists(st.lists(st.floats(0.5, 2.0), min_size=start.shape[1],
                                                           max_size=start.shape[1]),
                                                  min_size=start.shape[0], max_size=start.shape[0])),
                               index=start.index, columns=start.columns)
    dlq = dynamic_location_quotients(start, end)
    lq0, lq1 = location_quotients(start), location_quotients(end)
    for area in start.index:
        for commodity in start.columns:
            if start.at[area, commodity] > 0:
                assert dlq.at[area, commodity] == pytest.approx(lq1.at[area, commodity] / lq0.at[area, commodity],
                                                                rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-1, 5), st.floats(0, 1)), min_size=1, max_size=30),
       st.floats(-1, 5), st.floats(0, 1))
def test_klassen_quadrants_partition_the_areas(points, growth_threshold, share_threshold):
    quadrants = [klassen_quadrant(g, s, growth_threshold, share_threshold) for g, s in points]
    assert all(q in QUADRANTS for q in quadrants)
    for (g, s), q in zip(points, quadrants, strict=True):
        assert (q in ("prime", "potential")) == is_above(g, growth_threshold)
        assert (q in ("prime", "developed_depressed")) == is_above(s, share_threshold)
