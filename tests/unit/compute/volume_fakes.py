"""In-memory stand-ins for what a compute host's volume steps talk to: the volume
API's attachments, the conductor's block device mappings and a host's driver."""

import itertools


class Attachments:
    """The attachments API as novalite-volume keeps it: one row per attachment."""

    def __init__(self):
        self.rows = {}
        self._ids = itertools.count(1)

    def attachment_create(self, context, volume_id, instance_uuid, connector=None):
        attachment_id = f'a-{next(self._ids)}'
        self.rows[attachment_id] = {'volume_id': volume_id, 'server': instance_uuid,
                                    'host': None, 'status': 'reserved'}
        return {'id': attachment_id}

    def attachment_update(self, context, attachment_id, connector, mountpoint=None):
        row = self.rows[attachment_id]
        row.update(host=connector['host'], status='attaching')
        return {'id': attachment_id, 'connection_info': {
            'driver_volume_type': 'iscsi',
            'data': {'target_portal': '10.0.0.1:3260', 'target_iqn': 'iqn.x:' + row['volume_id'],
                     'initiator_seen': connector['initiator']}}}

    def attachment_complete(self, context, attachment_id):
        self.rows[attachment_id]['status'] = 'attached'

    def attachment_delete(self, context, attachment_id):
        self.rows.pop(attachment_id, None)

    def of(self, volume_id):
        """``[(host, status)]`` of the volume's attachments."""
        return [(row['host'], row['status']) for row in self.rows.values()
                if row['volume_id'] == volume_id]


class Mappings:
    """The conductor's block device mapping calls over a dict of mappings."""

    def __init__(self, *bdms):
        self.bdms = {bdm['uuid']: dict(bdm) for bdm in bdms}

    def bdm_get_by_instance(self, context, instance_uuid):
        return [dict(bdm) for bdm in self.bdms.values()]

    def bdm_update(self, context, bdm_uuid, values):
        self.bdms[bdm_uuid].update(values)
        return dict(self.bdms[bdm_uuid])


class HostVolumes:
    """A host's driver as far as volumes go: which ones it is connected to."""

    def __init__(self, host):
        self.host = host
        self.connected = {}

    def get_volume_connector(self, instance):
        return {'host': self.host, 'initiator': f'iqn.x:{self.host}'}

    def connect_volume(self, connection_info, mountpoint):
        self.connected[connection_info['serial']] = connection_info
        return f"<disk serial='{connection_info['serial']}' host='{self.host}'/>"

    def disconnect_volume(self, connection_info):
        self.connected.pop(connection_info['serial'], None)


def attached_volume(attachments, volume_id, host):
    """A mapping of ``volume_id`` attached and connected on ``host``."""
    made = attachments.attachment_create(None, volume_id, 'i-1')
    info = attachments.attachment_update(None, made['id'], {'host': host,
                                                            'initiator': f'iqn.x:{host}'})
    attachments.attachment_complete(None, made['id'])
    info = dict(info['connection_info'], serial=volume_id)
    return {'uuid': 'b-' + volume_id, 'volume_id': volume_id, 'attachment_id': made['id'],
            'device_name': '/dev/vdb', 'connection_info': info}
