"""Property-based run of every OGC API operation from its OpenAPI document: no 5xx, responses as documented."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from webmap.openapi_ogc import build_openapi

# The document the app serves at /ogc/api, built without a request (same paths and schemas).
schema = schemathesis.openapi.from_dict(build_openapi("/ogc"))

# Left out on purpose:
# - positive_data_acceptance: whether a feature id exists is data (a schema-valid id may rightly answer 404);
# - negative_data_rejection: an empty parameter (?f=&lang=) means "not given", as HTML forms send it.
EXCLUDED = [positive_data_acceptance, negative_data_rejection]


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much])
def test_no_server_errors_and_documented_responses(case, app):
    response = case.call(app=app, headers={"Accept-Encoding": "identity"})
    assert response.status_code < 500, (case.method, case.path, case.query, response.text[:500])
    case.validate_response(response, excluded_checks=EXCLUDED)
