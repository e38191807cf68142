"""The listing criteria of Nova's four tag filters, on SQLite."""

import pytest
import sqlalchemy as sa

from novalite.db import engine, models, tags
from tests.functional.api.conftest import make_instance

_UUID = models.Instance.__table__.c.uuid


@pytest.fixture
def tagged(db):
    servers = {}
    for name, server_tags in (('red', ['red']), ('red-blue', ['red', 'blue']),
                              ('green', ['green']), ('none', [])):
        servers[name] = make_instance(display_name=name)['uuid']
        tags.tags_set(servers[name], server_tags)
    return servers


def _names(**filters):
    statement = sa.select(models.Instance.display_name).where(
        *tags.instance_tag_criteria(_UUID, **filters))
    with engine.reader() as session:
        return sorted(session.execute(statement).scalars())


@pytest.mark.parametrize('filters,expected', [
    ({'tags': ['red']}, ['red', 'red-blue']),
    ({'tags': ['red', 'blue']}, ['red-blue']),
    ({'tags_any': ['blue', 'green']}, ['green', 'red-blue']),
    ({'not_tags': ['red', 'blue']}, ['green', 'none', 'red']),
    ({'not_tags_any': ['red', 'green']}, ['none']),
    ({'tags': ['red'], 'not_tags_any': ['blue']}, ['red']),
    ({}, ['green', 'none', 'red', 'red-blue']),
])
def test_tag_filters_select_as_nova_does(tagged, filters, expected):
    assert _names(**filters) == expected
