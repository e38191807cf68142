"""Fuzzing: requests generated from the published OpenAPI description, valid and not.

Schemathesis reads the description ``GET /v2.1/openapi.json`` serves (so
every route and schema in the route table is covered, including ones added
later) and sends each operation a bounded number of generated requests,
positive and negative, as the admin at the newest microversion, to the
paste app on SQLite with a flavor, an image and a compute host in place.
No response may be a 5xx, and a request answered 4xx may leave no new row
in any table.
"""

import collections

import pytest
import schemathesis
import sqlalchemy
from hypothesis import HealthCheck, given, settings

from novalite.api import microversion, openapi, routes
from novalite.db import engine

_HEADERS = {'X-Auth-Token': 'admin:admin', 'OpenStack-API-Version': 'compute latest'}
_EXAMPLES_PER_OPERATION = 15
_MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
_SEEN = collections.Counter()

SCHEMA = schemathesis.openapi.from_dict(openapi.document(routes.ROUTES,
                                                         microversion.MAX_VERSION))
# The token is the fixed admin one: a generated or missing token only
# reaches noauth2's handshake.
SCHEMA.config.generation.update(with_security_parameters=False)
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


def _row_counts():
    with engine.reader() as session:
        tables = sqlalchemy.inspect(session.connection()).get_table_names()
        return {table: session.execute(sqlalchemy.text(f'SELECT count(*) FROM "{table}"'))
                .scalar() for table in tables if table != 'alembic_version'}


@pytest.fixture(scope='module', autouse=True)
def fuzz_summary():
    yield
    # Shown with pytest -s: the figures the issue asks for.
    print(f'\nfuzzed {sum(_SEEN.values())} requests, '
          f'{sum(n for status, n in _SEEN.items() if status >= 500)} answered 5xx, '
          f'by status: {dict(sorted(_SEEN.items()))}')


def test_the_served_description_is_the_one_fuzzed(admin):
    served = admin.get('/openapi.json', version='latest').json
    assert served == openapi.document(routes.ROUTES, microversion.MAX_VERSION)


@pytest.mark.parametrize('label', sorted(OPERATIONS))
def test_no_request_gets_a_5xx_and_a_refused_one_creates_nothing(
        label, wsgi_app, flavor, image, compute_host):

    @given(case=OPERATIONS[label].as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
           | OPERATIONS[label].as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE))
    @settings(max_examples=_EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case):
        before = _row_counts()
        response = case.call(app=wsgi_app, headers=_HEADERS)
        _SEEN[response.status_code] += 1
        assert response.status_code < 500, (case.as_curl_command(), response.text)
        if response.status_code >= 400:
            assert _row_counts() == before, case.as_curl_command()

    fuzz()
