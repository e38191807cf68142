"""Fixtures of the Block Storage API tests: the paste-loaded v3 app, a fake-driver manager.

Casts to the volume service land on the ``fake:/`` transport where nobody
consumes them; tests that need the storage step run the manager's method
themselves, as the service would.
"""

import json

import pytest
import webob

from novalite import context
from novalite.api import app as api_app
from novalite.volume import manager as volume_manager


class VolumeClient:
    """Requests to the v3 app as ``user:project`` at a volume microversion."""

    def __init__(self, app, token='demo:demo', version=None):
        self.app, self.token, self.version = app, token, version

    def at(self, version):
        return VolumeClient(self.app, self.token, version)

    def request(self, method, path, body=None, version=None):
        headers = {'X-Auth-Token': self.token}
        if version or self.version:
            headers['OpenStack-API-Version'] = f'volume {version or self.version}'
        project = self.token.partition(':')[2]
        prefix = '' if path.startswith('/v3') or path == '/' else f'/v3/{project}'
        req = webob.Request.blank(prefix + path, method=method, headers=headers)
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = 'application/json'
        resp = req.get_response(self.app)
        resp.json_body_or_none = json.loads(resp.body) if resp.body else None
        return resp

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)


@pytest.fixture
def volume_app(db, conf):
    conf.set_override('volume_driver', 'fake', group='volume')
    return api_app.load_app(conf, name='osapi_volume')


@pytest.fixture
def vapi(volume_app):
    return VolumeClient(volume_app, version='3.44')


@pytest.fixture
def vadmin(volume_app):
    return VolumeClient(volume_app, token='admin:admin', version='3.44')


@pytest.fixture
def manager(conf, db):
    conf.set_override('volume_driver', 'fake', group='volume')
    return volume_manager.VolumeManager(conf.host)


@pytest.fixture
def available(vapi, manager):
    """Create a 1 GiB volume and run its creation: ``available``."""
    def make(name='data', size=1):
        volume = vapi.post('/volumes', {'volume': {'size': size, 'name': name}})
        assert volume.status_int == 202, volume.body
        volume_id = volume.json_body_or_none['volume']['id']
        manager.create_volume(context.get_admin_context(), volume_id)
        return volume_id
    return make
