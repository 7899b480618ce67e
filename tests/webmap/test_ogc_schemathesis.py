"""Property-based run of every OGC API operation from its OpenAPI document: no 5xx, responses as documented,
and nothing outside the document served."""

import re

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from webmap.ogc_params import MAX_LIMIT, MAX_OFFSET
from webmap.openapi_ogc import build_openapi

# The document the app serves at /ogc/api, built without a request (same paths and schemas).
schema = schemathesis.openapi.from_dict(build_openapi("/ogc"))

# Left out on purpose: positive_data_acceptance: whether a feature id or an analysis' commodity exists is data
# (a schema-valid one may rightly answer 404), a bbox needs minLat <= maxLat, an LQ's datetime is one year.
# Every other check runs, negative_data_rejection too: the parameter specs (webmap.ogc_params) accept nothing
# outside the document (an empty value means "not given": allowEmptyValue), but for one rule of OGC API.
EXCLUDED = [positive_data_acceptance]


def _limit_above_the_maximum(case) -> bool:
    """OGC API - Features /req/core/fc-limit-response-1: a limit above the documented maximum is served as the
    maximum, not refused (up to MAX_OFFSET, beyond which it is taken for a mistake)."""
    limit = str((case.query or {}).get("limit", ""))
    return bool(re.fullmatch(r"\+?[0-9]+", limit)) and MAX_LIMIT < int(limit) <= MAX_OFFSET


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much])
def test_no_server_errors_and_documented_responses(case, app):
    response = case.call(app=app, headers={"Accept-Encoding": "identity"})
    assert response.status_code < 500, (case.method, case.path, case.query, response.text[:500])
    limit_rule = [negative_data_rejection] if _limit_above_the_maximum(case) else []
    case.validate_response(response, excluded_checks=[*EXCLUDED, *limit_rule])
