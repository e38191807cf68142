"""Server listing filters with Nova's meaning: regular expressions, tags, times, locks."""

import datetime

import pytest
import sqlalchemy as sa

from novalite.db import engine, models
from novalite.db import instances as db_instances
from novalite.db import tags as db_tags
from tests.functional.api.conftest import make_instance


@pytest.fixture
def servers(db, compute_host):
    return {name: make_instance(display_name=name)
            for name in ('web-1', 'web-2', 'db-1', 'my.web')}


def _names(resp):
    assert resp.status_int == 200, resp.text
    return sorted(server['name'] for server in resp.json['servers'])


def test_name_filter_is_a_regular_expression(api, servers):
    assert _names(api.get('/servers?name=^web')) == ['web-1', 'web-2']
    assert _names(api.get('/servers?name=-1$')) == ['db-1', 'web-1']


def test_name_filter_matches_anywhere_in_the_name(api, servers):
    assert _names(api.get('/servers?name=web')) == ['my.web', 'web-1', 'web-2']


def test_an_invalid_regular_expression_is_a_bad_request(api, servers):
    resp = api.get('/servers?name=web[')
    assert resp.status_int == 400
    assert 'regular expression' in resp.json['badRequest']['message']


def test_tags_filter_needs_every_tag_and_tags_any_one_of_them(api, servers):
    db_tags.tags_set(servers['web-1']['uuid'], ['blue', 'prod'])
    db_tags.tags_set(servers['web-2']['uuid'], ['blue'])
    v226 = api.at('2.26')
    assert _names(v226.get('/servers?tags=blue,prod')) == ['web-1']
    assert _names(v226.get('/servers?tags-any=prod,red')) == ['web-1']
    assert _names(v226.get('/servers?not-tags-any=blue')) == ['db-1', 'my.web']


def test_tags_filter_is_ignored_before_2_26(api, servers):
    db_tags.tags_set(servers['web-1']['uuid'], ['blue'])
    assert len(_names(api.at('2.25').get('/servers?tags=blue'))) == 4


def test_changes_before_lists_servers_changed_until_then(api, servers, beyond_max):
    table = models.Instance.__table__
    with engine.writer() as session:  # instance_update would stamp now
        session.execute(sa.update(table).where(table.c.uuid == servers['db-1']['uuid'])
                        .values(created_at=datetime.datetime(2020, 1, 1), updated_at=None))
    resp = api.at('2.66').get('/servers?changes-before=2021-01-01T00:00:00Z')
    assert _names(resp) == ['db-1']


def test_changes_before_earlier_than_changes_since_is_a_bad_request(api, servers,
                                                                     beyond_max):
    resp = api.at('2.66').get('/servers?changes-since=2021-01-01T00:00:00Z'
                              '&changes-before=2020-01-01T00:00:00Z')
    assert resp.status_int == 400


def test_locked_filter_from_2_73(api, servers, beyond_max):
    db_instances.instance_update(servers['web-2']['uuid'], {'locked': True})
    assert _names(api.at('2.73').get('/servers?locked=true')) == ['web-2']
    assert len(_names(api.at('2.72').get('/servers?locked=true'))) == 4


def test_unknown_filter_is_dropped_before_2_75_and_refused_from_it(api, servers,
                                                                    beyond_max):
    assert len(_names(api.at('2.74').get('/servers?colour=blue'))) == 4
    assert api.at('2.75').get('/servers?colour=blue').status_int == 400


def test_users_admin_only_filters_are_dropped(api, servers):
    make_instance(display_name='elsewhere', host='host2')
    assert len(_names(api.get('/servers?host=host2'))) == 5
