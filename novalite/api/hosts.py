"""``os-hosts`` (read-only, removed at 2.43 as in Nova): the hosts of the enabled
services with their zones, and one host's resources.

``GET /os-hosts`` lists every enabled service's host (``zone`` filters);
a compute host is in its availability zone, other services in
``internal``. ``GET /os-hosts/{host}`` shows the first compute node's
totals, what it reports in use, what its servers' flavors add up to and
that per project. Nova's power and maintenance actions on hosts are not
served: no virt driver here implements them.
"""

from novalite import exception
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import admin as rules
from novalite.api.schemas import hosts as schemas
from novalite.api.services import INTERNAL_ZONE
from novalite.compute import api as compute_api
from novalite.conf import CONF
from novalite.db import instances as db_instances
from novalite.db import services as db_services


def _hosts(zone_filter):
    zones = db_services.zones_by_host()
    for service in db_services.service_get_all():
        if service['disabled']:
            continue
        zone = INTERNAL_ZONE
        if service['binary'] == compute_api.COMPUTE_BINARY:
            zone = zones.get(service['host'], CONF.default_availability_zone)
        if zone_filter and zone != zone_filter:
            continue
        yield {'host_name': service['host'], 'service': service['topic'], 'zone': zone}


@microversion.supported(max_version='2.42')
@policy.require(rules.HOSTS_LIST)
@validation.query_schemas(('2.0', schemas.index_query))
def index(req):
    zone = validation.query(req, schemas.index_query).get('zone')
    return wsgi.json_response({'hosts': list(_hosts(zone))})


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


@microversion.supported(max_version='2.42')
@policy.require(rules.HOSTS_SHOW)
def show(req, host_name):
    nodes = db_services.compute_node_get_all(host=host_name)
    if not nodes:
        raise exception.ComputeHostNotFound(host=host_name)
    node = nodes[0]
    servers = db_instances.instance_get_all_by_host(host_name)
    resources = [
        _resource(host_name, '(total)', node['vcpus'], node['memory_mb'], node['local_gb']),
        _resource(host_name, '(used_now)', node['vcpus_used'], node['memory_mb_used'],
                  node['local_gb_used']),
        _resource(host_name, '(used_max)', *_sums(servers))]
    projects = sorted({server['project_id'] for server in servers})
    resources.extend(_resource(host_name, project, *_sums(
        [s for s in servers if s['project_id'] == project])) for project in projects)
    return wsgi.json_response({'host': resources})


def _sums(servers):
    return (sum(s['vcpus'] for s in servers), sum(s['memory_mb'] for s in servers),
            sum(s['root_gb'] + s['ephemeral_gb'] for s in servers))
