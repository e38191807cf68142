"""Rules of ``/limits``."""

from novalite.api.policies import base

SHOW = 'os_compute_api:limits'
OTHER_PROJECT = 'os_compute_api:limits:other_project'

rules = [
    base.rule(SHOW, base.ANY, "Show rate and absolute limits for the current user's project",
              'GET /limits'),
    base.rule(OTHER_PROJECT, base.ADMIN,
              "Show rate and absolute limits of another project (tenant_id)", 'GET /limits'),
]
