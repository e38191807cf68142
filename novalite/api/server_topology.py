"""``GET /servers/{id}/topology`` (2.78): the guest's NUMA cells and what backs them.

novalite builds no guest with a NUMA topology (``hw:numa_*`` extra specs are
validated, not applied), so every server answers as Nova answers for one
without: no nodes and no page size.
"""

from novalite.api import microversion, servers, wsgi
from novalite.api.policies import servers as rules


@microversion.supported('2.78')
def index(req, server_id):
    servers.get_instance(req, server_id, rules.TOPOLOGY)
    return wsgi.json_response({'nodes': [], 'pagesize_kb': None})
