"""os-quota-class-sets: the ``default`` class's limits, which every project starts from.

Admins only. As in Nova, only the class ``default`` is applied; other
classes can be set and shown but back no project. The server group
resources appear from 2.50, the nova-network ones go at 2.50 and the
injected files at 2.57.
"""

from novalite import exception, quota
from novalite.api import policy, quota_view, validation
from novalite.api.policies import quotas as rules
from novalite.api.schemas import quota_sets as schemas
from novalite.db import quotas as db_quotas

_MAX_NAME = 255


def _check_name(class_name):
    if not 0 < len(class_name) <= _MAX_NAME:
        raise exception.Invalid(f"The quota class name must be 1 to {_MAX_NAME} characters.")


@policy.require(rules.CLASSES % 'show')
def show(req, class_name):
    _check_name(class_name)
    return quota_view.quota_set(req, quota.class_limits(class_name), class_name,
                                key='quota_class_set',
                                hidden=quota_view.hidden_class_quotas(req))


@policy.require(rules.CLASSES % 'update')
@validation.body(schemas.class_update, '2.0', '2.49')
@validation.body(schemas.class_update_v250, '2.50', '2.56')
@validation.body(schemas.class_update_v257, '2.57')
def update(req, class_name):
    _check_name(class_name)
    values = validation.load_body(req)['quota_class_set']
    db_quotas.set_limits({resource: int(value) for resource, value in values.items()},
                         class_name=class_name)
    # Nova answers an update without the id.
    return quota_view.quota_set(req, quota.class_limits(class_name), key='quota_class_set',
                                hidden=quota_view.hidden_class_quotas(req))
