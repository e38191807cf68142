"""A running guest's diagnostics from libvirt: vCPU times, memory, disk and NIC counters.

The shape is the Compute API's 2.48 diagnostics; each disk and NIC also
keeps its device ``name`` (``vda``, ``tap...``), from which the API builds
the older, hypervisor-specific keys (``vda_read``, ``tap..._rx``, ``cpu0_time``).
"""

import xml.etree.ElementTree as ET

from novalite.virt import power_state

_STATES = {power_state.RUNNING: 'running', power_state.PAUSED: 'paused',
           power_state.SHUTDOWN: 'shutdown', power_state.CRASHED: 'crashed',
           power_state.SUSPENDED: 'suspended', power_state.NOSTATE: 'pending'}


def collect(domain, state, virt_type, config_drive):
    """The diagnostics dict of a libvirt ``domain`` in power ``state``."""
    devices = ET.fromstring(domain.XMLDesc(0)).find('devices')
    cpus = _cpus(domain, state)
    disks = [_disk(domain, target.get('dev'), state)
             for target in devices.findall("disk[@device='disk']/target")]
    nics = [_nic(domain, interface, state) for interface in devices.findall('interface')]
    return {'state': _STATES.get(state, 'pending'), 'driver': 'libvirt',
            'hypervisor': virt_type, 'hypervisor_os': 'linux', 'uptime': None,
            'config_drive': bool(config_drive), 'num_cpus': len(cpus), 'num_nics': len(nics),
            'num_disks': len(disks), 'cpu_details': cpus, 'nic_details': nics,
            'disk_details': disks, 'memory_details': _memory(domain, state)}


def _running(state):
    return state in (power_state.RUNNING, power_state.PAUSED)


def _cpus(domain, state):
    if not _running(state):
        return []
    infos, _maps = domain.vcpus()
    return [{'id': number, 'time': cpu_time, 'utilisation': None}
            for number, _vstate, cpu_time, _cpu in infos]


def _memory(domain, state):
    maximum = domain.maxMemory() // 1024
    used = maximum
    if _running(state):
        stats = domain.memoryStats()
        if 'actual' in stats:
            used = (stats['actual'] - stats.get('unused', 0)) // 1024
    return {'maximum': maximum, 'used': used}


def _disk(domain, dev, state):
    read_requests = read_bytes = write_requests = write_bytes = errors = 0
    if _running(state):
        read_requests, read_bytes, write_requests, write_bytes, errors = domain.blockStats(dev)
    return {'name': dev, 'read_bytes': read_bytes, 'read_requests': read_requests,
            'write_bytes': write_bytes, 'write_requests': write_requests,
            'errors_count': max(errors, 0)}


def _nic(domain, interface, state):
    dev = interface.find('target').get('dev') if interface.find('target') is not None else None
    counters = (0,) * 8
    if _running(state) and dev:
        counters = domain.interfaceStats(dev)
    rx_octets, rx_packets, rx_errors, rx_drop, tx_octets, tx_packets, tx_errors, tx_drop = \
        counters
    return {'name': dev, 'mac_address': interface.find('mac').get('address'),
            'rx_octets': rx_octets, 'rx_errors': rx_errors, 'rx_drop': rx_drop,
            'rx_packets': rx_packets, 'rx_rate': None, 'tx_octets': tx_octets,
            'tx_errors': tx_errors, 'tx_drop': tx_drop, 'tx_packets': tx_packets,
            'tx_rate': None}
