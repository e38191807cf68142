"""Fixtures of the Block Storage API tests: the paste-loaded v3 app, a fake-driver manager.

Casts to the volume service land on the ``fake:/`` transport where nobody
consumes them; tests that need the storage step run the manager's method
themselves, as the service would.
"""

import pytest

from novalite import context
from novalite.api import app as api_app
from novalite.volume import manager as volume_manager
from tests.functional.wsgi_client import VolumeClient


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
