"""What the soft-delete (compute 1.13), usage-audit (conductor 1.8) and pre-cache
(compute 1.14, conductor tasks 1.9) messages send, and what a capped peer gets instead."""

import datetime

from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import rpcapi as conductor_rpcapi
from tests.unit.objects.payloads import instance_dict
from tests.unit.test_rpc_versions import _sent

_JUNE = (datetime.datetime(2026, 6, 1), datetime.datetime(2026, 7, 1))


def test_soft_delete_and_restore_go_at_1_13(conf):
    def send(api, ctxt):
        api.soft_delete_instance(ctxt, instance_dict())
        api.restore_instance(ctxt, instance_dict())
    sent, _ = _sent(conf, 'compute', None, compute_rpcapi.ComputeAPI, send)
    assert [(version, method) for version, method, _kwargs in sent] == [
        ('1.13', 'soft_delete_instance'), ('1.13', 'restore_instance')]


def test_a_compute_capped_below_1_13_does_not_support_soft_delete(conf):
    conf.set_override('compute', '1.7', group='upgrade_levels')
    assert not compute_rpcapi.ComputeAPI().supports_soft_delete()
    conf.set_override('compute', None, group='upgrade_levels')
    assert compute_rpcapi.ComputeAPI().supports_soft_delete()


def test_the_usage_audit_goes_at_1_8_with_iso_dates(conf):
    sent, _ = _sent(conf, 'conductor', None, conductor_rpcapi.ConductorAPI,
                    lambda api, ctxt: api.instance_usage_audit(ctxt, 'cpu1', *_JUNE),
                    answer=3)
    [(version, method, kwargs)] = sent
    assert (version, method) == ('1.8', 'instance_usage_audit')
    assert kwargs == {'host': 'cpu1', 'begin': '2026-06-01T00:00:00',
                      'end': '2026-07-01T00:00:00'}


def test_a_conductor_capped_below_1_8_is_sent_no_audit(conf):
    sent, result = _sent(conf, 'conductor', '1.5', conductor_rpcapi.ConductorAPI,
                         lambda api, ctxt: api.instance_usage_audit(ctxt, 'cpu1', *_JUNE))
    assert (sent, result) == ([], None)


_IMAGES = ['11111111-0000-4000-8000-000000000000']


def test_a_precache_request_is_a_1_14_call_answered_per_image(conf):
    sent, result = _sent(conf, 'compute', None, compute_rpcapi.ComputeAPI,
                         lambda api, ctxt: api.cache_images(ctxt, 'cpu1', _IMAGES),
                         answer={_IMAGES[0]: 'cached'})
    assert [(version, method, kwargs) for version, method, kwargs in sent] == [
        ('1.14', 'cache_images', {'image_ids': _IMAGES})]
    assert result == {_IMAGES[0]: 'cached'}


def test_a_compute_capped_below_1_14_is_not_asked_and_unsupported(conf):
    sent, result = _sent(conf, 'compute', '1.13', compute_rpcapi.ComputeAPI,
                         lambda api, ctxt: api.cache_images(ctxt, 'cpu1', _IMAGES))
    assert (sent, result) == ([], {_IMAGES[0]: 'unsupported'})


def test_a_precache_request_goes_to_the_conductor_at_1_9(conf):
    sent, _ = _sent(conf, 'conductor', None, conductor_rpcapi.ComputeTaskAPI,
                    lambda api, ctxt: api.cache_images(ctxt, 7, _IMAGES))
    assert sent == [('1.9', 'cache_images', {'aggregate_id': 7, 'image_ids': _IMAGES})]
