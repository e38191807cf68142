"""os-hypervisors: compute nodes, their capacity and usage, admin only.

Before 2.53 hypervisors are named by integer id. 2.28 shows ``cpu_info`` as
an object instead of a JSON string; 2.33 pages listings with
``limit``/``marker``. Used memory and disk include what the host keeps for
itself, as Nova reports them.
"""

import json

from novalite import exception, servicegroup
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import hypervisors as rules
from novalite.api.schemas import hypervisors as schemas
from novalite.compute import api as compute_api
from novalite.db import instances as db_instances
from novalite.db import services as db_services


def _compute_services():
    return {service['host']: service
            for service in db_services.service_get_all(binary=compute_api.COMPUTE_BINARY)}


def _state(node, service):
    up = service is not None and servicegroup.is_up(service)
    disabled = service is None or service['disabled']
    return {'id': node['id'], 'hypervisor_hostname': node['hypervisor_hostname'],
            'state': 'up' if up else 'down', 'status': 'disabled' if disabled else 'enabled'}


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


def _detail(req, node, service):
    view = _state(node, service)
    view.update(_usage(node))
    cpu_info = node['cpu_info'] or '{}'
    view.update({
        'hypervisor_type': node['hypervisor_type'],
        'hypervisor_version': node['hypervisor_version'],
        'host_ip': node['host_ip'],
        'cpu_info': json.loads(cpu_info) if microversion.is_supported(req, '2.28') else cpu_info,
        'service': {'id': service['id'] if service else None, 'host': node['host'],
                    'disabled_reason': service['disabled_reason'] if service else None},
    })
    return view


def _page(req, nodes):
    """Nodes after ``marker``, at most ``limit`` of them (2.33), and the limit used."""
    if not microversion.is_supported(req, '2.33'):
        return nodes, None
    params = validation.query(req, schemas.list_query_v233)
    limit, marker = wsgi.limit_and_marker(params)
    if marker is not None:
        ids = [str(node['id']) for node in nodes]
        if marker not in ids:
            raise exception.MarkerNotFound(marker=marker)
        nodes = nodes[ids.index(marker) + 1:]
    return nodes[:limit], limit


def _list(req, detail):
    nodes, limit = _page(req, db_services.compute_node_get_all())
    found = _compute_services()
    render = (lambda n: _detail(req, n, found.get(n['host']))) if detail else (
        lambda n: _state(n, found.get(n['host'])))
    items = [render(node) for node in nodes]
    return wsgi.collection_response(req, wsgi.Links(req), 'hypervisors', items, limit, detail)


@policy.require(rules.LIST)
@validation.query_schemas(('2.33', schemas.list_query_v233))
def index(req):
    return _list(req, detail=False)


@policy.require(rules.LIST_DETAIL)
@validation.query_schemas(('2.33', schemas.list_query_v233))
def detail(req):
    return _list(req, detail=True)


@policy.require(rules.SHOW)
def show(req, hypervisor_id):
    try:
        node = db_services.compute_node_get(int(hypervisor_id))
    except (ValueError, exception.HypervisorNotFound):
        raise exception.NotFound(
            f"Hypervisor with ID '{hypervisor_id}' could not be found.") from None
    service = _compute_services().get(node['host'])
    return wsgi.json_response({'hypervisor': _detail(req, node, service)})


@policy.require(rules.STATISTICS)
def statistics(req):
    nodes = db_services.compute_node_get_all()
    totals = dict.fromkeys(_USAGE_KEYS, 0)
    totals['count'] = len(nodes)
    for node in nodes:
        for key, value in _usage(node).items():
            totals[key] += value
    return wsgi.json_response({'hypervisor_statistics': totals})


def _matching(pattern):
    nodes = [node for node in db_services.compute_node_get_all()
             if pattern in node['hypervisor_hostname']]
    if not nodes:
        raise exception.NotFound(f"No hypervisor matching '{pattern}' could be found.")
    return nodes


@policy.require(rules.SEARCH)
def search(req, hostname_pattern):
    found = _compute_services()
    return wsgi.json_response({'hypervisors': [
        _state(node, found.get(node['host'])) for node in _matching(hostname_pattern)]})


@policy.require(rules.SERVERS)
def servers(req, hostname_pattern):
    found = _compute_services()
    views = []
    for node in _matching(hostname_pattern):
        view = _state(node, found.get(node['host']))
        hosted = db_instances.instance_get_all({'host': node['host'], 'node':
                                                node['hypervisor_hostname']})
        if hosted:
            view['servers'] = [{'uuid': i['uuid'], 'name': i['name']} for i in hosted]
        views.append(view)
    return wsgi.json_response({'hypervisors': views})
