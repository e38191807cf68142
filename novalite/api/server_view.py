"""How servers look on the wire, per microversion and per caller.

A :class:`ServerView` is built once per request (link prefixes, version and
policy answers) and then renders any number of servers with plain dict
building. Metadata and addresses come with the instance rows (its network
info cache); the rest a listing needs (latest faults, compute service
states, node zones) is loaded in one query each for the whole page, never
per server.
"""

import functools
import hashlib

from novalite import servicegroup
from novalite.api import microversion, policy, wsgi
from novalite.api.policies import flavors as flavor_rules
from novalite.api.policies import servers as rules
from novalite.compute import api as compute_api
from novalite.compute import vm_states
from novalite.db import actions, server_groups, services
from novalite.db import block_device_mappings as db_bdms
from novalite.db import instances as db_instances
from novalite.db import tags as db_tags

_FAULT_STATUSES = ('ERROR', 'DELETED')
_PROGRESS_STATUSES = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING')


def addresses(network_info):
    """``{label: [address, ...]}``: Nova's ``addresses`` of a server's ``network_info``."""
    result = {}
    for vif in network_info:
        listed = result.setdefault(vif['network']['label'], [])
        for ip in vif['ips']:
            listed.append({'version': ip['version'], 'addr': ip['address'],
                           'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': vif['address']})
    return result


@functools.lru_cache(maxsize=4096)
def host_id(project_id, host):
    """Nova's ``hostId``: the host, hashed with the project so projects cannot compare.

    Cached: a page of servers has few distinct (project, host) pairs.
    """
    if not host:
        return ''
    return hashlib.sha224(f'{project_id}{host}'.encode()).hexdigest()


def _host_status(service):
    if service is None:
        return ''
    if service['forced_down']:
        return 'DOWN'
    if service['disabled']:
        return 'MAINTENANCE'
    return 'UP' if servicegroup.is_up(service) else 'UNKNOWN'


class ServerView:
    def __init__(self, req):
        ctx = wsgi.context(req)
        self.links = wsgi.Links(req)
        self.is_admin = ctx.is_admin
        self.extended = policy.check(ctx, rules.EXTENDED_ATTRIBUTES)
        self.v23 = microversion.is_supported(req, '2.3')
        self.v29 = microversion.is_supported(req, '2.9')
        self.v219 = microversion.is_supported(req, '2.19')
        self.v226 = microversion.is_supported(req, '2.26')
        self.v247 = microversion.is_supported(req, '2.47')
        self.v263 = microversion.is_supported(req, '2.63')
        self.v271 = microversion.is_supported(req, '2.71')
        self.v290 = microversion.is_supported(req, '2.90')
        self.v296 = microversion.is_supported(req, '2.96')
        # {uuid: zone asked for at create} of the page's servers (2.96).
        self._pinned = {}
        # 2.47 embeds the flavor, with its extra specs for who may list them.
        self.flavor_extra_specs = self.v247 and policy.check(
            ctx, flavor_rules.EXTRA_SPECS % 'index')
        self.v273 = microversion.is_supported(req, '2.73')
        # {uuid: tags} of the servers of the page being rendered (2.26).
        self._tags = {}
        # {uuid: [volume mapping]} of the page's servers.
        self._volumes = {}
        self.host_status = (microversion.is_supported(req, '2.16')
                            and policy.check(ctx, rules.HOST_STATUS))

    @property
    def shows_extended_v23(self):
        """Whether servers show the 2.3 extended attributes (hostname, user_data...)."""
        return self.extended and self.v23

    def basic(self, instance):
        uuid = instance['uuid']
        return {'id': uuid, 'name': instance['display_name'],
                'links': self.links.resource('servers', uuid)}

    def core(self, instance, fault=None, one=False):
        """The server as every microversion shows it, plus the fields versions add.

        :param one: a view of one server (show, update), which from 2.71 names
            the server's groups; listings do not.
        """
        uuid = instance['uuid']
        status = vm_states.status(instance['vm_state'], instance['task_state'])
        image_ref = instance['image_ref']
        auto_disk = (instance['system_metadata'] or {}).get('auto_disk_config') == 'True'
        server = {
            'id': uuid,
            'name': instance['display_name'],
            'status': status,
            'tenant_id': instance['project_id'] or '',
            'user_id': instance['user_id'] or '',
            'metadata': instance['metadata'],
            'hostId': host_id(instance['project_id'], instance['host']),
            'image': {'id': image_ref, 'links': self.links.bookmark('images', image_ref)}
            if image_ref else '',
            'flavor': self._flavor(instance['flavor'] or {}),
            'created': wsgi.isotime(instance['created_at']),
            'updated': wsgi.isotime(instance['updated_at'] or instance['created_at']),
            'addresses': addresses(instance['network_info']),
            'accessIPv4': instance['access_ip_v4'] or '',
            'accessIPv6': instance['access_ip_v6'] or '',
            'links': self.links.resource('servers', uuid),
            'OS-DCF:diskConfig': 'AUTO' if auto_disk else 'MANUAL',
        }
        if fault is not None and status in _FAULT_STATUSES:
            server['fault'] = self._fault(fault)
        if status in _PROGRESS_STATUSES:
            server['progress'] = instance['progress'] or 0
        if self.v29:
            server['locked'] = bool(instance['locked'])
        if self.v273:
            server['locked_reason'] = (instance['system_metadata'] or {}).get('locked_reason')
        if self.v219:
            server['description'] = instance['display_description']
        if self.v226:
            server['tags'] = self._tags_of(uuid)
        self._versioned(server, instance, one)
        return server

    def _versioned(self, server, instance, one):
        """The fields 2.63 and later add to every view of a server."""
        uuid = instance['uuid']
        if self.v263:
            # Never set: certificate IDs are refused (api.trusted_certs).
            server['trusted_image_certificates'] = None
        if self.v271 and one:
            server['server_groups'] = server_groups.groups_of_instances([uuid]).get(uuid, [])
        if self.v290:
            server['OS-EXT-SRV-ATTR:hostname'] = instance['hostname']
        if self.v296:
            if uuid not in self._pinned:
                self._pinned.update(db_instances.requested_zones([uuid]))
            server['pinned_availability_zone'] = self._pinned.get(uuid)

    def _flavor(self, flavor):
        """A link to the flavor before 2.47; from 2.47 the flavor the server was built with."""
        if not self.v247:
            flavorid = flavor.get('flavorid')
            return {'id': flavorid, 'links': self.links.bookmark('flavors', flavorid)}
        shown = {'vcpus': flavor.get('vcpus'), 'ram': flavor.get('memory_mb'),
                 'disk': flavor.get('root_gb'), 'ephemeral': flavor.get('ephemeral_gb') or 0,
                 'swap': flavor.get('swap') or 0, 'original_name': flavor.get('name')}
        if self.flavor_extra_specs:
            shown['extra_specs'] = flavor.get('extra_specs') or {}
        return shown

    def _tags_of(self, uuid):
        if uuid not in self._tags:
            self._tags[uuid] = db_tags.tags_get(uuid)
        return self._tags[uuid]

    def _load_tags(self, instances):
        if not self.v226:
            return
        uuids = [instance['uuid'] for instance in instances]
        found = db_tags.tags_get_for_instances(uuids)
        self._tags.update({uuid: found.get(uuid, []) for uuid in uuids})

    def _volumes_attached(self, uuid):
        attached = []
        for bdm in self._volumes.get(uuid, ()):
            item = {'id': bdm['volume_id']}
            if self.v23:
                item['delete_on_termination'] = bool(bdm['delete_on_termination'])
            attached.append(item)
        return attached

    def _load_volumes(self, instances):
        found = db_bdms.bdms_by_instances([instance['uuid'] for instance in instances])
        self._volumes = {uuid: [bdm for bdm in mappings if bdm['volume_id']]
                         for uuid, mappings in found.items()}

    def _fault(self, fault):
        body = {'code': fault['code'], 'message': fault['message'],
                'created': wsgi.isotime(fault['created_at'])}
        if fault.get('details') and (self.is_admin or fault['code'] != 500):
            body['details'] = fault['details']
        return body

    def full(self, instance, fault=None, host_status='', zone=None, one=False):
        """The show/detail view: core plus the attributes of Nova's extensions."""
        server = self.core(instance, fault, one)
        groups = (instance['system_metadata'] or {}).get('security_groups') or 'default'
        server.update({
            'OS-EXT-AZ:availability_zone': instance['availability_zone'] or zone or '',
            'config_drive': instance['config_drive'] or '',
            'key_name': instance['key_name'],
            'OS-SRV-USG:launched_at': wsgi.precise_time(instance['launched_at']),
            'OS-SRV-USG:terminated_at': wsgi.precise_time(instance['terminated_at']),
            'security_groups': [{'name': name} for name in groups.split(',')],
            'OS-EXT-STS:vm_state': instance['vm_state'],
            'OS-EXT-STS:task_state': instance['task_state'],
            'OS-EXT-STS:power_state': instance['power_state'],
            'os-extended-volumes:volumes_attached': self._volumes_attached(instance['uuid']),
        })
        if self.extended:
            self._extended_attributes(server, instance)
        if self.host_status:
            server['host_status'] = host_status if instance['host'] else ''
        return server

    def _extended_attributes(self, server, instance):
        server['OS-EXT-SRV-ATTR:host'] = instance['host']
        server['OS-EXT-SRV-ATTR:hypervisor_hostname'] = instance['node']
        server['OS-EXT-SRV-ATTR:instance_name'] = 'instance-' + instance['uuid']
        if self.v23:
            server.update({
                'OS-EXT-SRV-ATTR:reservation_id': instance['reservation_id'],
                'OS-EXT-SRV-ATTR:launch_index': instance['launch_index'],
                'OS-EXT-SRV-ATTR:hostname': instance['hostname'],
                'OS-EXT-SRV-ATTR:kernel_id': instance['kernel_id'] or '',
                'OS-EXT-SRV-ATTR:ramdisk_id': instance['ramdisk_id'] or '',
                'OS-EXT-SRV-ATTR:root_device_name': None,
                'OS-EXT-SRV-ATTR:user_data': instance.get('user_data'),
            })

    def detail_list(self, instances, one=False):
        """Full views of many servers, with one query per related table."""
        faulted = [instance['uuid'] for instance in instances
                   if instance['vm_state'] in (vm_states.ERROR, vm_states.DELETED)]
        faults = actions.faults_get_latest(faulted)
        hosts = {instance['host'] for instance in instances if instance['host']}
        statuses = self._host_statuses(hosts)
        zones = self._zones(instances)
        self._load_tags(instances)
        self._load_volumes(instances)
        if self.v296:
            self._pinned = db_instances.requested_zones([i['uuid'] for i in instances])
        return [self.full(instance, faults.get(instance['uuid']),
                          statuses.get(instance['host'], ''), zones.get(instance['host']), one)
                for instance in instances]

    def show(self, instance):
        return self.detail_list([instance], one=True)[0]

    def _host_statuses(self, hosts):
        if not hosts or not self.host_status:
            return {}
        return {service['host']: _host_status(service) for service in
                services.service_states(compute_api.COMPUTE_BINARY, hosts)}

    @staticmethod
    def _zones(instances):
        """The zones of the hosts of instances that have none of their own."""
        hosts = {instance['host'] for instance in instances
                 if instance['host'] and not instance['availability_zone']}
        if not hosts:
            return {}
        return services.zones_by_host(hosts)
