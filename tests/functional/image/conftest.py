"""Fixtures of the image API tests: the paste-loaded ``image_api`` app on a temporary store."""

import json

import pytest
import webob

from novalite.api import app as api_app


class ImageClient:
    """Sends requests to the image API app as ``user:project`` (noauth2)."""

    def __init__(self, app, token='demo:demo'):
        self.app, self.token = app, token

    def as_user(self, token):
        return ImageClient(self.app, token)

    def request(self, method, path, body=None, content_type='application/json',
                headers=None):
        headers = dict(headers or {}, Accept='application/json')
        if self.token is not None:
            headers['X-Auth-Token'] = self.token
        req = webob.Request.blank(path, method=method, headers=headers)
        if body is not None:
            req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
            req.content_type = content_type
        resp = req.get_response(self.app)
        is_json = resp.content_type == 'application/json' and resp.body
        resp.json_body_or_none = json.loads(resp.body) if is_json else None
        return resp

    def create(self, **values):
        values.setdefault('disk_format', 'raw')
        values.setdefault('container_format', 'bare')
        resp = self.request('POST', '/v2/images', values)
        assert resp.status_int == 201, resp.body
        return resp.json_body

    def upload(self, image_id, data):
        return self.request('PUT', f'/v2/images/{image_id}/file', data,
                            content_type='application/octet-stream')

    def patch(self, image_id, ops, content_type='application/openstack-images-v2.1-json-patch'):
        return self.request('PATCH', f'/v2/images/{image_id}', ops, content_type=content_type)


@pytest.fixture
def image_app(conf, tmp_path):
    conf.set_override('images_path', str(tmp_path / 'images'), group='image')
    return api_app.load_app(conf, name='image_api')


@pytest.fixture
def client(image_app):
    return ImageClient(image_app)


@pytest.fixture
def admin(image_app):
    return ImageClient(image_app, token='admin:admin')
