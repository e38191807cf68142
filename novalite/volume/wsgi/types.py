"""Volume types (one: the default) and the project's absolute limits.

From 3.52 the listing filters on ``extra_specs`` (a JSON object): the
default type has none, so any non-empty filter matches nothing.
"""

import json

from novalite import exception
from novalite.conf import CONF
from novalite.db import volume_snapshots as snapshot_db
from novalite.db import volumes as db
from novalite.volume import api as volume_api
from novalite.volume.wsgi import common, microversion


def _default_type():
    return {'id': volume_api.DEFAULT_TYPE_ID, 'name': CONF.volume.default_volume_type,
            'description': 'Default Volume Type', 'is_public': True,
            'os-volume-type-access:is_public': True, 'extra_specs': {},
            'qos_specs_id': None}


def index(req):
    found = [_default_type()]
    if 'extra_specs' in req.GET and microversion.is_supported(req, '3.52'):
        try:
            wanted = json.loads(req.GET['extra_specs'] or '{}')
        except ValueError:
            wanted = None
        if not isinstance(wanted, dict):
            raise exception.Invalid(f"Invalid input received: extra_specs "
                                    f"{req.GET['extra_specs']} is not a dictionary")
        found = [t for t in found if all(t['extra_specs'].get(k) == v
                                         for k, v in wanted.items())]
    return common.json_response({'volume_types': found})


def default(req):
    return common.json_response({'volume_type': _default_type()})


def show(req, type_id):
    if type_id not in (volume_api.DEFAULT_TYPE_ID, CONF.volume.default_volume_type):
        raise exception.NotFound(f"Volume type {type_id} could not be found.")
    return common.json_response({'volume_type': _default_type()})


def limits(req):
    project_id = common.context(req).project_id
    return common.json_response({'limits': {'rate': [], 'absolute': {
        'maxTotalVolumes': CONF.volume.quota_volumes,
        'maxTotalVolumeGigabytes': CONF.volume.quota_gigabytes,
        'maxTotalSnapshots': CONF.volume.quota_snapshots,
        'maxTotalBackups': 0, 'maxTotalBackupGigabytes': 0,
        'totalVolumesUsed': db.volume_usage(project_id)[0],
        'totalGigabytesUsed': volume_api.gigabytes_used(project_id),
        'totalSnapshotsUsed': snapshot_db.snapshot_usage(project_id)[0],
        'totalBackupsUsed': 0, 'totalBackupGigabytesUsed': 0}}})
