"""Server tags (2.26): ``/servers/{id}/tags`` and ``/servers/{id}/tags/{tag}``.

Tags change only on a server in a settled state (Nova's list, 409
otherwise); a tag is 1 to 60 characters without ``/`` or ``,``, and a
server has at most :data:`novalite.db.tags.MAX_TAGS`.
"""

import jsonschema

from novalite import exception
from novalite.api import microversion, servers, validation, wsgi
from novalite.api.policies.server_tags import ROOT as RULE
from novalite.api.schemas import server_tags as schemas
from novalite.compute import vm_states
from novalite.db import tags as db_tags

_CHANGE_STATES = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.SUSPENDED, vm_states.STOPPED,
                  'shelved', 'shelved_offloaded')


def _changeable(req, server_id, rule, action):
    """The server, if its state lets its tags change. :raises InstanceInvalidState:"""
    instance = servers.get_instance(req, server_id, RULE % rule)
    if instance['vm_state'] not in _CHANGE_STATES:
        raise exception.InstanceInvalidState(method=action, instance_uuid=instance['uuid'],
                                             attr='vm_state', state=instance['vm_state'])
    return instance


def _check_tag(tag):
    try:
        jsonschema.validate(tag, schemas.tag)
    except jsonschema.ValidationError as error:
        raise exception.Invalid(
            f"Tag '{tag}' is invalid. It must be a non empty string without characters "
            f"'/' and ','. Validation error message: {error.message}") from None


@microversion.supported('2.26')
def index(req, server_id):
    instance = servers.get_instance(req, server_id, RULE % 'index')
    return wsgi.json_response({'tags': db_tags.tags_get(instance['uuid'])})


@microversion.supported('2.26')
def show(req, server_id, tag):
    instance = servers.get_instance(req, server_id, RULE % 'show')
    if not db_tags.tag_exists(instance['uuid'], tag):
        raise exception.TagNotFound(tag=tag, instance_id=server_id)
    return wsgi.empty_response(204)


@microversion.supported('2.26')
@validation.body(schemas.update_all)
def update_all(req, server_id):
    tags = validation.load_body(req)['tags']
    instance = _changeable(req, server_id, 'update_all', 'update tags')
    return wsgi.json_response({'tags': db_tags.tags_set(instance['uuid'], tags)})


@microversion.supported('2.26')
def update(req, server_id, tag):
    """Add one tag: 201 with its location when new, 204 when it was there."""
    _check_tag(tag)
    instance = _changeable(req, server_id, 'update', 'update tag')
    if not db_tags.tag_add(instance['uuid'], tag):
        return wsgi.empty_response(204)
    response = wsgi.empty_response(201)
    response.headers['Location'] = req.url
    return response


@microversion.supported('2.26')
def delete(req, server_id, tag):
    instance = _changeable(req, server_id, 'delete', 'delete tag')
    db_tags.tag_delete(instance['uuid'], tag)
    return wsgi.empty_response(204)


@microversion.supported('2.26')
def delete_all(req, server_id):
    instance = _changeable(req, server_id, 'delete_all', 'delete tags')
    db_tags.tags_delete_all(instance['uuid'])
    return wsgi.empty_response(204)
