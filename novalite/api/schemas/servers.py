"""Schemas of the servers resource: create, update, actions and list queries.

They follow Nova's ``nova/api/openstack/compute/schemas/servers.py``, minus
what novalite does not implement (legacy block device mappings), which is
rejected as an unexpected property rather than silently ignored.
"""

import copy

from novalite.api.schemas import types

_network = {
    'type': 'object',
    'properties': {
        'fixed_ip': types.ip_address,
        'port': {'oneOf': [{'type': 'string', 'format': 'uuid'}, {'type': 'null'}]},
        'uuid': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

_block_device_mapping_v2 = {
    'type': 'object',
    'properties': {
        'source_type': {'type': 'string', 'enum': ['volume', 'image', 'snapshot', 'blank']},
        'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': '^[a-zA-Z0-9._-]*$'},
        'image_id': types.uuid,
        'destination_type': {'type': 'string', 'enum': ['local', 'volume']},
        'guest_format': {'type': 'string', 'maxLength': 255},
        'device_type': {'type': 'string', 'maxLength': 255},
        'disk_bus': {'type': 'string', 'maxLength': 255},
        'boot_index': {'type': ['integer', 'string', 'null'], 'pattern': '^-?[0-9]+$',
                       'maxLength': 64},
        'device_name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                        'pattern': '^[a-zA-Z0-9._/-]*$'},
        'delete_on_termination': types.boolean,
        'volume_size': dict(types.positive_integer, maximum=types.MAX_INT),
        'volume_id': types.uuid,
        'snapshot_id': types.uuid,
        'no_device': {},
    },
    'additionalProperties': False,
}

_hints = {
    'type': 'object',
    'properties': {
        'group': types.uuid,
        'different_host': {
            'oneOf': [types.uuid, {'type': 'array', 'items': types.uuid}],
        },
        'same_host': {'type': ['string', 'array'], 'maxLength': 255, 'items': types.uuid},
        'query': {'type': ['string', 'object'], 'maxLength': 8192},
        'build_near_host_ip': types.ip_address,
        'cidr': {'type': 'string', 'pattern': '^/[0-9a-f.:]+$', 'maxLength': 43},
    },
    # Nova lets unknown hints through for out-of-tree filters.
    'additionalProperties': True,
    # They are kept in the request spec, one TEXT column with the flavor
    # and the image's properties.
    'maxEncodedLength': 16384,
}

_personality = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            # Nova's default injected_file_path_length and, base64-encoded,
            # injected_file_content_bytes (10 KiB).
            'path': {'type': 'string', 'maxLength': 255},
            'contents': {'type': 'string', 'format': 'base64', 'maxLength': 13656},
        },
        'additionalProperties': False,
    },
}

_device_tag = {'type': 'string', 'maxLength': 60, 'pattern': '^[^,/]*$'}

create = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'imageRef': {'type': 'string', 'maxLength': 255},
                'flavorRef': types.flavor_ref,
                'adminPass': types.admin_password,
                'metadata': types.metadata,
                'networks': {'type': 'array', 'items': _network},
                'OS-DCF:diskConfig': types.disk_config,
                'accessIPv4': types.ipv4,
                'accessIPv6': types.ipv6,
                'availability_zone': types.name,
                'block_device_mapping_v2': {'type': 'array', 'items': _block_device_mapping_v2},
                'config_drive': types.boolean,
                'key_name': types.name,
                'min_count': types.positive_integer,
                'max_count': types.positive_integer,
                'return_reservation_id': types.boolean,
                'security_groups': {
                    'type': 'array',
                    'items': {
                        'type': 'object',
                        'properties': {'name': types.name},
                        'required': ['name'],
                        'additionalProperties': False,
                    },
                },
                'user_data': {'type': 'string', 'format': 'base64', 'maxLength': 65535},
                'personality': _personality,
            },
            'required': ['name', 'flavorRef'],
            'additionalProperties': False,
        },
        'os:scheduler_hints': _hints,
        'OS-SCH-HNT:scheduler_hints': _hints,
    },
    'required': ['server'],
    'additionalProperties': False,
}

create_v219 = copy.deepcopy(create)
create_v219['properties']['server']['properties']['description'] = types.description

# 2.32 only: tags on networks and block devices (Nova's 2.33 and 2.37 bugs
# then drop them again until 2.42).
create_v232 = copy.deepcopy(create_v219)
create_v232['properties']['server']['properties']['networks']['items'][
    'properties']['tag'] = {'type': 'string', 'maxLength': 60, 'pattern': '^[^,/]*$'}
create_v232['properties']['server']['properties']['block_device_mapping_v2']['items'][
    'properties']['tag'] = {'type': 'string', 'maxLength': 60, 'pattern': '^[^,/]*$'}

create_v233 = copy.deepcopy(create_v219)
create_v233['properties']['server']['properties']['networks']['items'][
    'properties']['tag'] = {'type': 'string', 'maxLength': 60, 'pattern': '^[^,/]*$'}

# 2.37: networks is required, either "auto"/"none" or a list with uuids.
create_v237 = copy.deepcopy(create_v219)
create_v237['properties']['server']['required'].append('networks')
_network_v237 = copy.deepcopy(_network)
_network_v237['properties']['uuid'] = types.uuid
create_v237['properties']['server']['properties']['networks'] = {
    'oneOf': [{'type': 'array', 'items': _network_v237},
              {'type': 'string', 'enum': ['none', 'auto']}],
}

# 2.42: device tags on networks and block devices again.
create_v242 = copy.deepcopy(create_v237)
create_v242['properties']['server']['properties']['networks']['oneOf'][0]['items'][
    'properties']['tag'] = _device_tag
create_v242['properties']['server']['properties']['block_device_mapping_v2']['items'][
    'properties']['tag'] = _device_tag

# 2.52: tags at create.
create_v252 = copy.deepcopy(create_v242)
create_v252['properties']['server']['properties']['tags'] = {
    'type': 'array', 'items': {'type': 'string', 'minLength': 1, 'maxLength': 60,
                               'pattern': '^[^,/]*$'},
    'maxItems': 50,
}

# 2.57: no more personality files.
create_v257 = copy.deepcopy(create_v252)
del create_v257['properties']['server']['properties']['personality']

# 2.63: certificates the image's signature must chain to.
trusted_certs = {'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50, 'uniqueItems': True,
                 'items': {'type': 'string', 'minLength': 1, 'maxLength': 255}}
create_v263 = copy.deepcopy(create_v257)
create_v263['properties']['server']['properties']['trusted_image_certificates'] = trusted_certs

# 2.67: a volume type for volumes the mappings create.
create_v267 = copy.deepcopy(create_v263)
create_v267['properties']['server']['properties']['block_device_mapping_v2']['items'][
    'properties']['volume_type'] = {'type': ['string', 'null'], 'minLength': 0,
                                    'maxLength': 255}

# A host name of RFC 1123 labels (Nova's parameter_types.hostname, 2.90) and
# a fully qualified one (parameter_types.fqdn: 2.74 hosts and nodes, 2.94 host names).
hostname = {'type': 'string', 'minLength': 2, 'maxLength': 63,
            'pattern': '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'}
fqdn = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': '^[a-zA-Z0-9-_]+(\\.[a-zA-Z0-9-_]+)*$'}

# 2.74: a host and/or node to build on (through the filters).
create_v274 = copy.deepcopy(create_v267)
create_v274['properties']['server']['properties'].update(host=fqdn, hypervisor_hostname=fqdn)

# 2.90: the guest's host name; 2.94: fully qualified.
create_v290 = copy.deepcopy(create_v274)
create_v290['properties']['server']['properties']['hostname'] = hostname
create_v294 = copy.deepcopy(create_v290)
create_v294['properties']['server']['properties']['hostname'] = fqdn

update = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'OS-DCF:diskConfig': types.disk_config,
                'accessIPv4': types.ipv4,
                'accessIPv6': types.ipv6,
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}

update_v219 = copy.deepcopy(update)
update_v219['properties']['server']['properties']['description'] = types.description

update_v290 = copy.deepcopy(update_v219)
update_v290['properties']['server']['properties']['hostname'] = hostname
update_v294 = copy.deepcopy(update_v290)
update_v294['properties']['server']['properties']['hostname'] = fqdn


def _action(name, properties=None, required=()):
    """Schema of ``{name: {...}}`` or, with no properties, ``{name: null}``."""
    inner = {'type': ['object', 'null']} if properties is None else {
        'type': 'object', 'properties': properties, 'required': list(required),
        'additionalProperties': False}
    return {'type': 'object', 'properties': {name: inner}, 'required': [name],
            'additionalProperties': False}


_NULLABLE_HOST = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255}

ACTIONS = {
    'resize': _action('resize', {'flavorRef': types.flavor_ref,
                                 'OS-DCF:diskConfig': types.disk_config},
                      required=['flavorRef']),
    'confirmResize': _action('confirmResize'),
    'revertResize': _action('revertResize'),
    # ``host`` from 2.56; ``null`` (no body) before.
    'migrate': {'type': 'object', 'properties': {'migrate': {
        'type': ['object', 'null'], 'properties': {'host': _NULLABLE_HOST},
        'additionalProperties': False}}, 'required': ['migrate'],
        'additionalProperties': False},
    # block_migration 'auto' from 2.25, disk_over_commit before it, force 2.30-2.67:
    # the handler checks which the request's microversion takes.
    'os-migrateLive': _action('os-migrateLive', {
        'host': _NULLABLE_HOST,
        'block_migration': {'oneOf': [types.boolean, {'enum': ['auto']}]},
        'disk_over_commit': types.boolean,
        'force': types.boolean,
    }, required=['host', 'block_migration']),
    'os-start': _action('os-start'),
    'os-stop': _action('os-stop'),
    'pause': _action('pause'),
    'unpause': _action('unpause'),
    'suspend': _action('suspend'),
    'resume': _action('resume'),
    'lock': _action('lock'),
    'trigger_crash_dump': _action('trigger_crash_dump'),
    'unlock': _action('unlock'),
    'reboot': _action('reboot', {
        'type': {'type': 'string', 'enum': ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']},
    }, required=['type']),
    'os-getConsoleOutput': _action('os-getConsoleOutput', {
        'length': {'type': ['integer', 'string', 'null'], 'pattern': '^-?[0-9]+$',
                   'maxLength': 64, 'minimum': -1},
    }),
    'rescue': {'type': 'object', 'properties': {'rescue': {
        'type': ['object', 'null'],
        'properties': {'adminPass': types.admin_password, 'rescue_image_ref': types.uuid},
        'additionalProperties': False}}, 'required': ['rescue'],
        'additionalProperties': False},
    'unrescue': _action('unrescue'),
    'changePassword': _action('changePassword', {'adminPass': types.admin_password},
                              required=['adminPass']),
}

# The lock body from 2.73 (before it any body is taken and the reason ignored).
LOCK_V273 = {'type': 'object', 'properties': {'lock': {
    'type': ['object', 'null'],
    'properties': {'locked_reason': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
    'additionalProperties': False}}, 'required': ['lock'], 'additionalProperties': False}

SORT_KEYS = ['access_ip_v4', 'access_ip_v6', 'availability_zone', 'config_drive',
             'created_at', 'display_description', 'display_name', 'host', 'hostname',
             'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index',
             'launched_at', 'node', 'power_state', 'progress', 'project_id', 'ramdisk_id',
             'task_state', 'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state']

# Accepted for compatibility but ignored, as Nova does before 2.75.
IGNORED_SORT_KEYS = ['architecture', 'cell_name', 'cleaned', 'default_ephemeral_device',
                     'default_swap_device', 'deleted', 'deleted_at', 'disable_terminate',
                     'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on',
                     'locked', 'memory_mb', 'os_type', 'reservation_id', 'root_gb',
                     'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode',
                     'auto_disk_config', 'locked_by', 'root_device_name']

_QUERY_PARAMS = [
    'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref', 'image', 'kernel_id',
    'ramdisk_id', 'hostname', 'key_name', 'power_state', 'vm_state', 'task_state', 'host',
    'node', 'flavor', 'reservation_id', 'launched_at', 'terminated_at', 'availability_zone',
    'name', 'display_name', 'description', 'display_description', 'locked_by', 'uuid',
    'root_device_name', 'config_drive', 'access_ip_v4', 'access_ip_v6', 'auto_disk_config',
    'progress', 'all_tenants', 'soft_deleted', 'deleted', 'status', 'ip', 'ip6',
    'created_at', 'marker']

list_query = {
    'type': 'object',
    'properties': {
        **{param: types.query_param for param in _QUERY_PARAMS},
        'limit': types.non_negative_integer,
        'sort_key': {'type': 'string', 'enum': SORT_KEYS + IGNORED_SORT_KEYS},
        'sort_dir': {'type': 'string', 'enum': ['asc', 'desc']},
        'changes-since': {'type': 'string', 'format': 'date-time'},
    },
    # Unknown filters are dropped, as Nova does before 2.75.
    'additionalProperties': True,
}

list_query_v226 = copy.deepcopy(list_query)
list_query_v226['properties'].update(
    {tag_filter: types.query_param
     for tag_filter in ('tags', 'tags-any', 'not-tags', 'not-tags-any')})

list_query_v266 = copy.deepcopy(list_query_v226)
list_query_v266['properties']['changes-before'] = {'type': 'string', 'format': 'date-time'}

list_query_v273 = copy.deepcopy(list_query_v266)
list_query_v273['properties']['locked'] = types.query_param
list_query_v273['properties']['sort_key']['enum'] = sorted(
    set(SORT_KEYS + IGNORED_SORT_KEYS) | {'locked'})

# From 2.75 an unknown filter or an ignored sort key is a 400.
list_query_v275 = copy.deepcopy(list_query_v273)
list_query_v275['additionalProperties'] = False
list_query_v275['properties']['sort_key']['enum'] = sorted(
    set(SORT_KEYS) | {'locked', 'auto_disk_config', 'locked_by', 'root_device_name'})

# Families of actions whose schemas live in their own modules.
from novalite.api.schemas import admin_actions  # noqa: E402

ACTIONS.update(admin_actions.ACTIONS)
