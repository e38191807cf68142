"""Options of the ``[quota]`` group: default limits and how creates are counted."""

from oslo_config import cfg

_LIMIT_HELP = """
Default number of %s a project may %s. A project's own limit
(``os-quota-sets``) or the ``default`` quota class
(``os-quota-class-sets``) overrides it.

Possible values:

* A positive integer or 0.
* -1 to disable the quota.
"""


def _limit(name, default, what, verb='have'):
    return cfg.IntOpt(name, default=default, min=-1, help=_LIMIT_HELP % (what, verb))


quota_opts = [
    _limit('instances', 10, 'servers'),
    _limit('cores', 20, 'vCPUs', 'have across its servers'),
    _limit('ram', 50 * 1024, 'MiB of RAM', 'have across its servers'),
    _limit('metadata_items', 128, 'metadata items', 'set on one server'),
    _limit('injected_files', 5, 'files', 'inject into one server (personality)'),
    _limit('injected_file_content_bytes', 10 * 1024, 'bytes', 'put in one injected file'),
    _limit('injected_file_path_length', 255, 'characters', 'use in an injected file path'),
    _limit('key_pairs', 100, 'key pairs', 'have per user'),
    _limit('server_groups', 10, 'server groups', 'have'),
    _limit('server_group_members', 10, 'servers', 'put in one server group per user'),
    cfg.IntOpt('reservation_expire',
               default=60,
               min=1,
               help="""
Seconds a server create holds the quota it counted before its rows exist.

A create counts usage and records a reservation under a per-project lock,
writes its instance rows, then drops the reservation; while it holds one,
concurrent creates (in any API worker) count it as used, so together they
never exceed the quota. A reservation left by an API worker that died
mid-create stops counting after this many seconds.

Possible values:

* A number of seconds, well above the time a create takes to write its
  rows (milliseconds normally).
"""),
]


def register_opts(conf):
    conf.register_opts(quota_opts, group='quota')


def list_opts():
    return {'quota': quota_opts}
