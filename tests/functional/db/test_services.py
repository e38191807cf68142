"""Service and compute node reads narrowed to the hosts a page of servers is on."""

from novalite import servicegroup
from novalite.db import services

RESOURCES = {'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 4,
             'memory_mb': 4096, 'local_gb': 40}


def _hosts(rows):
    return sorted(row['host'] for row in rows)


def test_services_of_the_given_hosts_only(db):
    for host in ('h1', 'h2', 'h3'):
        services.service_get_or_create(host, 'novalite-compute', 'compute')
    assert _hosts(services.service_states('novalite-compute', {'h1', 'h3'})) == ['h1', 'h3']


def test_service_states_carry_what_liveness_reads(db):
    services.service_get_or_create('h1', 'novalite-compute', 'compute')
    [state] = services.service_states('novalite-compute', {'h1'})
    assert servicegroup.is_up(state)
    assert not state['disabled'] and not state['forced_down']


def test_zones_of_the_given_hosts_only(db):
    for host in ('h1', 'h2', 'h3'):
        services.compute_node_report(host, host, RESOURCES)
    assert services.zones_by_host({'h2'}) == {'h2': 'nova'}
