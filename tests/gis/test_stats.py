import warnings

import numpy as np
import pytest

from gis.stats import (
    METHODS,
    InvalidStats,
    NoData,
    StatsQuery,
    choropleth,
    class_breaks,
    class_of,
    fisher_jenks_breaks,
)


def assert_breaks_cover(result):
    breaks = result["breaks"]
    values = [v["value"] for v in result["values"]]
    assert breaks == sorted(breaks) and len(set(breaks)) == len(breaks), "breaks must increase strictly"
    assert breaks[-1] == max(values) == result["max"]
    assert min(values) == result["min"] <= breaks[0]
    assert result["classes"] == len(breaks) <= result["classes_requested"]
    for item in result["values"]:
        c = item["class"]
        assert item["value"] <= breaks[c]
        assert c == 0 or item["value"] > breaks[c - 1]


# ---------------------------------------------------------------- classification (no database)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("k", [3, 5, 9])
def test_class_breaks_are_monotonic_and_cover(method, k):
    values = list(np.random.default_rng(k).lognormal(6, 1.2, 150))
    breaks = class_breaks(values, method, k)
    assert len(breaks) == k
    assert breaks == sorted(set(breaks))
    assert breaks[-1] == max(values) and breaks[0] >= min(values)
    assert [class_of(v, breaks) for v in sorted(values)] == sorted(class_of(v, breaks) for v in values)


def test_few_distinct_values_give_fewer_classes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert class_breaks([4.0, 4.0, 4.0], "quantiles", 5) == [4.0]
        for method in METHODS:
            breaks = class_breaks([1.0, 1.0, 1.0, 2.0, 2.0, 9.0], method, 5)
            assert breaks[-1] == 9.0 and len(breaks) <= 3 and breaks == sorted(set(breaks))


@pytest.mark.parametrize("n,k", [(30, 3), (60, 5), (90, 9)])
def test_fisher_jenks_matches_mapclassify(n, k):
    import mapclassify

    values = np.random.default_rng(n).lognormal(3, 1, n)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        expected = [float(b) for b in mapclassify.FisherJenks(values, k=k).bins]
    assert fisher_jenks_breaks(list(values), k) == pytest.approx(expected)


def test_fisher_jenks_is_exact_for_large_units_and_fast_for_many_values():
    idr = [1e12, 1.1e12, 1.2e12, 5e12, 5.1e12, 9e12]
    assert fisher_jenks_breaks(idr, 3) == [1.2e12, 5.1e12, 9e12]
    many = list(np.random.default_rng(0).normal(100, 10, 200_000))
    breaks = class_breaks(many, "natural_breaks", 7)
    assert len(breaks) == 7 and breaks[-1] == max(many)


# ---------------------------------------------------------------- choropleths on the bundled data


@pytest.mark.parametrize("method", METHODS)
def test_padi_by_kecamatan_defaults_to_the_latest_year(engine, method):
    result = choropleth(engine, StatsQuery("agriculture", "padi", method=method))
    assert result["year"] == max(result["available_years"]) == 2024
    assert result["level"] == "kecamatan" and result["unit"] == "ton" and result["commodity"] == "padi"
    assert len(result["values"]) == 31
    assert all(v["code"].count(".") == 2 for v in result["values"])
    assert_breaks_cover(result)


@pytest.mark.parametrize("classes", [3, 4, 7, 9])
def test_padi_by_desa_with_each_class_count(engine, classes):
    result = choropleth(engine, StatsQuery("agriculture", "padi", level="desa", classes=classes,
                                           method="natural_breaks"))
    assert len(result["values"]) > 300
    assert result["classes"] == classes
    assert_breaks_cover(result)


def test_fisheries_kind_and_measure(engine):
    result = choropleth(engine, StatsQuery("fisheries", "laut", year=2021))
    assert result["kind"] == "laut" and result["year"] == 2021 and len(result["values"]) == 12
    assert_breaks_cover(result)
    assert choropleth(engine, StatsQuery("fisheries", "tambak", year=2020, measure="production_ton"))["values"]


def test_geometry_is_optional(engine):
    without = choropleth(engine, StatsQuery("agriculture", "mangga"))
    assert "geometry" not in without["values"][0]
    with_geometry = choropleth(engine, StatsQuery("agriculture", "mangga", geometry=True))
    assert with_geometry["values"][0]["geometry"]["type"] == "MultiPolygon"


def test_labels_follow_lang(engine):
    assert choropleth(engine, StatsQuery("agriculture", "padi"), "en")["label"] == "Rice (paddy)"
    assert choropleth(engine, StatsQuery("agriculture", "padi"), "id")["label"] == "Padi"


def test_unknown_commodity_lists_the_available_ones(engine):
    with pytest.raises(NoData, match=r"available: .*mangga.*padi"):
        choropleth(engine, StatsQuery("agriculture", "durian"))


def test_missing_year_lists_the_years(engine):
    with pytest.raises(NoData, match="years with data: 2020, 2021, 2022, 2023, 2024"):
        choropleth(engine, StatsQuery("agriculture", "padi", year=2019))


def test_missing_level_lists_the_levels(engine):
    with pytest.raises(NoData, match=r"levels with data: .*kecamatan: 2023"):
        choropleth(engine, StatsQuery("agriculture", "mangga", level="desa"))


@pytest.mark.parametrize("query", [
    StatsQuery("agriculture", None), StatsQuery("forestry", "jati"), StatsQuery("agriculture", "padi", classes=2),
    StatsQuery("agriculture", "padi", classes=10), StatsQuery("agriculture", "padi", method="kmeans"),
    StatsQuery("agriculture", "padi", level="provinsi"), StatsQuery("agriculture", "padi", measure="value_idr"),
])
def test_bad_parameters_are_refused(engine, query):
    with pytest.raises(InvalidStats):
        choropleth(engine, query)
