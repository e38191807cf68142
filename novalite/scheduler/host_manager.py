"""The scheduler's view of the cloud: one :class:`HostState` per compute node.

The :class:`HostManager` keeps the host states of a scheduler worker in
memory. The first request (and one every ``[scheduler]
host_state_refresh_interval`` seconds) loads every compute node, compute
service and per-node instance count; every other request reads only the node
rows changed since the previous read and the service rows whose state (not
merely their heartbeat) changed, so that a request costs little more than
filtering and weighing even with 10,000 live, heartbeating hosts.

The in-memory usage is a forecast: other workers claim concurrently, and the
database claim (:func:`novalite.db.claims.claim`) is what prevents
overcommit. Claims and releases touch ``compute_nodes.updated_at``, so the
next incremental read brings every worker's claims in.
"""

import datetime
import json
import threading
import time

from oslo_log import log as logging
from oslo_utils import timeutils

from novalite.conf import CONF
from novalite.db import instances as instances_db
from novalite.db import services as services_db

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'novalite-compute'

# Change times come from the clocks of the workers that wrote them, before
# their transactions committed: each incremental read looks this far back
# before the start of the previous read, so that commits slower than that and
# clocks skewed by less are not missed. The periodic full reload catches the
# rest.
REFRESH_MARGIN = datetime.timedelta(seconds=5)

# Many nodes report the same supported_instances text: parse each text once.
_SUPPORTED_INSTANCES = {}


def _parse_supported_instances(text):
    parsed = _SUPPORTED_INSTANCES.get(text)
    if parsed is None:
        try:
            parsed = tuple(tuple(item) for item in json.loads(text or '[]'))
        except (TypeError, ValueError):
            parsed = ()
        if len(_SUPPORTED_INSTANCES) < 1024:
            _SUPPORTED_INSTANCES[text] = parsed
    return parsed


class HostState:
    """One compute node as the scheduler sees it.

    ``*_limit`` are the claim limits, computed exactly as
    :mod:`novalite.db.claims` computes them, so that a host the ResourceFilter
    passes is one the database claim accepts (barring a concurrent claim).
    ``service`` is the dict of the host's compute service row (``disabled``,
    ``forced_down``, ``last_seen_up``, ...) or None when the host has none.
    Claims this worker has on their way to the database stay counted in the
    usage when a refresh reads a row that does not show them yet.
    """

    __slots__ = (
        'node_id', 'host', 'nodename', 'hypervisor_type', 'hypervisor_version',
        'availability_zone', 'supported_instances', 'vcpus', 'memory_mb', 'local_gb',
        'vcpus_used', 'memory_mb_used', 'local_gb_used', 'reserved_host_cpus',
        'reserved_host_memory_mb', 'reserved_host_disk_mb', 'cpu_allocation_ratio',
        'ram_allocation_ratio', 'disk_allocation_ratio', 'vcpus_limit', 'memory_mb_limit',
        'disk_gb_limit', 'num_instances', 'service', 'claiming',
    )

    def __init__(self, row, service=None, num_instances=0):
        self.claiming = {'vcpus': 0, 'memory_mb': 0, 'disk_gb': 0}
        self.node_id = row.id
        self.service = service
        self.num_instances = num_instances
        self.update_from_row(row)

    def update_from_row(self, row):
        """Take totals and usage from a row of ``compute_nodes_get_for_scheduler``."""
        self.host = row.host
        self.nodename = row.hypervisor_hostname
        self.hypervisor_type = row.hypervisor_type
        self.hypervisor_version = row.hypervisor_version
        self.availability_zone = row.availability_zone
        self.supported_instances = _parse_supported_instances(row.supported_instances)
        self.vcpus, self.memory_mb, self.local_gb = row.vcpus, row.memory_mb, row.local_gb
        self.vcpus_used = row.vcpus_used + self.claiming['vcpus']
        self.memory_mb_used = row.memory_mb_used + self.claiming['memory_mb']
        self.local_gb_used = row.local_gb_used + self.claiming['disk_gb']
        self.reserved_host_cpus = row.reserved_host_cpus
        self.reserved_host_memory_mb = row.reserved_host_memory_mb
        self.reserved_host_disk_mb = row.reserved_host_disk_mb
        self.cpu_allocation_ratio = row.cpu_allocation_ratio
        self.ram_allocation_ratio = row.ram_allocation_ratio
        self.disk_allocation_ratio = row.disk_allocation_ratio
        # Same limits as db/claims.py's _ADD_USAGE_IF_IT_FITS.
        self.vcpus_limit = (self.vcpus - self.reserved_host_cpus) * self.cpu_allocation_ratio
        self.memory_mb_limit = ((self.memory_mb - self.reserved_host_memory_mb)
                                * self.ram_allocation_ratio)
        self.disk_gb_limit = ((self.local_gb - self.reserved_host_disk_mb / 1024.0)
                              * self.disk_allocation_ratio)

    @property
    def free_vcpus(self):
        """vCPUs a claim can still take (may be negative after the ratio shrank)."""
        return self.vcpus_limit - self.vcpus_used

    @property
    def free_ram_mb(self):
        return self.memory_mb_limit - self.memory_mb_used

    @property
    def free_disk_gb(self):
        return self.disk_gb_limit - self.local_gb_used

    def fits(self, resources):
        """Whether ``resources`` (``vcpus``, ``memory_mb``, ``disk_gb``) fit under the limits."""
        return (self.vcpus_used + resources['vcpus'] <= self.vcpus_limit
                and self.memory_mb_used + resources['memory_mb'] <= self.memory_mb_limit
                and self.local_gb_used + resources['disk_gb'] <= self.disk_gb_limit)

    def consume(self, resources, count=1):
        """Account a claim (``count`` 1) or its release (``count`` -1) of ``resources``."""
        self.vcpus_used += count * resources['vcpus']
        self.memory_mb_used += count * resources['memory_mb']
        self.local_gb_used += count * resources['disk_gb']
        self.num_instances += count

    def begin_claim(self, resources):
        """Count a claim now, before the database has it, until :meth:`end_claim`."""
        self._claiming(resources, 1)
        self.consume(resources)

    def end_claim(self, resources, claimed):
        """The database answered: keep the usage if ``claimed``, else give it back."""
        self._claiming(resources, -1)
        if not claimed:
            self.consume(resources, -1)

    def _claiming(self, resources, count):
        for resource in self.claiming:
            self.claiming[resource] += count * resources[resource]

    def __repr__(self):
        return (f'HostState({self.host!r}, {self.nodename!r}, node_id={self.node_id}, '
                f'free_vcpus={self.free_vcpus}, free_ram_mb={self.free_ram_mb}, '
                f'free_disk_gb={self.free_disk_gb}, num_instances={self.num_instances})')


def _service_dict(row):
    return {'id': row.id, 'host': row.host, 'disabled': row.disabled,
            'forced_down': row.forced_down, 'last_seen_up': row.last_seen_up,
            'updated_at': row.updated_at, 'created_at': row.created_at}


class HostManager:
    """The host states of one scheduler worker, refreshed from the database.

    Three cadences: everything every ``[scheduler]
    host_state_refresh_interval``; the services, for their heartbeats, every
    ``[DEFAULT] report_interval`` (the heartbeat period: a host's last
    heartbeat is then never more than two periods old here, well within
    ``service_down_time``); and on every request the compute nodes changed
    since the previous read and the services whose state changed (new,
    disabled, enabled, forced down or deleted), one read shared by the
    requests that arrive while another is under way.

    :param conf: the configuration.
    :param clock: a monotonic clock in seconds; tests pass a fake one.
    """

    def __init__(self, conf=CONF, clock=time.monotonic):
        self.conf = conf
        self._clock = clock
        self._states = {}
        self._services = {}
        self._read_at = None
        self._loaded_at = None
        self._services_loaded_at = None
        self._refreshes_started = 0
        # Green or native, one refresh at a time: two interleaved ones could
        # apply an older read after a newer one.
        self._lock = threading.Lock()

    def get_host_states(self):
        """Refresh, then return the host states of every live compute node (a new list)."""
        self.refresh()
        return list(self._states.values())

    def refresh(self, full=False):
        """Bring the host states up to date: fully when ``full`` or due, else incrementally.

        Requests that arrive together share a refresh: one that waited for
        the lock skips its own if a refresh that started after it asked has
        finished meanwhile, since that one read every change it needs.
        """
        wanted = self._refreshes_started + 1
        with self._lock:
            if not full and self._refreshes_started >= wanted:
                return
            self._refreshes_started += 1
            now = self._clock()
            read_at = timeutils.utcnow()
            if full or self._due(self._loaded_at, now,
                                 self.conf.scheduler.host_state_refresh_interval):
                self._load_all()
                self._loaded_at = self._services_loaded_at = now
            else:
                since = self._read_at - REFRESH_MARGIN
                if self._due(self._services_loaded_at, now, self.conf.report_interval):
                    self._load_services()
                    self._services_loaded_at = now
                else:
                    self._load_service_changes(since)
                self._load_node_changes(since)
            self._read_at = read_at

    @staticmethod
    def _due(last, now, interval):
        return last is None or now - last >= interval

    def _load_all(self):
        node_rows = services_db.compute_nodes_get_for_scheduler()
        service_rows = services_db.services_get_for_scheduler(COMPUTE_BINARY)
        counts = instances_db.instance_count_by_host()
        self._services = {row.host: _service_dict(row) for row in service_rows}
        states = {}
        for row in node_rows:
            state = self._states.get(row.id)
            if state is None:
                state = HostState(row)
            else:
                state.update_from_row(row)
            state.service = self._services.get(row.host)
            state.num_instances = counts.get((row.host, row.hypervisor_hostname), 0)
            states[row.id] = state
        self._states = states
        LOG.debug('Loaded %d compute nodes and %d compute services',
                  len(states), len(self._services))

    def _load_services(self):
        rows = services_db.services_get_for_scheduler(COMPUTE_BINARY)
        self._services = {row.host: _service_dict(row) for row in rows}
        for state in self._states.values():
            state.service = self._services.get(state.host)

    def _load_service_changes(self, since):
        flagged = {host for host, service in self._services.items()
                   if service['disabled'] or service['forced_down']}
        rows = services_db.services_get_for_scheduler(COMPUTE_BINARY, since, flagged)
        changed = set()
        for row in rows:
            current = self._services.get(row.host)
            if not row.deleted:
                self._services[row.host] = _service_dict(row)
            elif current is not None and current['id'] == row.id:
                del self._services[row.host]
            else:
                continue
            changed.add(row.host)
        if changed:
            for state in self._states.values():
                if state.host in changed:
                    state.service = self._services.get(state.host)

    def _load_node_changes(self, since):
        for row in services_db.compute_nodes_get_for_scheduler(since):
            state = self._states.get(row.id)
            if row.deleted:
                self._states.pop(row.id, None)
            elif state is None:
                self._states[row.id] = HostState(row, self._services.get(row.host))
            else:
                state.update_from_row(row)
                state.service = self._services.get(row.host)
