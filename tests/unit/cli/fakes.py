"""A fake Compute API and canned Nova-shaped bodies for the client and shell tests.

``FakeComputeAPI`` is ``http.server`` on 127.0.0.1 (port 0) in a thread. Tests
register canned, Nova-shaped responses per method and path regex, and read back
every request it received (path, query, headers, JSON body).
"""

import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that timed out on purpose closes its socket mid-answer.
        pass


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: object = None
    match: object = field(default=None, repr=False)

    def param(self, name):
        values = self.query.get(name)
        return values[0] if values else None


# The version document of a server whose newest microversion is 2.37: the one
# the canned bodies are shaped for, and so what ``novalite`` negotiates here.
VERSIONS = {'versions': [
    {'id': 'v2.0', 'status': 'SUPPORTED', 'version': '', 'min_version': ''},
    {'id': 'v2.1', 'status': 'CURRENT', 'version': '2.37', 'min_version': '2.1'}]}


class FakeComputeAPI:
    """Canned responses under ``/v2.1``; the root ``/`` answers :data:`VERSIONS`."""

    prefix = '/v2.1'

    def __init__(self):
        self.routes = []
        self.requests = []
        self.lock = threading.Lock()
        self.add('GET', '/', VERSIONS)
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                api._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args):
                pass

        self.httpd = _QuietServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,),
                                       daemon=True)

    @property
    def url(self):
        return f'http://127.0.0.1:{self.httpd.server_address[1]}{self.prefix}'

    def add(self, method, path, body=None, status=200, headers=None):
        """Answer ``method`` on paths fully matching the regex ``path``.

        ``body`` may be a callable taking the ``Request`` and returning the body or
        ``(status, body)``; or a list of such answers served in turn, the last one
        repeating. Later routes win over earlier ones.
        """
        answers = body if isinstance(body, list) else [body]
        self.routes.insert(0, (method, re.compile(path), answers, status, headers or {}))

    def fault(self, method, path, status, message, kind='badRequest'):
        self.add(method, path, {kind: {'code': status, 'message': message}}, status=status)

    def api_requests(self):
        """The requests received, less reads of the version document."""
        return [r for r in self.requests if (r.method, r.path) != ('GET', '/')]

    def requests_to(self, method, path_regex):
        return [r for r in self.requests
                if r.method == method and re.fullmatch(path_regex, r.path)]

    def _dispatch(self, handler):
        split = urllib.parse.urlsplit(handler.path)
        path = split.path
        if path.startswith(self.prefix):
            path = path[len(self.prefix):] or '/'
        length = int(handler.headers.get('Content-Length') or 0)
        raw = handler.rfile.read(length) if length else b''
        request = Request(handler.command, path, urllib.parse.parse_qs(split.query),
                          {k.lower(): v for k, v in handler.headers.items()},
                          json.loads(raw) if raw else None)
        status, body, headers = 404, {'itemNotFound': {
            'code': 404, 'message': f'no fake route for {handler.command} {path}'}}, {}
        with self.lock:
            self.requests.append(request)
            for method, pattern, answers, route_status, route_headers in self.routes:
                request.match = pattern.fullmatch(path)
                if method == handler.command and request.match:
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                    status, headers = route_status, route_headers
                    body = answer(request) if callable(answer) else answer
                    if isinstance(body, tuple):
                        status, body = body
                    break
        self._respond(handler, status, body, headers)

    @staticmethod
    def _respond(handler, status, body, headers):
        if isinstance(body, str):
            payload, content_type = body.encode(), 'text/plain'
        else:
            payload = b'' if body is None else json.dumps(body).encode()
            content_type = 'application/json'
        handler.send_response(status)
        handler.send_header('Content-Type', content_type)
        handler.send_header('Content-Length', str(len(payload)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)


def server(server_id, name, status='ACTIVE', task_state=None, power_state=1,
           host='compute-1', addresses=None, **extra):
    """A server as ``GET /servers/detail`` returns it at microversion 2.37."""
    body = {
        'id': server_id, 'name': name, 'status': status, 'tenant_id': 'demo',
        'user_id': 'admin', 'OS-EXT-STS:task_state': task_state,
        'OS-EXT-STS:vm_state': status.lower(), 'OS-EXT-STS:power_state': power_state,
        'OS-EXT-SRV-ATTR:host': host, 'flavor': {'id': '1', 'links': []},
        'image': {'id': IMAGE_ID, 'links': []}, 'metadata': {},
        'addresses': addresses if addresses is not None else {
            'private': [{'addr': '10.0.0.3', 'version': 4}]},
        'links': [{'rel': 'self', 'href': f'http://x/v2.1/servers/{server_id}'}],
        'security_groups': [{'name': 'default'}], 'progress': 0,
    }
    body.update(extra)
    return body


def parse_table(text):
    """The rows of the first prettytable in ``text`` as dicts keyed by header."""
    rows = [[cell.strip() for cell in line.strip()[1:-1].split('|')]
            for line in text.splitlines() if line.startswith('|')]
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


def parse_properties(text):
    """A ``Property | Value`` table as a dict."""
    return {row['Property']: row['Value'] for row in parse_table(text)}


SERVER_ID = '11111111-1111-4111-8111-111111111111'
SERVER2_ID = '22222222-2222-4222-8222-222222222222'
IMAGE_ID = '99999999-9999-4999-8999-999999999999'
