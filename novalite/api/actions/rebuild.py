"""Rebuild and evacuate: Nova's ``rebuild_instance`` from the API.

``rebuild`` answers 202 with the server as it now is (the core view plus
``key_name``/``user_data`` before 2.75, the full show view from 2.75) and
its ``adminPass``. ``evacuate`` answers 200 with ``adminPass`` before 2.14
and no body from 2.14.
"""

from novalite import exception
from novalite.api import microversion, server_view, servers, trusted_certs, wsgi
from novalite.api.actions import Action
from novalite.api.policies import server_rebuild as rules
from novalite.api.servers import _ipv6
from novalite.compute import create as compute_create
from novalite.compute import rebuild_actions, vm_states
from novalite.compute.rebuild_actions import RebuildRequest
from novalite.conf import CONF

_SIMPLE_FIELDS = (('name', 'name'), ('metadata', 'metadata'), ('accessIPv4', 'access_ip_v4'),
                  ('description', 'description'), ('key_name', 'key_name'),
                  ('user_data', 'user_data'), ('hostname', 'hostname'))


def _request(req, body):
    options = body['rebuild']
    request = RebuildRequest(
        image_id=wsgi.id_from_ref(options['imageRef']),
        admin_password=options.get('adminPass') or compute_create.generate_password(),
        personality=options.get('personality') or [],
        preserve_ephemeral=wsgi.parse_bool(options.get('preserve_ephemeral', False),
                                           'preserve_ephemeral'),
        # 2.93: a volume-backed server's boot volume is re-imaged.
        reimage_boot_volume=microversion.is_supported(req, '2.93'))
    for key, field in _SIMPLE_FIELDS:
        if key in options:
            setattr(request, field, options[key])
    if 'accessIPv6' in options:
        request.access_ip_v6 = _ipv6(options['accessIPv6'])
    if 'OS-DCF:diskConfig' in options:
        request.auto_disk_config = options['OS-DCF:diskConfig'] == 'AUTO'
    return request


def _rebuild(req, ctx, instance, body):
    trusted_certs.refuse(ctx, body['rebuild'].get('trusted_image_certificates'),
                         rules.REBUILD_TRUSTED_CERTS,
                         {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    request = _request(req, body)
    rebuilt = rebuild_actions.rebuild(ctx, servers.COMPUTE.compute_task_api,
                                      servers.COMPUTE.image_service, instance, request,
                                      compute_api=servers.COMPUTE.compute_rpcapi)
    view = server_view.ServerView(req)
    if microversion.is_supported(req, '2.75'):
        server = view.show(rebuilt)
    else:
        server = view.core(rebuilt)
        if microversion.is_supported(req, '2.54'):
            server['key_name'] = rebuilt['key_name']
    if microversion.is_supported(req, '2.57'):
        server['user_data'] = rebuilt['user_data']
    if microversion.is_supported(req, '2.63'):
        server.setdefault('trusted_image_certificates', None)
    if CONF.api.enable_instance_password:
        server['adminPass'] = request.admin_password
    return wsgi.json_response({'server': server}, status=202)


def _evacuate(req, ctx, instance, body):
    options = body['evacuate']
    if wsgi.parse_bool(options.get('onSharedStorage', False), 'onSharedStorage'):
        # The disk of a novalite server lives on its host's local storage.
        raise exception.Invalid("Invalid state of instance files on shared storage")
    password = options.get('adminPass') or compute_create.generate_password()
    target_state = vm_states.STOPPED if microversion.is_supported(req, '2.95') else None
    rebuild_actions.evacuate(ctx, servers.COMPUTE.compute_task_api, instance,
                             options.get('host'), password,
                             wsgi.parse_bool(options.get('force', False), 'force'),
                             target_state)
    if not microversion.is_supported(req, '2.14') and CONF.api.enable_instance_password:
        return wsgi.json_response({'adminPass': password})
    return wsgi.empty_response(200)


ACTIONS = {
    'rebuild': Action(rules.REBUILD, _rebuild),
    'evacuate': Action(rules.EVACUATE, _evacuate),
}
