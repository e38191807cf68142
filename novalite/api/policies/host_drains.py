"""Rules of ``/os-host-drains`` (beyond Nova): moving every server off a host, admins only."""

from novalite.api.policies import base

CREATE = 'os_compute_api:os-host-drains:create'
SHOW = 'os_compute_api:os-host-drains:show'

rules = [
    base.rule(CREATE, base.ADMIN,
              "Drain a compute host: disable it and move its servers elsewhere",
              'POST /os-host-drains'),
    base.rule(SHOW, base.ADMIN, "List host drains and show one with its servers' progress",
              'GET /os-host-drains, GET /os-host-drains/{drain_id}'),
]
