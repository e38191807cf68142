"""Host aggregates (``os-aggregates``, administrators): CRUD, hosts, metadata.

An aggregate's ``availability_zone`` (its metadata key of that name) is the
zone of its hosts: what servers, ``os-availability-zone``, the create path's
zone check and the scheduler see. As in Nova, a host may not be in two
aggregates of different zones, and a zone may not change under servers.
2.41 shows the aggregate's uuid.
"""

from novalite import exception
from novalite.api import microversion, policy, services, validation, wsgi
from novalite.api.policies import aggregates as rules
from novalite.api.schemas import aggregates as schemas
from novalite.compute import api as compute_api
from novalite.db import aggregates as db_aggregates
from novalite.db import instances as db_instances
from novalite.db import services as db_services

ZONE = db_aggregates.ZONE_KEY


def _view(req, aggregate):
    return wsgi.json_response({'aggregate': _body(req, aggregate)})


def _body(req, aggregate):
    body = {
        'id': aggregate['id'], 'name': aggregate['name'],
        'availability_zone': aggregate['metadata'].get(ZONE),
        'hosts': aggregate['hosts'], 'metadata': aggregate['metadata'],
        'created_at': wsgi.precise_time(aggregate['created_at']),
        'updated_at': wsgi.precise_time(aggregate['updated_at']),
        'deleted': False, 'deleted_at': None,
    }
    if microversion.is_supported(req, '2.41'):
        body['uuid'] = aggregate['uuid']
    return body


def aggregate_id_of(aggregate_id):
    """The path's aggregate id as an integer. :raises Invalid: it is not one (400, as Nova)."""
    try:
        return int(aggregate_id)
    except ValueError:
        raise exception.Invalid("Invalid input received: id must be an integer") from None


def _check_zone_change(aggregate, zone, error):
    """:raises ``error``: the zone is the internal one, or would move hosts or servers."""
    if zone is None or zone == aggregate['metadata'].get(ZONE):
        return
    if zone == services.INTERNAL_ZONE:
        raise error(aggregate_id=aggregate['id'],
                    reason="The internal availability zone cannot be used")
    conflicting = db_aggregates.hosts_with_other_zone(aggregate['hosts'], zone,
                                                      aggregate['id'])
    if conflicting:
        raise error(aggregate_id=aggregate['id'],
                    reason=f"One or more hosts already in availability zone(s) "
                           f"{conflicting}")
    if any(db_instances.instance_get_all_by_host(host) for host in aggregate['hosts']):
        raise error(aggregate_id=aggregate['id'],
                    reason="One or more hosts contain instances in this zone")


@policy.require(rules.ROOT % 'index')
def index(req):
    return wsgi.json_response({'aggregates': [
        _body(req, aggregate) for aggregate in db_aggregates.aggregate_get_all()]})


@policy.require(rules.ROOT % 'create')
@validation.body(schemas.create)
def create(req):
    body = validation.load_body(req)['aggregate']
    zone = body.get('availability_zone')
    if zone == services.INTERNAL_ZONE:
        raise exception.Invalid("The internal availability zone cannot be used")
    metadata = {ZONE: zone} if zone else {}
    return _view(req, db_aggregates.aggregate_create(body['name'], metadata))


@policy.require(rules.ROOT % 'show')
def show(req, aggregate_id):
    return _view(req, db_aggregates.aggregate_get(aggregate_id_of(aggregate_id)))


@policy.require(rules.ROOT % 'update')
@validation.body(schemas.update)
def update(req, aggregate_id):
    body = validation.load_body(req)['aggregate']
    aggregate = db_aggregates.aggregate_get(aggregate_id_of(aggregate_id))
    metadata = {}
    if body.get('availability_zone'):
        _check_zone_change(aggregate, body['availability_zone'], exception.InvalidAggregateAction)
        metadata[ZONE] = body['availability_zone']
    return _view(req, db_aggregates.aggregate_update(aggregate['id'], body.get('name'),
                                                     metadata))


@policy.require(rules.ROOT % 'delete')
def delete(req, aggregate_id):
    db_aggregates.aggregate_delete(aggregate_id_of(aggregate_id))
    return wsgi.empty_response(200)


def _add_host(req, aggregate, body):
    host = body['add_host']['host']
    if not db_services.service_get_all(binary=compute_api.COMPUTE_BINARY, host=host):
        raise exception.ComputeHostNotFound(host=host)
    zone = aggregate['metadata'].get(ZONE)
    if zone and db_aggregates.hosts_with_other_zone([host], zone, aggregate['id']):
        raise exception.InvalidAggregateActionAdd(
            aggregate_id=aggregate['id'],
            reason=f"Host {host} is already in another availability zone")
    return db_aggregates.aggregate_host_add(aggregate['id'], host)


def _remove_host(req, aggregate, body):
    host = body['remove_host']['host']
    if not db_services.service_get_all(binary=compute_api.COMPUTE_BINARY, host=host):
        raise exception.ComputeHostNotFound(host=host)
    return db_aggregates.aggregate_host_delete(aggregate['id'], host)


def _set_metadata(req, aggregate, body):
    metadata = body['set_metadata']['metadata']
    if ZONE in metadata:
        _check_zone_change(aggregate, metadata[ZONE], exception.InvalidAggregateAction)
    return db_aggregates.aggregate_update(aggregate['id'], metadata=metadata)


# action -> (policy rule, schema, runner)
_ACTIONS = {
    'add_host': (rules.ROOT % 'add_host', schemas.add_host, _add_host),
    'remove_host': (rules.ROOT % 'remove_host', schemas.remove_host, _remove_host),
    'set_metadata': (rules.ROOT % 'set_metadata', schemas.set_metadata, _set_metadata),
}


def action(req, aggregate_id):
    body = validation.load_body(req)
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in _ACTIONS:
        raise exception.Invalid("Invalid request body: expected one of "
                                f"{sorted(_ACTIONS)}")
    rule, schema, run = _ACTIONS[next(iter(body))]
    policy.authorize(wsgi.context(req), rule)
    validation.validate(schema, body)
    aggregate = db_aggregates.aggregate_get(aggregate_id_of(aggregate_id))
    return _view(req, run(req, aggregate, body))
