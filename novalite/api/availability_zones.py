"""os-availability-zone: zones of the compute hosts; with ``/detail`` (admin) their hosts.

A zone is available when one of its compute services is enabled and up.
Services other than compute sit in the ``internal`` zone, listed in the
detail view only, as Nova does.
"""

from novalite import servicegroup
from novalite.api import binaries, policy, wsgi
from novalite.api import services as services_api
from novalite.api.policies import availability_zones as rules
from novalite.compute import api as compute_api
from novalite.conf import CONF
from novalite.db import services as db_services


def _zone_of(service, zones):
    if service['binary'] != compute_api.COMPUTE_BINARY:
        return services_api.INTERNAL_ZONE
    return zones.get(service['host'], CONF.default_availability_zone)


def _zones(detail):
    zones = db_services.zones_by_host()
    result = {}
    for service in db_services.service_get_all():
        zone = _zone_of(service, zones)
        if zone == services_api.INTERNAL_ZONE and not detail:
            continue
        up = servicegroup.is_up(service)
        entry = result.setdefault(zone, {'zoneName': zone, 'zoneState': {'available': False},
                                         'hosts': {} if detail else None})
        if up and not service['disabled']:
            entry['zoneState']['available'] = True
        if detail:
            host = entry['hosts'].setdefault(service['host'], {})
            host[binaries.shown(service['binary'])] = {
                'available': up, 'active': not service['disabled'],
                'updated_at': wsgi.precise_time(service['updated_at'])}
    return sorted(result.values(), key=lambda zone: zone['zoneName'])


@policy.require(rules.LIST)
def index(req):
    return wsgi.json_response({'availabilityZoneInfo': _zones(detail=False)})


@policy.require(rules.DETAIL)
def detail(req):
    return wsgi.json_response({'availabilityZoneInfo': _zones(detail=True)})
