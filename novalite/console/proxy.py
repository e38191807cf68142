"""``novalite-novncproxy`` and ``novalite-serialproxy``: websockify in front of the
compute hosts' VNC displays and serial ports.

A browser (noVNC) or a serial client opens a WebSocket with ``?token=...``;
the proxy looks the token up in the console auth tokens table (the proxies
run with the API's database access) and connects to the ``host:port`` it
names, or drops the connection before the handshake when the token is
unknown, expired, or made for the other kind of console. websockify serves
each connection in a child process, so a slow guest never blocks the others.

These entry points are not under :mod:`novalite.cmd`: websockify forks per
connection and does its own I/O, and must not run on eventlet's
monkey-patched modules.
"""

import sys

from oslo_log import log as logging
from websockify import token_plugins, websocketproxy

from novalite import config, exception
from novalite.conf import CONF
from novalite.db import console_auth_tokens

LOG = logging.getLogger(__name__)


class TokenPlugin(token_plugins.BasePlugin):
    """websockify's token lookup, answered by the console auth tokens table.

    :param src: the console type this proxy serves (``novnc`` or ``serial``).
    """

    def lookup(self, token):
        """``(host, port)`` of a valid token of this proxy's type, else None."""
        try:
            found = console_auth_tokens.token_validate(token)
        except exception.InvalidToken:
            LOG.info("Refused a %s console: unknown or expired token", self.source)
            return None
        if found['console_type'] != self.source:
            LOG.info("Refused a %s token at the %s proxy", found['console_type'], self.source)
            return None
        LOG.info("Console %s of instance %s: connecting to %s:%s", self.source,
                 found['instance_uuid'], found['host'], found['port'])
        return found['host'], str(found['port'])


def make_proxy(console_type, host, port, web=''):
    """A websockify server for ``console_type`` tokens on ``host:port``."""
    return websocketproxy.WebSocketProxy(
        listen_host=host, listen_port=port, web=web, token_plugin=TokenPlugin(console_type),
        RequestHandlerClass=websocketproxy.ProxyRequestHandler, daemon=False,
        verbose=CONF.debug, heartbeat=30)


def novnc_main():
    """``novalite-novncproxy``: noVNC's pages and the VNC WebSocket proxy."""
    config.parse_args(sys.argv[1:])
    _serve_parsed('novnc', CONF.vnc.novncproxy_host, CONF.vnc.novncproxy_port,
                  CONF.vnc.novnc_web)


def serial_main():
    """``novalite-serialproxy``: the serial-port WebSocket proxy."""
    config.parse_args(sys.argv[1:])
    _serve_parsed('serial', CONF.serial_console.serialproxy_host,
                  CONF.serial_console.serialproxy_port)


def _serve_parsed(console_type, host, port, web=''):
    LOG.info("novalite %s proxy on %s:%s", console_type, host, port)
    make_proxy(console_type, host, port, web).start_server()
