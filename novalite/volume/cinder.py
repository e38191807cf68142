"""The compute side's client of the Block Storage API v3: novalite-volume or a real Cinder.

What Nova's ``nova/volume/cinder.py`` does, over plain HTTP: volumes get,
create (blank, from an image or a snapshot) and delete, snapshots of
volume-backed servers (create with ``force``, get, delete), the project's
absolute limits, the attachments flow of microversion 3.44 (create,
update with the host connector, complete, delete, list a server's) and the re-image of a
boot volume (``os-reimage``, 3.68). Compute never reads the volume tables.
The endpoint is ``[cinder] endpoint_template`` filled with the caller's
project; requests carry the caller's token, or ``[cinder] service_token``
when there is no caller (a host cleaning up by itself).

The attachments API returns connection_info flat; :func:`translate_connection_info`
shapes it as Nova's virt drivers take it: ``driver_volume_type`` and ``data``.
"""

from oslo_log import log as logging

from novalite import exception
from novalite.conf import CONF

LOG = logging.getLogger(__name__)

VERSION = '3.44'
# os-reimage exists from 3.68 only; every other request keeps 3.44.
REIMAGE_VERSION = '3.68'
# Keys of the flat connection_info that describe the attachment, not the target.
_ATTACHMENT_KEYS = ('attachment_id', 'status', 'instance', 'attach_mode', 'attached_at',
                    'detached_at')


def translate_connection_info(flat):
    """``{'driver_volume_type', 'data': {...}}`` from the attachments API's flat dict."""
    data = {key: value for key, value in flat.items()
            if key not in _ATTACHMENT_KEYS and key != 'driver_volume_type'}
    return {'driver_volume_type': flat.get('driver_volume_type'), 'data': data}


class API:
    """Volumes and attachments on behalf of a request context."""

    def __init__(self, session=None):
        self._session = session

    @property
    def session(self):
        """The HTTP session, made at the first request.

        requests is imported here, not at the top: it costs every compute
        host about 5 MiB, and a host that serves no volume never needs it.
        """
        if self._session is None:
            import requests
            self._session = requests.Session()
            self._session.mount('http://', requests.adapters.HTTPAdapter(
                max_retries=CONF.cinder.http_retries))
        return self._session

    def _url(self, context, path):
        project = context.project_id or 'admin'
        return CONF.cinder.endpoint_template % {'project_id': project} + path

    def _request(self, context, method, path, body=None, version=VERSION):
        headers = {'OpenStack-API-Version': f'volume {version}',
                   'X-Auth-Token': context.auth_token or CONF.cinder.service_token,
                   # Cinder asks Nova before deleting an attachment unless the
                   # caller is a service: this is the service.
                   'X-Service-Roles': 'service',
                   'X-OpenStack-Request-ID': context.request_id or ''}
        session = self.session
        import requests  # imported by the session's creation: no cost here

        try:
            resp = session.request(method, self._url(context, path), json=body,
                                   headers=headers, timeout=CONF.cinder.timeout)
        except requests.RequestException as exc:
            raise exception.VolumeServiceError(reason=str(exc)) from exc
        if resp.status_code == 404:
            raise exception.NotFound(_fault_message(resp))
        if resp.status_code >= 400:
            error = exception.VolumeServiceError(reason=_fault_message(resp))
            error.code = resp.status_code if resp.status_code < 500 else 500
            raise error
        return resp.json() if resp.content else None

    # --- volumes ---------------------------------------------------------------

    def get(self, context, volume_id):
        """:raises VolumeNotFound:"""
        try:
            return self._request(context, 'GET', f'/volumes/{volume_id}')['volume']
        except exception.NotFound:
            raise exception.VolumeNotFound(volume_id=volume_id) from None

    def create(self, context, size, name, image_id=None, description=None, volume_type=None,
               snapshot_id=None):
        """A new volume (``creating``): blank, from ``image_id`` or from ``snapshot_id``
        (``size`` None: the snapshot's)."""
        body = {'volume': {'size': size, 'name': name, 'description': description}}
        if image_id:
            body['volume']['imageRef'] = image_id
        if snapshot_id:
            body['volume']['snapshot_id'] = snapshot_id
        if volume_type:
            body['volume']['volume_type'] = volume_type
        return self._request(context, 'POST', '/volumes', body)['volume']

    def reimage(self, context, volume_id, image_id, reimage_reserved=False):
        """Write ``image_id`` over the volume's data (it goes ``downloading``, then back
        to its status, or to ``error``).

        :raises VolumeServiceError: refused, with the API's code (400: a status
            that cannot be re-imaged, or a Block Storage API older than 3.68).
        """
        self._request(context, 'POST', f'/volumes/{volume_id}/action',
                      {'os-reimage': {'image_id': image_id,
                                      'reimage_reserved': reimage_reserved}},
                      version=REIMAGE_VERSION)

    def volume_types(self, context):
        """The volume types the caller may use: ``[{'id', 'name', ...}]``."""
        return self._request(context, 'GET', '/types')['volume_types']

    def delete(self, context, volume_id):
        self._request(context, 'DELETE', f'/volumes/{volume_id}')

    def get_absolute_limits(self, context):
        """The project's absolute limits (``maxTotalSnapshots``, ``totalSnapshotsUsed``...)."""
        return self._request(context, 'GET', '/limits')['limits']['absolute']

    def begin_detaching(self, context, volume_id):
        """Mark the volume ``detaching``.

        :raises VolumeServiceError: refused, with the API's code (400: not attached).
        """
        self._request(context, 'POST', f'/volumes/{volume_id}/action',
                      {'os-begin_detaching': {}})

    def roll_detaching(self, context, volume_id):
        """A detach that did not happen: the volume is ``in-use`` again."""
        self._request(context, 'POST', f'/volumes/{volume_id}/action',
                      {'os-roll_detaching': {}})

    # --- snapshots ---------------------------------------------------------------

    def create_snapshot_force(self, context, volume_id, name, description):
        """Snapshot a volume even while it is in use; returns the snapshot (``creating``)."""
        body = {'snapshot': {'volume_id': volume_id, 'force': True, 'name': name,
                             'description': description}}
        return self._request(context, 'POST', '/snapshots', body)['snapshot']

    def get_snapshot(self, context, snapshot_id):
        """:raises SnapshotNotFound:"""
        try:
            return self._request(context, 'GET', f'/snapshots/{snapshot_id}')['snapshot']
        except exception.NotFound:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id) from None

    def delete_snapshot(self, context, snapshot_id):
        self._request(context, 'DELETE', f'/snapshots/{snapshot_id}')

    # --- attachments -------------------------------------------------------------

    def attachment_create(self, context, volume_id, instance_uuid, connector=None):
        """Reserve the volume for the server; returns the attachment.

        :raises VolumeServiceError: refused, with the API's code (400: not available).
        """
        body = {'attachment': {'volume_uuid': volume_id, 'instance_uuid': instance_uuid}}
        if connector:
            body['attachment']['connector'] = connector
        return self._request(context, 'POST', '/attachments', body)['attachment']

    def attachment_update(self, context, attachment_id, connector, mountpoint=None):
        """Send the host connector; returns the attachment with translated connection_info."""
        connector = dict(connector, mountpoint=mountpoint) if mountpoint else connector
        attachment = self._request(context, 'PUT', f'/attachments/{attachment_id}',
                                   {'attachment': {'connector': connector}})['attachment']
        attachment['connection_info'] = translate_connection_info(
            attachment.get('connection_info') or {})
        return attachment

    def attachment_list(self, context, volume_id, instance_uuid):
        """The server's attachments of the volume: ``[{'id', 'status', 'connection_info'
        (flat, ``{}`` until a connector was sent), ...}]``."""
        return self._request(context, 'GET', f'/attachments/detail?volume_id={volume_id}'
                                             f'&instance_id={instance_uuid}')['attachments']

    def attachment_complete(self, context, attachment_id):
        self._request(context, 'POST', f'/attachments/{attachment_id}/action',
                      {'os-complete': None})

    def attachment_delete(self, context, attachment_id):
        """Forget an attachment; one already gone is fine."""
        try:
            self._request(context, 'DELETE', f'/attachments/{attachment_id}')
        except exception.NotFound:
            LOG.debug("Attachment %s was already deleted", attachment_id)


def _fault_message(resp):
    try:
        body = resp.json()
    except ValueError:
        return f'{resp.status_code} {resp.text[:200]}'
    if isinstance(body, dict) and len(body) == 1:
        fault = next(iter(body.values()))
        if isinstance(fault, dict) and 'message' in fault:
            return fault['message']
    return f'{resp.status_code} {resp.text[:200]}'
