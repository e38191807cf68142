"""The config drive ISO: label, file tree and contents as cloud-init reads them."""

import io
import json

import pycdlib
import pytest

from novalite import exception
from novalite.metadata import content
from novalite.virt.libvirt import configdrive
from tests.unit.virt.libvirt.samples import make_instance, make_vif


def read_iso(path):
    iso = pycdlib.PyCdlib()
    iso.open(str(path))
    files = {}
    for dirpath, _dirs, names in iso.walk(rr_path='/'):
        for name in names:
            out = io.BytesIO()
            iso.get_file_from_iso_fp(out, rr_path=f'{dirpath.rstrip("/")}/{name}')
            files[f'{dirpath.rstrip("/")}/{name}'.lstrip('/')] = out.getvalue()
    label = iso.pvd.volume_identifier.decode().strip()
    joliet = iso.joliet_vd is not None
    iso.close()
    return label, joliet, files


@pytest.fixture
def drive(tmp_path):
    instance = make_instance(metadata={'role': 'db'})
    vif = make_vif()
    path = tmp_path / 'disk.config'
    configdrive.build(str(path), instance, [vif], injected_files=[('/etc/motd', 'hi')])
    return instance, vif, read_iso(path)


def test_volume_label_is_config_2_with_joliet(drive):
    _instance, _vif, (label, joliet, _files) = drive
    assert label == 'config-2'
    assert joliet


def test_latest_meta_data_has_identity_keys_and_metadata(drive):
    instance, _vif, (_l, _j, files) = drive
    meta = json.loads(files['openstack/latest/meta_data.json'])
    assert meta['uuid'] == instance['uuid']
    assert meta['hostname'] == 'vm-one.novalocal'  # [api] dhcp_domain's default
    assert meta['name'] == 'VM one'
    assert meta['public_keys'] == {'mykey': instance['key_data']}
    assert meta['meta'] == {'role': 'db'}
    assert meta['availability_zone'] == 'nova'
    assert meta['launch_index'] == 0
    assert meta['project_id'] == 'p1'
    assert meta['files'] == [{'path': '/etc/motd', 'content_path': '/content/0000'}]
    assert files['openstack/content/0000'] == b'hi'


def test_user_data_is_decoded_from_base64(drive):
    files = drive[2][2]
    assert files['openstack/latest/user_data'] == b'#!/bin/sh\necho hello\n'
    assert files['openstack/2012-08-10/user_data'] == b'#!/bin/sh\necho hello\n'


def test_dated_versions_carry_the_files_of_their_time(drive):
    files = drive[2][2]
    for version in content.VERSIONS:
        assert f'openstack/{version}/meta_data.json' in files
    assert 'openstack/2013-04-04/network_data.json' not in files
    assert 'openstack/2015-10-15/network_data.json' in files
    assert 'openstack/2013-10-17/vendor_data.json' in files
    old = json.loads(files['openstack/2012-08-10/meta_data.json'])
    assert 'project_id' not in old and 'random_seed' not in old


def test_network_data_describes_a_static_ipv4_link(drive):
    _instance, vif, (_l, _j, files) = drive
    net = json.loads(files['openstack/latest/network_data.json'])
    assert net['links'] == [{'id': vif['devname'], 'vif_id': vif['id'], 'type': 'bridge',
                             'mtu': 1400, 'ethernet_mac_address': vif['address']}]
    (network,) = net['networks']
    assert network['type'] == 'ipv4'
    assert network['link'] == vif['devname']
    assert network['ip_address'] == '10.250.0.5'
    assert network['netmask'] == '255.255.255.0'
    assert network['routes'] == [{'network': '0.0.0.0', 'netmask': '0.0.0.0',
                                  'gateway': '10.250.0.1'}]
    assert network['network_id'] == vif['network']['id']
    assert net['services'] == [{'type': 'dns', 'address': '10.250.0.2'}]


def test_no_user_data_means_no_user_data_file(tmp_path):
    path = tmp_path / 'cd.iso'
    configdrive.build(str(path), make_instance(user_data=None), [])
    files = read_iso(path)[2]
    assert 'openstack/latest/user_data' not in files


def test_invalid_base64_user_data_fails_the_deploy(tmp_path):
    with pytest.raises(exception.InstanceDeployFailure):
        configdrive.build(str(tmp_path / 'cd.iso'), make_instance(user_data='%%%'), [])


def test_required_when_asked_or_forced(conf):
    assert configdrive.required(make_instance(config_drive=True), conf)
    assert not configdrive.required(make_instance(config_drive=False), conf)
    conf.set_override('force_config_drive', True)
    assert configdrive.required(make_instance(config_drive=False), conf)
