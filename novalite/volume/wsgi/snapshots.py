"""Volume snapshots: create (``force`` for an in-use volume), list (with detail),
show, update, delete.

Views follow Cinder's: id, name, description, volume_id, status, size (the
volume's when taken), metadata and times; show and detail add
``os-extended-snapshot-attributes:progress`` and ``:project_id``; from 3.41
``user_id``, from 3.65 ``consumes_quota``. From 3.66 an in-use volume needs
no ``force``.
"""

from novalite import exception
from novalite.db import volume_snapshots as db
from novalite.volume import snapshot_api
from novalite.volume.wsgi import common, listing, microversion
from novalite.volume.wsgi.volumes import VOLUMES

_FILTERS = {'name': 'display_name', 'status': 'status', 'volume_id': 'volume_uuid'}
_SORT_KEYS = {'created_at': 'created_at', 'updated_at': 'updated_at', 'name': 'display_name',
              'size': 'volume_size', 'status': 'status', 'id': 'id'}


def _view(req, snapshot, detail=True):
    view = {'id': snapshot['uuid'], 'name': snapshot['display_name'],
            'description': snapshot['display_description'],
            'volume_id': snapshot['volume_uuid'], 'status': snapshot['status'],
            'size': snapshot['volume_size'], 'metadata': snapshot['snapshot_metadata'],
            'created_at': common.isotime(snapshot['created_at']),
            'updated_at': common.isotime(snapshot['updated_at'])}
    if detail:
        view['os-extended-snapshot-attributes:progress'] = snapshot['progress']
        view['os-extended-snapshot-attributes:project_id'] = snapshot['project_id']
    if microversion.is_supported(req, '3.41'):
        view['user_id'] = snapshot['user_id']
    if detail and microversion.is_supported(req, '3.65'):
        view['consumes_quota'] = True
    return view


def _list(req, detail):
    ctx = common.context(req)
    limit, marker = common.limit_and_marker(req)
    sort_key, sort_dir = listing.sort_of(req, _SORT_KEYS)
    if marker:
        snapshot_api.get(ctx, marker)
    filters = listing.filters_of(req, ctx, _FILTERS)
    found = [] if listing.matches_nothing(req) else db.snapshot_get_all(
        filters, limit=limit, marker=marker, sort_key=sort_key, sort_dir=sort_dir)
    return listing.page(req, 'snapshots', [_view(req, snapshot, detail) for snapshot in found],
                        limit, lambda: db.snapshot_count(filters), detail)


def index(req):
    return _list(req, detail=False)


def detail(req):
    return _list(req, detail=True)


def show(req, snapshot_id):
    snapshot = snapshot_api.get(common.context(req), snapshot_id)
    return common.json_response({'snapshot': _view(req, snapshot)})


def create(req):
    values = common.body(req, 'snapshot')
    if not values.get('volume_id'):
        raise exception.Invalid("Invalid input received: 'volume_id' is a required property")
    metadata = values.get('metadata') or {}
    if not isinstance(metadata, dict):
        raise exception.Invalid("Invalid metadata: it must be an object")
    force = _force(req, values)
    ctx = common.context(req)
    snapshot = snapshot_api.create(
        ctx, VOLUMES.rpcapi, VOLUMES.get(ctx, values['volume_id']),
        name=values.get('name') or values.get('display_name'),
        description=values.get('description') or values.get('display_description'),
        metadata=metadata, force=force)
    return common.json_response({'snapshot': _view(req, snapshot)}, status=202)


def _force(req, values):
    """``force`` (an in-use volume's snapshot) until 3.66; from 3.66 it is implied and
    an explicit false is a 400, as in Cinder."""
    force = snapshot_api.parse_force(values.get('force', False))
    if not microversion.is_supported(req, '3.66'):
        return force
    if 'force' in values and not force:
        raise exception.Invalid("Since microversion 3.66 the 'force' flag is invalid for "
                                "this request. For backward compatibility, however, when "
                                "the 'force' flag is passed with a value evaluating to True, "
                                "it is silently ignored.")
    return True


def update(req, snapshot_id):
    values = common.body(req, 'snapshot')
    changes = {column: values[key] for key, column in (
        ('name', 'display_name'), ('display_name', 'display_name'),
        ('description', 'display_description'),
        ('display_description', 'display_description')) if key in values}
    if not changes:
        raise exception.Invalid("Missing request body: nothing to update")
    ctx = common.context(req)
    snapshot = snapshot_api.update(ctx, snapshot_api.get(ctx, snapshot_id), changes)
    return common.json_response({'snapshot': _view(req, snapshot)})


def delete(req, snapshot_id):
    ctx = common.context(req)
    snapshot_api.delete(ctx, VOLUMES.rpcapi, snapshot_api.get(ctx, snapshot_id))
    return common.empty_response(202)
