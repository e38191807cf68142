"""keystoneauth finds the compute API and its microversions without a token, then with one.

Nova serves its version documents to anonymous requests; clients discover
the microversion range there before they authenticate.
"""

import pytest
from keystoneauth1 import adapter, discover, session
from keystoneauth1.identity import v3

from novalite.api import microversion

pytestmark = pytest.mark.integration


@pytest.mark.parametrize('path, version, status', [
    ('/', 'v2.1', 'CURRENT'), ('/v2.1', 'v2.1', 'CURRENT'), ('/v2', 'v2.0', 'SUPPORTED')])
def test_keystoneauth_discovers_each_endpoint_without_a_token(keystone_cloud, path, version,
                                                              status):
    url = f'http://127.0.0.1:{keystone_cloud.port}{path}'
    found = {data['id']: data for data in discover.get_version_data(session.Session(), url)}
    assert found[version]['status'] == status


def test_catalog_lookup_finds_the_registered_endpoint_and_its_microversions(
        keystone, keystone_cloud):
    auth = v3.Password(auth_url=keystone.url, username='alpha-member', password='secret',
                       project_name='alpha', user_domain_id='default',
                       project_domain_id='default')
    compute = adapter.Adapter(session.Session(auth=auth), service_type='compute',
                              interface='public', min_version='2.1', max_version='2.latest')
    data = compute.get_endpoint_data()
    assert data.url.rstrip('/') == f'http://127.0.0.1:{keystone_cloud.port}/v2.1'
    assert data.max_microversion == discover.normalize_version_number(
        str(microversion.MAX_VERSION))
    assert compute.get('/flavors').json()['flavors'][0]['name'] == 'small'
