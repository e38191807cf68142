"""The request spec as the scheduler reads it, and the resources a flavor claims.

The conductor sends a request spec as a
:class:`novalite.objects.RequestSpec` (a conductor capped at scheduler RPC
1.0 sends it as a plain dict) with these fields::

    {'project_id', 'user_id',
     'flavor': {'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
                'ephemeral_gb', 'swap', 'extra_specs'},
     'image': {'id', 'properties': {...}, ...},
     'availability_zone': 'zone' | 'zone:host' | 'zone:host:node' | None,
     'scheduler_hints': {'different_host': [uuid, ...], ...},
     'num_instances': N, 'instance_uuids': [...],
     'ignore_hosts': [...], 'force_hosts': [...], 'force_nodes': [...],
     'instance_group': {'uuid', 'policy', 'rules'} | None}

:class:`RequestSpec` wraps either once per request for the filters and weighers.
"""

import math

from oslo_utils import timeutils

from novalite import exception


def resources_from_flavor(flavor):
    """The ``vcpus``, ``memory_mb`` and ``disk_gb`` a server of ``flavor`` claims.

    Disk is root + ephemeral + swap, swap (MiB) rounded up to whole GiB.

    :raises Invalid: the flavor lacks ``vcpus`` or ``memory_mb``.
    """
    try:
        vcpus, memory_mb = int(flavor['vcpus']), int(flavor['memory_mb'])
    except (KeyError, TypeError, ValueError) as exc:
        raise exception.Invalid(f'Request spec has no usable flavor: {exc}') from exc
    swap_mb = int(flavor.get('swap') or 0)
    disk_gb = (int(flavor.get('root_gb') or 0) + int(flavor.get('ephemeral_gb') or 0)
               + math.ceil(swap_mb / 1024))
    return {'vcpus': vcpus, 'memory_mb': memory_mb, 'disk_gb': disk_gb}


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


class RequestSpec:
    """One scheduling request: what to place, where it may go, for how many servers.

    :param spec: the request spec dict (see the module docstring).
    :param instance_uuids: the servers to claim for; default
        ``spec['instance_uuids']``. Without any, hosts are selected but not
        claimed (``num_instances`` of them).
    :param now: the time liveness is judged at (naive UTC); default now.
    """

    def __init__(self, spec, instance_uuids=None, now=None):
        self.project_id = spec.get('project_id')
        self.user_id = spec.get('user_id')
        self.flavor = spec.get('flavor') or {}
        self.image = spec.get('image') or {}
        self.image_properties = self.image.get('properties') or {}
        self.scheduler_hints = spec.get('scheduler_hints') or {}
        self.ignore_hosts = set(_as_list(spec.get('ignore_hosts')))
        self.force_hosts = set(_as_list(spec.get('force_hosts')))
        self.force_nodes = set(_as_list(spec.get('force_nodes')))
        # A move to a named host (Nova's requested_destination): only that
        # host, and unlike a forced one it must still pass the filters.
        self.requested_host = spec.get('requested_host')
        self.availability_zone = self._parse_zone(spec.get('availability_zone'))
        self.instance_uuids = _as_list(instance_uuids or spec.get('instance_uuids'))
        self.num_instances = len(self.instance_uuids) or int(spec.get('num_instances') or 1)
        self.resources = resources_from_flavor(self.flavor)
        # The server group the servers join (the ``group`` hint), and the
        # hosts picked so far for this request's servers, in order.
        self.instance_group = spec.get('instance_group') or None
        self.picked_hosts = []
        self.now = now or timeutils.utcnow()
        # Filters keep what they computed once for the whole request here
        # (hosts of the servers a hint names, parsed image requirements).
        self.cache = {}

    def _parse_zone(self, zone):
        # Nova's "zone:host[:node]" form asks for a host (an admin's request).
        if not zone or ':' not in zone:
            return zone or None
        zone, _sep, target = zone.partition(':')
        host, _sep, node = target.partition(':')
        if host:
            self.force_hosts.add(host)
        if node:
            self.force_nodes.add(node)
        return zone or None

    def hint(self, name):
        """A scheduler hint as a list of values (empty when not given)."""
        return _as_list(self.scheduler_hints.get(name))

    def memo(self, key, compute):
        """``compute()``, computed once per request under ``key``."""
        try:
            return self.cache[key]
        except KeyError:
            value = self.cache[key] = compute()
            return value


def from_instance(instance):
    """A request spec rebuilt from the instance alone (hints are not recoverable)."""
    image = {'id': instance['image_ref'], 'properties': {
        key[len('image_'):]: value for key, value in instance['system_metadata'].items()
        if key.startswith('image_')}}
    return {'project_id': instance['project_id'], 'user_id': instance['user_id'],
            'flavor': instance['flavor'], 'image': image,
            'availability_zone': instance['availability_zone'], 'scheduler_hints': {},
            'num_instances': 1, 'ignore_hosts': [], 'force_hosts': [], 'force_nodes': []}
