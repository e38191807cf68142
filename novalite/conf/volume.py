"""Options of the volume service (``novalite-volume``) and of its clients.

``[volume]`` configures the daemon that owns the iSCSI targets and serves
the Block Storage API v3; ``[cinder]`` tells compute hosts (and the compute
API) where that API is, so that a real Cinder can stand in for it.
"""

from oslo_config import cfg

volume_opts = [
    cfg.StrOpt('volume_driver',
               default='tgt',
               choices=[('tgt', 'sparse files exported as iSCSI LUNs by tgtd, with CHAP'),
                        ('fake', 'no storage at all: volumes are rows with invented '
                                 'targets, for the all-in-one and scale runs')],
               help="""
How the volume service stores and exports volumes.

Related options: ``volumes_dir``, ``target_ip_address``, ``target_port``,
``tgt_control_port``.
"""),
    cfg.StrOpt('volumes_dir',
               default='$state_path/volumes',
               help="""
Directory of the volumes' backing files (one sparse raw file per volume,
named after its id) on the storage host.
"""),
    cfg.HostAddressOpt('target_ip_address',
                       default='127.0.0.1',
                       help="""
Address of the iSCSI portal handed to compute hosts in connection_info. tgtd
must listen there (``tgtd --iscsi portal=ADDRESS:PORT``).

Related options: ``target_port``.
"""),
    cfg.PortOpt('target_port',
                default=3260,
                help="TCP port of the iSCSI portal handed to compute hosts."),
    cfg.StrOpt('target_prefix',
               default='iqn.2010-10.org.novalite:',
               help="Prefix of the targets' IQNs; the volume id follows it."),
    cfg.IntOpt('tgt_control_port',
               help="""
Management port of the tgtd to drive (``tgtadm -C``), for a machine that runs
several tgtd. Unset: tgtd's default instance.
"""),
    cfg.HostAddressOpt('listen',
                       default='0.0.0.0',
                       help="Address the Block Storage API v3 listens on."),
    cfg.PortOpt('port',
                default=8776,
                help="""
TCP port of the Block Storage API v3 (Cinder's wire format). 8776 is the port
clients of Cinder expect in the catalog (``block-storage``/``volumev3``).
"""),
    cfg.StrOpt('storage_availability_zone',
               default='nova',
               help="Availability zone of the volumes this service creates."),
    cfg.StrOpt('default_volume_type',
               default='__DEFAULT__',
               help="Name of the one volume type every volume has (Cinder's default)."),
    cfg.IntOpt('quota_volumes',
               default=10,
               min=-1,
               help="Volumes one project may have; -1 for no limit."),
    cfg.IntOpt('quota_gigabytes',
               default=1000,
               min=-1,
               help="""
GiB of volumes and snapshots one project may have (a snapshot counts its
volume's size, as in Cinder); -1 for no limit.
"""),
    cfg.IntOpt('quota_snapshots',
               default=10,
               min=-1,
               help="Volume snapshots one project may have; -1 for no limit."),
]

cinder_opts = [
    cfg.StrOpt('endpoint_template',
               default='http://127.0.0.1:8776/v3/%(project_id)s',
               help="""
URL of the Block Storage API v3 (novalite-volume or a real Cinder) that the
compute service talks to, ``%(project_id)s`` filled with the caller's
project, as Nova's ``[cinder] endpoint_template``.
"""),
    cfg.StrOpt('service_token',
               default='admin:admin',
               secret=True,
               help="""
Token sent when no user's token is at hand (a compute host cleaning up
on its own, e.g. at start-up). ``user:project`` suits the noauth2 strategy;
under keystone use a long-lived service token or leave clean-up to a user
request.
"""),
    cfg.IntOpt('http_retries',
               default=3,
               min=0,
               help="Retries of a Block Storage request that failed to connect."),
    cfg.IntOpt('timeout',
               default=60,
               min=1,
               help="Seconds to wait for an answer of the Block Storage API."),
]


nova_opts = [
    cfg.StrOpt('endpoint',
               default='http://127.0.0.1:8774/v2.1',
               help="""
URL of the Compute API that the volume service tells when an attached
volume grew (``volume-extended`` external events), as Cinder's ``[nova]``.
"""),
    cfg.StrOpt('service_token',
               default='admin:admin',
               secret=True,
               help="""
Token sent with the external events; the route is for administrators and
services. ``user:project`` of an admin suits the noauth2 strategy; under
keystone use a service user's long-lived token.
"""),
    cfg.IntOpt('timeout',
               default=30,
               min=1,
               help="Seconds to wait for an answer of the Compute API."),
]


def register_opts(conf):
    conf.register_opts(volume_opts, group='volume')
    conf.register_opts(cinder_opts, group='cinder')
    conf.register_opts(nova_opts, group='nova')


def list_opts():
    return {'volume': volume_opts, 'cinder': cinder_opts, 'nova': nova_opts}
