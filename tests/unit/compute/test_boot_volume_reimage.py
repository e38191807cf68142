"""The boot volume re-imaged during a 2.93 rebuild: kept reserved, re-imaged, waited for."""

from unittest import mock

import pytest

from novalite import context, exception
from novalite.compute import boot_volume_reimage
from novalite.volume import cinder

ROOT = {'uuid': 'b1', 'volume_id': 'vol1', 'attachment_id': 'att-old', 'boot_index': 0,
        'device_name': '/dev/vda', 'connection_info': {'data': {}}}


@pytest.fixture
def parts(conf):
    conf.set_override('block_device_allocate_retries', 2, group='compute')
    conf.set_override('block_device_allocate_retries_interval', 0, group='compute')
    volume_ops, volume_api = mock.Mock(), mock.Mock()
    volume_ops.keep_reserved.return_value = dict(ROOT, attachment_id='att-new',
                                                 connection_info=None)
    return volume_ops, volume_api


def test_the_volume_is_kept_reserved_then_re_imaged_and_waited_for_until_reserved(parts):
    volume_ops, volume_api = parts
    volume_api.get.side_effect = [{'status': 'downloading'}, {'status': 'reserved'}]
    root = boot_volume_reimage.reimage(volume_ops, volume_api, None, {'uuid': 'i1'}, ROOT,
                                       'img2')
    assert root['attachment_id'] == 'att-new'
    volume_ops.keep_reserved.assert_called_once_with(None, {'uuid': 'i1'}, ROOT)
    volume_api.reimage.assert_called_once_with(None, 'vol1', 'img2', reimage_reserved=True)
    assert volume_api.get.call_count == 2


@pytest.mark.parametrize('statuses', [['error'], ['downloading'] * 3])
def test_a_volume_in_error_or_still_downloading_aborts_with_novas_reason(parts, statuses):
    volume_ops, volume_api = parts
    volume_api.get.side_effect = [{'status': status} for status in statuses]
    with pytest.raises(exception.BuildAbortException) as raised:
        boot_volume_reimage.reimage(volume_ops, volume_api, None, {'uuid': 'i1'}, ROOT, 'img2')
    assert 'Failed to rebuild volume backed instance.' in str(raised.value)


def test_the_cinder_client_asks_os_reimage_at_3_68(conf):
    session = mock.Mock()
    session.request.return_value = mock.Mock(status_code=202, content=b'')
    cinder.API(session=session).reimage(context.get_admin_context(), 'vol1', 'img2',
                                        reimage_reserved=True)
    method, url = session.request.call_args.args
    kwargs = session.request.call_args.kwargs
    assert (method, url.endswith('/volumes/vol1/action')) == ('POST', True)
    assert kwargs['json'] == {'os-reimage': {'image_id': 'img2', 'reimage_reserved': True}}
    assert kwargs['headers']['OpenStack-API-Version'] == 'volume 3.68'
