"""Creating servers: a checked request becomes instance rows and one build.

The rows are written in ``building``/``scheduling`` with their request spec,
a ``create`` action, block device mappings, tags and group membership in one
transaction, before the build is handed to the conductor: a connection lost
at any point leaves all of it or none (a 202 with the servers, or a failure
with nothing made); if the hand-over fails the build stays queued or the
conductor's lost-build recovery picks it up, so the request still succeeded.
"""

import dataclasses
import re
import secrets
import string
import uuid

import oslo_messaging as messaging
from oslo_log import log as logging

from novalite import quota
from novalite.compute import block_device, create_checks, create_extras, vm_states
from novalite.conf import CONF
from novalite.db import instances

LOG = logging.getLogger(__name__)

_PASSWORD_SYMBOLS = string.ascii_letters + string.digits
_RESERVATION_SYMBOLS = string.ascii_lowercase + string.digits
_SKIPPED_PROPERTIES = ('block_device_mapping', 'mappings')
_FLAVOR_KEYS = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb',
                'swap', 'rxtx_factor', 'extra_specs')


def generate_password(length=None):
    return ''.join(secrets.choice(_PASSWORD_SYMBOLS)
                   for _ in range(length or CONF.api.password_length))


def sanitize_hostname(name, default=None):
    """A RFC 952/1123 host name from a display name, as Nova derives it."""
    hostname = name.encode('latin-1', 'ignore').decode('latin-1')[:63]
    hostname = re.sub(r'[ _.]', '-', hostname)
    hostname = re.sub(r'[^\w.-]+', '', hostname).lower().strip('.-')
    return hostname or (default or '')[:63]


def create(context, request, image_service, compute_task_api):
    """Create ``request.max_count`` servers and cast their build to the conductor.

    :param request: a :class:`~novalite.compute.create_request.CreateRequest`.
    :returns: ``(instances, reservation_id)``.
    :raises Invalid: a check failed; nothing was created.
    :raises QuotaExceeded: not even ``min_count`` servers fit the quota (403);
        nothing was created.
    """
    resolved = create_checks.check(context, request, image_service)
    group = create_extras.check_group(context, request.scheduler_hints.get('group'),
                                      request.max_count)
    create_extras.check_tags(request.tags)
    files = [(item['path'], item['contents']) for item in request.personality]
    # Quota is held until the rows exist, so concurrent creates never overshoot it.
    with quota.check_and_reserve(context, resolved.flavor, request.min_count,
                                 request.max_count, request.metadata, files) as count:
        request = dataclasses.replace(request, max_count=count)
        created, reservation_id, spec = _write_rows(context, request, resolved, group)
    # Like the password, injected files go to the build only, never stored.
    _start_build(context, compute_task_api, created,
                 dict(spec, admin_password=request.admin_password,
                      injected_files=request.personality))
    return created, reservation_id


def _write_rows(context, request, resolved, group):
    """The instance rows, their ``create`` actions, mappings, tags and group
    membership, in one transaction."""
    reservation_id = 'r-' + ''.join(secrets.choice(_RESERVATION_SYMBOLS) for _ in range(8))
    spec = _request_spec(context, request, resolved)
    spec['instance_group'] = group
    common = _common_values(context, request, resolved, reservation_id)
    values = [_instance_values(common, request.name, index, request.max_count)
              for index in range(request.max_count)]
    if request.hostname:
        values[0]['hostname'] = request.hostname
    spec['instance_uuids'] = [value['uuid'] for value in values]
    for value in values:
        value['request_spec'] = spec
    # Existing volumes are reserved before the rows exist (and released if
    # the rows cannot be written): a volume another boot took is a 400.
    mappings = resolved.block_device_mapping
    if any(m['source_type'] == 'volume' for m in mappings):
        resolved.block_device_mapping = mappings = block_device.reserve(
            context, mappings, values[0]['uuid'])
    try:
        created = instances.instances_create(values, action={
            'action': 'create', 'request_id': context.request_id,
            'user_id': context.user_id, 'project_id': context.project_id},
            with_rows=create_extras.rows_writer(context, group, request.tags, mappings))
    except Exception:
        block_device.unreserve(context, [m['attachment_id'] for m in mappings
                                         if m.get('attachment_id')])
        raise
    return created, reservation_id, spec


def flavor_snapshot(flavor):
    """The flavor as an instance and its request spec keep it."""
    return {key: flavor.get(key) for key in _FLAVOR_KEYS}


def image_system_metadata(image):
    """The ``image_*`` system metadata an instance keeps of the image it was built from.

    An image's block device mapping is left out (Nova's ``SM_SKIP_KEYS``):
    it is large, and the server's own mappings say what it holds.
    """
    values = {'image_base_image_ref': image.get('id') or ''}
    for key in ('min_ram', 'min_disk', 'disk_format', 'container_format'):
        if image.get(key) is not None:
            values['image_' + key] = str(image[key])
    for key, value in (image.get('properties') or {}).items():
        if key not in _SKIPPED_PROPERTIES:
            values['image_' + key] = str(value)
    return values


def _scheduler_hints(hints):
    return {key: [value] if key in ('different_host', 'same_host') and isinstance(value, str)
            else value for key, value in (hints or {}).items()}


def _request_spec(context, request, resolved):
    return {'project_id': context.project_id, 'user_id': context.user_id,
            'flavor': flavor_snapshot(resolved.flavor), 'image': resolved.image,
            'availability_zone': request.availability_zone or None,
            'scheduler_hints': _scheduler_hints(request.scheduler_hints),
            'num_instances': request.max_count, 'ignore_hosts': [], 'instance_uuids': [],
            'requested_host': request.requested_host,
            'requested_networks': request.requested_networks,
            'security_groups': list(request.security_groups)}


def _system_metadata(request, image):
    system_metadata = image_system_metadata(image)
    auto_disk_config = request.auto_disk_config
    if auto_disk_config is None:
        properties = image.get('properties') or {}
        auto_disk_config = str(properties.get('auto_disk_config', '')).lower() == 'true'
    system_metadata['auto_disk_config'] = str(bool(auto_disk_config))
    system_metadata['security_groups'] = ','.join(request.security_groups)
    return system_metadata


def _common_values(context, request, resolved, reservation_id):
    flavor, image = resolved.flavor, resolved.image
    properties = image.get('properties') or {}
    # A server booted from a volume has no image_ref, even from an image with mappings.
    volume_backed = block_device.is_volume_backed(resolved.block_device_mapping)
    return {
        'project_id': context.project_id, 'user_id': context.user_id,
        'image_ref': '' if volume_backed else image['id'],
        'kernel_id': properties.get('kernel_id'),
        'ramdisk_id': properties.get('ramdisk_id'),
        'flavor': flavor_snapshot(flavor), 'instance_type_id': flavor['id'],
        'memory_mb': flavor['memory_mb'], 'vcpus': flavor['vcpus'],
        'root_gb': flavor['root_gb'], 'ephemeral_gb': flavor['ephemeral_gb'],
        'swap': flavor['swap'], 'vm_state': vm_states.BUILDING,
        'task_state': vm_states.SCHEDULING, 'power_state': 0,
        'availability_zone': resolved.zone,
        'config_drive': 'True' if request.config_drive or CONF.force_config_drive else '',
        'key_name': request.key_name, 'key_data': resolved.key_data,
        'user_data': request.user_data, 'metadata': dict(request.metadata or {}),
        'reservation_id': reservation_id,
        'system_metadata': _system_metadata(request, image),
        'display_description': request.description,
        'access_ip_v4': request.access_ip_v4, 'access_ip_v6': request.access_ip_v6,
    }


def _instance_values(common, name, index, count):
    instance_uuid = str(uuid.uuid4())
    display_name = name or f'Server {instance_uuid}'
    if count > 1:
        display_name = f'{display_name}-{index + 1}'
    return dict(common, uuid=instance_uuid, display_name=display_name,
                hostname=sanitize_hostname(display_name, f'Server-{instance_uuid}'),
                launch_index=index, metadata=dict(common['metadata']))


def _start_build(context, compute_task_api, created, spec):
    uuids = [instance['uuid'] for instance in created]
    try:
        compute_task_api.schedule_and_build_instances(context, created, spec)
    except messaging.MessagingTimeout:
        LOG.warning("The conductor did not place %s within %s s; answering anyway",
                    uuids, CONF.conductor.placement_wait_timeout)
    except Exception:
        LOG.exception("Could not hand the build of %s to the conductor", uuids)
