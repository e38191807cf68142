"""A guest's consoles on libvirt: the VNC display and the serial port's TCP server.

The domain XML asks for them (:func:`vnc_listen`, :func:`serial_tcp`); libvirt
picks the VNC port when the guest starts, so where a proxy must connect is
read back from the running domain's XML (:func:`endpoint`).
"""

import random
import socket
import xml.etree.ElementTree as ET

from novalite import exception
from novalite.virt import driver


def vnc_listen(conf):
    """The address for the guests' VNC displays, or None when VNC is disabled."""
    return conf.vnc.server_listen if conf.vnc.enabled else None


def serial_tcp(conf):
    """``(host, port)`` for a new guest's serial TCP server, or None when disabled.

    :raises ConsoleTypeUnavailable: no port of ``port_range`` is free.
    """
    if not conf.serial_console.enabled:
        return None
    host = conf.serial_console.serial_listen
    low, high = (int(part) for part in conf.serial_console.port_range.split(':'))
    ports = list(range(low, high + 1))
    # A random start spreads concurrent spawns over the range.
    start = random.randrange(len(ports))
    for port in ports[start:] + ports[:start]:
        if _free(host, port):
            return host, port
    raise exception.ConsoleTypeUnavailable(console_type='serial')


def _free(host, port):
    with socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def endpoint(domain_xml, console_type, conf):
    """:class:`~novalite.virt.driver.ConsoleEndpoint` of a running guest's console.

    :param console_type: ``novnc`` or ``serial``.
    :raises ConsoleTypeUnavailable: the guest has no such console.
    """
    devices = ET.fromstring(domain_xml).find('devices')
    if console_type == 'novnc':
        graphics = devices.find("graphics[@type='vnc']")
        port = graphics.get('port') if graphics is not None else None
        address = conf.vnc.server_proxyclient_address
    else:
        source = devices.find("serial[@type='tcp']/source")
        port = source.get('service') if source is not None else None
        address = conf.serial_console.proxyclient_address
    if not port or int(port) < 0:
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    return driver.ConsoleEndpoint(address, int(port))
