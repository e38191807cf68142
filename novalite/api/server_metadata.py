"""Server metadata: ``/servers/{id}/metadata`` and ``/servers/{id}/metadata/{key}``.

The metadata is a column of the server's row. Changes need a server at rest
(active, paused, suspended or stopped, no task running) and not locked,
as in Nova; bad input changes nothing.
"""

from novalite import exception, quota
from novalite.api import servers, validation, wsgi
from novalite.api.policies.server_metadata import ROOT as RULE
from novalite.api.schemas import server_metadata as schemas
from novalite.compute import vm_states
from novalite.db import instances as db_instances

_CHANGE_STATES = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.SUSPENDED, vm_states.STOPPED)


def _check_can_change(req, instance, action):
    """:raises InstanceIsLocked, InstanceInvalidState: 409, as Nova answers."""
    ctx = wsgi.context(req)
    if instance['locked'] and not ctx.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])
    if instance['vm_state'] not in _CHANGE_STATES:
        raise exception.InstanceInvalidState(method=action, instance_uuid=instance['uuid'],
                                             attr='vm_state', state=instance['vm_state'])
    if instance['task_state'] is not None:
        raise exception.InstanceInvalidState(method=action, instance_uuid=instance['uuid'],
                                             attr='task_state', state=instance['task_state'])


def _save(req, instance, metadata, action):
    _check_can_change(req, instance, action)
    if action != 'delete metadata':
        # Nova counts the items the server would have, not those sent.
        quota.check_metadata(wsgi.context(req), metadata)
    db_instances.instance_update(instance['uuid'], {'metadata': metadata}, read_back=False)
    return metadata


def _not_found():
    return exception.NotFound("Metadata item was not found")


def index(req, server_id):
    instance = servers.get_instance(req, server_id, RULE % 'index')
    return wsgi.json_response({'metadata': instance['metadata']})


@validation.body(schemas.metadata)
def create(req, server_id):
    """Merge the given items into the server's metadata."""
    items = validation.load_body(req)['metadata']
    instance = servers.get_instance(req, server_id, RULE % 'create')
    merged = _save(req, instance, dict(instance['metadata'], **items), 'update metadata')
    return wsgi.json_response({'metadata': merged})


@validation.body(schemas.metadata)
def update_all(req, server_id):
    """Replace the server's metadata."""
    items = validation.load_body(req)['metadata']
    instance = servers.get_instance(req, server_id, RULE % 'update_all')
    return wsgi.json_response({'metadata': _save(req, instance, items, 'update metadata')})


def show(req, server_id, key):
    instance = servers.get_instance(req, server_id, RULE % 'show')
    if key not in instance['metadata']:
        raise _not_found()
    return wsgi.json_response({'meta': {key: instance['metadata'][key]}})


@validation.body(schemas.meta_item)
def update(req, server_id, key):
    item = validation.load_body(req)['meta']
    if key not in item:
        raise exception.Invalid("Request body and URI mismatch")
    instance = servers.get_instance(req, server_id, RULE % 'update')
    _save(req, instance, dict(instance['metadata'], **item), 'update metadata')
    return wsgi.json_response({'meta': item})


def delete(req, server_id, key):
    instance = servers.get_instance(req, server_id, RULE % 'delete')
    if key not in instance['metadata']:
        raise _not_found()
    remaining = {name: value for name, value in instance['metadata'].items() if name != key}
    _save(req, instance, remaining, 'delete metadata')
    return wsgi.empty_response(204)
