"""os-simple-tenant-usage: server hours, and vCPU, RAM and disk hours, per project.

``start``/``end`` bound the period (default: now to now); ``detailed=1``
lists each server. Admins list every project; members show their own. From
2.40 ``limit``/``marker`` page the servers the summary is made of.
"""

import datetime

from oslo_utils import timeutils

from novalite import exception
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import simple_tenant_usage as rules
from novalite.api.schemas import simple_tenant_usage as schemas
from novalite.db import usage as db_usage

_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d %H:%M:%S.%f')


def _parse_time(text):
    if not text:
        return timeutils.utcnow()
    for form in _FORMATS:
        try:
            return datetime.datetime.strptime(text, form)
        except ValueError:
            continue
    raise exception.Invalid(f"Invalid datetime string: {text}")


def _params(req, index):
    if microversion.is_supported(req, '2.75'):
        schema = schemas.index_query_v275 if index else schemas.show_query_v275
    elif microversion.is_supported(req, '2.40'):
        schema = schemas.index_query_v240 if index else schemas.show_query_v240
    else:
        schema = schemas.index_query if index else schemas.show_query
    params = validation.query(req, schema)
    start, stop = _parse_time(params.get('start')), _parse_time(params.get('end'))
    if not start < stop:
        raise exception.Invalid(
            "Invalid start time. The start time cannot occur after the end time.")
    limit, marker = None, None
    if microversion.is_supported(req, '2.40'):
        limit, marker = wsgi.limit_and_marker(params)
    return start, stop, params.get('detailed') == '1', limit, marker


def _hours(server, start, stop):
    begun = max(server['launched_at'], start)
    ended = min(stop, server['terminated_at']) if server['terminated_at'] else stop
    return max((ended - begun).total_seconds(), 0) / 3600.0


def _server_usage(server, start, stop, now):
    flavor = server['flavor']
    ended = server['terminated_at']
    uptime = (ended or now) - server['launched_at']
    return {
        'instance_id': server['uuid'], 'name': server['display_name'],
        'tenant_id': server['project_id'], 'flavor': flavor.get('name', ''),
        'hours': _hours(server, start, stop), 'memory_mb': flavor['memory_mb'],
        'local_gb': flavor['root_gb'] + flavor['ephemeral_gb'], 'vcpus': flavor['vcpus'],
        'started_at': server['launched_at'].isoformat(),
        'ended_at': ended.isoformat() if ended else None,
        'state': 'terminated' if ended else server['vm_state'],
        'uptime': int(uptime.total_seconds()),
    }


def _summaries(servers, start, stop, detailed):
    now = timeutils.utcnow()
    summaries = {}
    for server in servers:
        info = _server_usage(server, start, stop, now)
        summary = summaries.setdefault(info['tenant_id'], {
            'tenant_id': info['tenant_id'], 'total_local_gb_usage': 0,
            'total_vcpus_usage': 0, 'total_memory_mb_usage': 0, 'total_hours': 0,
            'start': start.isoformat(), 'stop': stop.isoformat(),
            **({'server_usages': []} if detailed else {})})
        summary['total_local_gb_usage'] += info['local_gb'] * info['hours']
        summary['total_vcpus_usage'] += info['vcpus'] * info['hours']
        summary['total_memory_mb_usage'] += info['memory_mb'] * info['hours']
        summary['total_hours'] += info['hours']
        if detailed:
            summary['server_usages'].append(info)
    return list(summaries.values())


def _next_link(req, servers, limit):
    if not limit or len(servers) < limit:
        return []
    return wsgi.Links(req).next(req, 'os-simple-tenant-usage', servers[-1]['uuid'])


@policy.require(rules.LIST)
def index(req):
    start, stop, detailed, limit, marker = _params(req, index=True)
    servers = db_usage.instances_active_in(start, stop, limit=limit, marker=marker)
    body = {'tenant_usages': _summaries(servers, start, stop, detailed)}
    links = _next_link(req, servers, limit)
    if links:
        body['tenant_usages_links'] = links
    return wsgi.json_response(body)


def show(req, tenant_id):
    policy.authorize(wsgi.context(req), rules.SHOW, {'project_id': tenant_id})
    start, stop, _detailed, limit, marker = _params(req, index=False)
    servers = db_usage.instances_active_in(start, stop, project_id=tenant_id, limit=limit,
                                           marker=marker)
    summaries = _summaries(servers, start, stop, detailed=True)
    body = {'tenant_usage': summaries[0] if summaries else {}}
    links = _next_link(req, servers, limit)
    if links:
        body['tenant_usage_links'] = links
    return wsgi.json_response(body)
