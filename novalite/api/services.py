"""os-services: the daemons on each host, admin only.

Before 2.53 a service is updated by host and binary:
``PUT /os-services/enable|disable|disable-log-reason`` and, from 2.11,
``force-down``; 2.11 also shows ``forced_down``. From 2.53 services are
named by uuid and a compute service is updated with
``PUT /os-services/{uuid}`` (``status``, ``disabled_reason``,
``forced_down``), answering the whole service. Binaries are shown by
Nova's names and taken by either (:mod:`novalite.api.binaries`).
"""

from oslo_utils import uuidutils

from novalite import exception, servicegroup
from novalite.api import binaries, microversion, policy, validation, wsgi
from novalite.api.policies import services as rules
from novalite.api.schemas import services as schemas
from novalite.compute import api as compute_api
from novalite.conf import CONF
from novalite.db import instances as db_instances
from novalite.db import services as db_services

INTERNAL_ZONE = 'internal'


def _view(req, service, zones):
    zone = INTERNAL_ZONE
    if service['binary'] == compute_api.COMPUTE_BINARY:
        zone = zones.get(service['host'], CONF.default_availability_zone)
    ident = service['uuid'] if microversion.is_supported(req, '2.53') else service['id']
    view = {'id': ident, 'binary': binaries.shown(service['binary']), 'host': service['host'],
            'zone': zone, 'status': 'disabled' if service['disabled'] else 'enabled',
            'state': 'up' if servicegroup.is_up(service) else 'down',
            'updated_at': wsgi.precise_time(service['updated_at']),
            'disabled_reason': service['disabled_reason']}
    if microversion.is_supported(req, '2.11'):
        view['forced_down'] = service['forced_down']
    return view


@policy.require(rules.LIST)
def index(req):
    binary = req.GET.get('binary')
    found = db_services.service_get_all(binary=binaries.stored(binary) if binary else None,
                                        host=req.GET.get('host'))
    zones = db_services.zones_by_host()
    return wsgi.json_response({'services': [_view(req, s, zones) for s in found]})


def _update(body, values):
    found = db_services.service_get_all(binary=binaries.stored(body['binary']),
                                        host=body['host'])
    if not found:
        raise exception.HostBinaryNotFound(host=body['host'], binary=body['binary'])
    db_services.service_update(found[0]['id'], values)


def _enable(body):
    _update(body, {'disabled': False, 'disabled_reason': None})
    return {'host': body['host'], 'binary': body['binary'], 'status': 'enabled'}


def _disable(body):
    _update(body, {'disabled': True, 'disabled_reason': None})
    return {'host': body['host'], 'binary': body['binary'], 'status': 'disabled'}


def _disable_log_reason(body):
    if 'disabled_reason' not in body:
        raise exception.Invalid("Missing disabled reason field")
    _update(body, {'disabled': True, 'disabled_reason': body['disabled_reason']})
    return {'host': body['host'], 'binary': body['binary'], 'status': 'disabled',
            'disabled_reason': body['disabled_reason']}


def _force_down(body):
    if 'forced_down' not in body:
        raise exception.Invalid("Missing forced_down field")
    forced_down = wsgi.parse_bool(body['forced_down'], 'forced_down')
    _update(body, {'forced_down': forced_down})
    return {'host': body['host'], 'binary': body['binary'], 'forced_down': forced_down}


_UPDATES = {'enable': _enable, 'disable': _disable, 'disable-log-reason': _disable_log_reason}


def _service_by_uuid(service_id):
    if not uuidutils.is_uuid_like(service_id):
        raise exception.Invalid(f"Invalid uuid {service_id}")
    try:
        return db_services.service_get(service_id)
    except exception.ServiceNotFound:
        raise exception.NotFound(f"Service with id {service_id} could not be found.") from None


def _changes_v253(body):
    """The columns a 2.53 update sets. :raises Invalid: a reason without disabling, or nothing."""
    values = {}
    status, reason = body.get('status'), body.get('disabled_reason')
    if reason is not None and status != 'disabled':
        raise exception.Invalid(
            "Specifying 'disabled_reason' with status 'enabled' is invalid.")
    if status is not None:
        values.update(disabled=status == 'disabled', disabled_reason=reason)
    if 'forced_down' in body:
        values['forced_down'] = wsgi.parse_bool(body['forced_down'], 'forced_down')
    if not values:
        raise exception.Invalid(
            "No updates were requested. Fields 'status' or 'forced_down' should be specified.")
    return values


def _update_v253(req, service_id):
    service = _service_by_uuid(service_id)
    if service['binary'] != compute_api.COMPUTE_BINARY:
        raise exception.Invalid(
            f"Updating a {binaries.shown(service['binary'])} service is not supported. "
            f"Only nova-compute services can be updated.")
    service = db_services.service_update(service['id'],
                                         _changes_v253(validation.load_body(req)))
    zones = db_services.zones_by_host([service['host']])
    return wsgi.json_response({'service': _view(req, service, zones)})


@policy.require(rules.UPDATE)
@validation.body(schemas.update, '2.0', '2.10')
@validation.body(schemas.update_v211, '2.11', '2.52')
@validation.body(schemas.update_v253, '2.53')
def update(req, service_id):
    if microversion.is_supported(req, '2.53'):
        return _update_v253(req, service_id)
    updates = dict(_UPDATES)
    if microversion.is_supported(req, '2.11'):
        updates['force-down'] = _force_down
    if service_id not in updates:
        raise exception.NotFound("Unknown action")
    return wsgi.json_response({'service': updates[service_id](validation.load_body(req))})


def _service_by_id(req, service_id):
    if microversion.is_supported(req, '2.53'):
        return _service_by_uuid(service_id)
    try:
        return db_services.service_get(int(service_id))
    except ValueError:
        raise exception.Invalid(f"Service id {service_id} must be an integer") from None
    except exception.ServiceNotFound:
        raise exception.NotFound(f"Service {service_id} not found.") from None


@policy.require(rules.DELETE)
def delete(req, service_id):
    service = _service_by_id(req, service_id)
    if service['binary'] == compute_api.COMPUTE_BINARY and db_instances.instance_get_all(
            {'host': service['host']}, limit=1):
        raise exception.ComputeServiceInUse()
    db_services.service_destroy(service['id'])
    return wsgi.empty_response(204)
