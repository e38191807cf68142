"""Weighers and the normalize-multiply-sum that combines them, as Nova does it."""

import pytest

from novalite import exception
from novalite.scheduler import weights
from novalite.scheduler.weights import num_instances, resources
from tests.functional.scheduler.conftest import make_state, parse


def test_normalize_maps_smallest_to_0_and_largest_to_1():
    assert weights.normalize([10, 20, 15]) == [0.0, 1.0, 0.5]


def test_normalize_gives_zeros_when_values_are_equal():
    assert weights.normalize([7, 7, 7]) == [0.0, 0.0, 0.0]


def test_normalize_honours_given_bounds():
    assert weights.normalize([5], minval=0, maxval=10) == [0.5]


def test_ram_weigher_weighs_memory_left_to_claim(conf):
    state = make_state(memory_mb=4096, reserved_host_memory_mb=96, ram_allocation_ratio=1.5,
                       memory_mb_used=1000)
    assert resources.RAMWeigher(conf).weigh_object(state, parse()) == 6000 - 1000


def test_disk_and_cpu_weighers_weigh_what_is_left_to_claim(conf):
    state = make_state(local_gb=100, local_gb_used=30, vcpus=4, cpu_allocation_ratio=4.0,
                       vcpus_used=6)
    assert resources.DiskWeigher(conf).weigh_object(state, parse()) == 70
    assert resources.CPUWeigher(conf).weigh_object(state, parse()) == 10


def test_weigh_hosts_prefers_most_free_ram_by_default(conf):
    full, empty = make_state('full', memory_mb_used=3000), make_state('empty')
    weighers = weights.load_weighers(['RAMWeigher'], conf)
    assert weights.weigh_hosts(weighers, [full, empty], parse()) == [empty, full]


def test_negative_multiplier_stacks_on_fullest_host(conf):
    conf.set_override('ram_weight_multiplier', -1.0, group='scheduler')
    full, empty = make_state('full', memory_mb_used=3000), make_state('empty')
    weighers = weights.load_weighers(['RAMWeigher'], conf)
    assert weights.weigh_hosts(weighers, [empty, full], parse()) == [full, empty]


def test_weights_are_normalized_multiplied_and_summed(conf):
    conf.set_override('ram_weight_multiplier', 2.0, group='scheduler')
    conf.set_override('cpu_weight_multiplier', 0.5, group='scheduler')
    states = [make_state('a', memory_mb_used=4000, vcpus_used=0),    # ram 0.0, cpu 1.0
              make_state('b', memory_mb_used=2000, vcpus_used=2),    # ram 0.5, cpu 0.5
              make_state('c', memory_mb_used=0, vcpus_used=4)]       # ram 1.0, cpu 0.0
    weighers = weights.load_weighers(['RAMWeigher', 'CPUWeigher'], conf)
    assert weights.combined_weights(weighers, states, parse()) == [0.5, 1.25, 2.0]


def test_zero_multiplier_weigher_is_not_consulted(conf):
    weigher = num_instances.NumInstancesWeigher(conf)   # multiplier defaults to 0
    weigher.weigh_objects = pytest.fail
    assert weights.combined_weights([weigher], [make_state(), make_state()], parse()) == [0, 0]


def test_num_instances_weigher_with_negative_multiplier_prefers_fewer(conf):
    conf.set_override('num_instances_weight_multiplier', -1.0, group='scheduler')
    busy, idle = make_state('busy', num_instances=5), make_state('idle', num_instances=1)
    weighers = weights.load_weighers(['NumInstancesWeigher'], conf)
    assert weights.weigh_hosts(weighers, [busy, idle], parse()) == [idle, busy]


def test_ties_keep_host_order(conf):
    states = [make_state('a', node_id=1), make_state('b', node_id=2)]
    weighers = weights.load_weighers(['RAMWeigher', 'DiskWeigher'], conf)
    assert weights.weigh_hosts(weighers, states, parse()) == states


def test_load_weighers_rejects_unknown_name(conf):
    with pytest.raises(exception.SchedulerWeigherNotFound, match='GPUWeigher'):
        weights.load_weighers(['RAMWeigher', 'GPUWeigher'], conf)
