"""Fixtures shared by every test layer: a clean config and a migrated database."""

import pytest
from oslo_messaging import conffixture

from novalite import rpc
from novalite.conf import CONF
from novalite.db import engine, migration


@pytest.fixture
def conf(tmp_path):
    """``CONF`` parsed from no files, with state under ``tmp_path``; reset afterwards."""
    messaging = conffixture.ConfFixture(CONF)
    messaging.setUp()
    messaging.transport_url = 'fake:/'
    CONF([], project='novalite', default_config_files=[])
    CONF.set_override('state_path', str(tmp_path))
    yield CONF
    rpc.cleanup()
    messaging.cleanUp()
    CONF.clear_override('state_path')
    CONF.reset()


@pytest.fixture
def db(conf, tmp_path):
    """A fresh SQLite database at the newest schema."""
    engine.configure(f'sqlite:///{tmp_path}/novalite.sqlite')
    migration.db_sync()
    yield engine
    engine.configure('sqlite://')


@pytest.fixture
def net_conf(conf):
    """A /29: five usable addresses besides the gateway, so exhaustion is quick."""
    conf.set_override('cidr', '10.250.0.0/29', group='network')
    conf.set_override('dns_servers', ['10.250.0.6', '192.0.2.53'], group='network')
    conf.set_override('mtu', 1400, group='network')
    yield conf
    conf.reset()
