"""Fixtures of the IPAM tests: a config with a small network and an empty schema."""

import pytest

from novalite.db import engine, models


def create_schema(url):
    engine.configure(url)
    models.Base.metadata.drop_all(engine.get_engine())
    models.Base.metadata.create_all(engine.get_engine())


@pytest.fixture
def net_conf(conf):
    """A /29: five usable addresses besides the gateway, so exhaustion is quick."""
    conf.set_override('cidr', '10.250.0.0/29', group='network')
    conf.set_override('dns_servers', ['10.250.0.6', '192.0.2.53'], group='network')
    conf.set_override('mtu', 1400, group='network')
    yield conf
    conf.reset()


@pytest.fixture
def sqlite_db(net_conf, tmp_path):
    create_schema(f'sqlite:///{tmp_path}/ipam.sqlite')
    yield engine
    engine.configure('sqlite://')
