"""Requests into a paste-loaded WSGI app as ``user:project`` at a microversion."""

import json

import webob


class Client:
    """The compute API's client; paths without a version prefix go below ``/v2.1``."""

    service = 'compute'

    def __init__(self, app, token='demo:demo', version=None):
        self.app, self.token, self.version = app, token, version

    def as_user(self, token, version=None):
        return type(self)(self.app, token, version or self.version)

    def at(self, version):
        return type(self)(self.app, self.token, version)

    def prefix(self, path):
        return '' if path.startswith('/v') or path == '/' else '/v2.1'

    def request(self, method, path, body=None, headers=None, version=None):
        headers = dict(headers or {})
        if self.token is not None:
            headers.setdefault('X-Auth-Token', self.token)
        version = version or self.version
        if version:
            headers.setdefault('OpenStack-API-Version', f'{self.service} {version}')
        req = webob.Request.blank(self.prefix(path) + path, method=method, headers=headers)
        if body is not None:
            req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
            req.content_type = 'application/json'
        resp = req.get_response(self.app)
        resp.json_body_or_none = json.loads(resp.body) if resp.body else None
        return resp

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)


class VolumeClient(Client):
    """The Block Storage API's client; paths go below ``/v3/{project_id}``."""

    service = 'volume'

    def prefix(self, path):
        project = self.token.partition(':')[2]
        return '' if path.startswith('/v3') or path == '/' else f'/v3/{project}'
