"""os-hypervisors: compute nodes, their capacity and usage, admin only.

Microversions: 2.28 shows ``cpu_info`` as an object instead of a JSON
string; 2.33 pages listings with ``limit``/``marker``; 2.53 names
hypervisors (and their services) by uuid and replaces the ``search`` and
``servers`` routes with the ``hypervisor_hostname_pattern`` and
``with_servers`` query parameters; 2.75 always answers ``servers`` when
asked for; 2.88 drops the usage fields (placement's business in Nova) and
``/statistics``, and shows a hypervisor's ``uptime`` (asked of its compute
host, which runs ``uptime``; ``/uptime`` is gone from 2.88). Used memory and disk include what the
host keeps for itself, as Nova reports them.
"""

import json

import oslo_messaging as messaging
from oslo_utils import uuidutils

from novalite import exception, servicegroup
from novalite.api import microversion, policy, validation, wsgi
from novalite.api import servers as servers_api
from novalite.api.policies import hypervisors as rules
from novalite.api.schemas import hypervisors as schemas
from novalite.compute import api as compute_api
from novalite.db import instances as db_instances
from novalite.db import services as db_services

_LIST_QUERIES = (('2.53', schemas.list_query_v253), ('2.33', schemas.list_query_v233))


def _compute_services():
    return {service['host']: service
            for service in db_services.service_get_all(binary=compute_api.COMPUTE_BINARY)}


_USAGE_KEYS = ('vcpus', 'vcpus_used', 'memory_mb', 'memory_mb_used', 'free_ram_mb', 'local_gb',
               'local_gb_used', 'free_disk_gb', 'disk_available_least', 'running_vms',
               'current_workload')


def _usage(node):
    memory_used = node['memory_mb_used'] + node['reserved_host_memory_mb']
    disk_used = node['local_gb_used'] + node['reserved_host_disk_mb'] // 1024
    free_disk = node['local_gb'] - disk_used
    return {
        'vcpus': node['vcpus'], 'vcpus_used': node['vcpus_used'],
        'memory_mb': node['memory_mb'], 'memory_mb_used': memory_used,
        'free_ram_mb': node['memory_mb'] - memory_used,
        'local_gb': node['local_gb'], 'local_gb_used': disk_used, 'free_disk_gb': free_disk,
        'disk_available_least': node['free_disk_gb'] if node['free_disk_gb'] is not None
        else free_disk,
        'running_vms': node['running_vms'], 'current_workload': 0,
    }


class _View:
    """Hypervisors as this request's microversion shows them."""

    def __init__(self, req):
        self.req = req
        self.uuids = microversion.is_supported(req, '2.53')
        self.usage = not microversion.is_supported(req, '2.88')

    def _ident(self, row):
        return row['uuid'] if self.uuids else row['id']

    def state(self, node, service):
        up = service is not None and servicegroup.is_up(service)
        disabled = service is None or service['disabled']
        return {'id': self._ident(node), 'hypervisor_hostname': node['hypervisor_hostname'],
                'state': 'up' if up else 'down',
                'status': 'disabled' if disabled else 'enabled'}

    def detail(self, node, service, uptime=None):
        view = self.state(node, service)
        view.update({
            'hypervisor_type': node['hypervisor_type'],
            'hypervisor_version': node['hypervisor_version'],
            'host_ip': node['host_ip'],
            'service': {'id': self._ident(service) if service else None, 'host': node['host'],
                        'disabled_reason': service['disabled_reason'] if service else None},
        })
        if self.usage:
            view.update(_usage(node))
            cpu_info = node['cpu_info'] or '{}'
            view['cpu_info'] = (json.loads(cpu_info)
                                if microversion.is_supported(self.req, '2.28') else cpu_info)
        else:
            # Asked of the host for one hypervisor only (show): listings
            # would wait on every compute host.
            view['uptime'] = uptime
        return view

    def render(self, node, service, detail, servers=None, uptime=None):
        view = self.detail(node, service, uptime) if detail else self.state(node, service)
        if servers is not None and (servers or microversion.is_supported(self.req, '2.75')):
            view['servers'] = servers
        return view


def _hosted(node):
    return [{'name': i['name'], 'uuid': i['uuid']} for i in db_instances.instance_get_all(
        {'host': node['host'], 'node': node['hypervisor_hostname']})]


def _page(nodes, limit, marker, view):
    """Nodes after ``marker``, at most ``limit`` of them (2.33)."""
    if marker is not None:
        ids = [str(view._ident(node)) for node in nodes]
        if marker not in ids:
            raise exception.MarkerNotFound(marker=marker)
        nodes = nodes[ids.index(marker) + 1:]
    return nodes[:limit]


def _matching(pattern):
    nodes = [node for node in db_services.compute_node_get_all()
             if pattern in node['hypervisor_hostname']]
    if not nodes:
        raise exception.NotFound(f"No hypervisor matching '{pattern}' could be found.")
    return nodes


def _list(req, detail):
    view = _View(req)
    nodes, limit, with_servers = db_services.compute_node_get_all(), None, False
    if microversion.is_supported(req, '2.33'):
        params = validation.query(req, next(schema for version, schema in _LIST_QUERIES
                                            if microversion.is_supported(req, version)))
        with_servers = wsgi.parse_bool(params.get('with_servers', False), 'with_servers')
        pattern = params.get('hypervisor_hostname_pattern')
        if pattern is not None:
            if 'limit' in params or 'marker' in params:
                raise exception.Invalid(
                    "Paging over hypervisors with the hypervisor_hostname_pattern query "
                    "parameter is not supported.")
            nodes = _matching(pattern)
        else:
            limit, marker = wsgi.limit_and_marker(params)
            nodes = _page(nodes, limit, marker, view)
    found = _compute_services()
    items = [view.render(node, found.get(node['host']), detail,
                         _hosted(node) if with_servers else None) for node in nodes]
    return wsgi.collection_response(req, wsgi.Links(req), 'hypervisors', items, limit, detail)


@policy.require(rules.LIST)
@validation.query_schemas(*_LIST_QUERIES)
def index(req):
    return _list(req, detail=False)


@policy.require(rules.LIST_DETAIL)
@validation.query_schemas(*_LIST_QUERIES)
def detail(req):
    return _list(req, detail=True)


def _node(req, hypervisor_id):
    """The node the path names: by uuid from 2.53 (400 if not one), by integer id before."""
    not_found = f"Hypervisor with ID '{hypervisor_id}' could not be found."
    if microversion.is_supported(req, '2.53'):
        if not uuidutils.is_uuid_like(hypervisor_id):
            raise exception.Invalid(f"Invalid uuid {hypervisor_id}")
        ident = hypervisor_id
    else:
        try:
            ident = int(hypervisor_id)
        except ValueError:
            raise exception.NotFound(not_found) from None
    try:
        return db_services.compute_node_get(ident)
    except exception.HypervisorNotFound:
        raise exception.NotFound(not_found) from None


@policy.require(rules.SHOW)
@validation.query_schemas(('2.53', schemas.show_query_v253))
def show(req, hypervisor_id):
    node = _node(req, hypervisor_id)
    with_servers = False
    if microversion.is_supported(req, '2.53'):
        params = validation.query(req, schemas.show_query_v253)
        with_servers = wsgi.parse_bool(params.get('with_servers', False), 'with_servers')
    service = _compute_services().get(node['host'])
    uptime = None
    if microversion.is_supported(req, '2.88'):
        try:
            uptime = _host_uptime(req, node, service)
        except (exception.HostUptimeNotSupported, exception.ComputeServiceUnavailable):
            pass
    return wsgi.json_response({'hypervisor': _View(req).render(
        node, service, True, _hosted(node) if with_servers else None, uptime)})


def _host_uptime(req, node, service):
    """:raises ComputeServiceUnavailable: the node's compute service is down or gone."""
    if service is None or not servicegroup.is_up(service):
        raise exception.ComputeServiceUnavailable(host=node['host'])
    try:
        return servers_api.COMPUTE.get_host_uptime(wsgi.context(req), node['host'])
    except messaging.MessagingTimeout:
        raise exception.ComputeServiceUnavailable(host=node['host']) from None


@microversion.supported(max_version='2.87')
@policy.require(rules.UPTIME)
def uptime(req, hypervisor_id):
    """``uptime`` of the node's host: 400 if its compute is down, 501 if too old to say."""
    node = _node(req, hypervisor_id)
    service = _compute_services().get(node['host'])
    view = _View(req).state(node, service)
    view['uptime'] = _host_uptime(req, node, service)
    return wsgi.json_response({'hypervisor': view})


@microversion.supported(max_version='2.87')
@policy.require(rules.STATISTICS)
def statistics(req):
    nodes = db_services.compute_node_get_all()
    totals = dict.fromkeys(_USAGE_KEYS, 0)
    totals['count'] = len(nodes)
    for node in nodes:
        for key, value in _usage(node).items():
            totals[key] += value
    return wsgi.json_response({'hypervisor_statistics': totals})


@microversion.supported(max_version='2.52')
@policy.require(rules.SEARCH)
def search(req, hostname_pattern):
    found, view = _compute_services(), _View(req)
    return wsgi.json_response({'hypervisors': [
        view.state(node, found.get(node['host'])) for node in _matching(hostname_pattern)]})


@microversion.supported(max_version='2.52')
@policy.require(rules.SERVERS)
def servers(req, hostname_pattern):
    found, view = _compute_services(), _View(req)
    views = []
    for node in _matching(hostname_pattern):
        hosted = _hosted(node)
        views.append(view.render(node, found.get(node['host']), False, hosted or None))
    return wsgi.json_response({'hypervisors': views})
