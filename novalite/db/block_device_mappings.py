"""Block device mappings: which volumes a server has, where, and how they connect.

Rows are written by the compute API (an attach reserves its device name
here, a boot from volume records its mappings) and, through the conductor,
by compute hosts (connection_info once attached, removal on detach).
"""

import json
import uuid

from novalite import exception
from novalite.db import engine, models
from novalite.db.models import utcnow

_BDM = models.BlockDeviceMapping
_DEVICE_PREFIX = '/dev/vd'
_LETTERS = 'abcdefghijklmnopqrstuvwxyz'


def _decode(row):
    values = row.as_dict()
    values['connection_info'] = json.loads(values['connection_info']) \
        if values['connection_info'] else None
    return values


def _encode(values):
    values = dict(values)
    if values.get('connection_info') is not None:
        values['connection_info'] = json.dumps(values['connection_info'])
    return values


def _live(session, instance_uuid):
    return session.query(_BDM).filter_by(instance_uuid=instance_uuid, deleted=0)


def next_device_name(taken, root='/dev/vda'):
    """The first ``/dev/vdX`` neither the root disk nor ``taken`` uses."""
    used = {name for name in taken if name} | {root}
    for letter in _LETTERS[1:]:
        if _DEVICE_PREFIX + letter not in used:
            return _DEVICE_PREFIX + letter
    raise exception.Invalid("No free device name: the server has 25 disks already")


def bdm_reserve(instance_uuid, values, device_name=None):
    """Record a volume mapping with a device name free on the server; returns it.

    The name is picked and the row written in one transaction, so two
    attaches to one server never get the same device.

    :raises Invalid: ``device_name`` is taken, or none is free.
    """
    with engine.writer() as session:
        taken = [row.device_name for row in _live(session, instance_uuid)]
        if device_name and device_name in taken:
            raise exception.Invalid(f"The supplied device path ({device_name}) is in use.")
        row = _BDM(**_encode(dict(values, uuid=str(uuid.uuid4()),
                                  instance_uuid=instance_uuid,
                                  device_name=device_name or next_device_name(taken))))
        session.add(row)
        session.flush()
        return _decode(row)


def bdm_create(instance_uuid, values):
    with engine.writer() as session:
        return add(session, instance_uuid, values)


def add(session, instance_uuid, values):
    """Record a mapping in the caller's transaction (the one creating the server)."""
    row = _BDM(**_encode(dict(values, uuid=str(uuid.uuid4()), instance_uuid=instance_uuid)))
    session.add(row)
    session.flush()
    return _decode(row)


def bdm_get_by_instance(instance_uuid):
    """The server's live mappings, boot disk first."""
    with engine.reader() as session:
        rows = _live(session, instance_uuid).order_by(_BDM.id)
        return [_decode(row) for row in rows]


def bdms_by_instances(instance_uuids):
    """``{instance_uuid: [mapping]}`` for a page of servers, one query."""
    found = {instance_uuid: [] for instance_uuid in instance_uuids}
    if not instance_uuids:
        return found
    with engine.reader() as session:
        rows = session.query(_BDM).filter(_BDM.instance_uuid.in_(instance_uuids),
                                          _BDM.deleted == 0).order_by(_BDM.id)
        for row in rows:
            found[row.instance_uuid].append(_decode(row))
    return found


def bdm_get_by_volume(instance_uuid, volume_id):
    """:raises VolumeDeviceNotFound: the volume is not attached to the server."""
    with engine.reader() as session:
        row = _live(session, instance_uuid).filter_by(volume_id=volume_id).first()
        if row is None:
            raise exception.VolumeDeviceNotFound(volume_id=volume_id,
                                                 instance_uuid=instance_uuid)
        return _decode(row)


def bdm_update(bdm_uuid, values):
    with engine.writer() as session:
        row = session.query(_BDM).filter_by(uuid=bdm_uuid, deleted=0).one_or_none()
        if row is None:
            raise exception.NotFound(f"Block device mapping {bdm_uuid} could not be found.")
        for key, value in _encode(values).items():
            setattr(row, key, value)
        session.flush()
        return _decode(row)


def bdm_destroy(bdm_uuid):
    """Soft-delete one mapping; one already gone is fine."""
    with engine.writer() as session:
        session.query(_BDM).filter_by(uuid=bdm_uuid, deleted=0).update(
            {'deleted': _BDM.id, 'deleted_at': utcnow()}, synchronize_session=False)


def bdm_destroy_by_instance(instance_uuid):
    with engine.writer() as session:
        _live(session, instance_uuid).update({'deleted': _BDM.id, 'deleted_at': utcnow()},
                                             synchronize_session=False)
