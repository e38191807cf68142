"""Two libvirt "hosts" on one machine, and a novalite cloud with a compute on each.

:class:`HostPair` starts two :class:`harness.LibvirtHarness` daemons, each in
its own network, mount and UTS namespace with its own hostname and
``host_uuid`` (libvirt refuses to migrate to a peer with the same name or
uuid), joined by a veth pair: host A is ``10.253.0.1``, host B
``10.253.0.2``, and each libvirtd serves ``qemu+tcp`` on its address, which
is how the hosts reach each other for live migration and disk transfer.
Each namespace gets the same guest bridge with the same MAC address, so a
guest's gateway (the bridge's address) answers from the same MAC on either
host and a migrated guest keeps pinging without a new ARP exchange.

:class:`TwoHostCloud` is the libvirt full-stack cloud with ``compute1`` in
A and ``compute2`` in B, each ``novalite-compute`` run in its host's
namespace with its own instances path, RabbitMQ reached through a
:class:`relay.LoopbackRelay` per namespace. The rebuild/evacuate tests may
use it too.
"""

import contextlib
import os
import pathlib
import uuid

import libvirt
import pytest
import sqlalchemy as sa

from tests.integration import cloud as cloud_mod
from tests.integration.libvirt import fullstack, relay
from tests.integration.libvirt import harness as harness_mod

SUBNET_PREFIX = 24
ADDRESSES = ('10.253.0.1', '10.253.0.2')
BRIDGE_MAC = '02:fb:00:00:00:01'


class HostPair:
    """Two private libvirtds that can migrate to each other."""

    def __init__(self, prefix=None):
        prefix = prefix or f'novalite-mv{os.getpid()}'
        self.hosts = [harness_mod.LibvirtHarness(
            name=f'{prefix}-{letter}', hostname=f'{prefix}-{letter}',
            host_uuid=str(uuid.uuid4()), listen_addr=address)
            for letter, address in zip('ab', ADDRESSES, strict=True)]
        self._veth = f'{prefix[-8:]}v'

    @property
    def a(self):
        return self.hosts[0]

    @property
    def b(self):
        return self.hosts[1]

    def start(self):
        """Both namespaces, the veth between them and the bridges, then both daemons.

        :raises HarnessUnavailable: as :meth:`harness.LibvirtHarness.start`.
        """
        try:
            for host in self.hosts:
                host.create_namespace()
            self._link()
            for host in self.hosts:
                host.start_daemons()
        except BaseException:
            self.stop()
            raise
        return self

    def _link(self):
        run = harness_mod._run
        run('ip', '-n', self.a.name, 'link', 'add', self._veth + 'a', 'type', 'veth', 'peer',
            'name', self._veth + 'b', 'netns', self.b.name)
        for host, letter, address in zip(self.hosts, 'ab', ADDRESSES, strict=True):
            dev = self._veth + letter
            run('ip', '-n', host.name, 'addr', 'add', f'{address}/{SUBNET_PREFIX}', 'dev', dev)
            run('ip', '-n', host.name, 'link', 'set', dev, 'up')
            # The guest bridge, made before any compute does, with the shared MAC.
            run('ip', '-n', host.name, 'link', 'add', fullstack.BRIDGE, 'address', BRIDGE_MAC,
                'type', 'bridge')

    def stop(self):
        for host in self.hosts:
            host.stop()

    def tcp_uri(self, index):
        """The ``qemu+tcp`` URI of host ``index`` as its peer reaches it."""
        return f'qemu+tcp://{ADDRESSES[index]}/system'


class TwoHostCloud(fullstack.LibvirtCloud):
    """api, conductor, scheduler; ``compute1`` on host A and ``compute2`` on host B.

    :param pair: a started :class:`HostPair`.
    :param options: extra options for every daemon, merged over the defaults.
    :param compute_options: ``{section: {key: value}}`` for both computes.
    :param compute_wrapper: a command each compute runs through, inside its
        namespace (e.g. one that mounts files only the compute sees).
    """

    HOSTS = ('compute1', 'compute2')

    def __init__(self, pair, workdir, db_url, options=None, compute_options=None,
                 compute_wrapper=()):
        self.pair = pair
        self.compute_wrapper = list(compute_wrapper)
        self.harness = pair.a
        self.instances_paths = {host: os.path.join(str(workdir), host, 'instances')
                                for host in self.HOSTS}
        self.instances_path = self.instances_paths['compute1']
        per_host = {}
        for host, harness, address in zip(self.HOSTS, pair.hosts, ADDRESSES, strict=True):
            sections = {
                'DEFAULT': {'compute_driver': 'libvirt', 'my_ip': address,
                            'instances_path': self.instances_paths[host]},
                'libvirt': {'connection_uri': harness.uri, 'virt_type': 'qemu',
                            'spawn_timeout': 60}}
            for section, values in (compute_options or {}).items():
                sections.setdefault(section, {}).update(values)
            per_host[host] = sections
        common = {'network': {'bridge': fullstack.BRIDGE, 'cidr': fullstack.CIDR,
                              'label': fullstack.NETWORK_LABEL},
                  'compute': {'shutdown_timeout': 30}}
        for section, values in (options or {}).items():
            common.setdefault(section, {}).update(values)
        cloud_mod.Cloud.__init__(self, workdir, db_url, computes=2, options=common,
                                 compute_options=per_host)
        self.relays = [relay.LoopbackRelay(harness, fullstack.RABBIT_PORT)
                       for harness in pair.hosts]

    def harness_of(self, host):
        return self.pair.hosts[self.HOSTS.index(host)]

    def start_compute(self, host):
        conf = self._write_conf(host, host, database=False)
        self.spawn(host, 'novalite-compute', conf,
                   prefix=['ip', 'netns', 'exec', self.harness_of(host).name,
                           *self.compute_wrapper])

    def start(self):
        for each in self.relays:
            each.start()
        try:
            return cloud_mod.Cloud.start(self)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        try:
            cloud_mod.Cloud.stop(self)
        finally:
            for each in self.relays:
                each.stop()
            for host in self.pair.hosts:
                host.destroy_domains()

    # The hypervisors' view
    def domain_on(self, host, server_id):
        """The server's libvirt domain on ``host`` (``compute1``/``compute2``), or None."""
        conn = libvirt.open(self.harness_of(host).uri)
        try:
            return conn.lookupByName(f'instance-{server_id}')
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return None
            raise

    def running_on(self, server_id):
        """The hosts whose libvirtd runs the server's domain."""
        found = []
        for host in self.HOSTS:
            dom = self.domain_on(host, server_id)
            if dom is not None and dom.isActive():
                found.append(host)
        return found

    def instance_dir_on(self, host, server_id):
        return pathlib.Path(self.instances_paths[host], server_id)


def start_pair():
    """A started :class:`HostPair`; the calling test is skipped where libvirtd cannot run."""
    try:
        return HostPair().start()
    except harness_mod.HarnessUnavailable as exc:
        pytest.skip(f"libvirtd unavailable: {exc}")


@contextlib.contextmanager
def running_cloud(pair, guest_files, workdir, flavors, cloud_class=TwoHostCloud, **kwargs):
    """A started :class:`TwoHostCloud` (or ``cloud_class``) on SQLite with ``flavors``
    created, the test guest registered (``.images``) and an engine on its database (``.db``).

    The calling test is skipped without a message bus; ``kwargs`` go to the cloud.
    """
    reason = fullstack.rabbit_unavailable()
    if reason:
        pytest.skip(f'no message bus for the daemons: {reason}')
    started = cloud_class(pair, workdir, f'sqlite:///{workdir}/novalite.sqlite',
                          **kwargs).start()
    try:
        for flavor in flavors:
            started.client.flavors.create(**flavor)
        started.images = started.register_guest(guest_files)
        started.db = sa.create_engine(started.db_url)
        yield started
    finally:
        if getattr(started, 'db', None) is not None:
            started.db.dispose()
        started.stop()
