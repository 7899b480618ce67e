"""Property-based run of every REST v1 operation from its OpenAPI document: no 5xx, responses as documented."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from gis import keys
from webmap.api_v1 import openapi_document

# The document the app serves at /api/v1/openapi.json (built without a request: same paths and schemas).
# Loaded at import, not through schemathesis.pytest.from_fixture, which breaks on pytest 9 (private _nodeid).
schema = schemathesis.openapi.from_dict(openapi_document(""))

# Left out on purpose: positive_data_acceptance. Some schema-valid requests are rightly 400: a cursor is
# opaque, whether an area code exists is data, q needs a word of two letters, a bbox needs minLat <= maxLat.
# Every other check runs, negative_data_rejection too: the parameter specs (webmap.params) accept nothing
# outside the document (an empty value means "not given": allowEmptyValue).
EXCLUDED = [positive_data_acceptance]


UPLOAD = "/api/v1/uploads/{kind}"


@pytest.fixture
def admin_token(engine):
    """A working admin key on the test's database, so generated uploads reach the ETL."""
    return keys.create_key(engine, "schemathesis", keys.ADMIN)[1]


@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much])
def test_no_server_errors_and_documented_responses(case, app, admin_token):
    # The WSGI transport does not undo Content-Encoding, so ask for plain bodies.
    headers = {"Accept-Encoding": "identity"}
    if case.operation.path == UPLOAD:
        # With a valid key the generated files go through the ETL; schemathesis's ignored_auth check then
        # repeats a successful upload without the key and with a wrong one, and wants 401 for both.
        headers["Authorization"] = f"Bearer {admin_token}"
    response = case.call(app=app, headers=headers)
    assert response.status_code < 500, (case.method, case.path, case.query, response.text[:500])
    case.validate_response(response, excluded_checks=EXCLUDED)
