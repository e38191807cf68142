"""Options of the metadata service (``novalite-metadata``) and the proxy secret it shares."""

from oslo_config import cfg

metadata_opts = [
    cfg.HostAddressOpt('metadata_listen',
                       default='0.0.0.0',
                       help="""
IP address ``novalite-metadata`` listens on. Neutron's metadata proxies (or
whatever forwards the instances' requests to 169.254.169.254) must reach it.

Related options: ``metadata_listen_port``.
"""),
    cfg.PortOpt('metadata_listen_port',
                default=8775,
                help="""
TCP port ``novalite-metadata`` listens on. 8775 is the port Neutron's
metadata agent forwards to (its ``nova_metadata_port``).

Related options: ``metadata_listen``.
"""),
    cfg.IntOpt('metadata_workers',
               min=1,
               help="""
Number of processes serving the metadata API, sharing one listening socket.

Possible values:

* Unset (the default): the number of CPUs of the host.
* Any positive integer: that many processes.
"""),
    cfg.StrOpt('dhcp_domain',
               default='novalocal',
               help="""
Domain appended to an instance's hostname where its metadata gives it
(``hostname`` in ``meta_data.json``, ``hostname``, ``local-hostname`` and
``public-hostname`` in the EC2 tree), on the config drive and from
``novalite-metadata`` alike: ``web`` becomes ``web.novalocal``, as Nova
does. The hostname is the one the API shows (``OS-EXT-SRV-ATTR:hostname``),
made from the server's name or, from 2.90, set by the user.

Possible values:

* A domain name (the default ``novalocal`` is Nova's).
* The empty string: the hostname as it is, which a server given a fully
  qualified hostname (2.94) needs to be told its own name unchanged.

Set it alike where ``novalite-metadata`` runs and on the compute hosts,
which write the config drive.
"""),
    cfg.BoolOpt('metadata_by_remote_address',
                default=False,
                help="""
Also answer requests that do not name their instance in ``X-Instance-ID``:
they come from the instance holding the fixed IP they were sent from, the
first address of ``X-Forwarded-For`` or else the peer's address.

Enable it only when every request reaches ``novalite-metadata`` through a
proxy that sets ``X-Forwarded-For`` itself (or directly from the
instances' network): anyone who can reach the port and write that header
reads the metadata, user data included, of any instance.

Related options: ``[neutron] metadata_proxy_shared_secret`` signs the
requests that do name their instance.
"""),
]

neutron_opts = [
    cfg.StrOpt('metadata_proxy_shared_secret',
               default='',
               secret=True,
               help="""
The secret Neutron's metadata agent signs each proxied request with: its
``X-Instance-ID-Signature`` header is the HMAC-SHA256 of ``X-Instance-ID``
under this secret, and ``novalite-metadata`` refuses (403) a request whose
signature does not match. Set the same value as the metadata agent's
``metadata_proxy_shared_secret``.

Related options: ``[api] metadata_by_remote_address``.
"""),
]


def register_opts(conf):
    conf.register_opts(metadata_opts, group='api')
    conf.register_opts(neutron_opts, group='neutron')


def list_opts():
    return {'api': metadata_opts, 'neutron': neutron_opts}
