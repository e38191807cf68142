"""Rules of ``/limits``."""

from novalite.api.policies import base

SHOW = 'os_compute_api:limits'

rules = [
    base.rule(SHOW, base.ANY, "Show rate and absolute limits for the current user's project",
              'GET /limits'),
]
