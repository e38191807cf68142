"""The compute API: what the WSGI layer calls to create and act on servers.

It runs in the API service, so unlike the rest of ``novalite.compute`` it
reads and writes the database directly. Every check a user can fail (flavor,
image, key pair, zone, state) happens before the first write, so a refused
request changes nothing; then the state it announces is persisted before the
slow step is handed on: rows in ``building``/``scheduling`` before the build goes
to the conductor, ``task_state`` before the cast to the compute host.
"""

import re
import secrets
import string
import uuid

import oslo_messaging as messaging
from oslo_log import log as logging

from novalite import exception, servicegroup
from novalite.compute import rpcapi as compute_rpcapi
from novalite.compute import vm_states
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.conf import CONF
from novalite.db import actions, claims, flavors, instances, keypairs, services
from novalite.image import local as local_image

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'novalite-compute'

# (vm_states allowed, task_states allowed, task_state set, compute RPC method)
_POWER_ACTIONS = {
    'start': ([vm_states.STOPPED], [None], vm_states.POWERING_ON, 'start_instance'),
    'stop': ([vm_states.ACTIVE, vm_states.ERROR], [None], vm_states.POWERING_OFF,
             'stop_instance'),
    'pause': ([vm_states.ACTIVE], [None], vm_states.PAUSING, 'pause_instance'),
    'unpause': ([vm_states.PAUSED], [None], vm_states.UNPAUSING, 'unpause_instance'),
    'suspend': ([vm_states.ACTIVE], [None], vm_states.SUSPENDING, 'suspend_instance'),
    'resume': ([vm_states.SUSPENDED], [None], vm_states.RESUMING, 'resume_instance'),
}

# A hard reboot may interrupt these (Nova's task_states.ALLOW_REBOOT).
_HARD_REBOOT_TASK_STATES = [None, vm_states.REBOOTING, vm_states.REBOOTING_HARD,
                            vm_states.RESUMING, vm_states.UNPAUSING, vm_states.PAUSING,
                            vm_states.SUSPENDING]
_REBOOT = {
    'SOFT': ([vm_states.ACTIVE], [None], vm_states.REBOOTING),
    'HARD': ([vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED, vm_states.SUSPENDED,
              vm_states.ERROR], _HARD_REBOOT_TASK_STATES, vm_states.REBOOTING_HARD),
}

_PASSWORD_SYMBOLS = string.ascii_letters + string.digits


def _network_api():
    """The network module when it is present (deallocation on local delete)."""
    try:
        from novalite.network import api as network_api
    except ImportError:
        return None
    return network_api


def generate_password(length=None):
    return ''.join(secrets.choice(_PASSWORD_SYMBOLS)
                   for _ in range(length or CONF.api.password_length))


def sanitize_hostname(name, default=None):
    """A RFC 952/1123 host name from a display name, as Nova derives it."""
    hostname = name.encode('latin-1', 'ignore').decode('latin-1')[:63]
    hostname = re.sub(r'[ _.]', '-', hostname)
    hostname = re.sub(r'[^\w.-]+', '', hostname).lower().strip('.-')
    return hostname or (default or '')[:63]


def _image_id(image_href):
    return str(image_href).rstrip('/').rsplit('/', 1)[-1]


def _flavor_snapshot(flavor):
    keys = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb', 'swap',
            'rxtx_factor', 'extra_specs')
    return {key: flavor.get(key) for key in keys}


def _image_system_metadata(image):
    values = {'image_base_image_ref': image['id']}
    for key in ('min_ram', 'min_disk', 'disk_format', 'container_format'):
        if image.get(key) is not None:
            values['image_' + key] = str(image[key])
    for key, value in (image.get('properties') or {}).items():
        values['image_' + key] = str(value)
    return values


class API:
    """Server operations on behalf of a request context.

    :param image_service: where images are resolved (default: the local one).
    """

    def __init__(self, image_service=None):
        self._image_service = image_service
        self._compute_task_api = None
        self._compute_rpcapi = None

    # RPC clients are made on first use: building the WSGI app needs no transport.
    @property
    def image_service(self):
        # Not cached: the images path comes from the config, which may change.
        return self._image_service or local_image.get_image_service()

    @property
    def compute_task_api(self):
        if self._compute_task_api is None:
            self._compute_task_api = conductor_rpcapi.ComputeTaskAPI()
        return self._compute_task_api

    @property
    def compute_rpcapi(self):
        if self._compute_rpcapi is None:
            self._compute_rpcapi = compute_rpcapi.ComputeAPI()
        return self._compute_rpcapi

    # --- reading -------------------------------------------------------------

    def get(self, context, instance_uuid, read_deleted=False):
        """An instance the caller may see.

        :raises InstanceNotFound: no such instance, or another project's
            (a non-admin never learns that it exists).
        """
        instance = instances.instance_get(instance_uuid, read_deleted=read_deleted)
        if not context.is_admin and instance['project_id'] != context.project_id:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return instance

    def availability_zones(self):
        """Zones servers may ask for: those of compute nodes, and the default one."""
        zones = set(services.zones_by_host().values())
        zones.add(CONF.default_availability_zone)
        return zones

    # --- create --------------------------------------------------------------

    def create(self, context, flavor, image_href, min_count=1, max_count=1, name=None,
               metadata=None, user_data=None, key_name=None, availability_zone=None,
               config_drive=False, scheduler_hints=None, requested_networks=None,
               admin_password=None, description=None, access_ip_v4=None,
               access_ip_v6=None, auto_disk_config=None, security_groups=None):
        """Create ``max_count`` servers and cast their build to the conductor.

        :param flavor: a flavor id (``flavorRef``) or a flavor dict.
        :param image_href: an image id or a URL ending in one.
        :param availability_zone: ``zone``, or ``zone:host[:node]`` to force a
            host (the caller checked the policy that allows it).
        :param requested_networks: ``'auto'``, ``'none'``, a list of
            ``{'uuid', 'fixed_ip', 'port'}`` dicts, or None (the default network).
        :returns: ``(instances, reservation_id)``.
        :raises Invalid: a bad flavor, image, key pair, zone, count or network
            request; nothing was created.
        """
        min_count, max_count = int(min_count or 1), int(max_count or min_count or 1)
        self._check_counts(min_count, max_count)
        flavor = self._resolve_flavor(flavor)
        image = self._resolve_image(image_href, flavor)
        key_data = self._key_data(context, key_name)
        zone = self._check_zone(availability_zone)
        self._check_networks(requested_networks)
        reservation_id = 'r-' + ''.join(secrets.choice(string.ascii_lowercase + string.digits)
                                        for _ in range(8))
        spec = self._request_spec(context, flavor, image, availability_zone,
                                  scheduler_hints, requested_networks, max_count,
                                  security_groups)
        common = self._common_values(context, flavor, image, metadata, user_data, key_name,
                                     key_data, zone, config_drive, reservation_id,
                                     description, access_ip_v4, access_ip_v6,
                                     auto_disk_config, security_groups)
        values = [self._instance_values(common, name, index, max_count)
                  for index in range(max_count)]
        uuids = [value['uuid'] for value in values]
        spec['instance_uuids'] = uuids
        for value in values:
            value['request_spec'] = spec
        created = instances.instances_create(values, action={
            'action': 'create', 'request_id': context.request_id,
            'user_id': context.user_id, 'project_id': context.project_id})
        self._start_build(context, created, dict(spec, admin_password=admin_password))
        return created, reservation_id

    @staticmethod
    def _check_counts(min_count, max_count):
        if min_count > max_count:
            raise exception.Invalid("min_count must be <= max_count")
        limit = CONF.api.max_servers_per_request
        if max_count > limit:
            raise exception.Invalid(
                f"max_count {max_count} exceeds the {limit} servers one request may create")

    @staticmethod
    def _resolve_flavor(flavor):
        if isinstance(flavor, dict):
            return flavor
        try:
            flavor = flavors.flavor_get_by_flavorid(_image_id(flavor))
        except exception.FlavorNotFound:
            raise exception.Invalid("Invalid flavorRef provided.") from None
        if flavor.get('disabled'):
            raise exception.Invalid("Flavor is disabled.")
        return flavor

    def _resolve_image(self, image_href, flavor):
        if not image_href:
            raise exception.Invalid("Missing imageRef attribute")
        image_id = _image_id(image_href)
        try:
            image = self.image_service.show(image_id)
        except exception.ImageNotFound:
            raise exception.Invalid("Can not find requested image") from None
        if image.get('status') != 'active':
            raise exception.Invalid(f"Image {image_id} is not active.")
        self._check_image_fits(image, flavor)
        return image

    @staticmethod
    def _check_image_fits(image, flavor):
        if int(image.get('min_ram') or 0) > flavor['memory_mb']:
            raise exception.Invalid("Flavor's memory is too small for requested image.")
        root_bytes = flavor['root_gb'] * 1024 ** 3
        if not root_bytes:
            return  # a zero root disk is sized from the image
        size = int(image.get('size') or 0)
        if size > root_bytes:
            raise exception.Invalid(
                f"Flavor's disk is too small for requested image. Flavor disk is "
                f"{root_bytes} bytes, image is {size} bytes.")
        min_bytes = int(image.get('min_disk') or 0) * 1024 ** 3
        if min_bytes > root_bytes:
            raise exception.Invalid(
                f"Flavor's disk is smaller than the minimum size specified in image "
                f"metadata. Flavor disk is {root_bytes} bytes, minimum size is "
                f"{min_bytes} bytes.")

    @staticmethod
    def _key_data(context, key_name):
        if key_name is None:
            return None
        try:
            return keypairs.keypair_get(context.user_id, key_name)['public_key']
        except exception.KeypairNotFound:
            raise exception.Invalid("Invalid key_name provided.") from None

    def _check_zone(self, availability_zone):
        """The zone part of ``zone[:host[:node]]``; checks zone and host exist."""
        if not availability_zone:
            return None
        zone, _sep, target = availability_zone.partition(':')
        host = target.split(':', 1)[0]
        if zone and zone not in self.availability_zones():
            raise exception.Invalid("The requested availability zone is not available")
        if host and not services.compute_node_get_all(host=host):
            raise exception.Invalid(f"Compute host {host} could not be found.")
        return zone or None

    @staticmethod
    def _check_networks(requested_networks):
        if not isinstance(requested_networks, list):
            return
        for network in requested_networks:
            if network.get('port'):
                raise exception.Invalid(
                    "Ports are not supported: novalite manages one flat network; "
                    "request it by network uuid, 'auto' or 'none'")
        network_api = _network_api()
        if network_api is None:
            return
        known = network_api.ensure_network()['uuid']
        for network in requested_networks:
            if network.get('uuid') != known:
                raise exception.Invalid(f"Network {network.get('uuid')} could not be found.")

    @staticmethod
    def _request_spec(context, flavor, image, availability_zone, scheduler_hints,
                      requested_networks, count, security_groups):
        hints = {}
        for key, value in (scheduler_hints or {}).items():
            hints[key] = [value] if key in ('different_host', 'same_host') and \
                isinstance(value, str) else value
        return {'project_id': context.project_id, 'user_id': context.user_id,
                'flavor': _flavor_snapshot(flavor), 'image': image,
                'availability_zone': availability_zone or None, 'scheduler_hints': hints,
                'num_instances': count, 'ignore_hosts': [], 'instance_uuids': [],
                'requested_networks': requested_networks,
                'security_groups': list(security_groups or ['default'])}

    @staticmethod
    def _common_values(context, flavor, image, metadata, user_data, key_name, key_data,
                       zone, config_drive, reservation_id, description, access_ip_v4,
                       access_ip_v6, auto_disk_config, security_groups):
        properties = image.get('properties') or {}
        system_metadata = _image_system_metadata(image)
        if auto_disk_config is None:
            auto_disk_config = str(properties.get('auto_disk_config', '')).lower() == 'true'
        system_metadata['auto_disk_config'] = str(bool(auto_disk_config))
        system_metadata['security_groups'] = ','.join(security_groups or ['default'])
        return {
            'project_id': context.project_id, 'user_id': context.user_id,
            'image_ref': image['id'], 'kernel_id': properties.get('kernel_id'),
            'ramdisk_id': properties.get('ramdisk_id'),
            'flavor': _flavor_snapshot(flavor), 'instance_type_id': flavor['id'],
            'memory_mb': flavor['memory_mb'], 'vcpus': flavor['vcpus'],
            'root_gb': flavor['root_gb'], 'ephemeral_gb': flavor['ephemeral_gb'],
            'swap': flavor['swap'], 'vm_state': vm_states.BUILDING,
            'task_state': vm_states.SCHEDULING, 'power_state': 0,
            'availability_zone': zone,
            'config_drive': 'True' if config_drive or CONF.force_config_drive else '',
            'key_name': key_name, 'key_data': key_data, 'user_data': user_data,
            'metadata': dict(metadata or {}), 'reservation_id': reservation_id,
            'system_metadata': system_metadata, 'display_description': description,
            'access_ip_v4': access_ip_v4, 'access_ip_v6': access_ip_v6,
        }

    @staticmethod
    def _instance_values(common, name, index, count):
        instance_uuid = str(uuid.uuid4())
        display_name = name or f'Server {instance_uuid}'
        if count > 1:
            display_name = f'{display_name}-{index + 1}'
        return dict(common, uuid=instance_uuid, display_name=display_name,
                    hostname=sanitize_hostname(display_name, f'Server-{instance_uuid}'),
                    launch_index=index, metadata=dict(common['metadata']))

    def _start_build(self, context, created, spec):
        # Either way the rows are in 'scheduling', where the build stays queued
        # or the conductor's lost-build recovery picks it up: the request
        # still succeeded.
        uuids = [instance['uuid'] for instance in created]
        try:
            self.compute_task_api.schedule_and_build_instances(context, created, spec)
        except messaging.MessagingTimeout:
            LOG.warning("The conductor did not place %s within %s s; answering anyway",
                        uuids, CONF.conductor.placement_wait_timeout)
        except Exception:
            LOG.exception("Could not hand the build of %s to the conductor", uuids)

    # --- delete --------------------------------------------------------------

    def delete(self, context, instance):
        """Delete a server: locally when no live compute host owns it, else on its host.

        A second delete while one is in progress is accepted and does nothing.

        :raises InstanceIsLocked: locked, and the caller is not an admin.
        """
        if instance['task_state'] == vm_states.DELETING:
            return
        self._check_lock(context, instance)
        self._record(context, instance, 'delete')
        if not instance['host'] or not self._host_is_up(instance['host']):
            self._local_delete(context, instance)
            return
        try:
            instance = instances.instance_update(instance['uuid'],
                                                 {'task_state': vm_states.DELETING},
                                                 expected_task_state=[instance['task_state']])
        except exception.UnexpectedTaskStateError:
            current = instances.instance_get(instance['uuid'])
            if current['task_state'] == vm_states.DELETING:
                return
            instance = instances.instance_update(current['uuid'],
                                                 {'task_state': vm_states.DELETING},
                                                 expected_task_state=[current['task_state']])
        self.compute_rpcapi.terminate_instance(context, instance)

    @staticmethod
    def _host_is_up(host):
        found = services.service_get_all(binary=COMPUTE_BINARY, host=host)
        return bool(found) and servicegroup.is_up(found[0])

    @staticmethod
    def _local_delete(context, instance):
        instance_uuid = instance['uuid']
        LOG.info("Deleting instance %s locally: no live compute host owns it", instance_uuid)
        claims.release(instance_uuid)
        network_api = _network_api()
        if network_api is not None:
            network_api.deallocate_for_instance(context, instance_uuid)
        instances.instance_destroy(instance_uuid)
        actions.action_finish(instance_uuid, context.request_id)

    # --- power and lock actions ----------------------------------------------

    def start(self, context, instance):
        return self._power_action(context, instance, 'start')

    def stop(self, context, instance):
        return self._power_action(context, instance, 'stop')

    def pause(self, context, instance):
        return self._power_action(context, instance, 'pause')

    def unpause(self, context, instance):
        return self._power_action(context, instance, 'unpause')

    def suspend(self, context, instance):
        return self._power_action(context, instance, 'suspend')

    def resume(self, context, instance):
        return self._power_action(context, instance, 'resume')

    def reboot(self, context, instance, reboot_type):
        """:param reboot_type: ``SOFT`` or ``HARD``."""
        allowed_vm, allowed_task, task_state = _REBOOT[reboot_type]
        instance = self._begin(context, instance, 'reboot', allowed_vm, allowed_task,
                               task_state)
        self.compute_rpcapi.reboot_instance(context, instance, reboot_type)
        return instance

    def _power_action(self, context, instance, action):
        allowed_vm, allowed_task, task_state, method = _POWER_ACTIONS[action]
        instance = self._begin(context, instance, action, allowed_vm, allowed_task, task_state)
        getattr(self.compute_rpcapi, method)(context, instance)
        return instance

    def _begin(self, context, instance, action, allowed_vm, allowed_task, task_state):
        """Check state, lock and host, then persist ``task_state`` and the action.

        :raises InstanceInvalidState: not in a state the action starts from.
        :raises InstanceIsLocked:
        :raises InstanceNotReady: never scheduled to a host.
        """
        self._check_state(instance, action, allowed_vm, allowed_task)
        self._check_lock(context, instance)
        if not instance['host']:
            raise exception.InstanceNotReady(instance_id=instance['uuid'])
        try:
            instance = instances.instance_update(instance['uuid'], {'task_state': task_state},
                                                 expected_task_state=allowed_task,
                                                 expected_vm_state=allowed_vm)
        except exception.UnexpectedTaskStateError:
            current = instances.instance_get(instance['uuid'])
            self._check_state(current, action, allowed_vm, allowed_task)
            raise
        self._record(context, instance, action)
        return instance

    @staticmethod
    def _check_state(instance, action, allowed_vm, allowed_task):
        if instance['vm_state'] not in allowed_vm:
            raise exception.InstanceInvalidState(method=action, instance_uuid=instance['uuid'],
                                                 attr='vm_state', state=instance['vm_state'])
        if instance['task_state'] not in allowed_task:
            raise exception.InstanceInvalidState(method=action, instance_uuid=instance['uuid'],
                                                 attr='task_state',
                                                 state=instance['task_state'])

    @staticmethod
    def _check_lock(context, instance):
        if instance.get('locked') and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])

    @staticmethod
    def _record(context, instance, action):
        actions.action_start(instance['uuid'], action, context.request_id, context.user_id,
                             context.project_id)

    def lock(self, context, instance):
        self._record(context, instance, 'lock')
        return instances.instance_update(instance['uuid'], {'locked': True})

    def unlock(self, context, instance):
        self._record(context, instance, 'unlock')
        return instances.instance_update(instance['uuid'], {'locked': False})

    def update(self, context, instance, values):
        """Rename, describe or set access IPs of a server; returns it."""
        return instances.instance_update(instance['uuid'], values)

    def get_console_output(self, context, instance, tail_length=None):
        """The guest's console log, its last ``tail_length`` lines if given.

        :raises InstanceNotReady: the server has no host yet.
        """
        if not instance['host']:
            raise exception.InstanceNotReady(instance_id=instance['uuid'])
        return self.compute_rpcapi.get_console_output(context, instance,
                                                      tail_length=tail_length)
