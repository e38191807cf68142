"""A whole novalite cloud with iSCSI volumes: :class:`fullstack.LibvirtCloud` (or
:class:`twohost.TwoHostCloud`) plus tgtd and ``novalite-volume``.

tgtd runs inside the harness's network namespace, its portal on that
namespace's loopback, where QEMU (run by the private libvirtd) reaches it.
``novalite-volume`` (tgt driver) runs on the host like the other controller
daemons: it drives tgtd with ``tgtadm`` through tgtd's unix control socket,
which a network namespace does not fence off. The Block Storage API listens
on the host's loopback; the compute host, inside the namespace, reaches it
through a :class:`relay.LoopbackRelay` on the same port, so one
``[cinder] endpoint_template`` serves novalite-api and the compute alike
(two hosts: a relay in each namespace).
"""

import os
import re

import requests

from novalite.cli import client as novalite_client
from tests.integration import tgt
from tests.integration.cloud import free_port
from tests.integration.libvirt import fullstack, relay, twohost


class VolumeService:
    """tgtd and ``novalite-volume`` for a libvirt cloud, reached from each compute
    namespace in ``harnesses``; mixed in before the cloud class.

    :raises tgt.TgtUnavailable: from :meth:`start`, where tgtd cannot run.
    """

    def _add_volume_service(self, harnesses, portal_addr='127.0.0.1'):
        # tgtd in the first namespace: its portal on an address of that namespace.
        self.tgtd = tgt.TgtServer(netns=harnesses[0].name, portal_addr=portal_addr)
        self.volume_port = free_port()
        self.volume_url = f'http://127.0.0.1:{self.volume_port}/v3'
        volume = {'volume_driver': 'tgt', 'listen': '127.0.0.1', 'port': self.volume_port,
                  'volumes_dir': os.path.join(self.workdir, 'volumes'),
                  'target_ip_address': portal_addr, 'target_port': self.tgtd.portal_port,
                  'tgt_control_port': self.tgtd.control_port}
        sections = {'volume': volume,
                    'cinder': {'endpoint_template': self.volume_url + '/%(project_id)s'},
                    'nova': {'endpoint': self.client.endpoint},
                    'compute': {'block_device_allocate_retries_interval': 0.5}}
        for section, values in sections.items():
            self.options.setdefault(section, {}).update(values)
        self.volume_relays = [relay.LoopbackRelay(harness, self.volume_port)
                              for harness in harnesses]
        self.client = novalite_client.Client(self.client.endpoint, timeout=60,
                                             volume_endpoint=self.volume_url + '/admin')

    def start(self):
        self.tgtd.start()
        for each in self.volume_relays:
            each.start()
        super().start()
        try:
            self.spawn('volume', 'novalite-volume',
                       os.path.join(self.workdir, 'controller.conf'))
            self.wait_for(lambda: requests.get(self.volume_url + '/', timeout=5).ok,
                          'the Block Storage API to answer')
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        try:
            super().stop()
        finally:
            for each in self.volume_relays:
                each.stop()
            self.tgtd.stop()

    # The Block Storage API
    def volume(self, volume_id):
        """The volume as the Block Storage API shows it, or None once it is gone."""
        try:
            return self.client.volumes.get(volume_id)
        except novalite_client.NotFound:
            return None

    def create_volume(self, size=1, name='data', image=None):
        """A new volume (blank, or of ``image``), once ``available``; returns it."""
        volume = self.client.volumes.create(size, name=name, image=image)
        return self.wait_volume(volume['id'], 'available')

    def wait_volume(self, volume_id, *statuses, timeout=60):
        """The volume once its status is one of ``statuses``; returns it."""
        found = {}

        def settled():
            found['volume'] = self.volume(volume_id)
            return found['volume'] and found['volume']['status'] in statuses
        self.wait_for(settled, f'volume {volume_id} to be one of {statuses}', timeout=timeout)
        return found['volume']

    def delete_volume(self, volume_id):
        """Delete a volume and wait until it is gone."""
        self.client.volumes.delete(volume_id)
        self.wait_for(lambda: self.volume(volume_id) is None, f'volume {volume_id} deleted')

    # tgtd's view
    def sessions(self, volume_id):
        """The initiator address of each iSCSI connection tgtd holds on the volume's target."""
        found, current = [], None
        for line in self.tgtd.targets().splitlines():
            target = re.match(r'^Target \d+: (\S+)', line)
            if target:
                current = target.group(1)
            address = re.match(r'^\s+IP Address: (\S+)', line)
            if address and current and current.endswith(volume_id):
                found.append(address.group(1))
        return found

    def session_addresses(self, volume_id):
        """The initiator addresses of the iSCSI sessions tgtd holds on the volume's target."""
        return set(self.sessions(volume_id))

    def attachments(self, volume_id):
        """Every attachment of the volume (reserved, attaching or attached), as the
        attachments API (3.27+) lists them: ``[{'id', 'status', 'instance', ...}]``."""
        resp = requests.get(f'{self.volume_url}/admin/attachments',
                            params={'volume_id': volume_id}, timeout=30,
                            headers={'OpenStack-API-Version': 'volume 3.44',
                                     'X-Auth-Token': 'admin:admin'})
        resp.raise_for_status()
        return resp.json()['attachments']

    def target_iqns(self):
        """The IQNs of the targets tgtd exports now."""
        return set(re.findall(r'^Target \d+: (\S+)', self.tgtd.targets(), re.MULTILINE))


class VolumeCloud(VolumeService, fullstack.LibvirtCloud):
    """api, conductor, scheduler, novalite-volume (tgt) and one libvirt compute host."""

    def __init__(self, harness, workdir, db_url, options=None):
        super().__init__(harness, workdir, db_url, options=options)
        self._add_volume_service([harness])


class TwoHostVolumeCloud(VolumeService, twohost.TwoHostCloud):
    """:class:`twohost.TwoHostCloud` with novalite-volume: tgtd runs in host A's
    namespace with its portal on A's veth address, which QEMU on either host
    reaches, so a guest keeps its volume when it moves; each host's sessions
    show as coming from its own address."""

    def __init__(self, pair, workdir, db_url, **kwargs):
        super().__init__(pair, workdir, db_url, **kwargs)
        self._add_volume_service(pair.hosts, portal_addr=twohost.ADDRESSES[0])
