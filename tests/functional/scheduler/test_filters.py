"""Each host filter, one behaviour per test, on host states built without the database."""

import datetime

import pytest

from novalite import exception
from novalite.db import claims
from novalite.db import instances as db_instances
from novalite.db.models import utcnow
from novalite.scheduler import filters, host_manager
from novalite.scheduler.filters import (
    affinity_filter,
    availability_zone_filter,
    compute_filter,
    image_props_filter,
    resource_filter,
)
from tests.functional.scheduler.conftest import add_host, make_state, new_uuid, parse


@pytest.fixture
def compute(conf):
    return compute_filter.ComputeFilter()


def test_compute_filter_passes_up_enabled_host(compute):
    assert compute.host_passes(make_state(), parse())


def test_compute_filter_rejects_disabled_host(compute):
    state = make_state()
    state.service['disabled'] = True
    assert not compute.host_passes(state, parse())


def test_compute_filter_rejects_host_without_recent_heartbeat(compute):
    state = make_state()
    state.service['last_seen_up'] = utcnow() - datetime.timedelta(seconds=61)
    assert not compute.host_passes(state, parse())


def test_compute_filter_rejects_forced_down_host(compute):
    state = make_state()
    state.service['forced_down'] = True
    assert not compute.host_passes(state, parse())


def test_compute_filter_rejects_node_without_service(compute):
    assert not compute.host_passes(make_state(service=None), parse())


def test_availability_zone_filter_passes_any_zone_when_none_requested():
    host_filter = availability_zone_filter.AvailabilityZoneFilter()
    states = [make_state(availability_zone='a'), make_state(availability_zone='b')]
    assert host_filter.filter_all(states, parse()) == states


def test_availability_zone_filter_keeps_only_requested_zone(db):
    host_filter = availability_zone_filter.AvailabilityZoneFilter()
    in_a, in_b = make_state(availability_zone='a'), make_state(availability_zone='b')
    spec = parse(availability_zone='a')
    assert host_filter.filter_all([in_a, in_b], spec) == [in_a]
    assert not host_filter.host_passes(in_b, spec)


def test_resource_filter_honours_reserved_cpus_and_ratio():
    # limit = (4 - 1) * 2.0 = 6 vCPUs
    host_filter = resource_filter.ResourceFilter()
    state = make_state(vcpus=4, reserved_host_cpus=1, cpu_allocation_ratio=2.0, vcpus_used=4)
    assert host_filter.host_passes(state, parse(flavor={'vcpus': 2}))
    assert not host_filter.host_passes(state, parse(flavor={'vcpus': 3}))


def test_resource_filter_honours_reserved_memory_and_ratio():
    # limit = (4096 - 512) * 1.5 = 5376 MiB
    host_filter = resource_filter.ResourceFilter()
    state = make_state(reserved_host_memory_mb=512, ram_allocation_ratio=1.5,
                       memory_mb_used=4352)
    assert host_filter.host_passes(state, parse(flavor={'memory_mb': 1024}))
    assert not host_filter.host_passes(state, parse(flavor={'memory_mb': 1025}))


def test_resource_filter_counts_root_ephemeral_and_swap_rounded_up():
    # limit = 100 - 2048 / 1024 = 98 GB; need = 40 + 50 + ceil(1 MiB) = 91 GB
    host_filter = resource_filter.ResourceFilter()
    state = make_state(reserved_host_disk_mb=2048, local_gb_used=7)
    flavor = {'root_gb': 40, 'ephemeral_gb': 50, 'swap': 1}
    assert host_filter.host_passes(state, parse(flavor=flavor))
    state.local_gb_used = 8
    assert not host_filter.host_passes(state, parse(flavor=flavor))


def test_resource_filter_filter_all_agrees_with_host_passes():
    host_filter = resource_filter.ResourceFilter()
    states = [make_state(node_id=n, memory_mb_used=n * 1024) for n in range(5)]
    spec = parse(flavor={'memory_mb': 2048})
    assert host_filter.filter_all(states, spec) == [
        state for state in states if host_filter.host_passes(state, spec)]


@pytest.mark.parametrize(('flavor', 'fits'), [
    ({'vcpus': 3}, True), ({'vcpus': 4}, False), ({'memory_mb': 3096}, True),
    ({'memory_mb': 3097}, False), ({'root_gb': 49, 'swap': 1024}, True),
    ({'root_gb': 49, 'swap': 1025}, False), ({'ephemeral_gb': 40}, True),
    ({'ephemeral_gb': 41}, False),
])
def test_resource_filter_passes_exactly_what_the_claim_accepts(db, flavor, fits):
    # Limits: (2 - 1) * 3.0 = 3 vCPUs, 4096 - 1000 = 3096 MiB, 60 - 10 = 50 GB.
    node = add_host('h', vcpus=2, memory_mb=4096, local_gb=60, reserved_host_cpus=1,
                    cpu_allocation_ratio=3.0, reserved_host_memory_mb=1000,
                    reserved_host_disk_mb=10240)
    state = host_manager.HostManager().get_host_states()[0]
    spec = parse(flavor=flavor)
    assert resource_filter.ResourceFilter().host_passes(state, spec) is fits
    assert claims.claim(new_uuid(), node['id'], spec.resources) is fits


def _image_spec(**properties):
    return parse(image={'id': 'img', 'properties': properties})


def test_image_filter_passes_image_without_requirements():
    host_filter = image_props_filter.ImagePropertiesFilter()
    assert host_filter.host_passes(make_state(supported_instances=[]), _image_spec())


def test_image_filter_matches_architecture_hypervisor_and_mode():
    host_filter = image_props_filter.ImagePropertiesFilter()
    spec = _image_spec(hw_architecture='x86_64', img_hv_type='qemu', hw_vm_mode='hvm')
    assert host_filter.host_passes(make_state(), spec)


def test_image_filter_rejects_other_architecture():
    host_filter = image_props_filter.ImagePropertiesFilter()
    assert not host_filter.host_passes(make_state(), _image_spec(hw_architecture='aarch64'))


def test_image_filter_reads_legacy_property_names_and_aliases():
    host_filter = image_props_filter.ImagePropertiesFilter()
    spec = _image_spec(architecture='AMD64', hypervisor_type='QEMU', vm_mode='hv')
    assert host_filter.host_passes(make_state(), spec)


def test_image_filter_rejects_host_reporting_no_supported_instances():
    host_filter = image_props_filter.ImagePropertiesFilter()
    state = make_state(supported_instances=[])
    assert not host_filter.host_passes(state, _image_spec(hw_architecture='x86_64'))


def test_image_filter_checks_requested_hypervisor_version():
    host_filter = image_props_filter.ImagePropertiesFilter()
    state = make_state(hypervisor_version=7002000)
    assert host_filter.host_passes(state, _image_spec(img_hv_requested_version='>=7.1'))
    assert not host_filter.host_passes(state, _image_spec(img_hv_requested_version='>=7.3'))
    assert host_filter.host_passes(state, _image_spec(img_hv_requested_version='>=6, <8'))


def test_image_filter_passes_nobody_on_invalid_requested_version():
    host_filter = image_props_filter.ImagePropertiesFilter()
    assert not host_filter.host_passes(make_state(),
                                       _image_spec(img_hv_requested_version='newest'))


def test_image_filter_filter_all_decides_per_hypervisor_kind():
    host_filter = image_props_filter.ImagePropertiesFilter()
    arm = make_state(node_id=2, supported_instances=[['aarch64', 'qemu', 'hvm']])
    x86 = make_state(node_id=1)
    spec = _image_spec(hw_architecture='x86_64')
    assert host_filter.filter_all([x86, arm, make_state(node_id=3)], spec)[:1] == [x86]
    assert arm not in host_filter.filter_all([x86, arm], spec)


def _instance_on(host):
    instance_uuid = new_uuid()
    db_instances.instances_create([{
        'uuid': instance_uuid, 'host': host, 'node': host, 'flavor': {}, 'memory_mb': 1,
        'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0, 'vm_state': 'active'}])
    return instance_uuid


def test_different_host_filter_rejects_hosts_of_named_servers(db):
    server = _instance_on('host1')
    host_filter = affinity_filter.DifferentHostFilter()
    spec = parse(scheduler_hints={'different_host': [server]})
    assert not host_filter.host_passes(make_state('host1'), spec)
    assert host_filter.host_passes(make_state('host2'), spec)


def test_same_host_filter_keeps_only_hosts_of_named_servers(db):
    server = _instance_on('host1')
    host_filter = affinity_filter.SameHostFilter()
    spec = parse(scheduler_hints={'same_host': server})
    passed = host_filter.filter_all([make_state('host1'), make_state('host2')], spec)
    assert [state.host for state in passed] == ['host1']


def test_same_host_filter_passes_nobody_when_named_servers_have_no_host(db):
    host_filter = affinity_filter.SameHostFilter()
    spec = parse(scheduler_hints={'same_host': [new_uuid()]})
    assert host_filter.filter_all([make_state('host1')], spec) == []


def test_affinity_filters_look_servers_up_once_per_request(db, monkeypatch):
    server = _instance_on('host1')
    lookups = []
    real = db_instances.instance_get_all
    monkeypatch.setattr(db_instances, 'instance_get_all',
                        lambda *a, **k: lookups.append(a) or real(*a, **k))
    host_filter = affinity_filter.DifferentHostFilter()
    spec = parse(scheduler_hints={'different_host': [server]})
    host_filter.filter_all([make_state('host1'), make_state('host2')], spec)
    host_filter.host_passes(make_state('host3'), spec)
    assert len(lookups) == 1


def test_load_filters_keeps_configured_order():
    loaded = filters.load_filters(['ResourceFilter', 'ComputeFilter'])
    assert [f.name for f in loaded] == ['ResourceFilter', 'ComputeFilter']


def test_load_filters_accepts_dotted_path():
    path = 'novalite.scheduler.filters.compute_filter.ComputeFilter'
    assert isinstance(filters.load_filters([path])[0], compute_filter.ComputeFilter)


def test_load_filters_rejects_unknown_name():
    with pytest.raises(exception.SchedulerHostFilterNotFound, match='NoSuchFilter'):
        filters.load_filters(['ComputeFilter', 'NoSuchFilter'])
