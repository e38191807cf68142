"""Remote consoles: from a server to a console URL with a fresh token.

The compute host says where its guest's VNC display or serial port is; the
API stores a token for that ``host:port`` (valid ``[consoleauth]
token_ttl`` seconds) and answers the proxy's URL carrying it. The proxies
look the token up in the same table, so nothing else links the URL to the
guest.
"""

import urllib.parse

from novalite import exception
from novalite.compute import vm_states
from novalite.conf import CONF
from novalite.db import console_auth_tokens

CONSOLE_TYPES = ('novnc', 'serial')


def _base_url(console_type):
    return CONF.vnc.novncproxy_base_url if console_type == 'novnc' \
        else CONF.serial_console.base_url


def console_url(console_type, token):
    """The URL a client opens. noVNC's ``vnc_lite.html`` takes the websocket
    path (``?token=...``) as its ``path`` parameter; other pages the token itself."""
    base = _base_url(console_type)
    if console_type == 'novnc' and 'vnc_lite.html' in base:
        query = 'path=' + urllib.parse.quote(f'?token={token}', safe='')
    else:
        query = 'token=' + urllib.parse.quote(token, safe='')
    return f"{base}{'&' if '?' in base else '?'}{query}"


def _check_enabled(console_type):
    enabled = CONF.vnc.enabled if console_type == 'novnc' else CONF.serial_console.enabled
    if console_type not in CONSOLE_TYPES or not enabled:
        raise exception.ConsoleTypeUnavailable(console_type=console_type)


def get_console(context, compute_rpcapi, instance, console_type):
    """``{'type', 'url'}`` of a new console of ``instance``.

    :raises ConsoleTypeUnavailable: the type is unknown or not enabled (400).
    :raises InstanceNotReady: the server has no running guest yet (409).
    """
    _check_enabled(console_type)
    if not instance['host'] or instance['vm_state'] in (vm_states.BUILDING,
                                                         vm_states.ERROR):
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    where = compute_rpcapi.get_console_endpoint(context, instance, console_type)
    token = console_auth_tokens.token_create(
        instance['uuid'], console_type, where['host'], where['port'],
        CONF.consoleauth.token_ttl, access_url_base=_base_url(console_type))
    return {'type': console_type, 'url': console_url(console_type, token['token'])}
