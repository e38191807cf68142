"""What the conductor calls to give servers their network.

Compute hosts hold no database credentials: they ask the conductor, which
calls these functions and hands back ``network_info`` (see
:mod:`novalite.network.model`). All calls are idempotent, so a retried build
or delete converges.
"""

from oslo_log import log as logging

from novalite.conf import CONF
from novalite.db import networks as db_networks
from novalite.network import model

LOG = logging.getLogger(__name__)

NoMoreFixedIps = db_networks.NoMoreFixedIps


def ensure_network(conf=None):
    """The configured flat network as a dict, created on first use."""
    return db_networks.network_ensure(conf or CONF)


def allocate_for_instance(context, instance_uuid, host, conf=None):
    """Give ``instance_uuid`` a fixed IP; returns its ``network_info``.

    An instance that already holds an address gets the same one back.

    :param host: compute host the server builds on; every host plugs into the
        same-named bridge on the flat network, so it only shows in the log.
    :raises NoMoreFixedIps: the network has no free address left.
    :raises Invalid: the ``[network]`` options are malformed.
    """
    network = ensure_network(conf)
    network_info = db_networks.fixed_ip_allocate(
        network, instance_uuid, lambda fixed_ip: [model.vif(fixed_ip, network)])
    LOG.info("Instance %s on host %s has fixed IP %s", instance_uuid, host,
             model.fixed_addresses(network_info)[0])
    return network_info


def deallocate_for_instance(context, instance_uuid):
    """Release the fixed IPs of ``instance_uuid``. Harmless if it holds none."""
    released = db_networks.fixed_ip_release(instance_uuid)
    if released:
        LOG.info("Released %d fixed IP(s) of instance %s", released, instance_uuid)


def get_network_info(instance_uuid):
    """The instance's ``network_info`` (empty when it holds no address, or is gone)."""
    return db_networks.network_info_get(instance_uuid)
