"""``/os-host-drains`` (beyond Nova): drain a compute host server-side, and watch it.

``POST`` disables the host and queues its servers (202 with the drain);
``GET /os-host-drains/{id}`` shows each server's status, move, attempts,
migration and, while it moves, the bytes its migration has copied. The
conductor runs the drain (:mod:`novalite.conductor.drain`).
"""

from novalite.api import policy, servers, validation, wsgi
from novalite.api.policies import host_drains as rules
from novalite.api.schemas import host_drains as schemas
from novalite.compute import host_drain
from novalite.db import host_drains as db_host_drains
from novalite.db import server_migrations

_PROGRESS = ('memory_total', 'memory_processed', 'memory_remaining', 'disk_total',
             'disk_processed', 'disk_remaining')


def _summary(drain):
    return {'id': drain['uuid'], 'host': drain['host'], 'mode': drain['mode'],
            'status': drain['status'], 'max_outbound_per_host': drain['max_outbound'],
            'max_parallel': drain['max_parallel'],
            'created_at': wsgi.precise_time(drain['created_at']),
            'updated_at': wsgi.precise_time(drain['updated_at']),
            'finished_at': wsgi.precise_time(drain['finished_at'])}


def _server(item):
    view = {'server_id': item['instance_uuid'], 'status': item['status'], 'move': item['move'],
            'attempts': item['attempts'], 'migration_id': item['migration_uuid'],
            'message': item['message'], 'source_compute': None, 'dest_compute': None}
    if item['migration_uuid']:
        migration = server_migrations.migration_get(item['migration_uuid'])
        view.update({key + '_bytes': migration[key] for key in _PROGRESS},
                    source_compute=migration['source_compute'],
                    dest_compute=migration['dest_compute'],
                    migration_status=migration['status'])
    return view


def _detail(drain):
    servers_view = [_server(item) for item in drain['items']]
    counts = {}
    for server in servers_view:
        counts[server['status']] = counts.get(server['status'], 0) + 1
    return dict(_summary(drain), servers=servers_view, counts=counts)


@policy.require(rules.CREATE)
@validation.body(schemas.create)
def create(req):
    asked = validation.load_body(req)['host_drain']
    drain = host_drain.start(wsgi.context(req), servers.COMPUTE.compute_task_api,
                             asked['host'], asked.get('mode', 'live'),
                             asked.get('max_outbound_per_host'), asked.get('max_parallel'))
    return wsgi.json_response({'host_drain': _detail(drain)}, status=202)


@policy.require(rules.SHOW)
def index(req):
    found = db_host_drains.drain_get_all(host=req.GET.get('host'))
    return wsgi.json_response({'host_drains': [_summary(drain) for drain in found]})


@policy.require(rules.SHOW)
def show(req, drain_id):
    return wsgi.json_response({'host_drain': _detail(db_host_drains.drain_get(drain_id))})
