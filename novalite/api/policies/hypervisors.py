"""Rules of ``/os-hypervisors``: the compute nodes, administrators only."""

from novalite.api.policies import base

ROOT = 'os_compute_api:os-hypervisors:%s'
LIST = ROOT % 'list'
LIST_DETAIL = ROOT % 'list-detail'
STATISTICS = ROOT % 'statistics'
SHOW = ROOT % 'show'
SEARCH = ROOT % 'search'
SERVERS = ROOT % 'servers'
UPTIME = ROOT % 'uptime'

rules = [
    base.rule(LIST, base.ADMIN, "List all hypervisors", 'GET /os-hypervisors'),
    base.rule(LIST_DETAIL, base.ADMIN, "List all hypervisors with details",
              'GET /os-hypervisors/detail'),
    base.rule(STATISTICS, base.ADMIN, "Show the summed statistics of all hypervisors",
              'GET /os-hypervisors/statistics'),
    base.rule(SHOW, base.ADMIN, "Show the details of a hypervisor",
              'GET /os-hypervisors/{hypervisor_id}'),
    base.rule(SEARCH, base.ADMIN, "Search hypervisors by hypervisor_hostname pattern",
              'GET /os-hypervisors/{hypervisor_hostname_pattern}/search'),
    base.rule(SERVERS, base.ADMIN, "List the servers on hypervisors",
              'GET /os-hypervisors/{hypervisor_hostname_pattern}/servers'),
    base.rule(UPTIME, base.ADMIN, "Show the uptime of a hypervisor's host (up to 2.87)",
              'GET /os-hypervisors/{hypervisor_id}/uptime'),
]
