"""Service and compute node reads narrowed to the hosts a page of servers is on."""

from novalite.db import services

RESOURCES = {'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 4,
             'memory_mb': 4096, 'local_gb': 40}


def _hosts(rows):
    return sorted(row['host'] for row in rows)


def test_services_of_the_given_hosts_only(db):
    for host in ('h1', 'h2', 'h3'):
        services.service_get_or_create(host, 'novalite-compute', 'compute')
    assert _hosts(services.service_get_all(binary='novalite-compute',
                                           hosts={'h1', 'h3'})) == ['h1', 'h3']


def test_compute_nodes_of_the_given_hosts_only(db):
    for host in ('h1', 'h2', 'h3'):
        services.compute_node_report(host, host, RESOURCES)
    assert _hosts(services.compute_node_get_all(hosts={'h2'})) == ['h2']
