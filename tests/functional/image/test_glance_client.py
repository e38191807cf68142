"""The image client over real HTTP against the image API app: what compute hosts use."""

import hashlib
import os
import threading

import eventlet
import eventlet.wsgi
import pytest
from keystoneauth1 import loading as ks_loading

from novalite import context as novalite_context
from novalite import exception
from novalite.conf import glance as glance_conf
from novalite.image import client as image_client
from novalite.image import glance, local

DATA = os.urandom(300 * 1024)


@pytest.fixture
def image_api_url(image_app):
    """The app on eventlet's WSGI server (chunked uploads, as the daemon serves them),
    in a thread of its own with its own hub."""
    sock = eventlet.listen(('127.0.0.1', 0))
    thread = threading.Thread(target=eventlet.wsgi.server, args=(sock, image_app),
                              kwargs={'log_output': False}, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{sock.getsockname()[1]}'


@pytest.fixture
def service(conf, image_api_url):
    """The client as a compute host configures it for a noauth2 image API."""
    glance_conf.register_auth_opts(conf)
    plugin_opts = ks_loading.get_plugin_loader('admin_token').get_options()
    conf.register_opts([opt._to_oslo_opt() for opt in plugin_opts], group='glance')
    conf.set_override('api_servers', [image_api_url], group='glance')
    conf.set_override('auth_type', 'admin_token', group='glance')
    conf.set_override('token', 'admin:admin', group='glance')
    conf.set_override('endpoint', image_api_url, group='glance')
    return image_client.get_image_service(conf)


def _user(name):
    return novalite_context.RequestContext(user_id=name, project_id=name, auth_token=name,
                                           roles=['member'])


def _active_image(service, ctx=None, **values):
    record = service.create_record(dict({'name': 'img', 'disk_format': 'raw',
                                         'container_format': 'bare'}, **values), ctx)
    return service.upload(record['id'], iter([DATA[:1000], DATA[1000:]]), ctx)


def test_configured_api_servers_select_the_image_api_client(service):
    assert isinstance(service, glance.GlanceImageService)


def test_without_glance_options_the_local_store_is_used(conf):
    assert isinstance(image_client.get_image_service(conf), local.LocalImageService)


def test_upload_through_the_client_records_md5_and_sha512(service):
    record = _active_image(service, properties={'os_distro': 'debian'})
    assert record['status'] == 'active'
    assert record['checksum'] == hashlib.md5(DATA).hexdigest()
    assert record['os_hash_value'] == hashlib.sha512(DATA).hexdigest()
    assert record['properties'] == {'os_distro': 'debian'}


def test_download_writes_the_verified_data(service, tmp_path):
    record = _active_image(service)
    service.download(record['id'], str(tmp_path / 'copy'))
    assert (tmp_path / 'copy').read_bytes() == DATA


def test_download_of_tampered_data_is_refused(service, conf, tmp_path):
    record = _active_image(service)
    stored = os.path.join(conf.image.images_path, record['id'])
    with open(stored, 'r+b') as f:
        f.write(b'X')
    with pytest.raises(exception.ImageUnacceptable, match='os_hash_value'):
        service.download(record['id'], str(tmp_path / 'copy'))


def test_show_of_an_unknown_image_raises_image_not_found(service):
    with pytest.raises(exception.ImageNotFound):
        service.show('00000000-0000-0000-0000-000000000000')


def test_a_user_context_sees_only_what_the_user_may(service):
    record = _active_image(service, ctx=_user('alice'), visibility='private')
    assert service.show(record['id'], _user('alice'))['owner'] == 'alice'
    with pytest.raises(exception.ImageNotFound):
        service.show(record['id'], _user('bob'))
    assert [r['id'] for r in service.list(_user('bob'))] == []


def test_list_follows_pages_oldest_first(service, conf):
    conf.set_override('api_limit_max', 2, group='image')
    ids = [service.create_record({'name': f'i{n}'})['id'] for n in range(5)]
    assert sorted(r['id'] for r in service.list()) == sorted(ids)


def test_an_unreachable_image_api_is_unavailable(conf):
    conf.set_override('api_servers', ['http://127.0.0.1:9'], group='glance')
    conf.set_override('num_retries', 1, group='glance')
    with pytest.raises(exception.ImageServiceUnavailable):
        image_client.get_image_service(conf).show('x')

