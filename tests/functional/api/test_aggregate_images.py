"""POST /os-aggregates/{id}/images (2.81): checked, then handed to the conductor."""

import pytest

from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import aggregates as db_aggregates

pytestmark = pytest.mark.usefixtures('beyond_max')

UNKNOWN_IMAGE = '0b1ec700-0000-4000-8000-000000000000'


@pytest.fixture
def casts(monkeypatch):
    sent = []
    monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'cache_images',
                        lambda self, ctx, aggregate_id, image_ids: sent.append(
                            (aggregate_id, image_ids)))
    return sent


@pytest.fixture
def aggregate(db, compute_host):
    created = db_aggregates.aggregate_create('precache', None)
    return db_aggregates.aggregate_host_add(created['id'], 'host1')


def _cache(client, aggregate_id, *image_ids, version='2.81'):
    body = {'cache': [{'id': image_id} for image_id in image_ids]}
    return client.at(version).post(f'/os-aggregates/{aggregate_id}/images', body)


def _message(resp):
    return next(iter(resp.json.values()))['message']


def test_an_admin_request_is_accepted_and_handed_to_the_conductor(admin, aggregate, image,
                                                                    casts):
    resp = _cache(admin, aggregate['id'], image['id'])
    assert resp.status_int == 202 and resp.body == b''
    assert casts == [(aggregate['id'], [image['id']])]


def test_an_aggregate_without_hosts_is_accepted_too(admin, db, image, casts):
    empty = db_aggregates.aggregate_create('empty', None)
    assert _cache(admin, empty['id'], image['id']).status_int == 202
    assert casts == [(empty['id'], [image['id']])]


def test_before_2_81_there_is_no_such_resource(admin, aggregate, image, casts):
    assert _cache(admin, aggregate['id'], image['id'], version='2.80').status_int == 404
    assert casts == []


def test_members_may_not_precache(api, aggregate, image, casts):
    resp = _cache(api, aggregate['id'], image['id'])
    assert resp.status_int == 403 and 'forbidden' in resp.json
    assert casts == []


def test_an_unknown_aggregate_is_404(admin, db, image, casts):
    resp = _cache(admin, 4242, image['id'])
    assert resp.status_int == 404
    assert _message(resp) == 'Aggregate 4242 could not be found.'
    assert casts == []


def test_an_aggregate_id_that_is_no_integer_is_400(admin, db, image, casts):
    resp = _cache(admin, 'agg', image['id'])
    assert resp.status_int == 400 and 'id must be an integer' in _message(resp)
    assert casts == []


def test_an_unknown_image_is_400_and_nothing_is_cached(admin, aggregate, image, casts):
    resp = _cache(admin, aggregate['id'], image['id'], UNKNOWN_IMAGE)
    assert resp.status_int == 400
    assert _message(resp) == f'Image {UNKNOWN_IMAGE} could not be found.'
    assert casts == []


def test_an_image_named_twice_is_400(admin, aggregate, image, casts):
    resp = _cache(admin, aggregate['id'], image['id'], image['id'])
    assert resp.status_int == 400 and _message(resp) == 'Duplicate images in request'
    assert casts == []


@pytest.mark.parametrize('body', [
    {}, {'cache': []}, {'cache': 'all'}, {'cache': [{}]}, {'cache': [{'id': 'cirros'}]},
    {'cache': [{'id': UNKNOWN_IMAGE, 'name': 'x'}]}, {'cache': [], 'hosts': ['host1']},
], ids=['empty', 'no-images', 'not-a-list', 'no-id', 'not-a-uuid', 'unknown-key',
        'unknown-top-key'])
def test_malformed_bodies_are_400(admin, aggregate, casts, body):
    resp = admin.at('2.81').post(f"/os-aggregates/{aggregate['id']}/images", body)
    assert resp.status_int == 400 and 'badRequest' in resp.json
    assert casts == []


def test_a_conductor_capped_below_1_9_refuses_with_400(admin, aggregate, image, conf,
                                                       monkeypatch):
    from novalite.api import servers
    conf.set_override('conductor', '1.8', group='upgrade_levels')
    # A client made now, under the cap.
    monkeypatch.setattr(servers.COMPUTE, '_compute_task_api', None)
    resp = _cache(admin, aggregate['id'], image['id'])
    assert resp.status_int == 400
    assert _message(resp) == 'The conductor is too old to pre-cache images'
