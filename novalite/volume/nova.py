"""The volume service's client of the Compute API: external events, as Cinder's ``nova.py``.

After an attached volume grew, the servers it is attached to are told with a
``volume-extended`` event (microversion 2.51) so that their hosts resize
the disk their guests see. ``[nova] endpoint`` names the Compute API and
``[nova] service_token`` the token sent (an administrator's: the route is
for services). A failure is logged: the volume did grow; the guest sees it
at its next start.
"""

import requests
from oslo_log import log as logging

from novalite.conf import CONF

LOG = logging.getLogger(__name__)

VERSION = '2.51'


def extend_volume(context, server_ids, volume_id, session=None):
    """Tell the Compute API that ``volume_id``, attached to ``server_ids``, grew."""
    if not server_ids:
        return
    events = [{'name': 'volume-extended', 'server_uuid': server_id, 'tag': volume_id}
              for server_id in server_ids]
    headers = {'X-Auth-Token': CONF.nova.service_token,
               'OpenStack-API-Version': f'compute {VERSION}',
               'X-OpenStack-Request-ID': getattr(context, 'request_id', None) or ''}
    try:
        resp = (session or requests).post(
            CONF.nova.endpoint.rstrip('/') + '/os-server-external-events',
            json={'events': events}, headers=headers, timeout=CONF.nova.timeout)
    except requests.RequestException as exc:
        LOG.error("Could not tell the Compute API that volume %s grew: %s", volume_id, exc)
        return
    if resp.status_code not in (200, 207):
        LOG.error("The Compute API refused the volume-extended events of volume %s: %s %s",
                  volume_id, resp.status_code, resp.text[:300])
    elif resp.status_code == 207:
        LOG.warning("Some servers of volume %s were not told it grew: %s", volume_id,
                    resp.text[:300])
