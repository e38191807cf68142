"""Rules of ``/os-availability-zone``."""

from novalite.api.policies import base

LIST = 'os_compute_api:os-availability-zone:list'
DETAIL = 'os_compute_api:os-availability-zone:detail'

rules = [
    base.rule(LIST, base.ANY, "List availability zone information without host information",
              'GET /os-availability-zone'),
    base.rule(DETAIL, base.ADMIN, "List detailed availability zone information with host "
              "information", 'GET /os-availability-zone/detail'),
]
