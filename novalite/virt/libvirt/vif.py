"""Host side of guest NICs on the flat network: the bridge and the taps.

libvirt creates each guest's tap (``<interface type='bridge'>``) and enslaves
it to the bridge, so plugging only has to make sure the bridge exists and is
up, with its uplink (``[network] bridge_interface``) and, with
``[network] bridge_gateway_on_host``, the network's gateway address so
guests can reach this host. Unplugging removes a tap libvirt left behind.
Every step is idempotent: concurrent spawns plug the same bridge.
"""

import ipaddress

from oslo_concurrency import lockutils, processutils
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def _ip(*args, check_exit_code=True):
    return processutils.execute('ip', *args, check_exit_code=check_exit_code)


def device_exists(name):
    _out, err = _ip('link', 'show', 'dev', name, check_exit_code=False)
    return not err.strip()


def _add_bridge(bridge):
    try:
        _ip('link', 'add', bridge, 'type', 'bridge')
        LOG.info("Created bridge %s", bridge)
    except processutils.ProcessExecutionError as exc:
        # Another process made it between our check and our add.
        if 'File exists' not in (exc.stderr or ''):
            raise


def _gateway_cidr(network):
    gateway = network.get('gateway')
    if not gateway or not network.get('cidr'):
        return None
    prefix = ipaddress.ip_network(network['cidr'], strict=False).prefixlen
    return f'{gateway}/{prefix}'


@lockutils.synchronized('novalite-ensure-bridge')
def ensure_bridge(bridge, interface=None, gateway_cidr=None, mtu=None):
    """Make ``bridge`` exist and be up, with its uplink and gateway address.

    :param interface: host interface to enslave as the uplink, or None.
    :param gateway_cidr: ``address/prefix`` to put on the bridge, or None.
    :param mtu: MTU to set on the bridge, or None to leave it.
    :raises ProcessExecutionError: an ``ip`` command failed.
    """
    if not device_exists(bridge):
        _add_bridge(bridge)
    if mtu:
        _ip('link', 'set', 'dev', bridge, 'mtu', str(mtu))
    if interface:
        _ip('link', 'set', 'dev', interface, 'master', bridge)
        _ip('link', 'set', 'dev', interface, 'up')
    if gateway_cidr:
        # replace, not add: idempotent when the address is already there.
        _ip('addr', 'replace', gateway_cidr, 'dev', bridge)
    _ip('link', 'set', 'dev', bridge, 'up')


def plug(vif, conf):
    """Prepare the host for one vif before its domain starts."""
    network = vif.get('network') or {}
    gateway = _gateway_cidr(network) if conf.network.bridge_gateway_on_host else None
    ensure_bridge(vif['bridge'], interface=conf.network.bridge_interface,
                  gateway_cidr=gateway, mtu=network.get('mtu'))


def unplug(vif):
    """Delete the vif's tap if libvirt left it; a missing tap is fine."""
    devname = vif.get('devname')
    if devname and device_exists(devname):
        _ip('link', 'del', 'dev', devname, check_exit_code=[0, 1])
        LOG.info("Deleted leftover tap %s", devname)
