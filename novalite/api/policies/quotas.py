"""Rules of ``/os-quota-sets`` and ``/os-quota-class-sets``.

A project's readers see its quotas; administrators set and reset them and
own the quota classes. Anyone may read the defaults, as in Nova.
"""

from novalite.api.policies import base

SETS = 'os_compute_api:os-quota-sets:%s'
CLASSES = 'os_compute_api:os-quota-class-sets:%s'
_SET = '/os-quota-sets/{tenant_id}'

rules = [
    base.rule(SETS % 'show', base.PROJECT_READER_OR_ADMIN, "Show a quota", f'GET {_SET}'),
    base.rule(SETS % 'detail', base.PROJECT_READER_OR_ADMIN, "Show the detail of quota",
              f'GET {_SET}/detail'),
    base.rule(SETS % 'defaults', base.ANY, "List default quotas", f'GET {_SET}/defaults'),
    base.rule(SETS % 'update', base.ADMIN, "Update the quotas", f'PUT {_SET}'),
    base.rule(SETS % 'delete', base.ADMIN, "Revert quotas to defaults", f'DELETE {_SET}'),
    base.rule(CLASSES % 'show', base.ADMIN, "List quotas for specific quota classs",
              'GET /os-quota-class-sets/{quota_class}'),
    base.rule(CLASSES % 'update', base.ADMIN, "Update quotas for specific quota class",
              'PUT /os-quota-class-sets/{quota_class}'),
]
