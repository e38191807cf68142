"""A guest's VNC display and serial TCP port: domain XML and where a proxy connects."""

import socket
import xml.etree.ElementTree as ET

import pytest

from novalite import exception
from novalite.virt.libvirt import config, console
from tests.unit.virt.libvirt.samples import make_instance

ROOT = config.Disk('/i/disk', 'qcow2', 'vda', 'virtio', 'disk', False)


def _domain(**kwargs):
    return config.domain_xml(make_instance(), 'qemu', [ROOT], [], '/i/console.log', **kwargs)


def test_vnc_display_listens_where_asked_with_a_vga_card():
    devices = ET.fromstring(_domain(vnc_listen='127.0.0.1')).find('devices')
    graphics = devices.find('graphics')
    assert (graphics.get('type'), graphics.get('listen'), graphics.get('autoport')) == (
        'vnc', '127.0.0.1', 'yes')
    assert devices.find('video/model').get('type') == 'vga'


def test_no_display_unless_asked():
    assert ET.fromstring(_domain()).find('devices/graphics') is None


def test_serial_tcp_server_keeps_logging_to_the_console_log():
    serial = ET.fromstring(_domain(serial_tcp=('127.0.0.1', 10001))).find('devices/serial')
    assert serial.get('type') == 'tcp'
    assert serial.find('source').attrib == {'mode': 'bind', 'host': '127.0.0.1',
                                            'service': '10001'}
    assert serial.find('protocol').get('type') == 'raw'
    assert serial.find('log').get('file') == '/i/console.log'


def test_endpoint_reads_the_port_libvirt_gave_the_display(conf):
    live = _domain(vnc_listen='127.0.0.1').replace("autoport='yes'", "port='5907'") \
        .replace('autoport="yes"', 'port="5907"')
    conf.set_override('server_proxyclient_address', '192.0.2.7', group='vnc')
    assert console.endpoint(live, 'novnc', conf) == ('192.0.2.7', 5907)


def test_endpoint_of_the_serial_port(conf):
    live = _domain(serial_tcp=('127.0.0.1', 10001))
    assert console.endpoint(live, 'serial', conf) == ('127.0.0.1', 10001)


def test_a_guest_without_a_display_has_no_vnc_console(conf):
    with pytest.raises(exception.ConsoleTypeUnavailable):
        console.endpoint(_domain(), 'novnc', conf)


def _bindable(port):
    with socket.socket() as probe:
        try:
            probe.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


def _free_pair():
    """Two adjacent free ports below the kernel's ephemeral range, where other
    tests' sockets (bound to port 0) do not land."""
    for port in range(20000, 30000, 2):
        if _bindable(port) and _bindable(port + 1):
            return port
    pytest.skip('no two adjacent free ports in 20000-30000')


def test_serial_port_is_a_free_one_of_the_range(conf):
    conf.set_override('enabled', True, group='serial_console')
    port = _free_pair()
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', port))
        conf.set_override('port_range', f'{port}:{port + 1}', group='serial_console')
        assert console.serial_tcp(conf) == ('127.0.0.1', port + 1)


def test_no_serial_server_when_serial_consoles_are_off(conf):
    assert console.serial_tcp(conf) is None
