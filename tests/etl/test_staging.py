"""Rows made ready for COPY: points as hex EWKB, the same text as shapely writes."""

import numpy as np
import pandas as pd
import shapely

from etl.staging import point_ewkb_hex


def test_points_are_the_hex_ewkb_shapely_writes_and_missing_ones_are_null():
    lon = np.array([108.3143, np.nan, -0.5, 179.999999])
    lat = np.array([-6.3594, 1.0, np.nan, -89.5])
    out = point_ewkb_hex(lon, lat)
    expected = [shapely.to_wkb(shapely.set_srid(shapely.Point(x, y), 4326), hex=True, include_srid=True)
                for x, y in zip(lon, lat, strict=True)]
    assert out[0] == expected[0] and out[3] == expected[3]
    assert pd.isna(out[1]) and pd.isna(out[2])
