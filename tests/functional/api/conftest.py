"""Fixtures of the API tests: the paste-loaded app on a fresh database.

Requests go through ``webob.Request.blank`` into the whole pipeline; casts
to the conductor and compute hosts land on the ``fake:/`` transport, where
nobody consumes them.
"""

import shutil

import pytest

from novalite.api import app as api_app
from novalite.api import policy
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import engine, migration
from novalite.db import flavors as db_flavors
from novalite.db import services as db_services
from novalite.image import local as local_image
from tests.functional.wsgi_client import Client


@pytest.fixture(scope='session')
def migrated_template(tmp_path_factory):
    """One migrated SQLite file per test session; each test gets a copy (fast)."""
    path = tmp_path_factory.mktemp('schema') / 'novalite.sqlite'
    engine.configure(f'sqlite:///{path}')
    migration.db_sync()
    engine.configure('sqlite://')
    return path


@pytest.fixture
def db(conf, tmp_path, migrated_template):
    """Overrides the shared fixture: a copy of the migrated template, not a migration."""
    shutil.copy(migrated_template, tmp_path / 'novalite.sqlite')
    engine.configure(f'sqlite:///{tmp_path}/novalite.sqlite')
    yield engine
    engine.configure('sqlite://')


_LOADED = {}


@pytest.fixture(autouse=True)
def no_conductor(monkeypatch):
    """No conductor runs here: a build handed over stays in ``scheduling``."""
    monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'schedule_and_build_instances',
                        lambda *args, **kwargs: None)


@pytest.fixture
def wsgi_app(db, conf):
    """The paste-loaded app; loaded once, as it keeps no state between requests."""
    policy.reset()
    if 'app' not in _LOADED:
        _LOADED['app'] = api_app.load_app(conf)
    yield _LOADED['app']
    policy.reset()


@pytest.fixture
def api(wsgi_app):
    """A client acting as the non-admin user ``demo`` of project ``demo``."""
    return Client(wsgi_app)


@pytest.fixture
def admin(wsgi_app):
    return Client(wsgi_app, token='admin:admin')


@pytest.fixture
def flavor(db):
    return db_flavors.flavor_create({'flavorid': '1', 'name': 'm1.tiny', 'memory_mb': 512,
                                     'vcpus': 1, 'root_gb': 1})


@pytest.fixture
def image(conf, tmp_path):
    source = tmp_path / 'cirros.img'
    source.write_bytes(b'\0' * 1024)
    return local_image.get_image_service(conf).create(
        'cirros', str(source), properties={'hw_disk_bus': 'virtio'})


@pytest.fixture
def compute_host(db):
    """A live compute service ``host1`` with one node ``node1`` in zone ``nova``."""
    service = db_services.service_get_or_create('host1', 'novalite-compute', 'compute')
    db_services.service_heartbeat(service['id'])
    node = db_services.compute_node_report('host1', 'node1', {
        'hypervisor_type': 'fake', 'hypervisor_version': 1000, 'host_ip': '192.0.2.10',
        'availability_zone': 'nova', 'vcpus': 16, 'memory_mb': 65536, 'local_gb': 1024,
        'free_disk_gb': 1000, 'running_vms': 0, 'reserved_host_memory_mb': 512,
        'cpu_info': {'arch': 'x86_64'}})
    return {'service': service, 'node': node}


def boot_body(image, flavor_id='1', **server):
    server.setdefault('name', 'web')
    server.setdefault('imageRef', image['id'])
    server.setdefault('flavorRef', flavor_id)
    return {'server': server}


def make_instance(**values):
    """An instance row written straight to the database (defaults: ACTIVE on host1)."""
    import uuid as uuid_lib

    from novalite.db import instances as db_instances
    instance_uuid = values.pop('uuid', None) or str(uuid_lib.uuid4())
    row = {
        'uuid': instance_uuid, 'project_id': 'demo', 'user_id': 'demo',
        'display_name': 'vm', 'hostname': 'vm', 'host': 'host1', 'node': 'node1',
        'image_ref': 'c0ffee00-0000-4000-8000-000000000000',
        'flavor': {'flavorid': '1', 'name': 'm1.tiny', 'memory_mb': 512, 'vcpus': 1,
                   'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}},
        'instance_type_id': 1, 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
        'ephemeral_gb': 0, 'vm_state': 'active', 'task_state': None, 'power_state': 1,
        'system_metadata': {'security_groups': 'default'}, 'reservation_id': 'r-test0000',
        'config_drive': '', 'metadata': {},
    }
    row.update(values)
    return db_instances.instances_create([row])[0]


@pytest.fixture
def beyond_max(monkeypatch):
    """Accept versions up to 2.96 whatever MAX_VERSION advertises.

    For tests of a behaviour implemented ahead of the version that
    advertises it: the microversion walk (test_microversion_history) is
    what checks the advertised maximum is honest.
    """
    from novalite.api import microversion
    monkeypatch.setattr(microversion, 'MAX_VERSION', microversion.APIVersion(2, 96))
