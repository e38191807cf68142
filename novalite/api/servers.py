"""Servers: create, list, show, update and delete.

Listing filters follow Nova's rules: a non-admin's unknown or admin-only
filters are dropped, ``all_tenants`` needs the admin policy, an unknown
status or flavor gives an empty list (before 2.38), ``changes-since`` also
returns deleted servers. Actions live in :mod:`novalite.api.server_actions`.
"""

from oslo_utils import timeutils, uuidutils

from novalite import exception
from novalite.api import microversion, policy, server_view, validation, wsgi
from novalite.api.schemas import servers as schemas
from novalite.compute import api as compute_api
from novalite.compute import vm_states
from novalite.conf import CONF
from novalite.db import flavors as db_flavors
from novalite.db import instances as db_instances

COMPUTE = compute_api.API()

_STATUS_VM_STATES = {
    'ACTIVE': vm_states.ACTIVE, 'BUILD': vm_states.BUILDING, 'SHUTOFF': vm_states.STOPPED,
    'PAUSED': vm_states.PAUSED, 'SUSPENDED': vm_states.SUSPENDED, 'ERROR': vm_states.ERROR,
    'DELETED': vm_states.DELETED, 'REBOOT': vm_states.ACTIVE, 'HARD_REBOOT': vm_states.ACTIVE,
}
_STATUS_TASK_STATES = {'REBOOT': vm_states.REBOOTING, 'HARD_REBOOT': vm_states.REBOOTING_HARD}
_ADMIN_FILTERS = {'host': 'host', 'node': 'node', 'user_id': 'user_id',
                  'availability_zone': 'availability_zone', 'project_id': 'project_id',
                  'tenant_id': 'project_id', 'vm_state': 'vm_state',
                  'task_state': 'task_state'}


class _NoMatch(Exception):
    """A filter no server can satisfy: the answer is an empty list."""


def _project_filter(ctx, params, filters):
    """The caller's project, unless ``all_tenants`` (admin), which returns True."""
    if 'all_tenants' in params and (params['all_tenants'] == '' or
                                    wsgi.parse_bool(params['all_tenants'], 'all_tenants')):
        policy.authorize(ctx, policy.SERVERS_ALL_TENANTS)
        return True
    filters['project_id'] = ctx.project_id
    return False


def _status_filter(params, filters, ctx):
    statuses = [value.upper() for value in params.getall('status')]
    if not statuses:
        return
    if any(status not in _STATUS_VM_STATES for status in statuses):
        raise _NoMatch()
    filters['vm_state'] = sorted({_STATUS_VM_STATES[status] for status in statuses})
    if len(statuses) == 1 and statuses[0] in _STATUS_TASK_STATES:
        filters['task_state'] = _STATUS_TASK_STATES[statuses[0]]
    if 'DELETED' in statuses:
        if not ctx.is_admin:
            raise _NoMatch()
        filters['deleted'] = None


def _filters(req, ctx, params):
    """DB filters for a listing. :raises _NoMatch: nothing can match."""
    filters = {}
    all_tenants = _project_filter(ctx, params, filters)
    _status_filter(req.GET, filters, ctx)
    if params.get('name'):
        filters['name'] = params['name']
    if params.get('reservation_id'):
        filters['reservation_id'] = params['reservation_id']
    image = params.get('image') or params.get('image_ref')
    if image:
        filters['image_ref'] = image.rstrip('/').rsplit('/', 1)[-1]
    if params.get('flavor'):
        try:
            filters['flavor_id'] = db_flavors.flavor_get_by_flavorid(
                params['flavor'], read_deleted=True)['id']
        except exception.FlavorNotFound:
            raise _NoMatch() from None
    if params.get('changes-since'):
        filters['changes_since'] = timeutils.normalize_time(
            timeutils.parse_isotime(params['changes-since']))
        filters['deleted'] = None
    if ctx.is_admin:
        for param, key in _ADMIN_FILTERS.items():
            # Without all_tenants a project filter is ignored, as in Nova.
            if params.get(param) and (all_tenants or key != 'project_id'):
                filters[key] = params[param]
        if params.get('uuid'):
            filters['uuids'] = [params['uuid']]
        if params.get('deleted') and wsgi.parse_bool(params['deleted'], 'deleted'):
            filters['deleted'] = True
    return filters


def _sort(ctx, params):
    sort_key = params.get('sort_key') or 'created_at'
    if sort_key in schemas.IGNORED_SORT_KEYS:
        sort_key = 'created_at'
    if sort_key in ('host', 'node') and not ctx.is_admin:
        raise exception.Forbidden(f"Only administrators can sort servers by {sort_key}")
    return sort_key, params.get('sort_dir') or 'desc'


def _columns(detail, view):
    if not detail:
        return 'basic'
    return 'extended' if view.shows_extended_v23 else 'detail'


def _list(req, detail):
    ctx = wsgi.context(req)
    policy.authorize(ctx, policy.SERVERS % ('detail' if detail else 'index'))
    params = validation.query(req, schemas.list_query)
    sort_key, sort_dir = _sort(ctx, params)
    limit, marker = wsgi.limit_and_marker(params)
    view = server_view.ServerView(req)
    try:
        found = db_instances.instance_get_all_for_listing(
            _filters(req, ctx, params), limit=limit, marker=marker, sort_key=sort_key,
            sort_dir=sort_dir, columns=_columns(detail, view))
    except _NoMatch:
        found = []
    except exception.InstanceNotFound:
        raise exception.MarkerNotFound(marker=marker) from None
    items = view.detail_list(found) if detail else [view.basic(i) for i in found]
    return wsgi.collection_response(req, view.links, 'servers', items, limit, detail)


def index(req):
    return _list(req, detail=False)


def detail(req):
    return _list(req, detail=True)


def get_instance(req, server_id, rule, read_deleted=False):
    """The server the URL names, if the caller may act on it (404/403 otherwise)."""
    ctx = wsgi.context(req)
    instance = COMPUTE.get(ctx, server_id, read_deleted=read_deleted)
    policy.authorize(ctx, rule, {'project_id': instance['project_id'],
                                 'user_id': instance['user_id']})
    return instance


def show(req, server_id):
    instance = get_instance(req, server_id, policy.SERVERS % 'show')
    return wsgi.json_response({'server': server_view.ServerView(req).show(instance)})


def ips(req, server_id):
    instance = get_instance(req, server_id, policy.SERVERS % 'ips')
    return wsgi.json_response({'addresses': server_view.addresses(instance['network_info'])})


def _image_href(server):
    """The image to boot: ``imageRef``, or the one image source novalite accepts."""
    mappings = server.get('block_device_mapping_v2')
    if not mappings:
        return server.get('imageRef')
    mapping = mappings[0]
    if (len(mappings) != 1 or mapping.get('source_type') != 'image'
            or mapping.get('destination_type', 'local') != 'local'
            or str(mapping.get('boot_index', 0)) != '0'):
        raise exception.Invalid(
            "Block device mappings are not supported, except one image source with "
            "destination_type local and boot_index 0")
    image = mapping.get('uuid') or mapping.get('image_id')
    if server.get('imageRef') and server['imageRef'].rsplit('/', 1)[-1] != image:
        raise exception.Invalid("imageRef and the block device mapping name different images")
    return image


def _requested_networks(server):
    networks = server.get('networks')
    if networks is None or isinstance(networks, str):
        return networks
    for network in networks:
        if not network.get('port') and not uuidutils.is_uuid_like(network.get('uuid')):
            raise exception.Invalid(
                f"Bad networks format: network uuid is not in proper format "
                f"({network.get('uuid')})")
    return [{key: network.get(key) for key in ('uuid', 'fixed_ip', 'port')}
            for network in networks]


def _scheduler_hints(body):
    hints = body.get('os:scheduler_hints') or body.get('OS-SCH-HNT:scheduler_hints') or {}
    if hints.get('group'):
        raise exception.Invalid("Server groups are not supported")
    return hints


@validation.body(schemas.create, '2.0', '2.18')
@validation.body(schemas.create_v219, '2.19', '2.31')
@validation.body(schemas.create_v232, '2.32', '2.32')
@validation.body(schemas.create_v233, '2.33', '2.36')
@validation.body(schemas.create_v237, '2.37')
def create(req):
    ctx = wsgi.context(req)
    body = validation.load_body(req)
    server = body['server']
    policy.authorize(ctx, policy.SERVERS % 'create')
    if ':' in (server.get('availability_zone') or ''):
        policy.authorize(ctx, policy.SERVERS_FORCED_HOST)
    password = server.get('adminPass') or compute_api.generate_password()
    groups = [group['name'] for group in server.get('security_groups') or []] or ['default']
    disk_config = server.get('OS-DCF:diskConfig')
    created, reservation_id = COMPUTE.create(
        ctx, server['flavorRef'], _image_href(server),
        min_count=server.get('min_count', 1), max_count=server.get('max_count'),
        name=server['name'], metadata=server.get('metadata'),
        user_data=server.get('user_data'), key_name=server.get('key_name'),
        availability_zone=server.get('availability_zone'),
        config_drive=wsgi.parse_bool(server.get('config_drive', False), 'config_drive'),
        scheduler_hints=_scheduler_hints(body),
        requested_networks=_requested_networks(server), admin_password=password,
        description=server.get('description') if microversion.is_supported(req, '2.19')
        else server['name'],
        access_ip_v4=server.get('accessIPv4'), access_ip_v6=server.get('accessIPv6'),
        auto_disk_config=None if disk_config is None else disk_config == 'AUTO',
        security_groups=groups)
    if wsgi.parse_bool(server.get('return_reservation_id', False), 'return_reservation_id'):
        return wsgi.json_response({'reservation_id': reservation_id}, status=202)
    links = wsgi.Links(req)
    first = created[0]
    auto_disk = first['system_metadata'].get('auto_disk_config') == 'True'
    result = {'id': first['uuid'], 'links': links.resource('servers', first['uuid']),
              'OS-DCF:diskConfig': 'AUTO' if auto_disk else 'MANUAL',
              'security_groups': [{'name': name} for name in groups]}
    if CONF.api.enable_instance_password:
        result['adminPass'] = password
    return wsgi.json_response({'server': result}, status=202,
                              headers={'Location': result['links'][0]['href']})


@validation.body(schemas.update, '2.0', '2.18')
@validation.body(schemas.update_v219, '2.19')
def update(req, server_id):
    instance = get_instance(req, server_id, policy.SERVERS % 'update')
    changes = validation.load_body(req)['server']
    values = {}
    if 'name' in changes:
        values['display_name'] = changes['name']
    if 'description' in changes:
        values['display_description'] = changes['description']
    if 'accessIPv4' in changes:
        values['access_ip_v4'] = changes['accessIPv4']
    if 'accessIPv6' in changes:
        values['access_ip_v6'] = changes['accessIPv6']
    if 'OS-DCF:diskConfig' in changes:
        values['system_metadata'] = dict(
            instance['system_metadata'],
            auto_disk_config=str(changes['OS-DCF:diskConfig'] == 'AUTO'))
    if values:
        instance = COMPUTE.update(wsgi.context(req), instance, values)
    return wsgi.json_response({'server': server_view.ServerView(req).core(instance)})


def delete(req, server_id):
    instance = get_instance(req, server_id, policy.SERVERS % 'delete')
    COMPUTE.delete(wsgi.context(req), instance)
    return wsgi.empty_response(204)
