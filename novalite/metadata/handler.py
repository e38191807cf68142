"""novalite-metadata's WSGI app: the metadata API in ``nova-api-metadata``'s wire format.

``GET /`` lists the EC2 metadata versions to anyone. Every other path is
answered for the instance the request comes from (:mod:`.requester`):

* ``/openstack`` lists the OpenStack metadata versions and ``latest``,
  ``/openstack/<version>`` the files of one, ``/openstack/<version>/<file>``
  a file: ``meta_data.json``, ``user_data``, ``network_data.json``, the
  vendor data, the files the config drive carries (:mod:`.content`), and
  ``password``, which the guest may also post (:mod:`.password`);
* ``/<version>/...`` walks the EC2-style tree (:mod:`.ec2`):
  ``/latest/meta-data/``, ``/latest/meta-data/instance-id``,
  ``/latest/user-data``...

An unknown path or version is a 404, as in Nova; the config drive's
``admin_pass`` and injected files are not served (Nova keeps neither).
Reads are GET (or HEAD); only ``password`` takes a POST.
"""

import posixpath

import webob
import webob.dec
import webob.exc
from oslo_log import log as logging

from novalite.metadata import content, ec2, password, requester

LOG = logging.getLogger(__name__)

_TEXT = 'text/plain'
_JSON = 'application/json'


def _text(lines):
    return '\n'.join(lines).encode(), _TEXT


def _has_password(version):
    return content.since(version, content.GRIZZLY)


def _listing(version, files):
    names = list(files)
    if _has_password(version):
        # Where Nova lists it: after the metadata and the user data.
        names.insert(1 + ('user_data' in files), password.NAME)
    return names


def _openstack(req, instance, tokens):
    if not tokens:
        return _text([*content.VERSIONS, content.LATEST])
    version, rest = tokens[0], tokens[1:]
    if version not in (*content.VERSIONS, content.LATEST) or len(rest) > 1:
        raise webob.exc.HTTPNotFound()
    if rest == [password.NAME] and _has_password(version):
        return password.handle(req, instance), _TEXT
    _reads_only(req)
    files = content.version_files(version, content.meta_data(instance),
                                  content.network_data(instance['network_info']),
                                  content.user_data(instance))
    if not rest:
        return _text(_listing(version, files))
    if rest[0] not in files:
        raise webob.exc.HTTPNotFound()
    return files[rest[0]], _JSON if rest[0].endswith('.json') else _TEXT


def _ec2(req, instance, tokens):
    _reads_only(req)
    address = req.remote_addr or ''
    try:
        node = ec2.find(ec2.tree(instance, tokens[0], content.user_data(instance), address),
                        tokens[1:])
    except KeyError:
        raise webob.exc.HTTPNotFound() from None
    return ec2.render(node), _TEXT


def _identified(req):
    try:
        return requester.instance_of(req)
    except webob.exc.HTTPException:
        raise
    except Exception as exc:
        # The database is away: the guest retries, as cloud-init does.
        LOG.exception("Failed to find the instance of a metadata request")
        raise webob.exc.HTTPInternalServerError(
            explanation="An unknown error has occurred. Please try your request again.") from exc


def _reads_only(req):
    if req.method not in ('GET', 'HEAD'):
        raise webob.exc.HTTPMethodNotAllowed(headers={'Allow': 'GET, HEAD'})


@webob.dec.wsgify
def application(req):
    path = posixpath.normpath('/' + req.path_info.lstrip('/'))
    if path == '/':
        _reads_only(req)
        body, content_type = _text([*ec2.VERSIONS, ec2.LATEST])
    else:
        tokens = path.split('/')[1:]
        instance = _identified(req)
        if tokens[0] == 'openstack':
            body, content_type = _openstack(req, instance, tokens[1:])
        else:
            body, content_type = _ec2(req, instance, tokens)
    return webob.Response(body=body, content_type=content_type)


def app_factory(global_conf, **local_conf):
    """Paste's factory of the metadata app."""
    return application
