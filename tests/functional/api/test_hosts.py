"""``GET /os-hosts/{host}``: what the host's servers add up to, per project."""

from tests.functional.api.conftest import make_instance


def test_show_sums_the_servers_on_the_host_per_project(admin, compute_host):
    make_instance(project_id='p1', vcpus=2, memory_mb=1024, root_gb=10, ephemeral_gb=5)
    make_instance(project_id='p2', vcpus=1, memory_mb=512, root_gb=1)
    make_instance(project_id='p1', host='host2', vcpus=8)
    resources = [r['resource'] for r in admin.get('/os-hosts/host1').json['host']]
    assert resources[2] == {'host': 'host1', 'project': '(used_max)', 'cpu': 3,
                            'memory_mb': 1536, 'disk_gb': 16}
    assert resources[3:] == [
        {'host': 'host1', 'project': 'p1', 'cpu': 2, 'memory_mb': 1024, 'disk_gb': 15},
        {'host': 'host1', 'project': 'p2', 'cpu': 1, 'memory_mb': 512, 'disk_gb': 1}]


def test_disabled_services_and_other_daemons_are_listed_as_nova_does(admin, compute_host):
    from novalite.db import services as db_services
    db_services.service_get_or_create('ctl', 'novalite-conductor', 'conductor')
    off = db_services.service_get_or_create('host9', 'novalite-compute', 'compute')
    db_services.service_update(off['id'], {'disabled': True})
    hosts = admin.get('/os-hosts').json['hosts']
    assert {'host_name': 'ctl', 'service': 'conductor', 'zone': 'internal'} in hosts
    assert 'host9' not in [h['host_name'] for h in hosts]
    assert admin.get('/os-hosts?zone=internal').json['hosts'] == [
        {'host_name': 'ctl', 'service': 'conductor', 'zone': 'internal'}]
