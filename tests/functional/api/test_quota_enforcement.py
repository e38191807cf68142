"""Server creates and key pair imports against quotas: 403 with Nova's message and
nothing created, or as many servers as fit between min_count and max_count."""

import datetime

import pytest

from novalite import quota
from novalite.db import engine, models
from novalite.db import quotas as db_quotas
from tests.functional.api.conftest import boot_body, make_instance


@pytest.fixture
def cloud(compute_host, flavor, image):
    return image


def _set(**limits):
    db_quotas.set_limits(limits, project_id='demo')


def _count(api):
    return len(api.get('/servers').json['servers'])


def test_create_over_the_instances_quota_is_forbidden_and_creates_nothing(api, cloud):
    _set(instances=1)
    make_instance()
    resp = api.post('/servers', boot_body(cloud))
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances')
    assert _count(api) == 1


def test_multi_create_shrinks_to_what_fits_between_min_and_max(api, cloud):
    _set(instances=3)
    make_instance()
    resp = api.post('/servers', boot_body(cloud, min_count=1, max_count=5))
    assert resp.status_int == 202
    assert _count(api) == 3


def test_min_count_that_does_not_fit_is_forbidden_with_the_range_requested(api, cloud):
    _set(instances=3)
    make_instance()
    resp = api.post('/servers', boot_body(cloud, min_count=3, max_count=5))
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        'Quota exceeded for instances: Requested 3-5, but already used 1 of 3 instances')
    assert _count(api) == 1


def test_cores_and_ram_are_named_together_when_both_are_short(api, cloud):
    _set(cores=2, ram=1024)
    make_instance()
    resp = api.post('/servers', boot_body(cloud, min_count=3, max_count=3))
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        'Quota exceeded for cores, ram: Requested 3, 1536, but already used 1, 512 of '
        '2, 1024 cores, ram')


def test_too_many_metadata_items_is_forbidden(api, cloud):
    _set(metadata_items=1)
    resp = api.post('/servers', boot_body(cloud, metadata={'a': '1', 'b': '2'}))
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == 'Maximum number of metadata items exceeds 1'
    assert _count(api) == 0


def test_deleted_and_soft_deleted_servers_do_not_count(api, cloud):
    _set(instances=1)
    make_instance(vm_state='soft-delete')
    gone = make_instance(host=None, node=None)  # no host: deleted at once
    assert api.delete(f"/servers/{gone['uuid']}").status_int == 204
    assert api.post('/servers', boot_body(cloud)).status_int == 202


def test_a_user_limit_binds_that_user_only(api, cloud):
    db_quotas.set_limits({'instances': 1}, project_id='demo', user_id='alice')
    alice = api.as_user('alice:demo')
    assert alice.post('/servers', boot_body(cloud)).status_int == 202
    assert alice.post('/servers', boot_body(cloud)).status_int == 403
    assert api.post('/servers', boot_body(cloud)).status_int == 202


def test_unlimited_quota_lets_any_count_through(api, cloud):
    _set(instances=-1, cores=-1, ram=-1)
    assert api.post('/servers', boot_body(cloud, min_count=12, max_count=12)
                    ).status_int == 202


def test_a_failed_create_releases_its_reservation(api, cloud, monkeypatch):
    from novalite.db import instances as db_instances

    def fail(*args, **kwargs):
        raise RuntimeError('disk full')
    monkeypatch.setattr(db_instances, 'instances_create', fail)
    assert api.post('/servers', boot_body(cloud)).status_int == 500
    assert quota.get_usages('demo')['instances'] == 0


def test_a_reservation_counts_until_it_expires(api, cloud):
    _set(instances=1)
    now = models.utcnow()
    with engine.writer() as session:
        session.add(models.QuotaReservation(project_id='demo', user_id='demo', instances=1,
                                            cores=1, ram=512, expires_at=now +
                                            datetime.timedelta(seconds=60)))
    assert api.post('/servers', boot_body(cloud)).status_int == 403
    with engine.writer() as session:
        session.query(models.QuotaReservation).update(
            {'expires_at': now - datetime.timedelta(seconds=1)})
    assert api.post('/servers', boot_body(cloud)).status_int == 202


def test_key_pairs_over_quota_are_forbidden(api, db):
    _set(key_pairs=1)
    assert api.post('/os-keypairs', {'keypair': {'name': 'one'}}).status_int == 200
    resp = api.post('/os-keypairs', {'keypair': {'name': 'two'}})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == 'Maximum number of key pairs exceeded'
    assert [k['keypair']['name'] for k in api.get('/os-keypairs').json['keypairs']] == ['one']


@pytest.mark.parametrize('limits, files, message', [
    ({'injected_files': 1}, [('/a', 'YQ=='), ('/b', 'Yg==')], 'Personality file limit exceeded'),
    ({'injected_file_path_bytes': 3}, [('/etc/motd', 'YQ==')],
     'Personality file path exceeds maximum 3'),
    ({'injected_file_content_bytes': 4}, [('/a', 'YWJjZGVm')],
     'Personality file content exceeds maximum 4'),
])
def test_personality_over_its_quotas_is_forbidden(api, cloud, limits, files, message):
    _set(**limits)
    personality = [{'path': path, 'contents': contents} for path, contents in files]
    resp = api.post('/servers', boot_body(cloud, personality=personality))
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == message
    assert _count(api) == 0
