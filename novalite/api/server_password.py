"""``/servers/{id}/os-server-password``: the server's encrypted metadata password.

``GET`` answers ``{"password": "<base64 text>"}`` ('' when none is stored),
which ``nova get-password SERVER KEY`` decrypts with the key pair's private
key; ``DELETE`` (204) forgets it without changing the password inside the
guest. See :mod:`novalite.compute.server_password`.
"""

from novalite.api import servers, wsgi
from novalite.api.policies import server_password as rules
from novalite.compute import server_password
from novalite.db import instances


def index(req, server_id):
    instance = servers.get_instance(req, server_id, rules.SHOW)
    return wsgi.json_response({'password': server_password.extract_password(instance)})


def clear(req, server_id):
    instance = servers.get_instance(req, server_id, rules.CLEAR)
    sysmeta = dict(instance['system_metadata'] or {}, **server_password.convert_password(''))
    instances.instance_update(instance['uuid'], {'system_metadata': sysmeta})
    return wsgi.empty_response(204)
