"""Options of the consoles: VNC and serial on the compute hosts, the proxies, the tokens."""

from oslo_config import cfg

vnc_opts = [
    cfg.BoolOpt('enabled',
                default=True,
                help="""
Give libvirt guests a VNC display (and a VGA card) that ``novalite-novncproxy``
can reach, and serve ``novnc`` consoles.

Related options: ``server_listen``, ``server_proxyclient_address``.
"""),
    cfg.HostAddressOpt('server_listen',
                       default='127.0.0.1',
                       help="""
Address the guests' VNC servers listen on, on the compute host. Keep it on
a management network: VNC itself has no authentication here, the proxy's
tokens are the access control.
"""),
    cfg.HostAddressOpt('server_proxyclient_address',
                       default='127.0.0.1',
                       help="""
Address of this compute host that ``novalite-novncproxy`` connects to for
its guests' VNC servers (recorded in each console token).
"""),
    cfg.URIOpt('novncproxy_base_url',
               default='http://127.0.0.1:6080/vnc_lite.html',
               help="""
Public URL of ``novalite-novncproxy``'s noVNC page; console URLs are this
plus ``?path=%3Ftoken%3D<token>``. ``vnc_auto.html`` pages get
``?token=<token>``.
"""),
    cfg.HostAddressOpt('novncproxy_host',
                       default='0.0.0.0',
                       help="Address ``novalite-novncproxy`` listens on."),
    cfg.PortOpt('novncproxy_port',
                default=6080,
                help="Port ``novalite-novncproxy`` listens on."),
    cfg.StrOpt('novnc_web',
               default='/usr/share/novnc',
               help="""
Directory of noVNC's static files (``vnc_lite.html``, ``core/``) that
``novalite-novncproxy`` serves: Debian's ``novnc`` package puts them in
``/usr/share/novnc``.
"""),
]

serial_opts = [
    cfg.BoolOpt('enabled',
                default=False,
                help="""
Give libvirt guests their first serial port as a TCP server (logged to the
console log as before) that ``novalite-serialproxy`` can reach, and serve
``serial`` consoles.

Related options: ``port_range``, ``proxyclient_address``.
"""),
    cfg.StrOpt('port_range',
               default='10000:20000',
               regex=r'^\d+:\d+$',
               help="TCP ports (``MIN:MAX``) the guests' serial ports take on a compute host."),
    cfg.HostAddressOpt('serial_listen',
                       default='127.0.0.1',
                       help="Address the guests' serial TCP ports listen on."),
    cfg.HostAddressOpt('proxyclient_address',
                       default='127.0.0.1',
                       help="Address of this compute host ``novalite-serialproxy`` connects to."),
    cfg.URIOpt('base_url',
               default='ws://127.0.0.1:6083/',
               help="Public URL of ``novalite-serialproxy``; console URLs add ``?token=``."),
    cfg.HostAddressOpt('serialproxy_host',
                       default='0.0.0.0',
                       help="Address ``novalite-serialproxy`` listens on."),
    cfg.PortOpt('serialproxy_port',
                default=6083,
                help="Port ``novalite-serialproxy`` listens on."),
]

consoleauth_opts = [
    cfg.IntOpt('token_ttl',
               default=600,
               min=1,
               help="""
Seconds a console URL's token stays valid. The proxies refuse it afterwards;
a connection opened in time stays open.
"""),
]

GROUPS = {'vnc': vnc_opts, 'serial_console': serial_opts, 'consoleauth': consoleauth_opts}


def register_opts(conf):
    for group, opts in GROUPS.items():
        conf.register_opts(opts, group=group)


def list_opts():
    return dict(GROUPS)
