"""Body schemas of ``POST /servers/{id}/action``, by action and microversion.

Each action has ``(min_version, schema)`` pairs, newest first: the
dispatcher (:mod:`novalite.api.server_actions`) validates a body with the
first its request's microversion reaches, before the action's policy or
runner sees it, and the OpenAPI description publishes the same schemas.
"""

from novalite.api import microversion
from novalite.api.schemas import rebuild, remote_consoles, server_images, servers


def _always(schema):
    return (('2.0', schema),)


BY_ACTION = {
    **{name: _always(schema) for name, schema in servers.ACTIONS.items()},
    # Before 2.73 any lock body is taken and a reason ignored.
    'lock': (('2.73', servers.LOCK_V273), ('2.0', servers.ACTIONS['lock'])),
    'createImage': _always(server_images.create_image),
    'createBackup': _always(server_images.create_backup),
    'shelve': _always(server_images.shelve),
    'shelveOffload': _always(server_images.shelve_offload),
    'unshelve': (('2.91', server_images.unshelve_v291), ('2.77', server_images.unshelve_v277),
                 ('2.0', server_images.unshelve)),
    'rebuild': rebuild.REBUILDS,
    'evacuate': rebuild.EVACUATES,
    'os-getVNCConsole': _always(remote_consoles.GET_VNC_CONSOLE),
    'os-getSerialConsole': _always(remote_consoles.GET_SERIAL_CONSOLE),
}


def schema_at(name, version):
    """The body schema of action ``name`` at ``version`` (an ``APIVersion``).

    :raises KeyError: for an action with no schema.
    """
    return next(schema for low, schema in BY_ACTION[name]
                if version >= microversion.APIVersion.parse(low))
