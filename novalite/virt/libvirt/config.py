"""Domain XML of a guest, built with ``xml.etree`` from an instance dict.

The layout is fixed by what works on QEMU's ``pc`` machine: ACPI on (clean
shutdown, PCI hot-plug), virtio disks and NICs, the config drive as a
read-only IDE cdrom (the Debian cloud kernel has no AHCI), the serial
console written to a file that ``get_console_output`` reads (and served on
TCP for the serial proxy when asked), and a VNC display when asked.
"""

import collections
import xml.etree.ElementTree as ET

METADATA_NS = 'urn:novalite:libvirt:instance:1.0'
GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0'

# ``boot_order``: a per-device boot order (a stable device rescue's disk), None for none.
Disk = collections.namedtuple(
    'Disk', ['path', 'driver_format', 'target', 'bus', 'device', 'readonly', 'boot_order'],
    defaults=(None,))
Disk.__doc__ = "One disk of a guest: a file, its format and where the guest sees it."

Boot = collections.namedtuple('Boot', ['kernel', 'ramdisk', 'cmdline'])
Boot.__doc__ = "Direct kernel boot: kernel and ramdisk paths on the host, kernel command line."


def _sub(parent, tag, text=None, **attrib):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrib.items()
                                          if v is not None})
    if text is not None:
        element.text = str(text)
    return element


def _metadata(domain, instance):
    metadata = _sub(domain, 'metadata')
    ET.register_namespace('novalite', METADATA_NS)
    root = _sub(metadata, f'{{{METADATA_NS}}}instance')
    _sub(root, f'{{{METADATA_NS}}}name', instance.get('display_name') or '')
    _sub(root, f'{{{METADATA_NS}}}flavor', (instance.get('flavor') or {}).get('name', ''))
    _sub(root, f'{{{METADATA_NS}}}owner', project=instance.get('project_id'),
         user=instance.get('user_id'))


def _os(domain, boot, disk_boots):
    os_el = _sub(domain, 'os')
    _sub(os_el, 'type', 'hvm', machine='pc')
    if boot is None:
        # libvirt refuses <os><boot> beside a disk's own <boot order>.
        if not disk_boots:
            _sub(os_el, 'boot', dev='hd')
        return
    _sub(os_el, 'kernel', boot.kernel)
    if boot.ramdisk:
        _sub(os_el, 'initrd', boot.ramdisk)
    if boot.cmdline:
        _sub(os_el, 'cmdline', boot.cmdline)


def _disk(devices, disk):
    element = _sub(devices, 'disk', type='file', device=disk.device)
    _sub(element, 'driver', name='qemu', type=disk.driver_format)
    _sub(element, 'source', file=disk.path)
    _sub(element, 'target', dev=disk.target, bus=disk.bus)
    if disk.readonly:
        _sub(element, 'readonly')
    if disk.boot_order is not None:
        _sub(element, 'boot', order=disk.boot_order)


def _interface(devices, vif):
    element = _sub(devices, 'interface', type='bridge')
    _sub(element, 'mac', address=vif['address'])
    _sub(element, 'source', bridge=vif['bridge'])
    _sub(element, 'target', dev=vif['devname'])
    _sub(element, 'model', type='virtio')
    mtu = (vif.get('network') or {}).get('mtu')
    if mtu:
        _sub(element, 'mtu', size=mtu)


def _console(devices, console_log, serial_tcp=None):
    if serial_tcp is None:
        serial = _sub(devices, 'serial', type='file')
        _sub(serial, 'source', path=console_log)
    else:
        # A TCP server the serial proxy connects to; the log keeps
        # get_console_output working as with a file.
        serial = _sub(devices, 'serial', type='tcp')
        _sub(serial, 'source', mode='bind', host=serial_tcp[0], service=serial_tcp[1])
        _sub(serial, 'protocol', type='raw')
        _sub(serial, 'log', file=console_log, append='on')
    _sub(serial, 'target', port=0)


def _graphics(devices, vnc_listen):
    """A VNC display on ``vnc_listen`` (port chosen by libvirt) and a VGA card to show."""
    _sub(devices, 'graphics', type='vnc', listen=vnc_listen, autoport='yes')
    video = _sub(devices, 'video')
    _sub(video, 'model', type='vga')


def _guest_agent(devices):
    """The virtio-serial channel qemu-ga listens on; libvirt adds the
    controller and the host socket, and talks to the agent itself."""
    channel = _sub(devices, 'channel', type='unix')
    _sub(channel, 'target', type='virtio', name=GUEST_AGENT_CHANNEL)


def domain_xml(instance, virt_type, disks, network_info, console_log, boot=None,
               vnc_listen=None, serial_tcp=None, volume_disks=(), guest_agent=False):
    """The domain XML (a string) of ``instance``.

    :param virt_type: ``kvm`` or ``qemu`` (``[libvirt] virt_type``).
    :param disks: :class:`Disk` list in the order the guest should see them.
    :param network_info: vif dicts; each becomes a bridge interface whose
        host tap is the vif's ``devname``.
    :param console_log: file the serial console writes to.
    :param boot: :class:`Boot` for direct kernel boot, None to boot the first disk.
    :param vnc_listen: address of a VNC display, None for none.
    :param serial_tcp: ``(host, port)`` to serve the serial port on, None to
        write it to ``console_log`` only.
    :param volume_disks: ``<disk>`` XML strings of attached volumes, kept as they
        are; one with a ``<boot order>`` is the disk the firmware boots.
    :param guest_agent: give the guest the qemu guest agent's channel.
    """
    domain = ET.Element('domain', type=virt_type)
    _sub(domain, 'name', instance['name'])
    _sub(domain, 'uuid', instance['uuid'])
    _metadata(domain, instance)
    _sub(domain, 'memory', int(instance['memory_mb']) * 1024, unit='KiB')
    _sub(domain, 'vcpu', int(instance['vcpus']))
    _os(domain, boot, any('<boot ' in disk for disk in volume_disks)
        or any(disk.boot_order is not None for disk in disks))
    features = _sub(domain, 'features')
    _sub(features, 'acpi')
    _sub(features, 'apic')
    if virt_type == 'kvm':
        _sub(domain, 'cpu', mode='host-model')
    _sub(domain, 'clock', offset='utc')
    _sub(domain, 'on_poweroff', 'destroy')
    _sub(domain, 'on_reboot', 'restart')
    _sub(domain, 'on_crash', 'destroy')
    devices = _sub(domain, 'devices')
    for disk in disks:
        _disk(devices, disk)
    for disk in volume_disks:
        devices.append(ET.fromstring(disk))
    for vif in network_info:
        _interface(devices, vif)
    _console(devices, console_log, serial_tcp)
    if vnc_listen is not None:
        _graphics(devices, vnc_listen)
    if guest_agent:
        _guest_agent(devices)
    _sub(devices, 'memballoon', model='virtio')
    ET.indent(domain)
    return ET.tostring(domain, encoding='unicode')
