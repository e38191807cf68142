"""Fixtures of the IPAM tests: a config with a small network and an empty schema."""

import pytest

from novalite.db import engine, models


def create_schema(url):
    engine.configure(url)
    models.Base.metadata.drop_all(engine.get_engine())
    models.Base.metadata.create_all(engine.get_engine())


@pytest.fixture
def sqlite_db(net_conf, tmp_path):
    create_schema(f'sqlite:///{tmp_path}/ipam.sqlite')
    yield engine
    engine.configure('sqlite://')
