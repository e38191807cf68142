"""The volume service's client of the Compute API: external events, as Cinder's ``nova.py``.

After an attached volume grew, the servers it is attached to are told with a
``volume-extended`` event (microversion 2.51) so that their hosts resize
the disk their guests see; after a volume reserved for a server was
re-imaged, the server is told with ``volume-reimaged`` (2.93), ``completed``
or ``failed``, as Cinder tells a Nova rebuilding it. ``[nova] endpoint``
names the Compute API and ``[nova] service_token`` the token sent (an
administrator's: the route is for services). A failure is logged: the
volume did change; a compute host that waits for the event and never gets
it gives up after its own timeout.
"""

import requests
from oslo_log import log as logging

from novalite.conf import CONF

LOG = logging.getLogger(__name__)


def extend_volume(context, server_ids, volume_id, session=None):
    """Tell the Compute API that ``volume_id``, attached to ``server_ids``, grew."""
    _send(context, server_ids, volume_id, 'volume-extended', '2.51', session=session)


def volume_reimaged(context, server_ids, volume_id, status='completed', session=None):
    """Tell the Compute API that ``volume_id``, held by ``server_ids``, was re-imaged."""
    _send(context, server_ids, volume_id, 'volume-reimaged', '2.93', status, session)


def _send(context, server_ids, volume_id, name, version, status=None, session=None):
    if not server_ids:
        return
    events = [dict({'name': name, 'server_uuid': server_id, 'tag': volume_id},
                   **({'status': status} if status else {}))
              for server_id in server_ids]
    headers = {'X-Auth-Token': CONF.nova.service_token,
               'OpenStack-API-Version': f'compute {version}',
               'X-OpenStack-Request-ID': getattr(context, 'request_id', None) or ''}
    try:
        resp = (session or requests).post(
            CONF.nova.endpoint.rstrip('/') + '/os-server-external-events',
            json={'events': events}, headers=headers, timeout=CONF.nova.timeout)
    except requests.RequestException as exc:
        LOG.error("Could not send %s events of volume %s to the Compute API: %s", name,
                  volume_id, exc)
        return
    if resp.status_code not in (200, 207):
        LOG.error("The Compute API refused the %s events of volume %s: %s %s", name,
                  volume_id, resp.status_code, resp.text[:300])
    elif resp.status_code == 207:
        LOG.warning("Some servers of volume %s were not sent %s: %s", volume_id, name,
                    resp.text[:300])
