"""IPAM of the flat network on SQLite: allocation, idempotency, release, listing, cache."""

import concurrent.futures
import uuid

import pytest

from novalite import exception
from novalite.db import engine, models
from novalite.db import instances as db_instances
from novalite.db import networks as db_networks
from novalite.network import api, model


def new_uuid():
    return str(uuid.uuid4())


def test_network_created_once_with_gateway_and_usable_addresses(sqlite_db, net_conf):
    first = api.ensure_network(net_conf)
    second = api.ensure_network(net_conf)
    assert first == second
    assert first['gateway'] == '10.250.0.1'
    assert first['dns'] == ['10.250.0.6', '192.0.2.53']
    assert first['bridge'] == 'br100'


def test_network_config_rejects_gateway_outside_cidr(sqlite_db, net_conf):
    net_conf.set_override('gateway', '10.9.9.9', group='network')
    with pytest.raises(exception.Invalid):
        api.ensure_network(net_conf)


def test_allocate_returns_network_info_shaped_for_the_driver(sqlite_db, net_conf):
    info = api.allocate_for_instance(None, new_uuid(), 'host1', conf=net_conf)
    assert len(info) == 1
    vif = info[0]
    address = vif['ips'][0]['address']
    assert address not in ('10.250.0.0', '10.250.0.1', '10.250.0.7', '10.250.0.6')
    assert vif['address'] == db_networks.mac_for(address)
    assert vif['address'].startswith('fa:16:3e:')
    assert vif['devname'] == 'tap' + vif['id'][:11]
    assert len(vif['devname']) <= 15
    assert vif['bridge'] == 'br100'
    assert vif['network']['cidr'] == '10.250.0.0/29'
    assert vif['network']['gateway'] == '10.250.0.1'
    assert vif['network']['mtu'] == 1400
    assert vif['ips'][0]['version'] == 4


def test_allocate_is_idempotent_per_instance(sqlite_db, net_conf):
    instance = new_uuid()
    first = api.allocate_for_instance(None, instance, 'host1', conf=net_conf)
    again = api.allocate_for_instance(None, instance, 'host1', conf=net_conf)
    assert first == again


def test_network_exhaustion_raises_no_more_fixed_ips(sqlite_db, net_conf):
    # /29 minus network, broadcast, gateway and the in-subnet DNS server.
    for _ in range(4):
        api.allocate_for_instance(None, new_uuid(), 'host1', conf=net_conf)
    with pytest.raises(api.NoMoreFixedIps):
        api.allocate_for_instance(None, new_uuid(), 'host1', conf=net_conf)


def test_release_frees_the_address_for_reuse(sqlite_db, net_conf):
    holders = [new_uuid() for _ in range(4)]
    addresses = {model.fixed_addresses(
        api.allocate_for_instance(None, h, 'host1', conf=net_conf))[0] for h in holders}
    api.deallocate_for_instance(None, holders[0])
    api.deallocate_for_instance(None, holders[0])
    newcomer = api.allocate_for_instance(None, new_uuid(), 'host1', conf=net_conf)
    assert model.fixed_addresses(newcomer)[0] in addresses


def test_concurrent_allocations_never_share_an_address(sqlite_db, net_conf):
    api.ensure_network(net_conf)
    instances = [new_uuid() for _ in range(4)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        infos = list(pool.map(
            lambda i: api.allocate_for_instance(None, i, 'host1', conf=net_conf), instances))
    addresses = [model.fixed_addresses(info)[0] for info in infos]
    assert len(set(addresses)) == 4


def test_concurrent_allocations_of_one_instance_keep_one_address(sqlite_db, net_conf):
    api.ensure_network(net_conf)
    instance = new_uuid()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        infos = list(pool.map(
            lambda _: api.allocate_for_instance(None, instance, 'host1', conf=net_conf),
            range(4)))
    assert len({model.fixed_addresses(info)[0] for info in infos}) == 1
    with engine.reader() as session:
        held = session.query(models.FixedIP).filter_by(instance_uuid=instance).count()
    assert held == 1


def _instance_row():
    (instance,) = db_instances.instances_create([{
        'uuid': new_uuid(), 'flavor': {}, 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
        'ephemeral_gb': 0, 'vm_state': 'building'}])
    return instance['uuid']


def test_allocation_caches_the_network_info_on_the_instance(sqlite_db, net_conf):
    instance = _instance_row()
    info = api.allocate_for_instance(None, instance, 'host1', conf=net_conf)
    assert db_instances.instance_get(instance)['network_info'] == info


def test_release_empties_the_instance_network_info_cache(sqlite_db, net_conf):
    instance = _instance_row()
    api.allocate_for_instance(None, instance, 'host1', conf=net_conf)
    api.deallocate_for_instance(None, instance)
    assert db_instances.instance_get(instance)['network_info'] == []
    assert api.get_network_info(instance) == []


def test_network_info_is_read_from_the_instance_cache(sqlite_db, net_conf):
    instance = _instance_row()
    info = api.allocate_for_instance(None, instance, 'host1', conf=net_conf)
    assert api.get_network_info(instance) == info


def test_network_info_of_an_unknown_instance_is_empty(sqlite_db, net_conf):
    assert api.get_network_info(new_uuid()) == []
