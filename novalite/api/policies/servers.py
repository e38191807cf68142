"""Rules of ``/servers``: listing, showing, creating, updating and deleting servers."""

from novalite.api.policies import base

SERVERS = 'os_compute_api:servers:%s'
INDEX = SERVERS % 'index'
DETAIL = SERVERS % 'detail'
INDEX_ALL_TENANTS = SERVERS % 'index:get_all_tenants'
DETAIL_ALL_TENANTS = SERVERS % 'detail:get_all_tenants'
SHOW = SERVERS % 'show'
HOST_STATUS = SERVERS % 'show:host_status'
CREATE = SERVERS % 'create'
FORCED_HOST = SERVERS % 'create:forced_host'
CREATE_TRUSTED_CERTS = SERVERS % 'create:trusted_certs'
REQUESTED_DESTINATION = 'compute:servers:create:requested_destination'
UPDATE = SERVERS % 'update'
DELETE = SERVERS % 'delete'
REBOOT = SERVERS % 'reboot'
START = SERVERS % 'start'
STOP = SERVERS % 'stop'
EXTENDED_ATTRIBUTES = 'os_compute_api:os-extended-server-attributes'
IPS = 'os_compute_api:ips:index'
TOPOLOGY = 'compute:server:topology:index'
TOPOLOGY_HOST = 'compute:server:topology:host:index'

_ONE = '/servers/{server_id}'
_ACTION = _ONE + '/action (%s)'

rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN, "List all servers", 'GET /servers'),
    base.rule(DETAIL, base.PROJECT_READER_OR_ADMIN,
              "List all servers with detailed information", 'GET /servers/detail'),
    base.rule(INDEX_ALL_TENANTS, base.ADMIN, "List all servers for all projects",
              'GET /servers'),
    base.rule(DETAIL_ALL_TENANTS, base.ADMIN,
              "List all servers with detailed information for all projects",
              'GET /servers/detail'),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, "Show a server", 'GET ' + _ONE),
    base.rule(HOST_STATUS, base.ADMIN,
              "Show a server with the status of its compute host (host_status, 2.16)",
              'GET ' + _ONE, 'GET /servers/detail'),
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN, "Create a server", 'POST /servers'),
    base.rule(CREATE_TRUSTED_CERTS, base.PROJECT_MEMBER_OR_ADMIN,
              "Create a server with trusted image certificate IDs (2.63)", 'POST /servers'),
    base.rule(FORCED_HOST, base.ADMIN,
              "Create a server on the specified host and/or node, bypassing the "
              "scheduler's filters (availability_zone 'zone:host:node')", 'POST /servers'),
    base.rule(TOPOLOGY, base.PROJECT_READER_OR_ADMIN,
              "Show the NUMA topology of a server (2.78)", 'GET ' + _ONE + '/topology'),
    base.rule(TOPOLOGY_HOST, base.ADMIN,
              "Show the host side of a server's NUMA topology (2.78)",
              'GET ' + _ONE + '/topology'),
    base.rule(REQUESTED_DESTINATION, base.ADMIN,
              "Create a server on the specified host and/or node, through the scheduler's "
              "filters (host and hypervisor_hostname, 2.74)", 'POST /servers'),
    base.rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN, "Update a server", 'PUT ' + _ONE),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN, "Delete a server", 'DELETE ' + _ONE),
    base.rule(REBOOT, base.PROJECT_MEMBER_OR_ADMIN, "Reboot a server",
              'POST ' + _ACTION % 'reboot'),
    base.rule(START, base.PROJECT_MEMBER_OR_ADMIN, "Start a server",
              'POST ' + _ACTION % 'os-start'),
    base.rule(STOP, base.PROJECT_MEMBER_OR_ADMIN, "Stop a server",
              'POST ' + _ACTION % 'os-stop'),
    base.rule(EXTENDED_ATTRIBUTES, base.ADMIN,
              "Show the OS-EXT-SRV-ATTR attributes of servers (host, instance name, "
              "and from 2.3 hostname, kernel, user data...)",
              'GET /servers/detail', 'GET ' + _ONE, 'PUT ' + _ONE),
    base.rule(IPS, base.PROJECT_READER_OR_ADMIN, "List the addresses of a server",
              'GET ' + _ONE + '/ips'),
]
